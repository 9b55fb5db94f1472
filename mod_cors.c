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
 * mod_cors: Cross-Origin Resource Sharing by configuration alone.
 *
 * The CORS engine (src/cors_*.c) parses and validates the policy when the
 * configuration is read and decides each request; this file is the glue:
 * directives, per-directory merge, hooks and the output filter.
 *
 *   LoadModule cors_module modules/mod_cors.so
 *   <Location "/api/">
 *       CORSAllowOrigin https://app.example.com http://localhost:*
 *       CORSAllowCredentials On
 *       CORSAllowMethods GET POST PUT DELETE
 *       CORSAllowHeaders Content-Type X-Requested-With
 *       CORSExposeHeaders X-Request-Id
 *   </Location>
 *
 * Directives: CORSAllowOrigin, CORSAllowOriginMatch, CORSAllowCredentials,
 * CORSAllowMethods, CORSAllowHeaders, CORSExposeHeaders, CORSMaxAge,
 * CORSAllowPrivateNetwork, CORSPreflight, CORSPreflightStatus,
 * CORSUpstreamHeaders, CORSDebugHeader, CORSShadow.
 */

/* Before APR: apr_general.h then defines APR_OFFSETOF with offsetof(). */
#include <stddef.h>

#include "apr_atomic.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "mod_status.h"

#include "cors_policy.h"

/*
 * Log message tags.  APLOGNO() numbers belong to modules shipped with
 * httpd, so mod_cors numbers its own, once, never reused.
 */
#define CORS_LOGNO(n) "CORS" #n ": "

/* How much of a client's value a log line may quote, and of a reason. */
#define CORS_LOG_QUOTE_MAX 128
#define CORS_LOG_TEXT_MAX 512

module AP_MODULE_DECLARE_DATA cors_module;

/** What server-status counts, per virtual host. */
typedef enum {
    CORS_COUNT_ALLOWED,
    CORS_COUNT_DENIED,
    CORS_COUNT_PREFLIGHT_ALLOWED,
    CORS_COUNT_PREFLIGHT_DENIED,
    CORS_COUNT_MALFORMED,
    CORS_COUNTERS
} cors_counter_e;

static const char *const cors_counter_names[CORS_COUNTERS] =
    {"Allowed", "Refused", "PreflightsAllowed", "PreflightsRefused",
     "MalformedOrigins"};

/** Per-server state, set up once per configuration. */
typedef struct cors_server_conf_t {
    volatile apr_uint32_t conflict_logged;
    /** This server's counters in shared memory (children share them). */
    volatile apr_uint32_t *counters;
    /**
     * No section and no .htaccess can change this server's policy, so
     * preflights are answered from the quick handler, before the URL is
     * mapped to storage.
     */
    int fast_preflight;
    /** A CORS directive was given in a section of this server (any kind:
     * <Directory>, <Location>, <Files>, <If>, <Proxy>...). */
    int sections_set;
} cors_server_conf_t;

/** The decision of one request, kept on the request the browser sent. */
typedef struct cors_req_t {
    /**
     * The policy as httpd had mapped the URL when mod_cors first saw the
     * request (translate_name, after the first location walk; or the
     * server's, on the fast path): what an error raised before
     * header_parser is decided with.
     */
    const cors_policy_t *mapped;
    int decided;
    const cors_policy_t *policy; /**< NULL: CORS is off for this URL */
    cors_decision_t d;
} cors_req_t;

static ap_filter_rec_t *cors_filter_handle;

/* --------------------------------------------------------------------- */
/* Configuration                                                          */

static void *create_cors_dir_config(apr_pool_t *p, char *dir)
{
    (void)dir;
    return cors_policy_make(p);
}

static void *merge_cors_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    return cors_policy_merge(p, basev, addv);
}

static void *create_cors_server_config(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf_t));
}

/*
 * Warnings are for the administrator at start-up.  An .htaccess file is
 * read again for every request, so its warnings would flood the log: they
 * are logged at debug level there.
 */
static void cors_config_warning(cmd_parms *cmd, const char *warning)
{
    int in_htaccess = cmd->pool != cmd->server->process->pconf;

    ap_log_error(APLOG_MARK, in_htaccess ? APLOG_DEBUG : APLOG_WARNING, 0,
                 cmd->server, CORS_LOGNO(0001) "%s: %s (%s:%d)", cmd->cmd->name,
                 warning, cmd->directive ? cmd->directive->filename : "?",
                 cmd->directive ? cmd->directive->line_num : 0);
}

/*
 * A directive inside any section (<Directory>, <Location>, <Files>, <If>,
 * <Proxy>, ...) of the main configuration means the server's policy is not
 * the whole story for every URL: the fast path stays off for that server
 * (and, for the main server, for every virtual host, which inherit its
 * sections).  .htaccess files are read per request: never marked here.
 */
static void cors_note_section(cmd_parms *cmd)
{
    if (cmd->path != NULL && cmd->pool == cmd->server->process->pconf) {
        cors_server_conf_t *sconf =
            ap_get_module_config(cmd->server->module_config, &cors_module);

        sconf->sections_set = 1;
    }
}

/*
 * What a single-value handler returns: NULL, or the engine's message with
 * the directive's name in front (httpd does not add it); a warning on an
 * accepted value goes to the log.
 */
