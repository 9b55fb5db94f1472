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
 * cors-check: the browser's CORS verdict on a URL, from the command line.
 *
 *   cors-check URL --origin ORIGIN [-X METHOD] [-H 'Name: value']...
 *              [-d DATA] [--credentials] [-b COOKIE] [--spec] [--json]
 *              [-k] [--cacert FILE] [--max-time SECONDS]
 *              [--resolve HOST:PORT:ADDRESS]
 *
 * It does what fetch(URL, {method, headers, credentials: 'include'}) does
 * from a page on ORIGIN: decides whether a preflight is needed, sends it as
 * the browser would, checks it, sends the request, follows redirects with
 * the CORS check at every step, and says whether JavaScript can read the
 * response and which of its headers.  The decisions are cc_check.c's; this
 * file drives them over the network (cc_http.c) and reports.  Exit status:
 * 0 readable, 1 blocked, 2 usage or network error.  See cors-check.1.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "cors_origin.h"
#include "cors_tokens.h"
#include "cc_check.h"
#include "cc_http.h"

#define CC_EXIT_READABLE 0
#define CC_EXIT_BLOCKED 1
#define CC_EXIT_ERROR 2

/** The command line, once checked. */
typedef struct cc_app_t {
    apr_pool_t *pool;
    cc_url_t target;
    const char *origin;          /**< serialized, or "null" */
    const char *method;          /**< as fetch() normalises it */
    apr_array_header_t *headers; /**< cc_header_t the page sets */
    apr_array_header_t *dropped; /**< forbidden names fetch() drops */
    const char *body;
    const char *cookie; /**< what the browser's cookie jar would add */
    int credentials;    /**< credentials mode "include" */
    int json;
    int spec;
    cc_http_opts_t http_opts;
    cc_http_t *http;
} cc_app_t;

/** One step of the report: a title and its lines. */
typedef struct cc_step_t {
    const char *title;
    apr_array_header_t *lines; /**< const char * */
} cc_step_t;

/** One profile's run through the fetch. */
typedef struct cc_run_t {
    cc_profile_e pr;
    int readable;
    const char *net_error; /**< no response: exit 2 */
    cc_failure_t fail;
    int preflights;
    apr_array_header_t *steps;    /**< cc_step_t */
    apr_array_header_t *warnings; /**< const char * */
    apr_array_header_t *debug;    /**< CORS-Debug values seen */
    const cc_exchange_t *final;
    apr_array_header_t *readable_names;
    apr_array_header_t *hidden_names;
    apr_array_header_t *sent; /**< the exchanges this run made, in order */
} cc_run_t;

static const char *const cc_fail_names[] = {"ok",
                                            "acao-missing",
                                            "acao-multiple",
                                            "acao-mismatch",
                                            "acao-star-with-credentials",
                                            "acac-not-true",
                                            "preflight-redirect",
                                            "preflight-status",
                                            "acam-invalid",
                                            "acah-invalid",
                                            "method-not-allowed",
                                            "header-not-allowed",
                                            "redirect-scheme",
                                            "redirect-userinfo",
                                            "redirect-limit",
                                            "redirect-bad-url"};

/* ---- the report's lines -------------------------------------------------- */

static cc_step_t *cc_step(apr_pool_t *p, cc_run_t *run, const char *title)
{
    cc_step_t *s = (cc_step_t *)apr_array_push(run->steps);

    s->title = title;
    s->lines = apr_array_make(p, 8, sizeof(const char *));
    return s;
}

static void cc_line(cc_step_t *s, const char *line)
{
    APR_ARRAY_PUSH(s->lines, const char *) = line;
}

static void cc_warn(apr_pool_t *p, cc_run_t *run, const char *w)
{
    if (!cc_list_has(run->warnings, w, 0)) {
        APR_ARRAY_PUSH(run->warnings, const char *) = apr_pstrdup(p, w);
    }
}

/* Whether a response header is worth showing in a step. */
static int cc_header_relevant(const char *name)
{
    return strncasecmp(name, "access-control-", 15) == 0
           || strcasecmp(name, "vary") == 0 || strcasecmp(name, "location") == 0
           || strcasecmp(name, "cors-debug") == 0
           || strcasecmp(name, "content-type") == 0
           || strcasecmp(name, "www-authenticate") == 0;
}

/* The request and response of one exchange, as step lines. */
static void cc_show_exchange(apr_pool_t *p, cc_run_t *run, cc_step_t *s,
                             const cc_exchange_t *x)
{
    const cc_header_t *h = (const cc_header_t *)x->sent->elts;
    int i;

    cc_line(s, apr_psprintf(p, "> %s %s", x->method, x->url));
    for (i = 0; i < x->sent->nelts; i++) {
        cc_line(s, apr_psprintf(p, "> %s: %s", h[i].name, h[i].value));
    }
    if (x->error != NULL) {
        cc_line(s, apr_psprintf(p, "error: %s", x->error));
        return;
    }
    cc_line(s, apr_psprintf(p, "< HTTP %d", x->status));
    h = (const cc_header_t *)x->headers->elts;
    for (i = 0; i < x->headers->nelts; i++) {
        if (cc_header_relevant(h[i].name)) {
            cc_line(s, apr_psprintf(p, "< %s: %s", h[i].name, h[i].value));
        }
        if (strcasecmp(h[i].name, "CORS-Debug") == 0
            && !cc_list_has(run->debug, h[i].value, 0)) {
            APR_ARRAY_PUSH(run->debug, const char *) = h[i].value;
        }
    }
}

