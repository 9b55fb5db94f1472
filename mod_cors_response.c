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
 * mod_cors: the decision in the response and in the log.  The output
 * filter (and a preflight answered by mod_cors) writes the CORS headers
 * once, from the decision kept on the original request.
 */

#include "mod_cors.h"

#include "apr_atomic.h"
#include "apr_strings.h"

#include "http_log.h"
#include "http_request.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/*
 * httpd escapes control bytes and quotes in every error-log message
 * itself; what is left to do with client-chosen text is to keep it short.
 */
const char *cors_log_clip(apr_pool_t *p, const char *s, apr_size_t max)
{
    if (s != NULL && strlen(s) > max) {
        return apr_pstrcat(p, apr_pstrmemdup(p, s, max), "...", NULL);
    }
    return s;
}

/* A refusal's reason in words, as the debug log and CORS-Debug give it. */
const char *cors_reason_words(apr_pool_t *p, const cors_decision_t *d,
                              const char *origin)
{
    if (d->conflict != NULL) {
        return cors_clash_words(p, d->conflict, CORS_CLASH_MERGED);
    }
    if (d->star_not_authorization) {
        return apr_pstrcat(p, d->detail,
                           " (CORSAllowHeaders * never covers "
                           "Authorization: list it)",
                           NULL);
    }
    if (d->detail != NULL) {
        return d->detail;
    }
    if (d->kind == CORS_KIND_NO_ORIGIN) {
        return "no Origin";
    }
    if (d->reason == CORS_REASON_ORIGIN_NOT_ALLOWED) {
        /* refused, not malformed: the Origin is a valid origin; with
         * origin lists, which of them said no ("not in /etc/cors.txt") */
        return apr_pstrcat(p, "origin ", origin, " not allowed",
                           d->source_detail ? ": " : "",
                           d->source_detail ? d->source_detail : "", NULL);
    }
    if (d->reason == CORS_REASON_SOURCE_UNAVAILABLE) {
        return apr_pstrcat(p, "origin ", origin, " refused: ", d->source_detail,
                           NULL);
    }
    if (d->reason == CORS_REASON_ORIGIN_EXCLUDED) {
        return apr_pstrcat(p, "origin ", origin,
                           " excluded here by a CORSAllowOrigin '-' value",
                           NULL);
    }
    return cors_reason_text(d->reason);
}

void cors_log_decision(request_rec *r, const cors_req_t *st)
{
    const cors_decision_t *d = &st->d;
    const char *origin, *hint, *why;

    if (d->allowed || d->kind == CORS_KIND_NO_ORIGIN
        || !APLOG_R_IS_LEVEL(r, APLOG_DEBUG)) {
        return;
    }
    origin = apr_table_get(r->headers_in, "Origin");
    hint = cors_policy_hint(r->pool, st->policy, origin);
    origin = cors_log_clip(r->pool, origin, CORS_LOG_QUOTE_MAX);
    why = cors_log_clip(r->pool, cors_reason_words(r->pool, d, origin),
                        CORS_LOG_TEXT_MAX);
    if (d->reason != CORS_REASON_ORIGIN_NOT_ALLOWED
        && d->reason != CORS_REASON_SOURCE_UNAVAILABLE
        && d->reason != CORS_REASON_ORIGIN_EXCLUDED) {
        why = apr_pstrcat(r->pool, why, " (Origin '", origin, "')", NULL);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  CORS_LOGNO(0002) "%s refused for %s: %s%s%s",
                  d->kind == CORS_KIND_PREFLIGHT ? "preflight" : "request",
                  cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX), why,
                  hint ? "; hint: " : "",
                  hint ? cors_log_clip(r->pool, hint, CORS_LOG_TEXT_MAX) : "");
}

void cors_log_conflict(request_rec *r, const cors_req_t *st)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);

    if (apr_atomic_cas32(&sconf->conflict_logged, 1, 0) == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CORS_LOGNO(
                          0003) "%s; no CORS headers are sent for %s and "
                                "every URL with the same policy; to fix: %s",
                      cors_clash_words(r->pool, st->d.conflict,
                                       CORS_CLASH_MERGED),
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX),
                      cors_conflict_advice(st->d.conflict));
    }
}

