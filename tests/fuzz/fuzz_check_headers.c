/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_check_headers: cors-check's reading of what a server answers
 * (tools/cors-check/cc_check.c): the CORS check, the CORS-preflight check,
 * the token lists of Access-Control-Allow-Methods / -Headers /
 * -Expose-Headers, Vary, which headers JavaScript may read, and which
 * request headers need a preflight.  Any server can send anything, so
 * nothing here may crash, and every verdict must be one the Fetch
 * Standard allows.
 *
 * Input, one item per line:
 *   line 1   "STATUS FLAGS": a number, then c (credentials), and a
 *            profile digit 0-2 anywhere after it
 *   line 2   the request's method
 *   line 3   the request's serialized origin
 *   then     response header lines "Name: value" up to an empty line,
 *            then request header lines "Name: value"
 */

#include "fuzz_common.h"
#include "cors_tokens.h"
#include "cc_check.h"

#define FUZZ_MAX_LINES 64

/*
 * "Name: value" into list; a line without a colon is a name alone.  A
 * request header's name must be a token, as cors-check's -H (and fetch())
 * insist; a server's can be anything.
 */
static void fuzz_header(apr_pool_t *p, apr_array_header_t *list,
                        const char *line, int request)
{
    const char *colon = strchr(line, ':');
    const char *v = colon ? colon + 1 : "";
    const char *name = colon ? apr_pstrmemdup(p, line, (size_t)(colon - line))
                             : line;

    while (*v == ' ') {
        v++;
    }
    if (!request || cors_is_token(name, strlen(name))) {
        cc_headers_add(p, list, name, v, request);
    }
}

/* names: sorted, once each, lowercase (and tokens, with tokens). */
static void fuzz_check_name_set(const apr_array_header_t *names, int tokens)
{
    int i;

    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        const char *q;

        FUZZ_ASSERT(!tokens || cors_is_token(n, strlen(n)),
                    "a name is a token");
        for (q = n; *q; q++) {
            FUZZ_ASSERT(!(*q >= 'A' && *q <= 'Z'), "names are lowercase");
        }
        if (i > 0) {
            FUZZ_ASSERT(strcmp(APR_ARRAY_IDX(names, i - 1, const char *), n)
                            < 0,
                        "sorted, each once");
        }
    }
}