/* ---- one fetch, as one profile sees it ----------------------------------- */

/* Send through the shared client and remember the exchange as this run's. */
static const cc_exchange_t *cc_send(cc_app_t *a, cc_run_t *run,
                                    const char *method, const char *url,
                                    const apr_array_header_t *headers,
                                    const char *body)
{
    const cc_exchange_t *x = cc_http_send(a->http, method, url, headers, body);

    APR_ARRAY_PUSH(run->sent, const cc_exchange_t *) = x;
    return x;
}

static void cc_failed(apr_pool_t *p, cc_run_t *run, cc_step_t *s,
                      const char *url, const char *first_url,
                      const char *method)
{
    run->fail.url = url;
    run->fail.from_url = strcmp(url, first_url) != 0 ? first_url : NULL;
    cc_line(s, apr_psprintf(p, "FAIL  %s", cc_failure_reason(p, &run->fail)));
    cc_line(s, apr_psprintf(p, "fix:  %s",
                            cc_failure_hint(p, &run->fail, method)));
}

/* The preflight of one hop; 0 when it passed. */
static int cc_preflight(cc_app_t *a, cc_run_t *run, const char *url,
                        const char *first_url, const char *origin,
                        const char *method, const apr_array_header_t *unsafe)
{
    apr_pool_t *p = a->pool;
    apr_array_header_t *h = apr_array_make(p, 4, sizeof(cc_header_t));
    cc_step_t *s = cc_step(p, run, "Preflight");
    cc_preflight_info_t info;
    const cc_exchange_t *x;

    /* "CORS-preflight fetch": no credentials, no author headers. */
    cc_headers_add(p, h, "Origin", origin, 0);
    cc_headers_add(p, h, "Access-Control-Request-Method", method, 0);
    if (unsafe->nelts > 0) {
        cc_headers_add(p, h, "Access-Control-Request-Headers",
                       cc_join(p, unsafe, ","), 0);
    }
    x = cc_send(a, run, "OPTIONS", url, h, NULL);
    run->preflights++;
    cc_show_exchange(p, run, s, x);
    if (x->error != NULL) {
        run->net_error = x->error;
        return -1;
    }
    if (cc_preflight_check(p, run->pr, x->status, x->headers, origin,
                           a->credentials, method, unsafe, &run->fail, &info)
        != CC_OK) {
        cc_failed(p, run, s, url, first_url, method);
        return -1;
    }
    cc_line(s, apr_psprintf(p, "ok    status %d, origin%s, method %s%s, %s",
                            x->status, a->credentials ? " and credentials" : "",
                            method, info.method_by_star ? " (through *)" : "",
                            unsafe->nelts == 0     ? "no header to allow"
                            : info.headers_by_star ? "headers (through *)"
                                                   : "every header allowed"));
    if (info.star_authorization) {
        cc_line(s, "note  '*' in Access-Control-Allow-Headers let "
                   "Authorization through: browsers still do, the Fetch "
                   "Standard does not");
        cc_warn(p, run,
                "Authorization passed only through '*' in "
                "Access-Control-Allow-Headers: shipping browsers allow it "
                "(Chromium warns that Authorization will not be covered by "
                "the wildcard symbol), the Fetch Standard does not: list "
                "Authorization by name");
    }
    if (info.max_age_cap > 0 && info.max_age > info.max_age_cap) {
        cc_line(s, apr_psprintf(p, "note  cached for %ld s (%s caps %ld s)",
                                info.max_age_cap, cc_profile_name(run->pr),
                                info.max_age));
    }
    else {
        cc_line(s, apr_psprintf(p,
                                "note  the browser may cache this answer "
                                "for %ld s",
                                info.max_age));
    }
    return 0;
}

/* Request-body headers dropped when a redirect turns the method into GET
 * ("HTTP-redirect fetch", step 12). */
static void cc_drop_body_headers(apr_array_header_t *h)
{
    cc_headers_remove(h, "Content-Encoding");
    cc_headers_remove(h, "Content-Language");
    cc_headers_remove(h, "Content-Location");
    cc_headers_remove(h, "Content-Type");
}

/* Headers about the protocol rather than the resource: never worth
 * telling someone that JavaScript cannot read them. */
static int cc_protocol_header(const char *name)
{
    return strncmp(name, "access-control-", 15) == 0
           || strcmp(name, "vary") == 0 || strcmp(name, "connection") == 0
           || strcmp(name, "keep-alive") == 0
           || strcmp(name, "transfer-encoding") == 0;
}

