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
 * cc_check.c: the browser's CORS decisions over header lists (cc_check.h).
 * Section names in comments are those of the Fetch Standard
 * (https://fetch.spec.whatwg.org/).
 */

#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cors_tokens.h"
#include "cc_check.h"

static const char *const cc_profile_keys[CC_NPROFILES] = {"spec", "chromium",
                                                          "firefox"};
static const char *const cc_profile_names[CC_NPROFILES] = {"Fetch Standard",
                                                           "Chromium",
                                                           "Firefox"};

const char *cc_profile_key(cc_profile_e pr)
{
    return cc_profile_keys[pr];
}

const char *cc_profile_name(cc_profile_e pr)
{
    return cc_profile_names[pr];
}

/* ---- header lists ------------------------------------------------------ */

const char *cc_headers_get(apr_pool_t *p, const apr_array_header_t *list,
                           const char *name)
{
    const cc_header_t *h = (const cc_header_t *)list->elts;
    const char *out = NULL;
    int i;

    for (i = 0; i < list->nelts; i++) {
        if (strcasecmp(h[i].name, name) == 0) {
            out = out ? apr_pstrcat(p, out, ", ", h[i].value, NULL)
                      : h[i].value;
        }
    }
    return out;
}

int cc_headers_count(const apr_array_header_t *list, const char *name)
{
    const cc_header_t *h = (const cc_header_t *)list->elts;
    int i, n = 0;

    for (i = 0; i < list->nelts; i++) {
        n += strcasecmp(h[i].name, name) == 0;
    }
    return n;
}

void cc_headers_add(apr_pool_t *p, apr_array_header_t *list, const char *name,
                    const char *value, int combine)
{
    cc_header_t *h = (cc_header_t *)list->elts;
    int i;

    if (combine) {
        for (i = 0; i < list->nelts; i++) {
            if (strcasecmp(h[i].name, name) == 0) {
                h[i].value = apr_pstrcat(p, h[i].value, ", ", value, NULL);
                return;
            }
        }
    }
    h = (cc_header_t *)apr_array_push(list);
    h->name = name;
    h->value = value;
}

void cc_headers_remove(apr_array_header_t *list, const char *name)
{
    cc_header_t *h = (cc_header_t *)list->elts;
    int i, j = 0;

    for (i = 0; i < list->nelts; i++) {
        if (strcasecmp(h[i].name, name) != 0) {
            h[j++] = h[i];
        }
    }
    list->nelts = j;
}

/* ---- lists of tokens ---------------------------------------------------- */

static void cc_lower(char *s)
{
    for (; *s; s++) {
        *s = (char)apr_tolower(*s);
    }
}

static int cc_ows(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * "Extract header list values" with the ABNF #token: browsers split at
 * commas, trim, skip empty elements and refuse an element that is not a
 * token (Chromium's "Cannot parse Access-Control-Allow-Headers", Firefox's
 * "invalid token").  Unlike cors_request_headers_parse, which guards the
 * server against hostile requests, no budget applies: a browser parses
 * whatever the server sent.
 */
int cc_list_parse(apr_pool_t *p, const char *value, int lower,
                  apr_array_header_t *out, const char **bad)
{
    const char *s = value;

    *bad = NULL;
    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, ',');
        apr_size_t len = end ? (apr_size_t)(end - s) : strlen(s);

        while (len > 0 && cc_ows(*s)) {
            s++;
            len--;
        }
        while (len > 0 && cc_ows(s[len - 1])) {
            len--;
        }
        if (len > 0) {
            char *name;

            if (!cors_is_token(s, len)) {
                *bad = apr_pstrmemdup(p, s, len);
                return -1;
            }
            name = apr_pstrmemdup(p, s, len);
            if (lower) {
                cc_lower(name);
            }
            APR_ARRAY_PUSH(out, const char *) = name;
        }
        s = end ? end + 1 : NULL;
    }
    return 0;
}

