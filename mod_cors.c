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
 * configuration is read and decides each request.  This file is the
 * request path: which hook decides, which answers a preflight, which lets
 * it past authentication, and the output filter.  The rest of the glue is
 * split by concern (mod_cors.h lists the files).
 *
 *   LoadModule cors_module /usr/lib/apache2/modules/mod_cors.so
 *   <Location "/api/">
 *       CORSAllowOrigin https://app.example.com http://localhost:*
 *       CORSAllowCredentials On
 *       CORSAllowMethods GET POST PUT DELETE
 *       CORSAllowHeaders Content-Type X-Requested-With
 *       CORSExposeHeaders X-Request-Id
 *   </Location>
 */

#include "mod_cors.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "mod_status.h"

static ap_filter_rec_t *cors_filter_handle;

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

/* What the decision reads from a request. */
static void cors_request_of(request_rec *orig, cors_request_t *req)
{
    req->method = orig->method;
    req->origin = apr_table_get(orig->headers_in, "Origin");
    /* Only a preflight's answer depends on these. */
    req->acrm = req->acrh = req->acrpn = NULL;
    if (orig->method_number == M_OPTIONS) {
        req->acrm = apr_table_get(orig->headers_in,
                                  "Access-Control-Request-Method");
        req->acrh = apr_table_get(orig->headers_in,
                                  "Access-Control-Request-Headers");
        req->acrpn = apr_table_get(orig->headers_in,
                                   "Access-Control-Request-Private-Network");
    }
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
    cors_request_of(orig, &req);
    cors_policy_decide(orig->pool, pol, &req, orig, &st->d);
    if (st->d.reason == CORS_REASON_POLICY_CONFLICT) {
        cors_log_conflict(orig, st);
    }
    cors_log_decision(orig, st);
    cors_count(orig, &st->d);
    return st;
}

/*
 * The decision, made once on the original request: by header_parser with
 * the fully merged policy, or, for an error raised before it (while httpd
 * decoded the URL or walked the directories), with the policy of the
 * sections matched as far as httpd got.  A request that never reached the
 * quick handler (httpd refused it while reading it: 400, 408, 414, 431)
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
        cors_decide(orig, st, cors_policy_so_far(orig, st->mapped));
    }
    return st->policy != NULL ? st : NULL;
}
/* --------------------------------------------------------------------- */
/* Hooks                                                                  */

/* Note that the URL is decoded and being mapped (see cors_req_t.mapped). */
static int cors_translate_name(request_rec *r)
{
    if (r->prev == NULL && r->main == NULL) {
        cors_req_get(r, 1)->mapped = 1;
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

/* A policy under which mod_cors answers preflights itself. */
static int cors_answers_preflights(const cors_policy_t *pol)
{
    return cors_policy_enabled(pol)
           && cors_policy_preflight_mode(pol) == CORS_PREFLIGHT_HANDLE
           && !cors_policy_shadow(pol);
}

/*
 * The preflights mod_cors answers itself (CORSPreflight handle): an
 * OPTIONS with Origin and Access-Control-Request-Method in a CORS scope,
 * not in shadow mode, and not "OPTIONS *", which is the server's.  Every
 * other request, a preflight sent on to a handler under "continue"
 * included, goes through authentication and authorization as usual.
 */
static const cors_req_t *cors_preflight_to_answer(request_rec *r)
{
    const cors_req_t *st;

    if (r->main != NULL || r->prev != NULL
        || (st = cors_request_state(r)) == NULL
        || st->d.kind != CORS_KIND_PREFLIGHT
        || !cors_answers_preflights(st->policy) || strcmp(r->uri, "*") == 0) {
        return NULL;
    }
    return st;
}

/*
 * Browsers never send credentials on a preflight (Fetch, "CORS-preflight
 * request"), so authentication would turn every preflight under
 * "Require valid-user" into a 401.  Returning OK here makes httpd skip
 * authentication and authorization (server/request.c) for the preflights
 * mod_cors answers itself, which reveal only the CORS policy: no handler
 * runs for them.  A preflight that goes on to a handler is checked like
 * any request: its Origin is the client's word, not a credential.
 */
static int cors_check_access(request_rec *r)
{
    return cors_preflight_to_answer(r) != NULL ? OK : DECLINED;
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
 * -D CORS_FASTPATH_DIFF: the full walk's answer (NULL: mod_cors does not
 * answer this preflight) against what the fast path would have answered.
 * The debug lines let a test count where the fast path applies.
 */
static void cors_fast_compare(request_rec *r, const cors_req_t *answered)
{
    cors_req_t *st = r->main == NULL && r->prev == NULL ? cors_req_get(r, 0)
                                                        : NULL;
    const char *full, *same = NULL;

    if (st == NULL || st->fast_answer == NULL) {
        return;
    }
    if (*st->fast_answer == '\0') {
        same = "full walk";
    }
    else if (answered != NULL
             && strcmp(cors_answer_text(r, answered), st->fast_answer) == 0) {
        same = "same answer";
    }
    if (same != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      CORS_LOGNO(0031) "fast path: %s for %s%s", same,
                      r->hostname ? r->hostname : "",
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX));
    }
    else {
        full = answered != NULL ? cors_answer_text(r, answered)
                                : apr_psprintf(r->pool,
                                               "status %d, not answered by "
                                               "mod_cors",
                                               r->status);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CORS_LOGNO(0030) "fast path differs for %s%s: fast "
                                       "path '%s', full walk '%s'",
                      r->hostname ? r->hostname : "",
                      cors_log_clip(r->pool, r->uri, CORS_LOG_TEXT_MAX),
                      st->fast_answer, full);
    }
    st->fast_answer = NULL;
}

