/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/*
 * mod_cors: the cors-policy handler, in the style of mod_info and
 * server-status.  For one URL it runs httpd's own lookup of that URL as a
 * subrequest, so every section, .htaccess, <If> and RewriteRule applies as
 * for a real request, and shows the merged policy, where each value was
 * set, and, given an Origin, a method and request headers, what mod_cors
 * decides and why.
 *
 *   <Location "/cors-policy">
 *       SetHandler cors-policy
 *       Require local
 *   </Location>
 *
 *   /cors-policy?url=/api/x&origin=https://app.example.com&method=PUT
 *       &headers=content-type,x-requested-with[&format=text|html|json]
 *
 * It tells whoever may call it what the policy is, as server-status
 * tells what the server does: protect it the same way (Require local, or
 * Require ip with the administrators' addresses).
 *
 * This file holds what the handler finds out: its parameters, the lookup,
 * the decisions and the policy's rows; mod_cors_info_output.c writes them
 * as text, HTML or JSON.
 */

#include "mod_cors.h"
#include "mod_cors_info.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"

#define CORS_POLICY_HANDLER "cors-policy"

/* --------------------------------------------------------------------- */
/* The policy, field by field                                             */

/* The describe lines' names, and the fields whose source each shows. */
static const struct {
    const char *name;
    int field;  /**< cors_field_e, or -1 */
    int field2; /**< a second field shown on the same line, or -1 */
} cors_info_fields[] = {
    {"origins", CORS_FIELD_ORIGINS, -1},
    {"origin patterns", CORS_FIELD_ORIGIN_PATTERNS, -1},
    {"credentials", CORS_FIELD_CREDENTIALS, -1},
    {"methods", CORS_FIELD_METHODS, -1},
    {"allow headers", CORS_FIELD_ALLOW_HEADERS, -1},
    {"expose headers", CORS_FIELD_EXPOSE_HEADERS, -1},
    {"max-age", CORS_FIELD_MAX_AGE, -1},
    {"preflight", CORS_FIELD_PREFLIGHT, CORS_FIELD_PREFLIGHT_STATUS},
    {"upstream headers", CORS_FIELD_UPSTREAM, -1},
    {"timing-allow-origin", CORS_FIELD_TIMING_ALLOW_ORIGIN, -1},
    {"private network", CORS_FIELD_PRIVATE_NETWORK, -1},
    {"debug header", CORS_FIELD_DEBUG_HEADER, -1},
    {"shadow", CORS_FIELD_SHADOW, -1},
    {"origin source", CORS_FIELD_ORIGIN_SOURCES, -1},
};

static const char *cors_info_source(apr_pool_t *p, const cors_policy_t *pol,
                                    const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(cors_info_fields) / sizeof(cors_info_fields[0]);
         i++) {
        if (strcmp(cors_info_fields[i].name, name) == 0) {
            const char *a = pol->set_at[cors_info_fields[i].field];
            const char *b = cors_info_fields[i].field2 >= 0
                                ? pol->set_at[cors_info_fields[i].field2]
                                : NULL;

            if (a != NULL && b != NULL && strcmp(a, b) != 0) {
                return apr_pstrcat(p, a, "; status: ", b, NULL);
            }
            return a != NULL ? a : b;
        }
    }
    return NULL;
}