static const char *cors_config_result(cmd_parms *cmd, const char *err,
                                      const char *warning)
{
    if (err != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    if (warning != NULL) {
        cors_config_warning(cmd, warning);
    }
    return NULL;
}

typedef const char *(*cors_add_value_fn)(apr_pool_t *p, cors_policy_t *pol,
                                         const char *value,
                                         const char **warning);

/*
 * List directives take their values raw and split them here: httpd's
 * TAKE_ARGV stops at 64 arguments without a word, and a list of 10,000
 * origins on one line is legitimate.  Seeing every value also lets one
 * message name every bad value, not only the first.
 */
static const char *cors_add_values(cmd_parms *cmd, cors_policy_t *pol,
                                   const char *args, cors_add_value_fn add)
{
    const char *errors = NULL;
    int count = 0;
    apr_pool_t *word_pool;

    cors_note_section(cmd);
    apr_pool_create(&word_pool, cmd->temp_pool);
    while (*args != '\0') {
        const char *value;
        const char *warning = NULL;
        const char *err;

        apr_pool_clear(word_pool);
        value = ap_getword_conf(word_pool, &args);
        if (*value == '\0') {
            continue;
        }
        count++;
        err = add(cmd->pool, pol, value, &warning);
        if (err != NULL) {
            errors = errors ? apr_pstrcat(cmd->pool, errors, "; ", err, NULL)
                            : err;
        }
        else if (warning != NULL) {
            cors_config_warning(cmd, warning);
        }
    }
    apr_pool_destroy(word_pool);
    if (count == 0) {
        return apr_psprintf(cmd->pool, "%s needs at least one value",
                            cmd->cmd->name);
    }
    if (errors != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, errors);
    }
    return NULL;
}

static const char *cors_add_method(apr_pool_t *p, cors_policy_t *pol,
                                   const char *value, const char **warning)
{
    (void)warning;
    return cors_policy_add_method(p, pol, value);
}

static const char *cors_add_allow_header(apr_pool_t *p, cors_policy_t *pol,
                                         const char *value,
                                         const char **warning)
{
    (void)warning;
    return cors_policy_add_allow_header(p, pol, value);
}

static const char *cors_add_expose_header(apr_pool_t *p, cors_policy_t *pol,
                                          const char *value,
                                          const char **warning)
{
    (void)warning;
    return cors_policy_add_expose_header(p, pol, value);
}

static const char *set_cors_origins(cmd_parms *cmd, void *dconf,
                                    const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_policy_add_origin);
}

static const char *set_cors_origin_match(cmd_parms *cmd, void *dconf,
                                         const char *arg)
{
    const char *warning = NULL;
    const char *err = cors_policy_add_origin_regex(cmd->pool, dconf, arg,
                                                   &warning);

    cors_note_section(cmd);
    return cors_config_result(cmd, err, warning);
}

static const char *set_cors_methods(cmd_parms *cmd, void *dconf,
                                    const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_method);
}

static const char *set_cors_allow_headers(cmd_parms *cmd, void *dconf,
                                          const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_allow_header);
}

static const char *set_cors_expose_headers(cmd_parms *cmd, void *dconf,
                                           const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_expose_header);
}

/*
 * On/Off by hand rather than AP_INIT_FLAG: httpd's own message for a bad
 * flag does not quote the value.
 */
static const char *cors_parse_on_off(cmd_parms *cmd, const char *arg, int *out)
{
    if (strcasecmp(arg, "on") == 0) {
        *out = 1;
    }
    else if (strcasecmp(arg, "off") == 0) {
        *out = 0;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' is not one of: On, Off",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *set_cors_credentials(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    cors_policy_t *pol = dconf;
    const char *warning;
    int on = 0;
    const char *err = cors_parse_on_off(cmd, arg, &on);

    cors_note_section(cmd);
    if (err != NULL) {
        return err;
    }
    err = cors_policy_set_credentials(cmd->pool, pol, on);
    if (err != NULL) {
        return apr_psprintf(cmd->pool, "%s: '%s' cannot be used here: %s",
                            cmd->cmd->name, arg, err);
    }
    if (on
        && (warning = cors_origin_set_insecure_warning(cmd->pool,
                                                       pol->own_origins))
               != NULL) {
        cors_config_warning(cmd, warning);
    }
    return NULL;
}

/* The On/Off directives whose only job is to store the flag. */
static const char *set_cors_flag(cmd_parms *cmd, void *dconf, const char *arg)
{
    int on = 0;
    const char *err = cors_parse_on_off(cmd, arg, &on);

    cors_note_section(cmd);
    if (err == NULL) {
        *(int *)((char *)dconf + (apr_size_t)cmd->info) = on;
    }
    return err;
}

static const char *set_cors_max_age(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    const char *warning = NULL;
    const char *err = cors_policy_set_max_age(cmd->pool, dconf, arg, &warning);

    cors_note_section(cmd);
    return cors_config_result(cmd, err, warning);
}

typedef const char *(*cors_set_keyword_fn)(apr_pool_t *p, cors_policy_t *pol,
                                           const char *value);

static const char *cors_set_keyword(cmd_parms *cmd, cors_policy_t *pol,
                                    const char *arg, cors_set_keyword_fn set)
{
    cors_note_section(cmd);
    return cors_config_result(cmd, set(cmd->pool, pol, arg), NULL);
}

static const char *set_cors_preflight(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_preflight);
}

static const char *set_cors_preflight_status(cmd_parms *cmd, void *dconf,
                                             const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_preflight_status);
}

static const char *set_cors_upstream(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_upstream);
}

/*
 * Every directive is OR_FILEINFO, the class of mod_headers' Header: server
 * config, virtual host, <Directory>, <Location>, <Files>, <If>, and
 * .htaccess under AllowOverride FileInfo (or AllowOverrideList).
 */