static void fuzz_check_failure(apr_pool_t *p, const cc_failure_t *f)
{
    int pr;

    for (pr = 0; pr < CC_NPROFILES; pr++) {
        const char *m = cc_failure_message(p, (cc_profile_e)pr, f);

        FUZZ_ASSERT(m != NULL && *m != '\0', "a failure has a message");
        fuzz_check_message(m);
    }
    fuzz_check_message(cc_failure_reason(p, f));
    FUZZ_ASSERT(*cc_failure_hint(p, f, "GET") != '\0', "and a hint");
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    apr_array_header_t *resp = apr_array_make(p, 8, sizeof(cc_header_t));
    apr_array_header_t *req = apr_array_make(p, 8, sizeof(cc_header_t));
    apr_array_header_t *unsafe, *readable, *list;
    const char *flags = lines[0] ? lines[0] : "";
    const char *method, *origin, *acao, *bad;
    int status = atoi(flags), credentials = strchr(flags, 'c') != NULL;
    cc_profile_e pr = CC_SPEC;
    cc_preflight_info_t info;
    cc_failure_t f;
    int i, in_request = 0;

    for (i = 0; flags[i]; i++) {
        if (flags[i] >= '0' && flags[i] <= '2' && i > 0
            && flags[i - 1] == ' ') {
            pr = (cc_profile_e)(flags[i] - '0');
        }
    }
    method = cc_method_normalize(p, n > 1 && lines[1] ? lines[1] : "GET");
    origin = n > 2 && lines[2] ? lines[2] : "null";
    for (i = 3; i < n; i++) {
        if (lines[i] == NULL) {
            continue;
        }
        if (*lines[i] == '\0') {
            in_request = 1;
            continue;
        }
        fuzz_header(p, in_request ? req : resp, lines[i], in_request);
    }

    /* The CORS check: success only as the Standard's steps allow it. */
    memset(&f, 0, sizeof(f));
    acao = cc_headers_get(p, resp, "Access-Control-Allow-Origin");
    if (cc_cors_check(p, resp, origin, credentials, &f) == CC_OK) {
        FUZZ_ASSERT(cc_headers_count(resp, "Access-Control-Allow-Origin") == 1,
                    "one Access-Control-Allow-Origin");
        FUZZ_ASSERT((!credentials && strcmp(acao, "*") == 0)
                        || strcmp(acao, origin) == 0,
                    "* without credentials, or the origin itself");
        if (credentials) {
            FUZZ_ASSERT(strcmp(acao, "*") != 0, "never * with credentials");
            FUZZ_ASSERT(strcmp(cc_headers_get(p, resp,
                                              "Access-Control-Allow-"
                                              "Credentials"),
                               "true")
                            == 0,
                        "credentials need exactly true");
        }
    }
    else {
        fuzz_check_failure(p, &f);
    }

    /* Request headers: the unsafe names are a sorted set of tokens. */
    unsafe = cc_unsafe_names(p, req, NULL);
    fuzz_check_name_set(unsafe, 1);
    FUZZ_ASSERT(strchr(cc_join(p, unsafe, ","), ' ') == NULL,
                "Access-Control-Request-Headers has no space");

    /* The preflight check: a pass means every unsafe name and the method
     * were allowed by what the lists hold. */
    memset(&f, 0, sizeof(f));
    if (cc_preflight_check(p, pr, status, resp, origin, credentials, method,
                           unsafe, &f, &info)
        == CC_OK) {
        FUZZ_ASSERT(status >= 200 && status <= 299, "an ok status");
        FUZZ_ASSERT(cc_method_safelisted(method)
                        || cc_list_has(info.methods, method, 0)
                        || (!credentials && cc_list_has(info.methods, "*", 0)),
                    "the method was allowed");
        for (i = 0; i < unsafe->nelts; i++) {
            const char *u = APR_ARRAY_IDX(unsafe, i, const char *);

            FUZZ_ASSERT(cc_list_has(info.headers, u, 1)
                            || (!credentials
                                && cc_list_has(info.headers, "*", 0)
                                && (pr != CC_SPEC
                                    || strcmp(u, "authorization") != 0)),
                        "every unsafe header was allowed");
        }
        FUZZ_ASSERT(info.max_age >= 0, "max-age is not negative");
    }
    else {
        fuzz_check_failure(p, &f);
    }

    /* The lists: a parse is tokens only, or it names its bad element. */
    list = apr_array_make(p, 4, sizeof(const char *));
    if (cc_list_parse(p,
                      cc_headers_get(p, resp, "Access-Control-Allow-Headers"),
                      1, list, &bad)
        == 0) {
        for (i = 0; i < list->nelts; i++) {
            const char *e = APR_ARRAY_IDX(list, i, const char *);

            FUZZ_ASSERT(*e && cors_is_token(e, strlen(e)), "elements");
        }
    }
    else {
        FUZZ_ASSERT(bad != NULL && !cors_is_token(bad, strlen(bad)),
                    "the bad element is not a token");
    }

    /* What JavaScript reads: never Set-Cookie, only names present. */
    readable = cc_readable_names(p, resp, 1, credentials, &bad);
    fuzz_check_name_set(readable, 0);
    for (i = 0; i < readable->nelts; i++) {
        const char *name = APR_ARRAY_IDX(readable, i, const char *);

        FUZZ_ASSERT(strcmp(name, "set-cookie") != 0
                        && strcmp(name, "set-cookie2") != 0,
                    "Set-Cookie is never readable");
        FUZZ_ASSERT(cc_headers_count(resp, name) > 0, "a name present");
    }
    (void)cc_vary_has(p, cc_headers_get(p, resp, "Vary"), "origin");
}