/* --------------------------------------------------------------------- */
/* Writing the headers                                                    */

/*
 * The headers mod_cors owns in a response: every Access-Control-*, and
 * Timing-Allow-Origin where CORSTimingAllowOrigin makes it mod_cors's
 * (with it Off, a Timing-Allow-Origin set by hand is left alone).
 */
static int cors_owned_header(const char *key, int timing)
{
    /* The first byte rules out nearly every header cheaply. */
    if (key[0] == 'A' || key[0] == 'a') {
        return strncasecmp(key, "Access-Control-", 15) == 0;
    }
    return timing && (key[0] == 'T' || key[0] == 't')
           && strcasecmp(key, "Timing-Allow-Origin") == 0;
}

/* Drop the CORS headers a generator set: backend, CGI, mod_headers. */
static void cors_unset_owned(apr_table_t *t, int timing)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (e[i].key != NULL && cors_owned_header(e[i].key, timing)) {
            /* unset compacts the table: start again from here */
            apr_table_unset(t, e[i].key);
            i--;
            e = (const apr_table_entry_t *)arr->elts;
        }
    }
}

static int cors_has_token(const apr_array_header_t *tokens, const char *tok,
                          apr_size_t len)
{
    int i;

    for (i = 0; i < tokens->nelts; i++) {
        const char *t = APR_ARRAY_IDX(tokens, i, const char *);

        if ((strlen(t) == len && strncasecmp(t, tok, len) == 0)
            || strcmp(t, "*") == 0) {
            return 1;
        }
    }
    return 0;
}

/* Split one Vary value into tokens, keeping each once. */
static int cors_collect_vary(void *rec, const char *key, const char *value)
{
    apr_array_header_t *tokens = rec;

    (void)key;
    while (*value) {
        apr_size_t len;

        value += strspn(value, ", \t");
        len = strcspn(value, ", \t");
        if (len > 0 && !cors_has_token(tokens, value, len)) {
            APR_ARRAY_PUSH(tokens, const char *) = apr_pstrmemdup(tokens->pool,
                                                                  value, len);
        }
        value += len;
    }
    return 1;
}

/*
 * Merge our Vary tokens into whatever the response already varies on,
 * each token once, in one header.  httpd's HTTP/1 header filter would also
 * fold repeated Vary fields, but HTTP/2 and mod_cache read the table as it
 * is, so it is made right here.
 */
static void cors_merge_vary(request_rec *r, const char *ours)
{
    apr_array_header_t *tokens;
    int before;

    /* Most responses vary on nothing yet: then ours is the whole field. */
    if (apr_table_get(r->headers_out, "Vary") == NULL
        && apr_table_get(r->err_headers_out, "Vary") == NULL) {
        apr_table_setn(r->headers_out, "Vary", ours);
        return;
    }
    tokens = apr_array_make(r->pool, 4, sizeof(const char *));
    apr_table_do(cors_collect_vary, tokens, r->headers_out, "Vary", NULL);
    apr_table_do(cors_collect_vary, tokens, r->err_headers_out, "Vary", NULL);
    before = tokens->nelts;
    cors_collect_vary(tokens, NULL, ours);
    if (tokens->nelts == before
        && apr_table_get(r->err_headers_out, "Vary") == NULL) {
        return;
    }
    apr_table_unset(r->err_headers_out, "Vary");
    apr_table_setn(r->headers_out, "Vary", cors_list_join(r->pool, tokens));
}

/** The response headers a decision is made of, in the order sent. */
typedef struct cors_header_field_t {
    const char *name;
    apr_size_t offset; /**< of the value in cors_decision_t */
} cors_header_field_t;