static const command_rec cors_cmds[] =
    {AP_INIT_RAW_ARGS("CORSAllowOrigin", set_cors_origins, NULL, OR_FILEINFO,
                      "origins allowed to make cross-origin requests "
                      "(scheme://host[:port], https://*.example.com, "
                      "http://localhost:*), '*', 'null' or 'none'; "
                      "+value adds to, -value removes from the inherited "
                      "list"),
     AP_INIT_TAKE1("CORSAllowOriginMatch", set_cors_origin_match, NULL,
                   OR_FILEINFO,
                   "a PCRE2 regular expression, anchored ^...$, matched "
                   "against the whole Origin"),
     AP_INIT_TAKE1("CORSAllowCredentials", set_cors_credentials, NULL,
                   OR_FILEINFO,
                   "On to let cookies and HTTP authentication through "
                   "(Access-Control-Allow-Credentials: true); default Off"),
     AP_INIT_RAW_ARGS("CORSAllowMethods", set_cors_methods, NULL, OR_FILEINFO,
                      "methods allowed in preflights (case-sensitive), or "
                      "'*'; default GET HEAD POST"),
     AP_INIT_RAW_ARGS("CORSAllowHeaders", set_cors_allow_headers, NULL,
                      OR_FILEINFO,
                      "request headers allowed in preflights, or '*' (every "
                      "header but Authorization)"),
     AP_INIT_RAW_ARGS("CORSExposeHeaders", set_cors_expose_headers, NULL,
                      OR_FILEINFO,
                      "response headers JavaScript may read, or '*'"),
     AP_INIT_TAKE1("CORSMaxAge", set_cors_max_age, NULL, OR_FILEINFO,
                   "seconds browsers may cache a preflight, 0-86400; "
                   "default 7200"),
     AP_INIT_TAKE1("CORSAllowPrivateNetwork", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, private_network),
                   OR_FILEINFO,
                   "On to answer Private Network Access preflights "
                   "(Chromium 104-141); default Off"),
     AP_INIT_TAKE1("CORSPreflight", set_cors_preflight, NULL, OR_FILEINFO,
                   "handle (mod_cors answers preflights) or continue (the "
                   "handler does); default handle"),
     AP_INIT_TAKE1("CORSPreflightStatus", set_cors_preflight_status, NULL,
                   OR_FILEINFO,
                   "status of an allowed preflight, 204 or 200; default 204"),
     AP_INIT_TAKE1("CORSUpstreamHeaders", set_cors_upstream, NULL, OR_FILEINFO,
                   "replace (mod_cors's CORS headers win) or keep (a "
                   "response's own win); default replace"),
     AP_INIT_TAKE1("CORSDebugHeader", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, debug_header),
                   OR_FILEINFO,
                   "On to add a CORS-Debug response header with the reason "
                   "(development only); default Off"),
     AP_INIT_TAKE1("CORSShadow", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, shadow), OR_FILEINFO,
                   "On to decide and log without changing responses; "
                   "default Off"),
     {NULL}};

/* --------------------------------------------------------------------- */
/* The decision                                                           */

/*
 * The request the browser sent: internal redirects (ErrorDocument,
 * DirectoryIndex, mod_rewrite) answer for it with the policy of its URL.
 */
static request_rec *cors_original_request(request_rec *r)
{
    while (r->prev != NULL || r->main != NULL) {
        r = r->prev != NULL ? r->prev : r->main;
    }
    return r;
}

/*
 * httpd escapes control bytes and quotes in every error-log message
 * itself; what is left to do with client-chosen text is to keep it short.
 */
static const char *cors_log_clip(apr_pool_t *p, const char *s, apr_size_t max)
{
    if (s != NULL && strlen(s) > max) {
        return apr_pstrcat(p, apr_pstrmemdup(p, s, max), "...", NULL);
    }
    return s;
}

/* A refusal's reason in words, as the debug log and CORS-Debug give it. */
static const char *cors_reason_words(apr_pool_t *p, const cors_decision_t *d,
                                     const char *origin)
{
    if (d->detail != NULL) {
        return d->detail;
    }
    if (d->kind == CORS_KIND_NO_ORIGIN) {
        return "no Origin";
    }
    if (d->reason == CORS_REASON_ORIGIN_NOT_ALLOWED) {
        /* refused, not malformed: the Origin is a valid origin */
        return apr_pstrcat(p, "origin ", origin, " not allowed", NULL);
    }
    return cors_reason_text(d->reason);
}

static void cors_log_decision(request_rec *r, const cors_req_t *st)
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
    if (d->reason != CORS_REASON_ORIGIN_NOT_ALLOWED) {
        why = apr_pstrcat(r->pool, why, " (Origin '", origin, "')", NULL);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  CORS_LOGNO(0002) "%s refused for %s: %s%s%s",
                  d->kind == CORS_KIND_PREFLIGHT ? "preflight" : "request",
                  cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX), why,
                  hint ? "; hint: " : "",
                  hint ? cors_log_clip(r->pool, hint, CORS_LOG_TEXT_MAX) : "");
}

static void cors_log_conflict(request_rec *r, const cors_req_t *st)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);

    if (apr_atomic_cas32(&sconf->conflict_logged, 1, 0) == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CORS_LOGNO(
                          0003) "%s; no CORS headers are sent for %s and "
                                "every URL with the same policy",
                      st->d.detail,
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX));
    }
}