static void cc_readable(apr_pool_t *p, cc_run_t *run, int cors, int credentials)
{
    const apr_array_header_t *hd = run->final->headers;
    const cc_header_t *h = (const cc_header_t *)hd->elts;
    apr_array_header_t *exposed;
    const char *bad = NULL, *aceh;
    int i;

    run->readable_names = cc_readable_names(p, hd, cors, credentials, &bad);
    run->hidden_names = apr_array_make(p, 4, sizeof(const char *));
    for (i = 0; i < hd->nelts; i++) {
        char *n = apr_pstrdup(p, h[i].name);

        for (char *q = n; *q; q++) {
            *q = (char)apr_tolower(*q);
        }
        if (!cc_list_has(run->readable_names, n, 0)
            && !cc_list_has(run->hidden_names, n, 0)
            && !cc_protocol_header(n)) {
            APR_ARRAY_PUSH(run->hidden_names, const char *) = n;
        }
    }
    if (bad != NULL) {
        cc_warn(p, run,
                apr_psprintf(p,
                             "Access-Control-Expose-Headers is ignored: '%s' "
                             "is not a header name",
                             bad));
    }
    aceh = cc_headers_get(p, hd, "Access-Control-Expose-Headers");
    exposed = apr_array_make(p, 4, sizeof(const char *));
    if (cors && credentials && cc_list_parse(p, aceh, 0, exposed, &bad) == 0
        && cc_list_has(exposed, "*", 0)) {
        cc_warn(p, run,
                "Access-Control-Expose-Headers: * exposes nothing with "
                "credentials (it is then the header name '*'): list the "
                "names");
    }
}

static void cc_vary_warning(apr_pool_t *p, cc_run_t *run,
                            const cc_exchange_t *x)
{
    const char *acao = cc_headers_get(p, x->headers,
                                      "Access-Control-Allow-Origin");

    if (acao != NULL && strcmp(acao, "*") != 0
        && !cc_vary_has(p, cc_headers_get(p, x->headers, "Vary"), "Origin")) {
        cc_warn(p, run,
                "no 'Vary: Origin' on a response whose "
                "Access-Control-Allow-Origin names one origin: a shared "
                "cache (CDN, proxy) may hand this answer to another origin. "
                "Browsers do not check this; it is not why a fetch fails "
                "(mod_cors always sends Vary: Origin)");
    }
}

/*
 * A credentialed fetch answered 401 with WWW-Authenticate: Chromium and
 * Firefox put up their authentication prompt, although the Standard
 * prompts only for requests that are not CORS ("HTTP-network-or-cache
 * fetch", step 14); seen in both by tests/browser, where the fetch() then
 * never settles.
 */
static void cc_prompt_warning(apr_pool_t *p, cc_run_t *run,
                              const cc_exchange_t *x, int credentials)
{
    if (credentials && x->status == 401
        && cc_headers_get(p, x->headers, "WWW-Authenticate") != NULL) {
        cc_warn(p, run,
                "a 401 with WWW-Authenticate to a fetch with credentials: "
                "Chromium and Firefox show their login prompt (the Fetch "
                "Standard says they should not for CORS) and the page "
                "waits until the user answers it");
    }
}