int cc_list_has(const apr_array_header_t *list, const char *s, int nocase)
{
    int i;

    for (i = 0; i < list->nelts; i++) {
        const char *e = APR_ARRAY_IDX(list, i, const char *);

        if (nocase ? strcasecmp(e, s) == 0 : strcmp(e, s) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- methods and request headers --------------------------------------- */

const char *cc_method_normalize(apr_pool_t *p, const char *method)
{
    static const char *const upper[] = {"DELETE",  "GET",  "HEAD",
                                        "OPTIONS", "POST", "PUT"};
    apr_size_t i;

    /* "normalize a method": only these six; "patch" stays "patch". */
    for (i = 0; i < sizeof(upper) / sizeof(upper[0]); i++) {
        if (strcasecmp(method, upper[i]) == 0) {
            return upper[i];
        }
    }
    return apr_pstrdup(p, method);
}

int cc_method_forbidden(const char *method)
{
    return strcasecmp(method, "CONNECT") == 0
           || strcasecmp(method, "TRACE") == 0
           || strcasecmp(method, "TRACK") == 0;
}

int cc_method_safelisted(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0
           || strcmp(method, "POST") == 0;
}


/* Whether s, up to its end, is a comma-separated list naming one of the
 * forbidden methods (for the X-HTTP-Method-Override family). */
static int cc_names_forbidden_method(const char *s)
{
    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, ',');
        apr_size_t len = end ? (apr_size_t)(end - s) : strlen(s);
        char word[8];

        while (len > 0 && cc_ows(*s)) {
            s++;
            len--;
        }
        while (len > 0 && cc_ows(s[len - 1])) {
            len--;
        }
        if (len < sizeof(word)) {
            memcpy(word, s, len);
            word[len] = '\0';
            if (cc_method_forbidden(word)) {
                return 1;
            }
        }
        s = end ? end + 1 : NULL;
    }
    return 0;
}

/* "Forbidden request-header": fetch() drops these without a word. */
int cc_header_forbidden(const char *name, const char *value)
{
    static const char *const names[] = {"accept-charset",
                                        "accept-encoding",
                                        "access-control-request-headers",
                                        "access-control-request-method",
                                        "connection",
                                        "content-length",
                                        "cookie",
                                        "cookie2",
                                        "date",
                                        "dnt",
                                        "expect",
                                        "host",
                                        "keep-alive",
                                        "origin",
                                        "referer",
                                        "set-cookie",
                                        "te",
                                        "trailer",
                                        "transfer-encoding",
                                        "upgrade",
                                        "via"};
    apr_size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(name, names[i]) == 0) {
            return 1;
        }
    }
    if (strncasecmp(name, "proxy-", 6) == 0
        || strncasecmp(name, "sec-", 4) == 0) {
        return 1;
    }
    if (strcasecmp(name, "x-http-method") == 0
        || strcasecmp(name, "x-http-method-override") == 0
        || strcasecmp(name, "x-method-override") == 0) {
        return cc_names_forbidden_method(value);
    }
    return 0;
}

/* "CORS-unsafe request-header byte". */
static int cc_unsafe_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f
           || strchr("\"():<>?@[\\]{}", c) != NULL;
}

static int cc_has_unsafe_byte(const char *v)
{
    for (; *v; v++) {
        if (cc_unsafe_byte((unsigned char)*v)) {
            return 1;
        }
    }
    return 0;
}

static int cc_http_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The essence ("type/subtype", lowercase) of a MIME type (WHATWG MIME
 * Sniffing, "parse a MIME type"), or NULL when it does not parse;
 * parameters are not looked at: they never make the type safelisted or not.
 */
static const char *cc_mime_essence(apr_pool_t *p, const char *v)
{
    const char *type, *slash, *sub, *end;
    char *out;

    while (cc_http_ws(*v)) {
        v++;
    }
    type = v;
    slash = strchr(type, '/');
    if (slash == NULL || !cors_is_token(type, (apr_size_t)(slash - type))) {
        return NULL;
    }
    sub = slash + 1;
    end = strchr(sub, ';');
    if (end == NULL) {
        end = sub + strlen(sub);
    }
    while (end > sub && cc_http_ws(end[-1])) {
        end--;
    }
    if (!cors_is_token(sub, (apr_size_t)(end - sub))) {
        return NULL;
    }
    out = apr_pstrmemdup(p, type, (apr_size_t)(end - type));
    cc_lower(out);
    return out;
}

/* "Simple range header value" without whitespace: bytes=N- or bytes=N-M
 * with N <= M; a suffix range (bytes=-M) is not safelisted. */
static int cc_simple_range(const char *v)
{
    char *end;
    unsigned long long first, last;

    if (strncasecmp(v, "bytes=", 6) != 0 || !apr_isdigit(v[6])) {
        return 0;
    }
    first = strtoull(v + 6, &end, 10);
    if (*end != '-') {
        return 0;
    }
    if (end[1] == '\0') {
        return 1;
    }
    if (!apr_isdigit(end[1])) {
        return 0;
    }
    last = strtoull(end + 1, &end, 10);
    return *end == '\0' && first <= last;
}