static const cors_header_field_t cors_fields[] = {
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
    /* Last: written and compared only under CORSTimingAllowOrigin On. */
    {"Timing-Allow-Origin", APR_OFFSETOF(cors_decision_t, timing_allow_origin)},
};

#define CORS_NFIELDS_ALL (sizeof(cors_fields) / sizeof(cors_fields[0]))

/* How many of cors_fields a policy owns: Timing-Allow-Origin only when
 * CORSTimingAllowOrigin is On. */
static apr_size_t cors_nfields(const cors_policy_t *pol)
{
    return cors_policy_timing_allow_origin(pol) ? CORS_NFIELDS_ALL
                                                : CORS_NFIELDS_ALL - 1;
}

static const char *cors_field_value(const cors_decision_t *d, apr_size_t i)
{
    return *(const char *const *)((const char *)d + cors_fields[i].offset);
}

int cors_decision_header(const cors_decision_t *d, apr_size_t i,
                         const char **name, const char **value)
{
    if (i < CORS_NFIELDS_ALL) {
        *name = cors_fields[i].name;
        *value = cors_field_value(d, i);
        return 1;
    }
    if (i == CORS_NFIELDS_ALL) {
        *name = "Vary";
        *value = d->vary;
        return 1;
    }
    return 0;
}

static const char *cors_response_header(request_rec *r, const char *name)
{
    const char *v = apr_table_get(r->headers_out, name);

    return v != NULL ? v : apr_table_get(r->err_headers_out, name);
}

/*
 * The Vary tokens of ours (a comma-separated list) that the response does
 * not vary on, joined, or NULL.
 */
static const char *cors_vary_missing(request_rec *r, const char *ours)
{
    apr_array_header_t *theirs = apr_array_make(r->pool, 4,
                                                sizeof(const char *));
    apr_array_header_t *want = apr_array_make(r->pool, 4, sizeof(const char *));
    apr_array_header_t *missing = apr_array_make(r->pool, 4,
                                                 sizeof(const char *));
    int i;

    apr_table_do(cors_collect_vary, theirs, r->headers_out, "Vary", NULL);
    apr_table_do(cors_collect_vary, theirs, r->err_headers_out, "Vary", NULL);
    cors_collect_vary(want, NULL, ours);
    for (i = 0; i < want->nelts; i++) {
        const char *t = APR_ARRAY_IDX(want, i, const char *);

        if (!cors_has_token(theirs, t, strlen(t))) {
            APR_ARRAY_PUSH(missing, const char *) = t;
        }
    }
    return missing->nelts > 0 ? cors_list_join(r->pool, missing) : NULL;
}

/*
 * CORSShadow: say where mod_cors would answer differently from what the
 * response carries (its CORS headers, its Vary, and the status of a
 * preflight mod_cors would have answered), and change nothing.
 */
static void cors_shadow_compare(request_rec *r, const cors_req_t *st)
{
    const char *diff = NULL;
    const char *missing;
    apr_size_t i, n = cors_nfields(st->policy);

    if (st->d.kind == CORS_KIND_PREFLIGHT
        && cors_policy_preflight_mode(st->policy) == CORS_PREFLIGHT_HANDLE
        && r->status != st->d.status) {
        diff = apr_psprintf(r->pool,
                            "status: response is %d, mod_cors would answer "
                            "the preflight %d",
                            r->status, st->d.status);
    }

    for (i = 0; i < n; i++) {
        const char *ours = cors_field_value(&st->d, i);
        const char *theirs = cors_response_header(r, cors_fields[i].name);

        if ((ours == NULL) != (theirs == NULL)
            || (ours != NULL && strcmp(ours, theirs) != 0)) {
            const char *line =
                apr_psprintf(r->pool,
                             "%s: response has '%s', mod_cors would send '%s'",
                             cors_fields[i].name,
                             theirs ? cors_log_clip(r->pool, theirs,
                                                    CORS_LOG_QUOTE_MAX)
                                    : "(none)",
                             ours ? ours : "(none)");

            diff = diff ? apr_pstrcat(r->pool, diff, "; ", line, NULL) : line;
        }
    }
    if (st->d.vary != NULL
        && (missing = cors_vary_missing(r, st->d.vary)) != NULL) {
        const char *theirs = cors_response_header(r, "Vary");
        const char *line =
            apr_psprintf(r->pool,
                         "Vary: response has '%s', mod_cors would add '%s'",
                         theirs ? cors_log_clip(r->pool, theirs,
                                                CORS_LOG_QUOTE_MAX)
                                : "(none)",
                         missing);

        diff = diff ? apr_pstrcat(r->pool, diff, "; ", line, NULL) : line;
    }
    if (diff != NULL) {
        apr_table_setn(r->subprocess_env, "CORS_SHADOW_DIFF", "1");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CORS_LOGNO(0004) "shadow: %s differs: %s",
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX), diff);
    }
}