static void cc_run(cc_app_t *a, cc_run_t *run)
{
    apr_pool_t *p = a->pool;
    const char *first_url = a->target.url, *url = first_url;
    const char *cur_origin = a->target.origin, *method = a->method;
    const char *body = a->body;
    apr_array_header_t *hdrs = apr_array_copy(p, a->headers);
    const cc_quirks_t *q = cc_profile_quirks(run->pr);
    int cors = 0, tainted = 0, hops = 0, preflighted = 0;

    run->steps = apr_array_make(p, 6, sizeof(cc_step_t));
    run->warnings = apr_array_make(p, 4, sizeof(const char *));
    run->debug = apr_array_make(p, 2, sizeof(const char *));
    run->sent = apr_array_make(p, 4, sizeof(const cc_exchange_t *));
    for (;;) {
        const char *origin = tainted ? "null" : a->origin;
        apr_array_header_t *send = apr_array_copy(p, hdrs);
        const cc_exchange_t *x;
        cc_step_t *s;
        cc_url_t loc;
        const char *location, *err;

        /* "Main fetch": same origin stays "basic" until a hop leaves it;
         * from then on every hop is a CORS request. */
        if (!cors && (tainted || strcmp(cur_origin, a->origin) != 0)) {
            cors = 1;
        }
        if (cors) {
            apr_array_header_t *why = apr_array_make(p, 4,
                                                     sizeof(const char *));
            apr_array_header_t *unsafe = cc_unsafe_names(p, hdrs, why);
            int safe_method = cc_method_safelisted(method);
            int again = q->repreflight_after_redirect && preflighted;
            int i;

            s = cc_step(p, run,
                        hops ? "Simple request? (after the redirect)"
                             : "Simple request?");
            if (safe_method && unsafe->nelts == 0 && !again) {
                cc_line(s, apr_psprintf(p,
                                        "yes: %s with no CORS-unsafe "
                                        "header, no preflight",
                                        method));
            }
            else {
                cc_line(s, "no: a CORS preflight comes first, because");
                if (!safe_method) {
                    cc_line(s, apr_psprintf(p,
                                            "  method %s is not GET, HEAD "
                                            "or POST",
                                            method));
                }
                for (i = 0; i < why->nelts; i++) {
                    cc_line(s, apr_pstrcat(p, "  ",
                                           APR_ARRAY_IDX(why, i, const char *),
                                           NULL));
                }
                if (again) {
                    cc_line(s, apr_psprintf(p,
                                            "  %s preflights again every "
                                            "hop of a request it "
                                            "preflighted once, with the "
                                            "page's own origin (the Fetch "
                                            "Standard does not)",
                                            cc_profile_name(run->pr)));
                }
                if (cc_preflight(a, run, url, first_url,
                                 again ? a->origin : origin, method, unsafe)
                    != 0) {
                    return;
                }
                preflighted = 1;
            }
        }
        else {
            s = cc_step(p, run, "Same origin");
            cc_line(s, apr_psprintf(p,
                                    "%s is the page's own origin: CORS "
                                    "does not apply to this request",
                                    cur_origin));
        }

        /* "Append a request Origin header": always for CORS, else for
         * methods other than GET and HEAD. */
        if (cors
            || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
            cc_headers_add(p, send, "Origin", origin, 0);
        }
        if (a->cookie != NULL && (a->credentials || !cors)) {
            cc_headers_add(p, send, "Cookie", a->cookie, 0);
        }
        x = cc_send(a, run, method, url, send, body);
        s = cc_step(p, run, hops ? "Request (after the redirect)" : "Request");
        cc_show_exchange(p, run, s, x);
        if (x->error != NULL) {
            run->net_error = x->error;
            return;
        }
        run->final = x;
        run->fail.status = x->status;
        /* "HTTP fetch": the CORS check applies to every response of a CORS
         * request, redirects included. */
        if (cors) {
            if (cc_cors_check(p, x->headers, origin, a->credentials, &run->fail)
                != CC_OK) {
                cc_failed(p, run, s, url, first_url, method);
                return;
            }
            cc_line(s, apr_psprintf(p,
                                    "ok    Access-Control-Allow-Origin "
                                    "%s%s",
                                    cc_headers_get(p, x->headers,
                                                   "Access-Control-Allow-"
                                                   "Origin"),
                                    a->credentials ? ", credentials allowed"
                                                   : ""));
            cc_vary_warning(p, run, x);
        }
        location = cc_headers_get(p, x->headers, "Location");
        if (!cc_status_redirect(x->status) || location == NULL) {
            break;
        }

        /* "HTTP-redirect fetch". */
        if ((err = cc_url_parse(p, url, location, &loc)) != NULL
            && loc.url == NULL) {
            run->fail.code = CC_REDIRECT_BAD_URL;
            run->fail.value = location;
        }
        else if (strcmp(loc.scheme, "http") != 0
                 && strcmp(loc.scheme, "https") != 0) {
            run->fail.code = CC_REDIRECT_SCHEME;
            run->fail.value = loc.url;
        }
        else if (hops >= CC_MAX_REDIRECTS) {
            run->fail.code = CC_REDIRECT_LIMIT;
        }
        else if (loc.userinfo && (cors || strcmp(a->origin, loc.origin) != 0)) {
            run->fail.code = CC_REDIRECT_USERINFO;
            run->fail.value = loc.url;
        }
        if (run->fail.code != CC_OK) {
            run->fail.origin = origin;
            cc_failed(p, run, s, url, first_url, method);
            return;
        }
        if (((x->status == 301 || x->status == 302)
             && strcmp(method, "POST") == 0)
            || (x->status == 303 && strcmp(method, "GET") != 0
                && strcmp(method, "HEAD") != 0)) {
            method = "GET";
            body = NULL;
            cc_drop_body_headers(hdrs);
        }
        if (strcmp(cur_origin, loc.origin) != 0) {
            cc_headers_remove(hdrs, "Authorization");
            /* The "tainted origin flag": from here on Origin is null. */
            if (strcmp(a->origin, cur_origin) != 0 && !tainted) {
                tainted = 1;
                cc_line(s, "note  a redirect from one other origin to "
                           "another: the browser now sends Origin: null");
            }
        }
        cc_line(s, apr_psprintf(p, "redirect %d to %s", x->status, loc.url));
        url = loc.url;
        cur_origin = loc.origin;
        hops++;
    }
    run->readable = 1;
    cc_prompt_warning(p, run, run->final, a->credentials);
    cc_readable(p, run, cors, a->credentials);
}

/* ---- output ---------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s, or 0. */
static int cc_utf8_len(const unsigned char *s)
{
    int n, i;

    if (s[0] < 0xc2 || s[0] > 0xf4) {
        return 0;
    }
    n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* No overlong forms, surrogates or code points past U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f)
        || (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)) {
        return 0;
    }
    return n;
}

/*
 * s as a JSON string (NULL: null).  A server's bytes need not be UTF-8:
 * a byte that does not start a valid sequence becomes U+FFFD, so that the
 * output is always valid JSON.
 */