int cc_header_safelisted(apr_pool_t *p, const char *name, const char *value,
                         const char **why)
{
    const char *dummy = NULL;

    why = why ? why : &dummy;
    *why = NULL;
    if (strlen(value) > CC_SAFELISTED_VALUE_MAX) {
        *why = apr_psprintf(p, "its value is longer than %d bytes",
                            CC_SAFELISTED_VALUE_MAX);
        return 0;
    }
    if (strcasecmp(name, "accept") == 0) {
        if (cc_has_unsafe_byte(value)) {
            *why = "its value has a byte browsers do not safelist "
                   "(one of \"():<>?@[\\]{} or a control byte)";
            return 0;
        }
        return 1;
    }
    if (strcasecmp(name, "accept-language") == 0
        || strcasecmp(name, "content-language") == 0) {
        const char *v;

        for (v = value; *v; v++) {
            if (!apr_isalnum(*v) && strchr(" *,-.;=", *v) == NULL) {
                *why = "its value has a byte other than letters, digits "
                       "and  *,-.;=";
                return 0;
            }
        }
        return 1;
    }
    if (strcasecmp(name, "content-type") == 0) {
        const char *essence;

        if (cc_has_unsafe_byte(value)) {
            *why = "its value has a byte browsers do not safelist "
                   "(one of \"():<>?@[\\]{} or a control byte)";
            return 0;
        }
        essence = cc_mime_essence(p, value);
        if (essence == NULL
            || (strcmp(essence, "application/x-www-form-urlencoded") != 0
                && strcmp(essence, "multipart/form-data") != 0
                && strcmp(essence, "text/plain") != 0)) {
            *why = "only application/x-www-form-urlencoded, "
                   "multipart/form-data and text/plain are safelisted";
            return 0;
        }
        return 1;
    }
    if (strcasecmp(name, "range") == 0) {
        if (!cc_simple_range(value)) {
            *why = "only a single range bytes=N- or bytes=N-M is safelisted";
            return 0;
        }
        return 1;
    }
    *why = "it is not one of the CORS-safelisted request headers (Accept, "
           "Accept-Language, Content-Language, Content-Type, Range)";
    return 0;
}

static int cc_strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names (const char *) sorted, each once: how both browsers list header
 * names, in Access-Control-Request-Headers and in Headers iteration. */
static apr_array_header_t *cc_sorted_set(apr_pool_t *p,
                                         apr_array_header_t *names)
{
    apr_array_header_t *out = apr_array_make(p, names->nelts + 1,
                                             sizeof(const char *));
    int i;

    if (names->nelts > 1) {
        qsort(names->elts, (size_t)names->nelts, sizeof(const char *),
              cc_strcmp_ptr);
    }
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);

        if (out->nelts == 0
            || strcmp(APR_ARRAY_IDX(out, out->nelts - 1, const char *), n)
                   != 0) {
            APR_ARRAY_PUSH(out, const char *) = n;
        }
    }
    return out;
}

/* "CORS-unsafe request-header names", sorted and lowercased. */
apr_array_header_t *cc_unsafe_names(apr_pool_t *p,
                                    const apr_array_header_t *headers,
                                    apr_array_header_t *why)
{
    const cc_header_t *h = (const cc_header_t *)headers->elts;
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *maybe = apr_array_make(p, 4, sizeof(int));
    apr_size_t total = 0;
    int i;

    for (i = 0; i < headers->nelts; i++) {
        const char *reason;
        char *name = apr_pstrdup(p, h[i].name);

        cc_lower(name);
        if (cc_header_safelisted(p, h[i].name, h[i].value, &reason)) {
            APR_ARRAY_PUSH(maybe, int) = i;
            total += strlen(h[i].value);
            continue;
        }
        APR_ARRAY_PUSH(all, const char *) = name;
        if (why != NULL) {
            APR_ARRAY_PUSH(why, const char *) = apr_psprintf(p, "header %s: %s",
                                                             name, reason);
        }
    }
    if (total > CC_SAFELISTED_TOTAL_MAX) {
        for (i = 0; i < maybe->nelts; i++) {
            char *name = apr_pstrdup(p, h[APR_ARRAY_IDX(maybe, i, int)].name);

            cc_lower(name);
            APR_ARRAY_PUSH(all, const char *) = name;
            if (why != NULL) {
                APR_ARRAY_PUSH(why, const char *) = apr_psprintf(
                    p,
                    "header %s: the safelisted headers' values add up to "
                    "more than %d bytes",
                    name, CC_SAFELISTED_TOTAL_MAX);
            }
        }
    }
    return cc_sorted_set(p, all);
}