static void cors_count(request_rec *r, const cors_decision_t *d)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);

    if (sconf->counters == NULL || d->kind == CORS_KIND_NO_ORIGIN) {
        return;
    }
    if (d->kind == CORS_KIND_PREFLIGHT) {
        apr_atomic_inc32(
            &sconf->counters[d->allowed ? CORS_COUNT_PREFLIGHT_ALLOWED
                                        : CORS_COUNT_PREFLIGHT_DENIED]);
    }
    else {
        apr_atomic_inc32(&sconf->counters[d->allowed ? CORS_COUNT_ALLOWED
                                                     : CORS_COUNT_DENIED]);
    }
    if (d->reason == CORS_REASON_ORIGIN_MALFORMED) {
        apr_atomic_inc32(&sconf->counters[CORS_COUNT_MALFORMED]);
    }
}

/*
 * Decide once, on the original request, the first time any hook asks, and
 * keep the answer there for the filter, error documents and redirects.
 */
static cors_req_t *cors_req_get(request_rec *orig, int create)
{
    cors_req_t *st = ap_get_module_config(orig->request_config, &cors_module);

    if (st == NULL && create) {
        st = apr_pcalloc(orig->pool, sizeof(*st));
        ap_set_module_config(orig->request_config, &cors_module, st);
    }
    return st;
}

static const cors_req_t *cors_decide(request_rec *orig, cors_req_t *st,
                                     const cors_policy_t *pol)
{
    cors_request_t req;

    st->decided = 1;
    if (pol == NULL || !cors_policy_enabled(pol)) {
        return NULL;
    }
    st->policy = pol;
    req.method = orig->method;
    req.origin = apr_table_get(orig->headers_in, "Origin");
    /* Only a preflight's answer depends on these. */
    req.acrm = req.acrh = req.acrpn = NULL;
    if (orig->method_number == M_OPTIONS) {
        req.acrm = apr_table_get(orig->headers_in,
                                 "Access-Control-Request-Method");
        req.acrh = apr_table_get(orig->headers_in,
                                 "Access-Control-Request-Headers");
        req.acrpn = apr_table_get(orig->headers_in,
                                  "Access-Control-Request-Private-Network");
    }
    cors_policy_decide(orig->pool, pol, &req, &st->d);
    if (st->d.reason == CORS_REASON_POLICY_CONFLICT) {
        cors_log_conflict(orig, st);
    }
    cors_log_decision(orig, st);
    cors_count(orig, &st->d);
    return st;
}

/*
 * The decision, made once on the original request: by header_parser with
 * the fully merged policy, or, for an error raised before it, with the
 * policy as translate_name saw it.  A request that never reached
 * translate_name (httpd refused it while reading it: 400, 408, 414, 431)
 * is outside mod_cors's promise and gets nothing.
 */
static const cors_req_t *cors_request_state(request_rec *r)
{
    request_rec *orig = cors_original_request(r);
    cors_req_t *st = cors_req_get(orig, 0);

    if (st == NULL) {
        return NULL;
    }
    if (!st->decided) {
        cors_decide(orig, st, st->mapped);
    }
    return st->policy != NULL ? st : NULL;
}

/* --------------------------------------------------------------------- */
/* Writing the headers                                                    */

static int cors_is_access_control(const char *key)
{
    return strncasecmp(key, "Access-Control-", 15) == 0;
}

/* Drop every Access-Control-* a generator set: backend, CGI, mod_headers. */
static void cors_unset_access_control(apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        /* The first byte rules out nearly every header cheaply. */
        if (e[i].key != NULL && (e[i].key[0] == 'A' || e[i].key[0] == 'a')
            && cors_is_access_control(e[i].key)) {
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
};

#define CORS_NFIELDS (sizeof(cors_fields) / sizeof(cors_fields[0]))

static const char *cors_field_value(const cors_decision_t *d, apr_size_t i)
{
    return *(const char *const *)((const char *)d + cors_fields[i].offset);
}

static const char *cors_response_header(request_rec *r, const char *name)
{
    const char *v = apr_table_get(r->headers_out, name);

    return v != NULL ? v : apr_table_get(r->err_headers_out, name);
}

/*
 * CORSShadow: say where mod_cors would answer differently from the CORS
 * headers the response already carries, and change nothing.
 */
static void cors_shadow_compare(request_rec *r, const cors_req_t *st)
{
    const char *diff = NULL;
    apr_size_t i;

    for (i = 0; i < CORS_NFIELDS; i++) {
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
    if (diff != NULL) {
        apr_table_setn(r->subprocess_env, "CORS_SHADOW_DIFF", "1");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CORS_LOGNO(0004) "shadow: %s differs: %s",
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX), diff);
    }
}