static const char *cc_json_str(apr_pool_t *p, const char *s)
{
    const unsigned char *q = (const unsigned char *)s;
    char *out, *o;

    if (s == NULL) {
        return "null";
    }
    out = o = apr_palloc(p, strlen(s) * 6 + 3);
    *o++ = '"';
    while (*q) {
        int n;

        if (*q == '"' || *q == '\\') {
            *o++ = '\\';
            *o++ = (char)*q++;
        }
        else if (*q < 0x20 || *q == 0x7f) {
            o += sprintf(o, "\\u%04x", *q++);
        }
        else if (*q < 0x80) {
            *o++ = (char)*q++;
        }
        else if ((n = cc_utf8_len(q)) > 0) {
            memcpy(o, q, (size_t)n);
            o += n;
            q += n;
        }
        else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            q++;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static const char *cc_json_names(apr_pool_t *p, const apr_array_header_t *a)
{
    const char *out = "[";
    int i;

    for (i = 0; a != NULL && i < a->nelts; i++) {
        out = apr_pstrcat(p, out, i ? ", " : "",
                          cc_json_str(p, APR_ARRAY_IDX(a, i, const char *)),
                          NULL);
    }
    return apr_pstrcat(p, out, "]", NULL);
}

static const char *cc_json_headers(apr_pool_t *p, const apr_array_header_t *a)
{
    const cc_header_t *h = (const cc_header_t *)a->elts;
    const char *out = "[";
    int i;

    for (i = 0; i < a->nelts; i++) {
        out = apr_pstrcat(p, out, i ? ", " : "", "[", cc_json_str(p, h[i].name),
                          ", ", cc_json_str(p, h[i].value), "]", NULL);
    }
    return apr_pstrcat(p, out, "]", NULL);
}

/* The requests a run sent: what a server log would show of them. */
static const char *cc_json_sent(apr_pool_t *p, const cc_run_t *r)
{
    const char *out = "[";
    int i;

    for (i = 0; i < r->sent->nelts; i++) {
        const cc_exchange_t *x = APR_ARRAY_IDX(r->sent, i,
                                               const cc_exchange_t *);

        out = apr_pstrcat(
            p, out, i ? ", " : "",
            apr_psprintf(p,
                         "{\"method\": %s, \"url\": %s, \"origin\": %s, "
                         "\"acrm\": %s, \"acrh\": %s}",
                         cc_json_str(p, x->method), cc_json_str(p, x->url),
                         cc_json_str(p, cc_headers_get(p, x->sent, "Origin")),
                         cc_json_str(p, cc_headers_get(p, x->sent,
                                                       "Access-Control-Request-"
                                                       "Method")),
                         cc_json_str(p, cc_headers_get(p, x->sent,
                                                       "Access-Control-Request-"
                                                       "Headers"))),
            NULL);
    }
    return apr_pstrcat(p, out, "]", NULL);
}

static const char *cc_verdict_word(const cc_run_t *r)
{
    return r->net_error ? "error" : r->readable ? "readable" : "blocked";
}

static const char *cc_json_run(apr_pool_t *p, const cc_app_t *a,
                               const cc_run_t *r)
{
    int blocked = !r->net_error && !r->readable;

    return apr_psprintf(
        p,
        "{\"verdict\": \"%s\", \"reason\": %s, \"code\": %s, "
        "\"message\": %s, \"hint\": %s, \"error\": %s, \"status\": %d, "
        "\"preflights\": %d, \"readable_headers\": %s, "
        "\"hidden_headers\": %s, \"body\": %s, \"warnings\": %s, "
        "\"requests\": %s}",
        cc_verdict_word(r),
        blocked ? cc_json_str(p, cc_failure_reason(p, &r->fail)) : "null",
        blocked ? cc_json_str(p, cc_fail_names[r->fail.code]) : "null",
        blocked ? cc_json_str(p, cc_failure_message(p, r->pr, &r->fail))
                : "null",
        blocked ? cc_json_str(p, cc_failure_hint(p, &r->fail, a->method))
                : "null",
        cc_json_str(p, r->net_error), r->final ? r->final->status : 0,
        r->preflights, cc_json_names(p, r->readable ? r->readable_names : NULL),
        cc_json_names(p, r->readable ? r->hidden_names : NULL),
        r->readable ? cc_json_str(p, r->final->response_body) : "null",
        cc_json_names(p, r->warnings), cc_json_sent(p, r));
}

static void cc_print_json(cc_app_t *a, const cc_run_t *runs,
                          const cc_run_t *main_run, int code)
{
    apr_pool_t *p = a->pool;
    const apr_array_header_t *xs = cc_http_exchanges(a->http);
    const char *steps = "[", *exchanges = "[";
    int i, j;

    for (i = 0; i < main_run->steps->nelts; i++) {
        const cc_step_t *s = &APR_ARRAY_IDX(main_run->steps, i, cc_step_t);

        steps = apr_pstrcat(p, steps, i ? ", " : "",
                            "{\"title\": ", cc_json_str(p, s->title),
                            ", \"lines\": ", cc_json_names(p, s->lines), "}",
                            NULL);
    }
    for (i = 0; i < xs->nelts; i++) {
        const cc_exchange_t *x = APR_ARRAY_IDX(xs, i, const cc_exchange_t *);

        exchanges = apr_pstrcat(
            p, exchanges, i ? ", " : "",
            apr_psprintf(p,
                         "{\"method\": %s, \"url\": %s, \"sent\": %s, "
                         "\"status\": %d, \"headers\": %s, \"error\": %s}",
                         cc_json_str(p, x->method), cc_json_str(p, x->url),
                         cc_json_headers(p, x->sent), x->status,
                         cc_json_headers(p, x->headers),
                         cc_json_str(p, x->error)),
            NULL);
    }
    printf("{\"cors_check\": \"%s\", \"url\": %s, \"origin\": %s, "
           "\"method\": %s, \"credentials\": %s, \"mode\": \"%s\",\n"
           " \"verdict\": \"%s\", \"exit\": %d,\n"
           " \"browsers_disagree\": %s, \"spec_differs\": %s,\n"
           " \"status\": %d, \"readable_headers\": %s, \"body\": %s,\n"
           " \"warnings\": %s, \"cors_debug\": %s, \"dropped_headers\": %s,\n"
           " \"verdicts\": {",
           CORS_VERSION, cc_json_str(p, a->target.url),
           cc_json_str(p, a->origin), cc_json_str(p, a->method),
           a->credentials ? "true" : "false", a->spec ? "spec" : "browsers",
           cc_verdict_word(main_run), code,
           runs[CC_CHROMIUM].readable != runs[CC_FIREFOX].readable ? "true"
                                                                   : "false",
           runs[CC_SPEC].readable
                   != (runs[CC_CHROMIUM].readable && runs[CC_FIREFOX].readable)
               ? "true"
               : "false",
           main_run->final ? main_run->final->status : 0,
           cc_json_names(p,
                         main_run->readable ? main_run->readable_names : NULL),
           main_run->readable && main_run->final
               ? cc_json_str(p, main_run->final->response_body)
               : "null",
           cc_json_names(p, main_run->warnings),
           cc_json_names(p, main_run->debug), cc_json_names(p, a->dropped));
    for (j = 0; j < CC_NPROFILES; j++) {
        printf("%s\n  \"%s\": %s", j ? "," : "", cc_profile_key(runs[j].pr),
               cc_json_run(p, a, &runs[j]));
    }
    printf("},\n \"steps\": %s],\n \"exchanges\": %s]}\n", steps, exchanges);
}

/* One line of verdict for a run: "JavaScript can read..." or "blocked:". */
static const char *cc_verdict_text(apr_pool_t *p, const cc_run_t *r)
{
    if (r->net_error) {
        return apr_psprintf(p, "error: no response: %s", r->net_error);
    }
    if (r->readable) {
        return apr_psprintf(p,
                            "JavaScript can read this response (status "
                            "%d)",
                            r->final->status);
    }
    return apr_psprintf(p, "blocked: %s", cc_failure_reason(p, &r->fail));
}

static void cc_print_text(cc_app_t *a, const cc_run_t *runs,
                          const cc_run_t *main_run)
{
    apr_pool_t *p = a->pool;
    const cc_run_t *chr = &runs[CC_CHROMIUM], *ffx = &runs[CC_FIREFOX];
    const cc_run_t *spec = &runs[CC_SPEC];
    int i, j;

    printf("cors-check %s: %s %s\n  from origin %s, credentials mode '%s', "
           "rules: %s\n",
           CORS_VERSION, a->method, a->target.url, a->origin,
           a->credentials ? "include" : "same-origin",
           a->spec ? "the Fetch Standard (--spec)" : "as browsers ship");
    for (i = 0; i < a->dropped->nelts; i++) {
        printf("  note: fetch() cannot set %s: left out, as the browser "
               "does\n",
               APR_ARRAY_IDX(a->dropped, i, const char *));
    }
    for (i = 0; i < main_run->steps->nelts; i++) {
        const cc_step_t *s = &APR_ARRAY_IDX(main_run->steps, i, cc_step_t);

        printf("\n%d. %s\n", i + 1, s->title);
        for (j = 0; j < s->lines->nelts; j++) {
            printf("   %s\n", APR_ARRAY_IDX(s->lines, j, const char *));
        }
    }
    if (main_run->readable) {
        printf("\n%d. What JavaScript can read\n   status %d, the body (%lu "
               "bytes)%s%s\n",
               main_run->steps->nelts + 1, main_run->final->status,
               (unsigned long)main_run->final->response_len,
               main_run->readable_names->nelts ? ", headers: " : "",
               cc_join(p, main_run->readable_names, ", "));
        if (main_run->hidden_names->nelts) {
            printf("   hidden from JavaScript: %s (add a name to "
                   "Access-Control-Expose-Headers to expose it)\n",
                   cc_join(p, main_run->hidden_names, ", "));
        }
    }
    for (i = 0; i < main_run->debug->nelts; i++) {
        printf("\nThe server says (CORS-Debug): %s\n",
               APR_ARRAY_IDX(main_run->debug, i, const char *));
    }
    for (i = 0; i < main_run->warnings->nelts; i++) {
        printf("\nwarning: %s\n",
               APR_ARRAY_IDX(main_run->warnings, i, const char *));
    }
    printf("\nVerdict: %s\n", cc_verdict_text(p, main_run));
    if (!main_run->readable && !main_run->net_error) {
        printf("  Chromium console: %s\n"
               "  Firefox console:  %s\n"
               "  Fix: %s\n",
               cc_failure_message(p, CC_CHROMIUM, &main_run->fail),
               cc_failure_message(p, CC_FIREFOX, &main_run->fail),
               cc_failure_hint(p, &main_run->fail, a->method));
    }
    if (!a->spec && chr->readable != ffx->readable) {
        printf("\nThe browsers disagree:\n  Chromium: %s\n  Firefox:  %s\n",
               cc_verdict_text(p, chr), cc_verdict_text(p, ffx));
    }
    if (!a->spec && spec->readable != main_run->readable) {
        printf("\nThe Fetch Standard differs (--spec): %s\n",
               cc_verdict_text(p, spec));
    }
    else if (a->spec
             && (chr->readable != spec->readable
                 || ffx->readable != spec->readable)) {
        printf("\nAs browsers ship (without --spec): Chromium: %s; "
               "Firefox: %s\n",
               cc_verdict_text(p, chr), cc_verdict_text(p, ffx));
    }
}

/* ---- the command line ------------------------------------------------------ */

static void cc_usage(FILE *out)
{
    fprintf(out,
            "usage: cors-check URL --origin ORIGIN [options]\n"
            "\n"
            "What a browser's fetch(URL) from a page on ORIGIN may read.\n"
            "\n"
            "  -o, --origin ORIGIN    the page's origin, scheme://host[:port] "
            "(or null)\n"
            "  -X, --request METHOD   the method (default GET, POST with -d)\n"
            "  -H, --header 'N: V'    a header the page sets (repeatable)\n"
            "  -d, --data DATA        a request body (fetch()'s body)\n"
            "      --credentials      credentials: 'include' (cookies, "
            "ACAC)\n"
            "  -b, --cookie STRING    the Cookie the browser would send\n"
            "      --spec             judge by the Fetch Standard, not as "
            "browsers ship\n"
            "      --json             one JSON object on stdout\n"
            "  -k, --insecure         do not verify TLS certificates\n"
            "      --cacert FILE      CA certificates to verify with\n"
            "      --resolve HOST:PORT:ADDRESS  connect there for HOST:PORT "
            "(as curl)\n"
            "  -m, --max-time SECONDS the most time one request may take "
            "(30)\n"
            "  -V, --version, -h, --help\n"
            "\n"
            "Exit status: 0 JavaScript can read the response, 1 blocked, 2 "
            "usage or network error.  man cors-check for more.\n");
}

static int cc_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "cors-check: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(cors-check --help for usage)\n");
    return CC_EXIT_ERROR;
}

