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
 * Require ip with the administrators' addresses).  Every value that comes
 * from the client or the configuration is escaped for the format.
 */

#include "mod_cors.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"

#define CORS_POLICY_HANDLER "cors-policy"

typedef enum {
    CORS_FMT_TEXT,
    CORS_FMT_HTML,
    CORS_FMT_JSON
} cors_fmt_e;

/** One line of the policy: a field, its value, where it was set. */
typedef struct cors_info_row_t {
    const char *name;
    const char *value;
    const char *source; /**< NULL: the default (or not a field) */
} cors_info_row_t;

/** One decision, as mod_cors would make it for the request described. */
typedef struct cors_info_decision_t {
    const char *what; /**< "preflight" or "actual" */
    const char *method;
    int lookup_status;
    const cors_policy_t *policy;
    cors_decision_t d;
    const char *reason; /**< NULL when allowed */
    const char *hint;
} cors_info_decision_t;

/* --------------------------------------------------------------------- */
/* Escaping                                                               */

/* A JSON string literal, quotes included. */
static const char *cors_json_str(apr_pool_t *p, const char *s)
{
    apr_size_t n = 2;
    const unsigned char *c;
    char *out, *o;

    if (s == NULL) {
        return "null";
    }
    for (c = (const unsigned char *)s; *c; c++) {
        n += (*c < 0x20 || *c == '"' || *c == '\\' || *c == '<' || *c == '>'
              || *c == '&' || *c == 0x7f)
                 ? 6
                 : 1;
    }
    o = out = apr_palloc(p, n + 1);
    *o++ = '"';
    for (c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c == '"' || *c == '\\' || *c == '<' || *c == '>'
            || *c == '&' || *c == 0x7f) {
            apr_snprintf(o, 7, "\\u%04x", (unsigned)*c);
            o += 6;
        }
        else {
            *o++ = (char)*c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Text for the chosen format: HTML-escaped, or control bytes made visible
 * in plain text (a URL or Origin from the client may carry any byte). */
static const char *cors_info_esc(apr_pool_t *p, cors_fmt_e fmt, const char *s)
{
    if (s == NULL) {
        return "";
    }
    if (fmt == CORS_FMT_HTML) {
        return ap_escape_html(p, s);
    }
    else {
        const unsigned char *c;
        apr_size_t n = 0;
        char *out, *o;

        for (c = (const unsigned char *)s; *c; c++) {
            n += (*c < 0x20 || *c == 0x7f) ? 4 : 1;
        }
        o = out = apr_palloc(p, n + 1);
        for (c = (const unsigned char *)s; *c; c++) {
            if (*c < 0x20 || *c == 0x7f) {
                apr_snprintf(o, 5, "\\x%02x", (unsigned)*c);
                o += 4;
            }
            else {
                *o++ = (char)*c;
            }
        }
        *o = '\0';
        return out;
    }
}

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

static void cors_info_add_row(apr_array_header_t *rows, apr_pool_t *p,
                              const cors_policy_t *pol, const char *name,
                              const char *value)
{
    cors_info_row_t *row = apr_array_push(rows);

    row->name = name;
    row->value = value;
    row->source = cors_info_source(p, pol, name);
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

/** A response header of a decision: name and value. */
static const struct {
    const char *name;
    apr_size_t offset;
} cors_info_headers[] = {
    {"Access-Control-Allow-Origin",
     APR_OFFSETOF(cors_decision_t, allow_origin)},
    {"Access-Control-Allow-Credentials",
     APR_OFFSETOF(cors_decision_t, allow_credentials)},
    {"Access-Control-Expose-Headers",
     APR_OFFSETOF(cors_decision_t, expose_headers)},
    {"Access-Control-Allow-Methods",
     APR_OFFSETOF(cors_decision_t, allow_methods)},
    {"Access-Control-Allow-Headers",
     APR_OFFSETOF(cors_decision_t, allow_headers)},
    {"Access-Control-Max-Age", APR_OFFSETOF(cors_decision_t, max_age)},
    {"Access-Control-Allow-Private-Network",
     APR_OFFSETOF(cors_decision_t, allow_private_network)},
    {"Timing-Allow-Origin", APR_OFFSETOF(cors_decision_t, timing_allow_origin)},
    {"Vary", APR_OFFSETOF(cors_decision_t, vary)},
};

#define CORS_INFO_NHEADERS                                                     \
    (sizeof(cors_info_headers) / sizeof(cors_info_headers[0]))

static const char *cors_info_header(const cors_decision_t *d, apr_size_t i)
{
    return *(const char *const *)((const char *)d
                                  + cors_info_headers[i].offset);
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
/* Output                                                                 */

typedef struct cors_info_t {
    cors_fmt_e fmt;
    const char *url;
    const char *path;
    const char *server;
    const char *method;
    const char *origin;
    const char *headers;
    int lookup_status;
    const char *filename;
    const cors_policy_t *policy;
    apr_array_header_t *rows;
    cors_info_decision_t decisions[2];
    int ndecisions;
} cors_info_t;

static const char *cors_info_verdict(apr_pool_t *p,
                                     const cors_info_decision_t *dec)
{
    if (dec->policy == NULL || !cors_policy_enabled(dec->policy)) {
        return "no CORS headers: CORS is off for this URL";
    }
    if (dec->d.allowed) {
        return dec->d.kind == CORS_KIND_PREFLIGHT
                   ? apr_psprintf(p, "allowed, answered %d", dec->d.status)
                   : "allowed";
    }
    if (dec->d.kind == CORS_KIND_PREFLIGHT) {
        return apr_psprintf(p, "refused, answered %d", dec->d.status);
    }
    return "refused";
}

static void cors_info_text(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rprintf(r, "mod_cors: the policy of %s\nserver: %s\n",
               cors_info_esc(p, in->fmt, in->path),
               cors_info_esc(p, in->fmt, in->server));
    ap_rprintf(r,
               "lookup: %s %s -> status %d (httpd's own lookup: sections, "
               ".htaccess, <If>, RewriteRules)\n",
               cors_info_esc(p, in->fmt, in->method),
               cors_info_esc(p, in->fmt, in->path), in->lookup_status);
    if (in->filename != NULL) {
        ap_rprintf(r, "file: %s\n", cors_info_esc(p, in->fmt, in->filename));
    }
    ap_rputs("\npolicy (value, and where it was set):\n", r);
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r, "  %s: %s%s%s\n", row->name,
                   cors_info_esc(p, in->fmt, row->value),
                   row->source ? "    <- " : "",
                   row->source ? cors_info_esc(p, in->fmt, row->source) : "");
    }
    if (in->origin == NULL) {
        ap_rputs("\n(add &origin=https://... and &method=..., &headers=... "
                 "to see the decision)\n",
                 r);
        return;
    }
    ap_rprintf(r, "\nrequest: %s from Origin %s%s%s\n",
               cors_info_esc(p, in->fmt, in->method),
               cors_info_esc(p, in->fmt, in->origin),
               in->headers ? " with headers " : "",
               in->headers ? cors_info_esc(p, in->fmt, in->headers) : "");
    for (k = 0; k < in->ndecisions; k++) {
        const cors_info_decision_t *dec = &in->decisions[k];
        apr_size_t h;

        ap_rprintf(r, "%s %s: %s\n", dec->what, dec->method,
                   cors_info_verdict(p, dec));
        if (dec->reason != NULL) {
            ap_rprintf(r, "  reason: %s\n",
                       cors_info_esc(p, in->fmt, dec->reason));
        }
        if (dec->hint != NULL) {
            ap_rprintf(r, "  hint: %s\n", cors_info_esc(p, in->fmt, dec->hint));
        }
        if (dec->lookup_status != HTTP_OK) {
            ap_rprintf(r, "  (the %s lookup ended with status %d)\n",
                       dec->method, dec->lookup_status);
        }
        for (h = 0; h < CORS_INFO_NHEADERS; h++) {
            const char *v = cors_info_header(&dec->d, h);

            if (v != NULL) {
                ap_rprintf(r, "  %s: %s\n", cors_info_headers[h].name,
                           cors_info_esc(p, in->fmt, v));
            }
        }
    }
}

static void cors_info_html(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rputs(DOCTYPE_HTML_4_01 "<html><head><title>mod_cors policy</title>"
                               "</head><body>\n",
             r);
    ap_rprintf(r, "<h1>mod_cors: the policy of <code>%s</code></h1>\n",
               cors_info_esc(p, CORS_FMT_HTML, in->path));
    ap_rprintf(r,
               "<p>Server: %s<br />\nLookup: <code>%s %s</code>, status %d "
               "(httpd's own lookup: sections, .htaccess, &lt;If&gt;, "
               "RewriteRules)",
               cors_info_esc(p, CORS_FMT_HTML, in->server),
               cors_info_esc(p, CORS_FMT_HTML, in->method),
               cors_info_esc(p, CORS_FMT_HTML, in->path), in->lookup_status);
    if (in->filename != NULL) {
        ap_rprintf(r, "<br />\nFile: <code>%s</code>",
                   cors_info_esc(p, CORS_FMT_HTML, in->filename));
    }
    ap_rputs("</p>\n<table border=\"1\"><tr><th>Field</th><th>Value</th>"
             "<th>Set at</th></tr>\n",
             r);
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r,
                   "<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n",
                   cors_info_esc(p, CORS_FMT_HTML, row->name),
                   cors_info_esc(p, CORS_FMT_HTML, row->value),
                   row->source ? cors_info_esc(p, CORS_FMT_HTML, row->source)
                   : cors_info_known(row->name, strlen(row->name)) ? "(default)"
                                                                   : "");
    }
    ap_rputs("</table>\n", r);
    if (in->origin != NULL) {
        ap_rprintf(r, "<h2>%s from <code>%s</code>%s%s%s</h2>\n",
                   cors_info_esc(p, CORS_FMT_HTML, in->method),
                   cors_info_esc(p, CORS_FMT_HTML, in->origin),
                   in->headers ? " with headers <code>" : "",
                   in->headers ? cors_info_esc(p, CORS_FMT_HTML, in->headers)
                               : "",
                   in->headers ? "</code>" : "");
        for (k = 0; k < in->ndecisions; k++) {
            const cors_info_decision_t *dec = &in->decisions[k];
            apr_size_t h;

            ap_rprintf(r, "<h3>%s %s: %s</h3>\n<ul>\n", dec->what, dec->method,
                       cors_info_verdict(p, dec));
            if (dec->reason != NULL) {
                ap_rprintf(r, "<li>reason: %s</li>\n",
                           cors_info_esc(p, CORS_FMT_HTML, dec->reason));
            }
            if (dec->hint != NULL) {
                ap_rprintf(r, "<li>hint: %s</li>\n",
                           cors_info_esc(p, CORS_FMT_HTML, dec->hint));
            }
            for (h = 0; h < CORS_INFO_NHEADERS; h++) {
                const char *v = cors_info_header(&dec->d, h);

                if (v != NULL) {
                    ap_rprintf(r, "<li><code>%s: %s</code></li>\n",
                               cors_info_headers[h].name,
                               cors_info_esc(p, CORS_FMT_HTML, v));
                }
            }
            ap_rputs("</ul>\n", r);
        }
    }
    ap_rputs("</body></html>\n", r);
}