static void cors_write_headers(request_rec *r, const cors_req_t *st)
{
    const cors_decision_t *d = &st->d;
    apr_size_t i;

    if (d->env != NULL) {
        apr_table_setn(r->subprocess_env, "CORS", d->env);
    }
    if (cors_policy_shadow(st->policy)) {
        cors_shadow_compare(r, st);
        return;
    }
    if (cors_policy_upstream_mode(st->policy) != CORS_UPSTREAM_KEEP
        || cors_response_header(r, "Access-Control-Allow-Origin") == NULL) {
        cors_unset_access_control(r->headers_out);
        cors_unset_access_control(r->err_headers_out);
        for (i = 0; i < CORS_NFIELDS; i++) {
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
        const char *why = cors_reason_words(r->pool, d,
                                            apr_table_get(r->headers_in,
                                                          "Origin"));
        const char *hint = d->allowed
                               ? NULL
                               : cors_policy_hint(r->pool, st->policy,
                                                  apr_table_get(r->headers_in,
                                                                "Origin"));

        /* The hint may quote a malformed Origin: only a validated origin
         * ends up in a response header, so it stays in the log. */
        apr_table_setn(r->headers_out, "CORS-Debug",
                       hint != NULL && d->reason != CORS_REASON_ORIGIN_MALFORMED
                           ? apr_pstrcat(r->pool, why, "; hint: ", hint, NULL)
                           : why);
    }
}


/* --------------------------------------------------------------------- */
/* Hooks                                                                  */

/* Note how httpd mapped the URL so far (see cors_req_t.mapped). */
static int cors_translate_name(request_rec *r)
{
    if (r->prev == NULL && r->main == NULL) {
        cors_req_get(r, 1)->mapped = ap_get_module_config(r->per_dir_config,
                                                          &cors_module);
    }
    return DECLINED;
}

static int cors_header_parser(request_rec *r)
{
    cors_req_t *st;

    if (r->prev != NULL || r->main != NULL) {
        return DECLINED;
    }
    st = cors_req_get(r, 1);
    if (!st->decided) {
        cors_decide(r, st,
                    ap_get_module_config(r->per_dir_config, &cors_module));
    }
    if (st->policy == NULL) {
        return DECLINED;
    }
    if (st->d.env != NULL) {
        apr_table_setn(r->subprocess_env, "CORS", st->d.env);
    }
    return DECLINED;
}

/*
 * Browsers never send credentials on a preflight (Fetch, "CORS-preflight
 * request"), so authentication would turn every preflight under
 * "Require valid-user" into a 401.  Returning OK here makes httpd skip
 * authentication and authorization (server/request.c) for the preflights
 * mod_cors answers itself, which reveal only the CORS policy; the actual
 * request is still checked.
 */
static int cors_check_access(request_rec *r)
{
    const cors_req_t *st;

    if (r->main != NULL || r->prev != NULL
        || (st = cors_request_state(r)) == NULL
        || st->d.kind != CORS_KIND_PREFLIGHT
        || cors_policy_shadow(st->policy)) {
        return DECLINED;
    }
    if (cors_policy_preflight_mode(st->policy) == CORS_PREFLIGHT_HANDLE
        || st->d.allowed) {
        return OK;
    }
    return DECLINED;
}

static void cors_answer_preflight(request_rec *r, const cors_req_t *st)
{
    cors_write_headers(r, st);
    r->status = st->d.status;
    if (r->status != HTTP_NO_CONTENT) {
        ap_set_content_length(r, 0);
    }
}

/*
 * Answer a preflight before any handler (static file, CGI, proxy) and
 * before mod_rewrite's fixup: DONE makes httpd finalize the response as it
 * stands, an empty body with our status and headers.
 */
static int cors_fixups(request_rec *r)
{
    const cors_req_t *st;

    if (r->main != NULL || r->prev != NULL
        || (st = cors_request_state(r)) == NULL
        || st->d.kind != CORS_KIND_PREFLIGHT
        || cors_policy_preflight_mode(st->policy) != CORS_PREFLIGHT_HANDLE
        || cors_policy_shadow(st->policy) || strcmp(r->uri, "*") == 0) {
        return DECLINED;
    }
    cors_answer_preflight(r, st);
    return DONE;
}

/*
 * The fast path: a preflight on a server whose policy no section or
 * .htaccess can change is answered before translate_name and the
 * directory walk (a stat and .htaccess lookups per path segment), which is
 * where a preflight's time goes.  It skips exactly what the slow path
 * skips for a handled preflight (authentication, authorization, the
 * handler), and nothing else applies to it.
 */
static int cors_quick_handler(request_rec *r, int lookup)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);
    const cors_req_t *st;

    if (lookup || !sconf->fast_preflight || r->main != NULL || r->prev != NULL
        || r->method_number != M_OPTIONS || strcmp(r->uri, "*") == 0
        || apr_table_get(r->headers_in, "Origin") == NULL
        || apr_table_get(r->headers_in, "Access-Control-Request-Method")
               == NULL) {
        return DECLINED;
    }
    /* Nothing can change the server's policy: decide with it now. */
    cors_req_get(r, 1)->mapped = ap_get_module_config(r->per_dir_config,
                                                      &cors_module);
    if ((st = cors_request_state(r)) == NULL
        || st->d.kind != CORS_KIND_PREFLIGHT) {
        return DECLINED;
    }
    cors_answer_preflight(r, st);
    return OK;
}

static int cors_filter_present(ap_filter_t *f)
{
    for (; f != NULL; f = f->next) {
        if (f->frec == cors_filter_handle) {
            return 1;
        }
    }
    return 0;
}

/*
 * Subrequests never reach the client's headers, so they never get the
 * filter; everything else in a CORS scope does, once.
 */
static void cors_insert_filter(request_rec *r)
{
    if (r->main == NULL && cors_request_state(r) != NULL
        && !cors_filter_present(r->output_filters)) {
        ap_add_output_filter_handle(cors_filter_handle, NULL, r, r->connection);
    }
}