/* One -H value into the page's headers, as the Headers object takes it. */
static int cc_add_header(cc_app_t *a, const char *arg)
{
    apr_pool_t *p = a->pool;
    const char *colon = strchr(arg, ':');
    const char *v;
    char *name;
    apr_size_t vlen;

    if (colon == NULL) {
        return cc_usage_error("-H '%s': expected 'Name: value'", arg);
    }
    name = apr_pstrmemdup(p, arg, (apr_size_t)(colon - arg));
    if (!cors_is_token(name, strlen(name))) {
        return cc_usage_error("-H '%s': fetch() throws TypeError: the name "
                              "is not a valid header name",
                              arg);
    }
    /* "Normalize" the value: leading and trailing HTTP whitespace go. */
    for (v = colon + 1; *v == ' ' || *v == '\t'; v++) {
    }
    vlen = strlen(v);
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) {
        vlen--;
    }
    v = apr_pstrmemdup(p, v, vlen);
    if (cc_header_forbidden(name, v)) {
        APR_ARRAY_PUSH(a->dropped, const char *) = name;
        return 0;
    }
    cc_headers_add(p, a->headers, name, v, 1);
    return 0;
}

/* The parsed command line; CC_EXIT_ERROR (after saying why) or -1. */
static int cc_parse_args(cc_app_t *a, int argc, char **argv)
{
    static const struct option opts[] =
        {{"origin", required_argument, NULL, 'o'},
         {"request", required_argument, NULL, 'X'},
         {"header", required_argument, NULL, 'H'},
         {"data", required_argument, NULL, 'd'},
         {"credentials", no_argument, NULL, 'C'},
         {"cookie", required_argument, NULL, 'b'},
         {"spec", no_argument, NULL, 'S'},
         {"json", no_argument, NULL, 'J'},
         {"insecure", no_argument, NULL, 'k'},
         {"cacert", required_argument, NULL, 'A'},
         {"max-time", required_argument, NULL, 'm'},
         {"resolve", required_argument, NULL, 'R'},
         {"version", no_argument, NULL, 'V'},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0}};
    apr_pool_t *p = a->pool;
    const char *method = NULL, *err;
    cors_origin_t parsed;
    int c, rc;

    a->http_opts.max_time = 30;
    while ((c = getopt_long(argc, argv, "o:X:H:d:b:km:Vh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->origin = optarg;
            break;
        case 'X':
            method = optarg;
            break;
        case 'H':
            if ((rc = cc_add_header(a, optarg)) != 0) {
                return rc;
            }
            break;
        case 'd':
            a->body = optarg;
            break;
        case 'C':
            a->credentials = 1;
            break;
        case 'b':
            a->cookie = optarg;
            break;
        case 'S':
            a->spec = 1;
            break;
        case 'J':
            a->json = 1;
            break;
        case 'k':
            a->http_opts.insecure = 1;
            break;
        case 'A':
            a->http_opts.cacert = optarg;
            break;
        case 'R':
            /* HOST:PORT:ADDRESS, as curl's --resolve; libcurl checks it */
            if (strchr(optarg, ':') == NULL
                || strchr(strchr(optarg, ':') + 1, ':') == NULL) {
                return cc_usage_error("--resolve '%s': HOST:PORT:ADDRESS, "
                                      "as in api.example.com:443:127.0.0.1",
                                      optarg);
            }
            if (a->http_opts.resolve == NULL) {
                a->http_opts.resolve = apr_array_make(p, 2,
                                                      sizeof(const char *));
            }
            APR_ARRAY_PUSH(a->http_opts.resolve, const char *) = optarg;
            break;
        case 'm':
            a->http_opts.max_time = atol(optarg);
            if (a->http_opts.max_time <= 0) {
                return cc_usage_error("--max-time '%s': a number of seconds",
                                      optarg);
            }
            break;
        case 'V':
            printf("cors-check %s (mod_cors), %s\n", CORS_VERSION,
                   cc_http_version());
            exit(CC_EXIT_READABLE);
        case 'h':
            cc_usage(stdout);
            exit(CC_EXIT_READABLE);
        default:
            cc_usage(stderr);
            return CC_EXIT_ERROR;
        }
    }
    if (optind != argc - 1) {
        cc_usage(stderr);
        return CC_EXIT_ERROR;
    }
    if ((err = cc_url_parse(p, NULL, argv[optind], &a->target)) != NULL) {
        return cc_usage_error("%s", err);
    }
    if (strcmp(a->target.scheme, "http") != 0
        && strcmp(a->target.scheme, "https") != 0) {
        return cc_usage_error("%s: only http and https URLs", a->target.url);
    }
    if (a->origin == NULL) {
        return cc_usage_error("%s", "--origin is required: the origin of "
                                    "the page that calls fetch()");
    }
    if (cors_origin_parse_request(a->origin, &parsed)
        == CORS_ORIGIN_MALFORMED) {
        cc_url_t guess;

        if (cc_url_parse(p, NULL, a->origin, &guess) == NULL) {
            return cc_usage_error(
                "%s", apr_psprintf(p,
                                   "--origin '%s': browsers send an origin "
                                   "as scheme://host[:port], lowercase, "
                                   "without a path or the default port: '%s'",
                                   a->origin, guess.origin));
        }
        return cc_usage_error("--origin '%s': not an origin "
                              "(scheme://host[:port] or null)",
                              a->origin);
    }
    method = method ? method : a->body ? "POST" : "GET";
    if (!cors_is_token(method, strlen(method))) {
        return cc_usage_error("-X '%s': fetch() throws TypeError: not a "
                              "method",
                              method);
    }
    if (cc_method_forbidden(method)) {
        return cc_usage_error("-X %s: fetch() throws TypeError: the method "
                              "is forbidden",
                              method);
    }
    a->method = cc_method_normalize(p, method);
    if (a->body != NULL) {
        if (strcmp(a->method, "GET") == 0 || strcmp(a->method, "HEAD") == 0) {
            return cc_usage_error("-X %s with -d: fetch() throws TypeError: "
                                  "a GET or HEAD request cannot have a body",
                                  a->method);
        }
        /* A string body's type, which fetch() adds when the page set
         * none ("extract a body"). */
        if (cc_headers_get(p, a->headers, "Content-Type") == NULL) {
            cc_headers_add(p, a->headers, "Content-Type",
                           "text/plain;charset=UTF-8", 0);
        }
    }
    return -1;
}