const char *cc_join(apr_pool_t *p, const apr_array_header_t *names,
                    const char *sep)
{
    const char *out = "";
    int i;

    for (i = 0; i < names->nelts; i++) {
        out = apr_pstrcat(p, out, i ? sep : "",
                          APR_ARRAY_IDX(names, i, const char *), NULL);
    }
    return out;
}

/* ---- the CORS check and the CORS-preflight check ------------------------ */

static const cc_quirks_t cc_quirks[CC_NPROFILES] = {
    /* the Standard: "*" never covers Authorization ("CORS non-wildcard
     * request-header name"), no cap, a redirected request is preflighted
     * only when it still needs one, with the origin it then has */
    {0, 0, 0},
    /* Chromium: a console deprecation warning instead of the failure;
     * max-age capped at two hours */
    {1, 7200, 0},
    /* Firefox: max-age capped at 24 hours; a request preflighted once is
     * preflighted again after every redirect, with the page's own origin */
    {1, 86400, 1},
};

const cc_quirks_t *cc_profile_quirks(cc_profile_e pr)
{
    return &cc_quirks[pr];
}

cc_fail_e cc_cors_check(apr_pool_t *p, const apr_array_header_t *headers,
                        const char *origin, int credentials, cc_failure_t *f)
{
    const char *acao = cc_headers_get(p, headers,
                                      "Access-Control-Allow-Origin");
    const char *acac;

    f->origin = origin;
    f->value = acao;
    if (acao == NULL) {
        return f->code = CC_ACAO_MISSING;
    }
    /* Several fields are combined into "a, b", which no origin equals. */
    if (cc_headers_count(headers, "Access-Control-Allow-Origin") > 1) {
        return f->code = CC_ACAO_MULTIPLE;
    }
    if (strcmp(acao, "*") == 0) {
        return f->code = credentials ? CC_ACAO_STAR_CRED : CC_OK;
    }
    /* Byte for byte: no case folding, no trailing slash, no list. */
    if (strcmp(acao, origin) != 0) {
        return f->code = CC_ACAO_MISMATCH;
    }
    if (!credentials) {
        return f->code = CC_OK;
    }
    acac = cc_headers_get(p, headers, "Access-Control-Allow-Credentials");
    f->value = acac;
    if (acac == NULL || strcmp(acac, "true") != 0) {
        return f->code = CC_ACAC_NOT_TRUE;
    }
    return f->code = CC_OK;
}

int cc_status_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307
           || status == 308;
}

static int cc_status_ok(int status)
{
    return status >= 200 && status <= 299;
}

/* Access-Control-Max-Age: one delta-seconds, else the default. */
static long cc_max_age(apr_pool_t *p, const apr_array_header_t *headers)
{
    const char *v = cc_headers_get(p, headers, "Access-Control-Max-Age");
    const char *q;
    long n = 0;

    if (v == NULL || cc_headers_count(headers, "Access-Control-Max-Age") != 1) {
        return CC_MAX_AGE_DEFAULT;
    }
    while (cc_ows(*v)) {
        v++;
    }
    for (q = v; apr_isdigit(*q); q++) {
        n = n < 100000000L ? n * 10 + (*q - '0') : n;
    }
    while (cc_ows(*q)) {
        q++;
    }
    return q == v || *q != '\0' ? CC_MAX_AGE_DEFAULT : n;
}