/*
 * Write the headers when the response starts, after the handler, the
 * backend and mod_headers have had their say (and, for an error, after
 * ap_send_error_response swapped the header tables), and before
 * CACHE_SAVE stores the response.
 */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    const cors_req_t *st = cors_request_state(f->r);

    if (st != NULL) {
        cors_write_headers(f->r, st);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* --------------------------------------------------------------------- */
/* Require cors-origin                                                    */

/*
 * The request's own origin, as a browser would serialise it: browsers send
 * Origin on same-origin POSTs too, and a site's own forms must pass.
 */
static const char *cors_own_origin(request_rec *r)
{
    const char *scheme = ap_http_scheme(r);
    apr_port_t port = ap_get_server_port(r);
    const char *host = r->hostname ? r->hostname : r->server->server_hostname;

    if (ap_strchr_c(host, ':') != NULL && host[0] != '[') {
        host = apr_pstrcat(r->pool, "[", host, "]", NULL);
    }
    if (port == ap_default_port(r)) {
        return apr_pstrcat(r->pool, scheme, "://", host, NULL);
    }
    return apr_psprintf(r->pool, "%s://%s:%u", scheme, host, (unsigned)port);
}

/*
 * CORS is not access control: a browser enforces it, any other client
 * ignores it.  This provider lets a server also refuse, on its side,
 * requests that browsers send from origins the policy does not allow.
 */
static authz_status cors_origin_check_authorization(request_rec *r,
                                                    const char *require_line,
                                                    const void *parsed)
{
    request_rec *orig = cors_original_request(r);
    const char *origin = apr_table_get(orig->headers_in, "Origin");
    const cors_req_t *st;

    (void)require_line;
    (void)parsed;
    if (origin == NULL || strcmp(origin, cors_own_origin(orig)) == 0) {
        return AUTHZ_GRANTED;
    }
    st = cors_request_state(orig);
    if (st != NULL && st->d.allowed) {
        return AUTHZ_GRANTED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  CORS_LOGNO(0005) "Require cors-origin denied %s",
                  cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX));
    return AUTHZ_DENIED;
}

static const authz_provider cors_origin_provider = {
    &cors_origin_check_authorization,
    NULL,
};

static int cors_server_policy_is_static(server_rec *s);

/* --------------------------------------------------------------------- */
/* apache2 -t -D DUMP_CORS                                                */

/** One configured scope, as a walk over the configuration shows it. */
typedef struct cors_scope_t {
    server_rec *s;
    const char *label;           /**< "<Location "/api/">", NULL: the server */
    int depth;                   /**< nesting, for indentation */
    const cors_policy_t *own;    /**< the section's own directives */
    const cors_policy_t *policy; /**< merged over its server's */
} cors_scope_t;

typedef void (*cors_scope_fn)(apr_pool_t *p, const cors_scope_t *scope,
                              void *baton);

static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections, const char *kind,
                               cors_scope_fn fn, void *baton);

static void cors_walk_section(apr_pool_t *p, cors_scope_t *outer,
                              ap_conf_vector_t *sec, const char *kind,
                              cors_scope_fn fn, void *baton)
{
    const cors_policy_t *own = ap_get_module_config(sec, &cors_module);
    core_dir_config *cd = ap_get_core_module_config(sec);
    cors_scope_t scope = *outer;

    scope.depth = outer->depth + 1;
    if (own != NULL && !cors_policy_is_empty(own)) {
        scope.own = own;
        scope.policy = cors_policy_merge(p, outer->policy, own);
        if (cd->condition != NULL) {
            scope.label = apr_psprintf(p, "<%s> (%s:%u)",
                                       cd->condition_ifelse
                                               == AP_CONDITION_ELSEIF
                                           ? "ElseIf"
                                       : cd->condition_ifelse
                                               == AP_CONDITION_ELSE
                                           ? "Else"
                                           : "If",
                                       cd->condition->filename,
                                       cd->condition->line_number);
        }
        else {
            scope.label = apr_psprintf(p, "<%s %s\"%s\">", kind,
                                       cd->r ? "~ " : "", cd->d);
        }
        fn(p, &scope, baton);
    }
    if (cd->sec_file != NULL) {
        cors_walk_sections(p, &scope, cd->sec_file, "Files", fn, baton);
    }
    if (cd->sec_if != NULL) {
        cors_walk_sections(p, &scope, cd->sec_if, "If", fn, baton);
    }
}

static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections, const char *kind,
                               cors_scope_fn fn, void *baton)
{
    ap_conf_vector_t **secs = (ap_conf_vector_t **)sections->elts;
    int i;

    for (i = 0; i < sections->nelts; i++) {
        cors_walk_section(p, outer, secs[i], kind, fn, baton);
    }
}

/*
 * Every server, then every section that sets a CORS directive, merged over
 * its server's policy.  (An .htaccess is read per request: not here.)
 */
static void cors_walk(apr_pool_t *p, server_rec *s, cors_scope_fn fn,
                      void *baton)
{
    for (; s != NULL; s = s->next) {
        core_server_config *csconf = ap_get_core_module_config(
            s->module_config);
        core_dir_config *cd;
        cors_scope_t scope;

        scope.s = s;
        scope.label = NULL;
        scope.depth = 0;
        scope.own = scope.policy = ap_get_module_config(s->lookup_defaults,
                                                        &cors_module);
        fn(p, &scope, baton);
        /* <Files> and <If> at server level hang off the server's defaults. */
        cd = ap_get_core_module_config(s->lookup_defaults);
        if (cd->sec_file != NULL) {
            cors_walk_sections(p, &scope, cd->sec_file, "Files", fn, baton);
        }
        if (cd->sec_if != NULL) {
            cors_walk_sections(p, &scope, cd->sec_if, "If", fn, baton);
        }
        cors_walk_sections(p, &scope, csconf->sec_dir, "Directory", fn, baton);
        cors_walk_sections(p, &scope, csconf->sec_url, "Location", fn, baton);
    }
}