/*
 * An https page calling plain http is mixed content: browsers refuse it
 * before CORS has a say, except for loopback hosts, which count as
 * potentially trustworthy.  Not modelled as a verdict (see LIMITS in
 * cors-check.1), only said.
 */
static void cc_mixed_content_note(apr_pool_t *p, const cc_app_t *a)
{
    const char *host = a->target.origin + strlen("http://");
    const char *colon = host[0] == '[' ? NULL : strchr(host, ':');
    apr_size_t len;

    host = colon ? apr_pstrmemdup(p, host, (apr_size_t)(colon - host)) : host;
    len = strlen(host);
    if (strncmp(a->origin, "https://", 8) != 0
        || strcmp(a->target.scheme, "http") != 0
        || strncmp(host, "127.", 4) == 0 || strncmp(host, "[::1]", 5) == 0
        || strcmp(host, "localhost") == 0
        || (len > 10 && strcmp(host + len - 10, ".localhost") == 0)) {
        return;
    }
    fprintf(stderr,
            "cors-check: note: a page on %s calling %s is mixed content, "
            "which browsers block before CORS applies; the verdict below is "
            "CORS's alone\n",
            a->origin, a->target.url);
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    cc_app_t app;
    cc_run_t runs[CC_NPROFILES];
    const cc_run_t *main_run;
    const char *err;
    int rc, i, code;

    if (apr_app_initialize(&argc, (const char *const **)&argv, NULL)
            != APR_SUCCESS
        || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fprintf(stderr, "cors-check: cannot initialise APR\n");
        return CC_EXIT_ERROR;
    }
    memset(&app, 0, sizeof(app));
    app.pool = pool;
    app.headers = apr_array_make(pool, 8, sizeof(cc_header_t));
    app.dropped = apr_array_make(pool, 2, sizeof(const char *));
    if ((rc = cc_parse_args(&app, argc, argv)) >= 0) {
        return rc;
    }
    if ((app.http = cc_http_make(pool, &app.http_opts, &err)) == NULL) {
        fprintf(stderr, "cors-check: %s\n", err);
        return CC_EXIT_ERROR;
    }
    memset(runs, 0, sizeof(runs));
    cc_mixed_content_note(pool, &app);
    for (i = 0; i < CC_NPROFILES; i++) {
        runs[i].pr = (cc_profile_e)i;
        cc_run(&app, &runs[i]);
    }
    /* The verdict that decides: the Standard's with --spec; otherwise
     * blocked when either browser blocks (then that browser's run is the
     * one shown step by step). */
    if (app.spec) {
        main_run = &runs[CC_SPEC];
    }
    else if (runs[CC_FIREFOX].readable != runs[CC_CHROMIUM].readable) {
        main_run = runs[CC_CHROMIUM].readable ? &runs[CC_FIREFOX]
                                              : &runs[CC_CHROMIUM];
    }
    else {
        main_run = &runs[CC_CHROMIUM];
    }
    code = main_run->net_error  ? CC_EXIT_ERROR
           : main_run->readable ? CC_EXIT_READABLE
                                : CC_EXIT_BLOCKED;
    if (app.json) {
        cc_print_json(&app, runs, main_run, code);
    }
    else {
        cc_print_text(&app, runs, main_run);
    }
    cc_http_close(app.http);
    apr_pool_destroy(pool);
    apr_terminate();
    return code;
}