cc_fail_e cc_preflight_check(apr_pool_t *p, cc_profile_e pr, int status,
                             const apr_array_header_t *headers,
                             const char *origin, int credentials,
                             const char *method,
                             const apr_array_header_t *unsafe, cc_failure_t *f,
                             cc_preflight_info_t *info)
{
    const cc_quirks_t *q = &cc_quirks[pr];
    const char *bad;
    int i, star_m, star_h;

    memset(info, 0, sizeof(*info));
    info->methods = apr_array_make(p, 4, sizeof(const char *));
    info->headers = apr_array_make(p, 4, sizeof(const char *));
    f->preflight = 1;
    f->status = status;
    f->origin = origin;
    /* "CORS-preflight fetch" uses "HTTP-network-or-cache fetch", which
     * follows no redirect: a 3xx is a response that is not ok. */
    if (cc_status_redirect(status)) {
        f->value = cc_headers_get(p, headers, "Location");
        return f->code = CC_PREFLIGHT_REDIRECT;
    }
    if (cc_cors_check(p, headers, origin, credentials, f) != CC_OK) {
        return f->code;
    }
    if (!cc_status_ok(status)) {
        return f->code = CC_PREFLIGHT_STATUS;
    }
    if (cc_list_parse(p,
                      cc_headers_get(p, headers,
                                     "Access-Control-Allow-Methods"),
                      0, info->methods, &bad)
        != 0) {
        f->value = bad;
        return f->code = CC_ACAM_INVALID;
    }
    if (cc_list_parse(p,
                      cc_headers_get(p, headers,
                                     "Access-Control-Allow-Headers"),
                      1, info->headers, &bad)
        != 0) {
        f->value = bad;
        return f->code = CC_ACAH_INVALID;
    }
    /* "*" is a wildcard only without credentials; with them it is the
     * literal name "*". */
    star_m = !credentials && cc_list_has(info->methods, "*", 0);
    star_h = !credentials && cc_list_has(info->headers, "*", 0);
    /* Methods compare case-sensitively: "put" does not allow PUT. */
    if (!cc_list_has(info->methods, method, 0)
        && !cc_method_safelisted(method)) {
        if (!star_m) {
            f->value = method;
            return f->code = CC_METHOD_NOT_ALLOWED;
        }
        info->method_by_star = 1;
    }
    for (i = 0; i < unsafe->nelts; i++) {
        const char *name = APR_ARRAY_IDX(unsafe, i, const char *);

        if (cc_list_has(info->headers, name, 1)) {
            continue;
        }
        /* Authorization is a "CORS non-wildcard request-header name":
         * only naming it allows it. */
        if (strcmp(name, "authorization") == 0 && star_h) {
            if (!q->star_covers_authorization) {
                f->value = name;
                return f->code = CC_HEADER_NOT_ALLOWED;
            }
            info->star_authorization = 1;
            continue;
        }
        if (!star_h) {
            f->value = name;
            return f->code = CC_HEADER_NOT_ALLOWED;
        }
        info->headers_by_star = 1;
    }
    info->max_age = cc_max_age(p, headers);
    info->max_age_cap = q->max_age_cap;
    /* What fails after this is the request's, not the preflight's. */
    f->preflight = 0;
    return f->code = CC_OK;
}

/* ---- what JavaScript can read ------------------------------------------- */