/* A preflight the full walk ended before fixups (an error) is a difference
 * too, when the fast path would have answered it. */
static int cors_fast_compare_ended(request_rec *r)
{
    cors_fast_compare(r, NULL);
    return DECLINED;
}

/*
 * Answer a preflight before any handler (static file, CGI, proxy) and
 * before mod_rewrite's fixup: DONE makes httpd finalize the response as it
 * stands, an empty body with our status and headers.
 */
static int cors_fixups(request_rec *r)
{
    const cors_req_t *st = cors_preflight_to_answer(r);

    cors_fast_compare(r, st);
    if (st == NULL) {
        return DECLINED;
    }
    cors_answer_preflight(r, st);
    return DONE;
}

/*
 * The fast path: a preflight whose answer no section, .htaccess or other
 * module can change (mod_cors_fastpath.c plans where) is answered before
 * translate_name and the directory walk (a stat and .htaccess lookups per
 * path segment), which is where a preflight's time goes.  It skips
 * exactly what the full walk skips for a handled preflight
 * (authentication, authorization, the handler).  Every main request gets
 * its state here: an error while httpd decodes the URL, which comes next,
 * is then decided with the URL as sent.
 */
static int cors_quick_handler(request_rec *r, int lookup)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);
    cors_req_t *st;
    const cors_policy_t *pol;

    if (lookup || r->main != NULL || r->prev != NULL) {
        return DECLINED;
    }
    st = cors_req_get(r, 1);
    if (r->method_number != M_OPTIONS || strcmp(r->uri, "*") == 0
        || apr_table_get(r->headers_in, "Origin") == NULL
        || apr_table_get(r->headers_in, "Access-Control-Request-Method")
               == NULL) {
        return DECLINED;
    }
    pol = cors_fast_policy(r);
    if (sconf->fast_diff) {
        cors_req_t fast = {0};
        cors_request_t req;

        if (pol != NULL && cors_answers_preflights(pol)) {
            fast.policy = pol;
            cors_request_of(r, &req);
            cors_policy_decide(r->pool, pol, &req, r, &fast.d);
        }
        st->fast_answer = fast.policy != NULL ? cors_answer_text(r, &fast) : "";
        return DECLINED;
    }
    if (pol == NULL || !cors_answers_preflights(pol)
        || cors_decide(r, st, pol) == NULL
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
 * filter; everything else in a CORS scope does, once.  An error response
 * raised before header_parser decided is decided here with the policy
 * so far.
 */
static void cors_insert_error_filter(request_rec *r)
{
    if (r->main == NULL && cors_request_state(r) != NULL
        && !cors_filter_present(r->output_filters)) {
        ap_add_output_filter_handle(cors_filter_handle, NULL, r, r->connection);
    }
}

/*
 * ap_invoke_handler runs this after header_parser decided.  An original
 * request still undecided here was served by another module's quick
 * handler (mod_cache's hits, which run this hook themselves): that
 * response keeps the headers stored with it (docs/behaviour.md §3), and
 * deciding it with the policy so far would log and count a decision no
 * response carries.  An internal redirect (an ErrorDocument after an
 * early error) is still decided for its original request.
 */
static void cors_insert_filter(request_rec *r)
{
    const cors_req_t *st;

    if (r->main == NULL && r->prev == NULL
        && ((st = cors_req_get(r, 0)) == NULL || !st->decided)) {
        return;
    }
    cors_insert_error_filter(r);
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

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;

    (void)plog;
    ap_add_version_component(pconf, "mod_cors/" CORS_VERSION);
    cors_plan_fast_preflight(pconf, s);
    for (v = s; v != NULL; v = v->next) {
        cors_server_conf_t *sconf = ap_get_module_config(v->module_config,
                                                         &cors_module);

        sconf->fast_diff = ap_exists_config_define("CORS_FASTPATH_DIFF");
    }
    /* The first pass only checks the configuration. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    cors_counters_create(pconf, s);
    cors_config_log_warnings(pconf);
    cors_check_config(ptemp, s);
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const after_headers[] = {"mod_headers.c", NULL};

    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    cors_sources_register_hooks(p);
    ap_hook_test_config(cors_test_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, cors_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
    /* SetHandler cors-policy: the effective policy of one URL. */
    ap_hook_handler(cors_policy_handler, NULL, NULL, APR_HOOK_MIDDLE);
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
    ap_hook_log_transaction(cors_fast_compare_ended, NULL, NULL,
                            APR_HOOK_MIDDLE);
    /* After mod_headers (LAST), so our filter runs after its filters. */
    ap_hook_insert_filter(cors_insert_filter, after_headers, NULL,
                          APR_HOOK_REALLY_LAST);
    ap_hook_insert_error_filter(cors_insert_error_filter, after_headers, NULL,
                                APR_HOOK_REALLY_LAST);
    cors_filter_handle = ap_register_output_filter("CORS", cors_out_filter,
                                                   NULL, AP_FTYPE_CONTENT_SET);
}

AP_DECLARE_MODULE(cors) = {
    STANDARD20_MODULE_STUFF,
    cors_create_dir_config,    /* create per-directory config */
    cors_merge_dir_config,     /* merge per-directory configs */
    cors_create_server_config, /* create per-server config */
    cors_merge_server_config,  /* merge per-server configs */
    cors_cmds,                 /* directives */
    register_hooks,            /* register hooks */
    /* every virtual host its own state, also one with no CORS directive */
    AP_MODULE_FLAG_ALWAYS_MERGE /* flags */
};