static void cors_info_json(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rprintf(r,
               "{\"url\": %s, \"server\": %s, \"lookup\": {\"method\": %s, "
               "\"status\": %d, \"filename\": %s},\n \"policy\": [",
               cors_json_str(p, in->path), cors_json_str(p, in->server),
               cors_json_str(p, in->method), in->lookup_status,
               cors_json_str(p, in->filename));
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r, "%s\n  {\"field\": %s, \"value\": %s, \"source\": %s}",
                   i ? "," : "", cors_json_str(p, row->name),
                   cors_json_str(p, row->value), cors_json_str(p, row->source));
    }
    ap_rprintf(r,
               "],\n \"request\": {\"origin\": %s, \"method\": %s, "
               "\"headers\": %s},\n \"decisions\": [",
               cors_json_str(p, in->origin), cors_json_str(p, in->method),
               cors_json_str(p, in->headers));
    for (k = 0; in->origin != NULL && k < in->ndecisions; k++) {
        const cors_info_decision_t *dec = &in->decisions[k];
        int on = dec->policy != NULL && cors_policy_enabled(dec->policy);
        apr_size_t h;
        int n = 0;

        ap_rprintf(r,
                   "%s\n  {\"kind\": \"%s\", \"method\": %s, \"cors\": %s, "
                   "\"allowed\": %s, \"status\": %d, \"lookup_status\": %d, "
                   "\"reason\": %s, \"hint\": %s, \"headers\": {",
                   k ? "," : "", dec->what, cors_json_str(p, dec->method),
                   on ? "true" : "false",
                   on && dec->d.allowed ? "true" : "false",
                   dec->d.kind == CORS_KIND_PREFLIGHT ? dec->d.status : 0,
                   dec->lookup_status, cors_json_str(p, dec->reason),
                   cors_json_str(p, dec->hint));
        for (h = 0; on && h < CORS_INFO_NHEADERS; h++) {
            const char *v = cors_info_header(&dec->d, h);

            if (v != NULL) {
                ap_rprintf(r, "%s%s: %s", n++ ? ", " : "",
                           cors_json_str(p, cors_info_headers[h].name),
                           cors_json_str(p, v));
            }
        }
        ap_rputs("}}", r);
    }
    ap_rputs("]}\n", r);
}