/* The CORS-Debug header: the reason in words, and a hint on a refusal. */
static const char *cors_debug_value(request_rec *r, const cors_req_t *st)
{
    const cors_decision_t *d = &st->d;
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *why = cors_reason_words(r->pool, d, origin);
    const char *hint = d->allowed
                           ? NULL
                           : cors_policy_hint(r->pool, st->policy, origin);

    /* The hint may quote a malformed Origin: only a validated origin
     * ends up in a response header, so it stays in the log. */
    return hint != NULL && d->reason != CORS_REASON_ORIGIN_MALFORMED
               ? apr_pstrcat(r->pool, why, "; hint: ", hint, NULL)
               : why;
}

void cors_write_headers(request_rec *r, const cors_req_t *st)
{
    const cors_decision_t *d = &st->d;
    int timing = cors_policy_timing_allow_origin(st->policy);
    apr_size_t i, n = cors_nfields(st->policy);

    if (d->env != NULL) {
        apr_table_setn(r->subprocess_env, "CORS", d->env);
    }
    if (cors_policy_shadow(st->policy)) {
        cors_shadow_compare(r, st);
        return;
    }
    if (cors_policy_upstream_mode(st->policy) != CORS_UPSTREAM_KEEP
        || cors_response_header(r, "Access-Control-Allow-Origin") == NULL) {
        cors_unset_owned(r->headers_out, timing);
        cors_unset_owned(r->err_headers_out, timing);
        for (i = 0; i < n; i++) {
            const char *v = cors_field_value(d, i);

            if (v != NULL) {
                apr_table_setn(r->headers_out, cors_fields[i].name, v);
            }
        }
    }
    if (d->vary != NULL) {
        cors_merge_vary(r, d->vary);
    }
    if (cors_policy_debug_header(st->policy)) {
        apr_table_setn(r->headers_out, "CORS-Debug", cors_debug_value(r, st));
    }
}

/*
 * A preflight's answer as one line: its status and every header mod_cors
 * would write (for -D CORS_FASTPATH_DIFF, which compares two of them).
 */
const char *cors_answer_text(request_rec *r, const cors_req_t *st)
{
    const cors_decision_t *d = &st->d;
    apr_size_t i, n = cors_nfields(st->policy);
    const char *text = apr_psprintf(r->pool, "%d%s%s", d->status,
                                    cors_policy_shadow(st->policy) ? " (shadow)"
                                                                   : "",
                                    d->env ? apr_pstrcat(r->pool,
                                                         " CORS=", d->env, NULL)
                                           : "");

    for (i = 0; i < n; i++) {
        const char *v = cors_field_value(d, i);

        if (v != NULL) {
            text = apr_pstrcat(r->pool, text, "; ", cors_fields[i].name, ": ",
                               v, NULL);
        }
    }
    if (d->vary != NULL) {
        text = apr_pstrcat(r->pool, text, "; Vary: ", d->vary, NULL);
    }
    if (cors_policy_debug_header(st->policy)) {
        text = apr_pstrcat(r->pool, text,
                           "; CORS-Debug: ", cors_debug_value(r, st), NULL);
    }
    return text;
}