/* Whether name is one of the fields above. */
static int cors_info_known(const char *name, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < sizeof(cors_info_fields) / sizeof(cors_info_fields[0]);
         i++) {
        if (strlen(cors_info_fields[i].name) == len
            && strncmp(cors_info_fields[i].name, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

static void cors_info_add_row(apr_array_header_t *rows, apr_pool_t *p,
                              const cors_policy_t *pol, const char *name,
                              const char *value)
{
    cors_info_row_t *row = apr_array_push(rows);

    row->name = name;
    row->value = value;
    row->source = cors_info_source(p, pol, name);
    row->field = cors_info_known(name, strlen(name));
}

/*
 * The rows of a policy: the engine's own description (the one DUMP_CORS
 * prints), one "name: value" line each, with the source of each field.  A
 * line made only of known "name: value" pairs ("private network: off,
 * debug header: off, shadow: off") gives one row per pair.
 */
static apr_array_header_t *cors_info_rows(apr_pool_t *p,
                                          const cors_policy_t *pol)
{
    apr_array_header_t *rows = apr_array_make(p, 16, sizeof(cors_info_row_t));
    const cors_problem_t *conflict = cors_policy_conflict(p, pol);
    char *text = apr_pstrdup(
        p, cors_policy_describe(p, pol, "",
                                conflict != NULL
                                    ? cors_clash_words(p, conflict,
                                                       CORS_CLASH_MERGED)
                                    : NULL));
    char *last = NULL;
    char *line;

    for (line = apr_strtok(text, "\n", &last); line != NULL;
         line = apr_strtok(NULL, "\n", &last)) {
        int pairs = 1;
        const char *c = line;
        char *piece, *plast = NULL;

        /* every ", " must start a known "name: " */
        while ((c = strstr(c, ", ")) != NULL) {
            const char *colon = strstr(c + 2, ": ");
            const char *comma = strstr(c + 2, ", ");

            if (colon == NULL || (comma != NULL && comma < colon)
                || !cors_info_known(c + 2, (apr_size_t)(colon - (c + 2)))) {
                pairs = 0;
                break;
            }
            c += 2;
        }
        for (piece = pairs ? apr_strtok(line, ",", &plast) : line;
             piece != NULL;
             piece = pairs ? apr_strtok(NULL, ",", &plast) : NULL) {
            char *colon;

            while (*piece == ' ') {
                piece++;
            }
            if ((colon = strstr(piece, ": ")) == NULL) {
                continue;
            }
            *colon = '\0';
            cors_info_add_row(rows, p, pol, piece, colon + 2);
        }
    }
    return rows;
}

/* --------------------------------------------------------------------- */
/* The lookup and the decisions                                           */

/*
 * httpd's own lookup of the URL with the method: translate_name (Alias,
 * mod_rewrite in server context), the directory walk with every
 * .htaccess, <Files>, <Location>, <If>.  Nothing is served.
 */
static void cors_info_decide(request_rec *r, const char *path,
                             const char *lookup_method,
                             const cors_request_t *req,
                             cors_info_decision_t *out, request_rec **keep)
{
    request_rec *rr = ap_sub_req_method_uri(lookup_method, path, r, NULL);
    const cors_policy_t *pol = ap_get_module_config(rr->per_dir_config,
                                                    &cors_module);

    out->lookup_status = rr->status;
    out->policy = pol;
    memset(&out->d, 0, sizeof(out->d));
    out->reason = out->hint = NULL;
    if (req != NULL && pol != NULL && cors_policy_enabled(pol)) {
        cors_policy_decide(r->pool, pol, req, rr, &out->d);
        if (!out->d.allowed) {
            out->reason = cors_reason_words(r->pool, &out->d, req->origin);
            out->hint = cors_policy_hint(r->pool, pol, req->origin);
        }
    }
    /* The policy lives in the subrequest's pool: keep it until printed. */
    *keep = rr;
}

/* Whether a browser sends a preflight first: a method other than GET,
 * HEAD, POST, or request headers the page set (any given here). */
static int cors_info_needs_preflight(const char *method, const char *headers)
{
    return (headers != NULL && *headers != '\0')
           || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0
               && strcmp(method, "POST") != 0);
}

/* --------------------------------------------------------------------- */
/* The handler                                                            */

/* A local path from what was given: mod_dav's way, scheme and host off. */
static const char *cors_info_path(apr_pool_t *p, const char *url)
{
    apr_uri_t uri;

    if (url[0] == '/') {
        return url;
    }
    if (apr_uri_parse(p, url, &uri) != APR_SUCCESS || uri.path == NULL
        || uri.path[0] != '/') {
        return NULL;
    }
    return uri.query ? apr_pstrcat(p, uri.path, "?", uri.query, NULL)
                     : uri.path;
}

int cors_policy_handler(request_rec *r)
{
    apr_table_t *args = NULL;
    const char *format;
    cors_info_t in;
    cors_request_t req;
    request_rec *rr_actual = NULL, *rr_preflight = NULL;

    if (r->handler == NULL || strcmp(r->handler, CORS_POLICY_HANDLER) != 0) {
        return DECLINED;
    }
    /* The 405's Allow header is made from allowed_methods. */
    r->allowed |= (AP_METHOD_BIT << M_GET);
    ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    memset(&in, 0, sizeof(in));
    ap_args_to_table(r, &args);
    format = apr_table_get(args, "format");
    if (format == NULL || strcmp(format, "text") == 0) {
        in.fmt = CORS_FMT_TEXT;
    }
    else if (strcmp(format, "html") == 0) {
        in.fmt = CORS_FMT_HTML;
    }
    else if (strcmp(format, "json") == 0) {
        in.fmt = CORS_FMT_JSON;
    }
    else {
        return HTTP_BAD_REQUEST;
    }
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    in.url = apr_table_get(args, "url");
    if (in.url == NULL || *in.url == '\0') {
        return cors_info_usage(r, in.fmt);
    }
    if ((in.path = cors_info_path(r->pool, in.url)) == NULL) {
        return HTTP_BAD_REQUEST;
    }
    in.method = apr_table_get(args, "method");
    if (in.method == NULL || *in.method == '\0') {
        in.method = "GET";
    }
    if (ap_method_number_of(in.method) == M_INVALID
        && strspn(in.method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "abcdefghijklmnopqrstuvwxyz0123456789-_")
               != strlen(in.method)) {
        return HTTP_BAD_REQUEST;
    }
    in.origin = apr_table_get(args, "origin");
    in.headers = apr_table_get(args, "headers");
    if (in.headers != NULL && *in.headers == '\0') {
        in.headers = NULL;
    }
    in.server = cors_server_label(r->pool, r->server);

    req.origin = in.origin;
    req.acrpn = NULL;
    if (in.origin != NULL && cors_info_needs_preflight(in.method, in.headers)) {
        req.method = "OPTIONS";
        req.acrm = in.method;
        req.acrh = in.headers;
        in.decisions[in.ndecisions].what = "preflight";
        in.decisions[in.ndecisions].method = "OPTIONS";
        cors_info_decide(r, in.path, "OPTIONS", &req,
                         &in.decisions[in.ndecisions], &rr_preflight);
        in.ndecisions++;
    }
    req.method = in.method;
    req.acrm = req.acrh = NULL;
    in.decisions[in.ndecisions].what = "actual";
    in.decisions[in.ndecisions].method = in.method;
    cors_info_decide(r, in.path, in.method, in.origin ? &req : NULL,
                     &in.decisions[in.ndecisions], &rr_actual);
    in.policy = in.decisions[in.ndecisions].policy;
    in.lookup_status = in.decisions[in.ndecisions].lookup_status;
    in.filename = rr_actual->filename;
    in.ndecisions++;
    in.rows = cors_info_rows(r->pool, in.policy != NULL
                                          ? in.policy
                                          : cors_policy_make(r->pool));

    cors_info_write(r, &in);
    ap_destroy_sub_req(rr_actual);
    if (rr_preflight != NULL) {
        ap_destroy_sub_req(rr_preflight);
    }
    return OK;
}