/* "name (address:port, file:line)", as -D DUMP_VHOSTS names servers. */
static const char *cors_server_name(apr_pool_t *p, server_rec *s)
{
    const char *name = s->server_hostname ? s->server_hostname : "*";

    if (s->defn_name == NULL) {
        return apr_pstrcat(p, "main server ", name, NULL);
    }
    if (s->addrs != NULL) {
        return apr_psprintf(p, "virtual host %s (%s:%u, %s:%u)", name,
                            s->addrs->virthost, (unsigned)s->addrs->host_port,
                            s->defn_name, (unsigned)s->defn_line_number);
    }
    return apr_psprintf(p, "virtual host %s (%s:%u)", name, s->defn_name,
                        (unsigned)s->defn_line_number);
}

static void cors_dump_scope(apr_pool_t *p, const cors_scope_t *scope,
                            void *baton)
{
    const char *indent = apr_pstrndup(p, "                ",
                                      (apr_size_t)(2 * scope->depth));

    (void)baton;
    if (scope->label == NULL) {
        printf("%s\n", cors_server_name(p, scope->s));
        if (cors_policy_is_empty(scope->policy)) {
            return;
        }
    }
    else {
        printf("%s%s\n", indent, scope->label);
    }
    fputs(cors_policy_describe(p, scope->policy,
                               apr_pstrcat(p, indent, "  ", NULL)),
          stdout);
    if (scope->label == NULL && cors_server_policy_is_static(scope->s)) {
        printf("  (no section or .htaccess can change this policy: "
               "preflights are answered before the directory walk)\n");
    }
}

/*
 * Combinations that arise only from merging are checked per request and
 * fail closed there; say so at start-up too, for every scope the
 * configuration file shows, instead of at the first request.
 */
static void cors_check_scope(apr_pool_t *p, const cors_scope_t *scope,
                             void *baton)
{
    const cors_policy_t *pol = scope->policy;
    const char *where = scope->label
                            ? apr_pstrcat(p, cors_server_name(p, scope->s),
                                          ", ", scope->label, NULL)
                            : cors_server_name(p, scope->s);
    const char *conflict, *insecure;

    (void)baton;
    if (!cors_policy_enabled(pol)) {
        return;
    }
    if ((conflict = cors_policy_conflict(p, pol)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, scope->s,
                     CORS_LOGNO(0001) "%s: %s; CORS fails closed there (no "
                                      "CORS headers)",
                     where, conflict);
    }
    /* The same section was warned about when its directives were read. */
    if (cors_policy_credentials(pol) && scope->own->credentials != 1
        && (insecure = cors_origins_insecure(pol->origins)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, scope->s,
                     CORS_LOGNO(0001) "%s: '%s' is served over plain http "
                                      "and inherits CORSAllowCredentials On: "
                                      "anyone on that page's network can "
                                      "act with the user's credentials",
                     where, insecure);
    }
}

static void cors_test_config(apr_pool_t *pconf, server_rec *s)
{
    apr_pool_t *p;

    apr_pool_create(&p, pconf);
    cors_walk(p, s, cors_check_scope, NULL);
    if (ap_exists_config_define("DUMP_CORS")) {
        /* Like -D DUMP_VHOSTS. */
        printf("CORS policies (each section merged over its server's; "
               "sections nested by URL merge at request time):\n");
        cors_walk(p, s, cors_dump_scope, NULL);
        fflush(stdout);
    }
    apr_pool_destroy(p);
}

/* --------------------------------------------------------------------- */
/* Counters for mod_status                                                */

/*
 * One anonymous shared segment per configuration, created before the
 * children are forked, so every child of every MPM adds to the same
 * counters; a restart starts them again, as mod_status' own do.
 */
static apr_status_t cors_counters_create(apr_pool_t *pconf, server_rec *s)
{
    apr_shm_t *shm;
    apr_size_t nservers = 0, size;
    volatile apr_uint32_t *base;
    server_rec *v;
    apr_status_t rv;

    for (v = s; v != NULL; v = v->next) {
        nservers++;
    }
    size = nservers * CORS_COUNTERS * sizeof(apr_uint32_t);
    rv = apr_shm_create(&shm, size, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     CORS_LOGNO(0006) "no shared memory for the server-status "
                                      "counters; "
                                      "CORS works, uncounted");
        return rv;
    }
    base = apr_shm_baseaddr_get(shm);
    memset((void *)base, 0, size);
    for (v = s; v != NULL; v = v->next) {
        cors_server_conf_t *sconf = ap_get_module_config(v->module_config,
                                                         &cors_module);

        sconf->counters = base;
        base += CORS_COUNTERS;
    }
    return APR_SUCCESS;
}

static int cors_status_hook(request_rec *r, int flags)
{
    server_rec *s;
    int i;

    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr />\n<h2>mod_cors</h2>\n<table border=\"1\">"
                 "<tr><th>Server</th>",
                 r);
        for (i = 0; i < CORS_COUNTERS; i++) {
            ap_rprintf(r, "<th>%s</th>", cors_counter_names[i]);
        }
        ap_rputs("</tr>\n", r);
    }
    for (s = ap_server_conf; s != NULL; s = s->next) {
        cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                         &cors_module);
        const char *name = s->port ? apr_psprintf(r->pool, "%s:%u",
                                                  s->server_hostname,
                                                  (unsigned)s->port)
                                   : s->server_hostname;

        if (sconf->counters == NULL) {
            continue;
        }
        if (flags & AP_STATUS_SHORT) {
            for (i = 0; i < CORS_COUNTERS; i++) {
                ap_rprintf(r, "CORS%s[%s]: %u\n", cors_counter_names[i], name,
                           (unsigned)sconf->counters[i]);
            }
            continue;
        }
        ap_rprintf(r, "<tr><td>%s</td>", ap_escape_html(r->pool, name));
        for (i = 0; i < CORS_COUNTERS; i++) {
            ap_rprintf(r, "<td>%u</td>", (unsigned)sconf->counters[i]);
        }
        ap_rputs("</tr>\n", r);
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</table>\n", r);
    }
    return OK;
}