static int cors_info_usage(request_rec *r, cors_fmt_e fmt)
{
    static const char usage[] =
        "mod_cors: the effective CORS policy of one URL\n\n"
        "?url=/path                the policy, and where each value was set\n"
        "&origin=https://...       and what mod_cors decides for that Origin\n"
        "&method=PUT               the method the page uses (default GET)\n"
        "&headers=content-type,x   the request headers the page sets\n"
        "&format=text|html|json    default text\n";

    if (fmt == CORS_FMT_JSON) {
        ap_set_content_type(r, "application/json");
        ap_rprintf(r, "{\"error\": %s}\n",
                   cors_json_str(r->pool, "the parameter url is missing"));
    }
    else if (fmt == CORS_FMT_HTML) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rprintf(r,
                   DOCTYPE_HTML_4_01 "<html><body><pre>%s</pre></body>"
                                     "</html>\n",
                   ap_escape_html(r->pool, usage));
    }
    else {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        ap_rputs(usage, r);
    }
    return OK;
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

    if (in.fmt == CORS_FMT_JSON) {
        ap_set_content_type(r, "application/json");
        cors_info_json(r, &in);
    }
    else if (in.fmt == CORS_FMT_HTML) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        cors_info_html(r, &in);
    }
    else {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        cors_info_text(r, &in);
    }
    ap_destroy_sub_req(rr_actual);
    if (rr_preflight != NULL) {
        ap_destroy_sub_req(rr_preflight);
    }
    return OK;
}