static int cc_safelisted_response_name(const char *name)
{
    static const char *const names[] = {"cache-control",  "content-language",
                                        "content-length", "content-type",
                                        "expires",        "last-modified",
                                        "pragma"};
    apr_size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(name, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int cc_forbidden_response_name(const char *name)
{
    return strcasecmp(name, "set-cookie") == 0
           || strcasecmp(name, "set-cookie2") == 0;
}

apr_array_header_t *cc_readable_names(apr_pool_t *p,
                                      const apr_array_header_t *headers,
                                      int cors, int credentials,
                                      const char **aceh_bad)
{
    const cc_header_t *h = (const cc_header_t *)headers->elts;
    apr_array_header_t *exposed = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *all = apr_array_make(p, 8, sizeof(const char *));
    const char *bad;
    int i, star;

    /* An unparsable Access-Control-Expose-Headers exposes nothing, and
     * fails nothing ("CORS-exposed header-name list"). */
    if (cc_list_parse(p,
                      cc_headers_get(p, headers,
                                     "Access-Control-Expose-Headers"),
                      1, exposed, &bad)
        != 0) {
        exposed->nelts = 0;
    }
    if (aceh_bad != NULL) {
        *aceh_bad = bad;
    }
    /* A same-origin ("basic") response hides only Set-Cookie. */
    star = !cors || (!credentials && cc_list_has(exposed, "*", 0));
    for (i = 0; i < headers->nelts; i++) {
        char *name = apr_pstrdup(p, h[i].name);

        cc_lower(name);
        if (cc_forbidden_response_name(name)) {
            continue;
        }
        if (star || cc_safelisted_response_name(name)
            || cc_list_has(exposed, name, 1)) {
            APR_ARRAY_PUSH(all, const char *) = name;
        }
    }
    return cc_sorted_set(p, all);
}

int cc_vary_has(apr_pool_t *p, const char *vary, const char *name)
{
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    const char *bad;

    /* Vary is #field-name or "*"; read leniently, as caches do. */
    if (vary == NULL) {
        return 0;
    }
    if (cc_list_parse(p, vary, 1, names, &bad) != 0) {
        return strstr(vary, "*") != NULL;
    }
    return cc_list_has(names, name, 1) || cc_list_has(names, "*", 0);
}

/* ---- messages ------------------------------------------------------------ */

/*
 * Chromium's reason, after "has been blocked by CORS policy: ", word for
 * word as Chromium 156 logs it to the console (tests/browser compares
 * them scenario by scenario).
 */
static const char *cc_chromium_reason(apr_pool_t *p, const cc_failure_t *f)
{
    const char *v = f->value ? f->value : "";

    switch (f->code) {
    case CC_ACAO_MISSING:
        return "No 'Access-Control-Allow-Origin' header is present on the "
               "requested resource.";
    case CC_ACAO_MULTIPLE:
        return apr_psprintf(p,
                            "The 'Access-Control-Allow-Origin' header "
                            "contains multiple values '%s', but only one is "
                            "allowed. Have the server send the header with "
                            "a valid value.",
                            v);
    case CC_ACAO_MISMATCH:
        /* One field holding a list (a comma or a space) is "multiple
         * values" to Chromium; Firefox says "does not match". */
        if (strpbrk(v, " ,") != NULL) {
            f = &(cc_failure_t){.code = CC_ACAO_MULTIPLE, .value = v};
            return cc_chromium_reason(p, f);
        }
        return apr_psprintf(p,
                            "The 'Access-Control-Allow-Origin' header has a "
                            "value '%s' that is not equal to the supplied "
                            "origin. Have the server send the header with a "
                            "valid value.",
                            v);
    case CC_ACAO_STAR_CRED:
        return "The value of the 'Access-Control-Allow-Origin' header in the "
               "response must not be the wildcard '*' when the request's "
               "credentials mode is 'include'.";
    case CC_ACAC_NOT_TRUE:
        return apr_psprintf(p,
                            "The value of the "
                            "'Access-Control-Allow-Credentials' header in the "
                            "response is '%s' which must be 'true' when the "
                            "request's credentials mode is 'include'.",
                            v);
    case CC_PREFLIGHT_REDIRECT:
        return "Redirect is not allowed for a preflight request.";
    case CC_PREFLIGHT_STATUS:
        return "It does not have HTTP ok status.";
    case CC_ACAM_INVALID:
        return "Cannot parse Access-Control-Allow-Methods response header "
               "field in preflight response.";
    case CC_ACAH_INVALID:
        return "Cannot parse Access-Control-Allow-Headers response header "
               "field in preflight response.";
    case CC_METHOD_NOT_ALLOWED:
        return apr_psprintf(p,
                            "Method %s is not allowed by "
                            "Access-Control-Allow-Methods in preflight "
                            "response.",
                            v);
    case CC_HEADER_NOT_ALLOWED:
        return apr_psprintf(p,
                            "Request header field %s is not allowed by "
                            "Access-Control-Allow-Headers in preflight "
                            "response.",
                            v);
    case CC_REDIRECT_SCHEME:
        return apr_psprintf(p,
                            "Redirect location '%s' has a disallowed scheme "
                            "for cross-origin requests.",
                            v);
    case CC_REDIRECT_USERINFO:
        return apr_psprintf(p,
                            "Redirect location '%s' contains a username and "
                            "password, which is disallowed for cross-origin "
                            "requests.",
                            v);
    case CC_REDIRECT_LIMIT:
        return "net::ERR_TOO_MANY_REDIRECTS";
    case CC_REDIRECT_BAD_URL:
        return apr_psprintf(p, "Redirect location '%s' is not a URL.", v);
    case CC_OK:
        break;
    }
    return "";
}

/* Firefox's reason, inside "(Reason: ...)"; U+2018/U+2019 as Firefox
 * quotes. */
#define LQ "\xe2\x80\x98"
#define RQ "\xe2\x80\x99"

static const char *cc_firefox_reason(apr_pool_t *p, const cc_failure_t *f)
{
    const char *v = f->value ? f->value : "";

    switch (f->code) {
    case CC_ACAO_MISSING:
        return apr_psprintf(p,
                            "CORS header " LQ "Access-Control-Allow-Origin" RQ
                            " missing). Status code: %d.",
                            f->status);
    case CC_ACAO_MULTIPLE:
        return "Multiple CORS header " LQ "Access-Control-Allow-Origin" RQ
               " not allowed).";
    case CC_ACAO_MISMATCH:
        return apr_psprintf(p,
                            "CORS header " LQ "Access-Control-Allow-Origin" RQ
                            " does not match " LQ "%s" RQ ").",
                            v);
    case CC_ACAO_STAR_CRED:
        return "Credential is not supported if the CORS header " LQ
               "Access-Control-Allow-Origin" RQ " is " LQ "*" RQ ").";
    case CC_ACAC_NOT_TRUE:
        return "expected " LQ "true" RQ " in CORS header " LQ
               "Access-Control-Allow-Credentials" RQ ").";
    case CC_PREFLIGHT_STATUS:
        return apr_psprintf(p,
                            "CORS preflight response did not succeed). "
                            "Status code: %d.",
                            f->status);
    case CC_ACAM_INVALID:
        return apr_psprintf(p,
                            "invalid token " LQ "%s" RQ " in CORS header " LQ
                            "Access-Control-Allow-Methods" RQ ").",
                            v);
    case CC_ACAH_INVALID:
        return apr_psprintf(p,
                            "invalid token " LQ "%s" RQ " in CORS header " LQ
                            "Access-Control-Allow-Headers" RQ ").",
                            v);
    case CC_METHOD_NOT_ALLOWED:
        return "Did not find method in CORS header " LQ
               "Access-Control-Allow-Methods" RQ ").";
    case CC_HEADER_NOT_ALLOWED:
        return apr_psprintf(p,
                            "header " LQ "%s" RQ " is not allowed according "
                            "to header " LQ "Access-Control-Allow-Headers" RQ
                            " from CORS preflight response).",
                            v);
    case CC_PREFLIGHT_REDIRECT:
    case CC_REDIRECT_SCHEME:
    case CC_REDIRECT_USERINFO:
    case CC_REDIRECT_BAD_URL:
        return "CORS request external redirect not allowed).";
    case CC_REDIRECT_LIMIT:
        return "CORS request did not succeed).";
    case CC_OK:
        break;
    }
    return "";
}

/*
 * Chromium puts "Response to preflight request doesn't pass access control
 * check: " before the preflight's failures of origin, credentials, status
 * and redirect, not before those of its method and header lists.
 */
const char *cc_failure_reason(apr_pool_t *p, const cc_failure_t *f)
{
    int prefix = f->preflight && f->code != CC_ACAM_INVALID
                 && f->code != CC_ACAH_INVALID
                 && f->code != CC_METHOD_NOT_ALLOWED
                 && f->code != CC_HEADER_NOT_ALLOWED;

    return apr_pstrcat(p,
                       prefix ? "Response to preflight request doesn't pass "
                                "access control check: "
                              : "",
                       cc_chromium_reason(p, f), NULL);
}

const char *cc_failure_message(apr_pool_t *p, cc_profile_e pr,
                               const cc_failure_t *f)
{
    const char *url = f->url ? f->url : "";

    if (pr == CC_FIREFOX) {
        return apr_psprintf(p,
                            "Cross-Origin Request Blocked: The Same Origin "
                            "Policy disallows reading the remote resource at "
                            "%s. (Reason: %s",
                            url, cc_firefox_reason(p, f));
    }
    return apr_psprintf(p,
                        "Access to fetch at '%s'%s%s%s from origin '%s' has "
                        "been blocked "
                        "by CORS policy: %s",
                        url, f->from_url ? " (redirected from '" : "",
                        f->from_url ? f->from_url : "", f->from_url ? "')" : "",
                        f->origin ? f->origin : "", cc_failure_reason(p, f));
}

const char *cc_failure_hint(apr_pool_t *p, const cc_failure_t *f,
                            const char *method)
{
    const char *o = f->origin ? f->origin : "";
    const char *v = f->value ? f->value : "";
    int null_origin = strcmp(o, "null") == 0 && f->from_url != NULL;

    switch (f->code) {
    case CC_ACAO_MISSING:
        if (null_origin) {
            return "after a redirect to another origin the browser sends "
                   "'Origin: null'; the response must then allow null (or "
                   "'*' without credentials): better, call the final URL "
                   "directly";
        }
        return apr_psprintf(p,
                            "the response%s must carry "
                            "'Access-Control-Allow-Origin: %s' (mod_cors: "
                            "CORSAllowOrigin %s); an error page or a redirect "
                            "needs it too (mod_headers: 'Header always set')",
                            f->preflight ? " to the preflight" : "", o, o);
    case CC_ACAO_MULTIPLE:
        return "send exactly one Access-Control-Allow-Origin: two layers "
               "(a backend and 'Header always set', or 'Header set' plus "
               "'Header always set') each add one; remove one of them "
               "(mod_cors replaces a backend's own, CORSUpstreamHeaders "
               "replace)";
    case CC_ACAO_MISMATCH: {
        apr_size_t ol = strlen(o);

        if (null_origin) {
            return "after a redirect to another origin the browser sends "
                   "'Origin: null', which the server did not allow: call "
                   "the final URL directly, or allow null there (any "
                   "sandboxed page can send it)";
        }
        if (strlen(v) == ol + 1 && strncmp(v, o, ol) == 0 && v[ol] == '/') {
            return apr_psprintf(p,
                                "drop the trailing slash: an origin is "
                                "scheme://host[:port] with no path; send "
                                "'Access-Control-Allow-Origin: %s'",
                                o);
        }
        if (strcasecmp(v, o) == 0) {
            return apr_psprintf(p,
                                "the comparison is byte for byte: send the "
                                "origin exactly as the browser does, "
                                "lowercase: '%s'",
                                o);
        }
        return apr_psprintf(p,
                            "send the request's own origin, '%s', or list "
                            "it among the allowed origins (mod_cors: "
                            "CORSAllowOrigin %s)",
                            o, o);
    }
    case CC_ACAO_STAR_CRED:
        return apr_psprintf(p,
                            "with credentials, answer with the origin itself "
                            "instead of '*' and add "
                            "'Access-Control-Allow-Credentials: true' "
                            "(mod_cors: CORSAllowOrigin %s and "
                            "CORSAllowCredentials On), or call fetch() "
                            "without credentials",
                            o);
    case CC_ACAC_NOT_TRUE:
        return "send 'Access-Control-Allow-Credentials: true', exactly that "
               "lowercase value, once (mod_cors: CORSAllowCredentials On), "
               "or call fetch() without credentials";
    case CC_PREFLIGHT_REDIRECT:
        return apr_psprintf(p,
                            "a preflight must not be redirected: call the "
                            "URL the server redirects to (%s) directly",
                            v);
    case CC_PREFLIGHT_STATUS:
        return "answer the preflight (OPTIONS with "
               "Access-Control-Request-Method) with 200 or 204, before any "
               "authentication: browsers never send credentials on a "
               "preflight (mod_cors answers preflights itself, before "
               "authentication)";
    case CC_ACAM_INVALID:
        return apr_psprintf(p,
                            "Access-Control-Allow-Methods must be a "
                            "comma-separated list of methods; '%s' is not a "
                            "method token",
                            v);
    case CC_ACAH_INVALID:
        return apr_psprintf(p,
                            "Access-Control-Allow-Headers must be a "
                            "comma-separated list of header names; '%s' is "
                            "not a token",
                            v);
    case CC_METHOD_NOT_ALLOWED:
        return apr_psprintf(p,
                            "add %s to Access-Control-Allow-Methods "
                            "(mod_cors: CORSAllowMethods ... %s); methods "
                            "are case-sensitive",
                            method ? method : v, method ? method : v);
    case CC_HEADER_NOT_ALLOWED:
        if (strcmp(v, "authorization") == 0) {
            return "list Authorization by name in "
                   "Access-Control-Allow-Headers: '*' does not cover it "
                   "(mod_cors: CORSAllowHeaders ... Authorization)";
        }
        return apr_psprintf(p,
                            "add %s to Access-Control-Allow-Headers "
                            "(mod_cors: CORSAllowHeaders ... %s), or do not "
                            "send that header",
                            v, v);
    case CC_REDIRECT_SCHEME:
        return "redirect only to http: or https: URLs";
    case CC_REDIRECT_USERINFO:
        return "redirect to a URL without user name and password";
    case CC_REDIRECT_LIMIT:
        return apr_psprintf(p, "the redirects loop (more than %d)",
                            CC_MAX_REDIRECTS);
    case CC_REDIRECT_BAD_URL:
        return "send a Location that is a valid URL";
    case CC_OK:
        break;
    }
    return "";
}