/* Whether a section, or an .htaccess it lets in, can set CORS directives. */
static int cors_section_may_change_policy(ap_conf_vector_t *sec,
                                          int own_policy_counts)
{
    const cors_policy_t *pol = ap_get_module_config(sec, &cors_module);
    core_dir_config *cd = ap_get_core_module_config(sec);
    const command_rec *cmd;
    int i;

    if (own_policy_counts && pol != NULL && !cors_policy_is_empty(pol)) {
        return 1;
    }
    if (cd->override & OR_FILEINFO) {
        return 1;
    }
    for (cmd = cors_cmds; cd->override_list != NULL && cmd->name; cmd++) {
        if (apr_table_get(cd->override_list, cmd->name) != NULL) {
            return 1;
        }
    }
    for (i = 0; cd->sec_file != NULL && i < cd->sec_file->nelts; i++) {
        if (cors_section_may_change_policy(APR_ARRAY_IDX(cd->sec_file, i,
                                                         ap_conf_vector_t *),
                                           1)) {
            return 1;
        }
    }
    for (i = 0; cd->sec_if != NULL && i < cd->sec_if->nelts; i++) {
        if (cors_section_may_change_policy(APR_ARRAY_IDX(cd->sec_if, i,
                                                         ap_conf_vector_t *),
                                           1)) {
            return 1;
        }
    }
    return 0;
}

static int cors_server_policy_is_static(server_rec *s)
{
    cors_server_conf_t *main_conf =
        ap_get_module_config(ap_server_conf->module_config, &cors_module);
    cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                     &cors_module);
    core_server_config *csconf = ap_get_core_module_config(s->module_config);
    apr_array_header_t *lists[2];
    int i, j;

    if (main_conf->sections_set || sconf->sections_set) {
        return 0;
    }
    lists[0] = csconf->sec_dir;
    lists[1] = csconf->sec_url;
    if (cors_section_may_change_policy(s->lookup_defaults, 0)) {
        return 0;
    }
    for (j = 0; j < 2; j++) {
        for (i = 0; i < lists[j]->nelts; i++) {
            if (cors_section_may_change_policy(APR_ARRAY_IDX(lists[j], i,
                                                             ap_conf_vector_t
                                                                 *),
                                               1)) {
                return 0;
            }
        }
    }
    return 1;
}

static void cors_plan_fast_preflight(server_rec *s)
{
    for (; s != NULL; s = s->next) {
        cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                         &cors_module);
        const cors_policy_t *pol = ap_get_module_config(s->lookup_defaults,
                                                        &cors_module);

        sconf->fast_preflight = pol != NULL && cors_policy_enabled(pol)
                                && cors_policy_preflight_mode(pol)
                                       == CORS_PREFLIGHT_HANDLE
                                && !cors_policy_shadow(pol)
                                && cors_server_policy_is_static(s);
    }
}

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    ap_add_version_component(pconf, "mod_cors/" CORS_VERSION);
    cors_plan_fast_preflight(s);
    /* The first pass only checks the configuration. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    cors_counters_create(pconf, s);
    {
        apr_pool_t *p;

        apr_pool_create(&p, ptemp);
        cors_walk(p, s, cors_check_scope, NULL);
        apr_pool_destroy(p);
    }
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const after_headers[] = {"mod_headers.c", NULL};

    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(cors_test_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, cors_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "cors-origin",
                              AUTHZ_PROVIDER_VERSION, &cors_origin_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    /* First of all, to note the policy of the URL as mapped so far. */
    ap_hook_translate_name(cors_translate_name, NULL, NULL,
                           APR_HOOK_REALLY_FIRST);
    /* Before mod_cache's quick handler: preflights are never cached. */
    ap_hook_quick_handler(cors_quick_handler, NULL, NULL,
                          APR_HOOK_REALLY_FIRST);
    /* Decide before mod_setenvif (MIDDLE) so SetEnvIf can read CORS. */
    ap_hook_header_parser(cors_header_parser, NULL, NULL,
                          APR_HOOK_REALLY_FIRST);
    /* Before mod_authz_core's check (LAST) decides a user is needed. */
    ap_hook_check_access_ex(cors_check_access, NULL, NULL, APR_HOOK_FIRST,
                            AP_AUTH_INTERNAL_PER_CONF);
    /* Before mod_rewrite (FIRST) can redirect or proxy the preflight. */
    ap_hook_fixups(cors_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    /* After mod_headers (LAST), so our filter runs after its filters. */
    ap_hook_insert_filter(cors_insert_filter, after_headers, NULL,
                          APR_HOOK_REALLY_LAST);
    ap_hook_insert_error_filter(cors_insert_filter, after_headers, NULL,
                                APR_HOOK_REALLY_LAST);
    cors_filter_handle = ap_register_output_filter("CORS", cors_out_filter,
                                                   NULL, AP_FTYPE_CONTENT_SET);
}

AP_DECLARE_MODULE(cors) = {
    STANDARD20_MODULE_STUFF,
    create_cors_dir_config,    /* create per-directory config */
    merge_cors_dir_config,     /* merge per-directory configs */
    create_cors_server_config, /* create per-server config */
    NULL,                      /* merge per-server configs */
    cors_cmds,                 /* directives */
    register_hooks,            /* register hooks */
    AP_MODULE_FLAG_NONE        /* flags */
};
