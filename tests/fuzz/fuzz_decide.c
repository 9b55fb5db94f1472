/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_decide: the whole decision.  A policy built from fuzz input (the
 * language of fuzz_policy.h, sections merged at "--"), then one request:
 *
 *   <configuration lines>
 *   ==
 *   method
 *   Origin
 *   Access-Control-Request-Method
 *   Access-Control-Request-Headers
 *   Access-Control-Request-Private-Network
 *
 * A request line "~", or a missing one, is an absent header.  The
 * invariants are the security promises of docs/behaviour.md and
 * cors_policy.h, which must hold for any policy and any request:
 *   - no CR, LF, NUL or other control byte in any header value produced
 *     (CORS-Debug's detail included);
 *   - Access-Control-Allow-Origin is "*" or the request's own Origin, and
 *     then only when that Origin is a valid serialisation or "null": a
 *     malformed Origin is never echoed;
 *   - never "*" together with Access-Control-Allow-Credentials;
 *   - refused: no Access-Control-Allow-* / -Expose-* value, unless
 *     CORSDebugHeader is on (which may answer what was earned);
 *   - Vary names Origin whenever the answer depends on it;
 *   - the decision is pure: deciding twice gives the same answer.
 */

#include "fuzz_policy.h"

#define FUZZ_MAX_LINES 96

static int fuzz_streq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void fuzz_check_list(const char *what, const char *v)
{
    const char *q;

    if (v == NULL) {
        return;
    }
    /* "a, b, c" of tokens */
    for (q = v; *q; q++) {
        FUZZ_ASSERT(*q == ',' || *q == ' ' || cors_is_token(q, 1), what);
    }
}

static void fuzz_check_decision(apr_pool_t *p, const cors_policy_t *pol,
                                const cors_request_t *req,
                                const cors_decision_t *d)
{
    int debug = cors_policy_debug_header(pol);
    int any = cors_origins_allow_any(pol->origins);
    cors_origin_t o;
    cors_origin_status_e st = req->origin
                                  ? cors_origin_parse_request(req->origin, &o)
                                  : CORS_ORIGIN_MALFORMED;

    fuzz_check_header_value("Access-Control-Allow-Origin", d->allow_origin);
    fuzz_check_header_value("Access-Control-Allow-Credentials",
                            d->allow_credentials);
    fuzz_check_header_value("Access-Control-Expose-Headers", d->expose_headers);
    fuzz_check_header_value("Access-Control-Allow-Methods", d->allow_methods);
    fuzz_check_header_value("Access-Control-Allow-Headers", d->allow_headers);
    fuzz_check_header_value("Access-Control-Max-Age", d->max_age);
    fuzz_check_header_value("Access-Control-Allow-Private-Network",
                            d->allow_private_network);
    fuzz_check_header_value("Vary", d->vary);
    fuzz_check_header_value("CORS-Debug (detail)", d->detail);
    fuzz_check_header_value("CORS variable", d->env);
    FUZZ_ASSERT(d->env != NULL, "the CORS variable is always set");

    if (req->origin == NULL) {
        FUZZ_ASSERT(d->kind == CORS_KIND_NO_ORIGIN, "no Origin, no CORS");
    }
    if (d->allow_origin != NULL && strcmp(d->allow_origin, "*") != 0) {
        FUZZ_ASSERT(req->origin != NULL
                        && strcmp(d->allow_origin, req->origin) == 0,
                    "ACAO is * or the request's Origin");
        FUZZ_ASSERT(st == CORS_ORIGIN_VALID || st == CORS_ORIGIN_OPAQUE,
                    "a malformed Origin is never echoed");
    }
    FUZZ_ASSERT(!(d->allow_credentials && d->allow_origin
                  && strcmp(d->allow_origin, "*") == 0),
                "never ACAO * with credentials");
    if (d->allow_credentials) {
        FUZZ_ASSERT(strcmp(d->allow_credentials, "true") == 0, "ACAC is true");
        FUZZ_ASSERT(cors_policy_credentials(pol), "ACAC only when on");
    }
    if (!d->allowed && !debug) {
        FUZZ_ASSERT(!d->allow_origin || d->kind == CORS_KIND_NO_ORIGIN,
                    "refused: no ACAO");
        FUZZ_ASSERT(!d->allow_credentials && !d->allow_methods
                        && !d->allow_headers && !d->allow_private_network
                        && !d->max_age,
                    "refused: no Access-Control-Allow-*");
        FUZZ_ASSERT(!d->expose_headers || d->kind == CORS_KIND_NO_ORIGIN,
                    "refused: no Access-Control-Expose-Headers");
    }
    if (d->allowed) {
        FUZZ_ASSERT(d->reason == CORS_REASON_NONE, "allowed without reason");
        FUZZ_ASSERT(d->allow_origin != NULL, "allowed earns ACAO");
    }
    if (d->allow_origin == NULL) {
        FUZZ_ASSERT(d->expose_headers == NULL, "ACEH only with ACAO");
    }
    if (!any || d->kind == CORS_KIND_PREFLIGHT
        || cors_origins_excludes(pol->origins)
        || cors_policy_upstream_mode(pol) == CORS_UPSTREAM_KEEP || debug) {
        FUZZ_ASSERT(d->vary != NULL && strstr(d->vary, "Origin") != NULL,
                    "Vary: Origin when the answer depends on Origin");
    }
    /* docs/behaviour.md §1: an exclusion wins over "*", wildcards and
     * patterns alike */
    if ((st == CORS_ORIGIN_VALID || st == CORS_ORIGIN_OPAQUE)
        && cors_origins_lookup(pol->origins, req->origin,
                               st == CORS_ORIGIN_OPAQUE ? NULL : &o)
               == CORS_MATCH_EXCLUDED) {
        FUZZ_ASSERT(!d->allowed && d->allow_origin == NULL,
                    "an excluded origin is never allowed");
    }
    if (d->kind == CORS_KIND_PREFLIGHT) {
        FUZZ_ASSERT(d->status == 200 || d->status == 204 || d->status == 403,
                    "preflight status");
        FUZZ_ASSERT(d->allowed || debug || d->status == 403,
                    "refused preflight is 403");
        if (d->allowed) {
            FUZZ_ASSERT(fuzz_streq(d->allow_methods, req->acrm),
                        "ACAM is the requested method");
            FUZZ_ASSERT(d->max_age != NULL, "allowed preflight: max-age");
        }
        fuzz_check_list("ACAH is a list of tokens", d->allow_headers);
        if (d->allow_headers) {
            const char *q;

            for (q = d->allow_headers; *q; q++) {
                FUZZ_ASSERT(!(*q >= 'A' && *q <= 'Z'), "ACAH lowercase");
            }
        }
        if (d->allow_methods) {
            FUZZ_ASSERT(cors_is_token(d->allow_methods,
                                      strlen(d->allow_methods)),
                        "ACAM is a token");
        }
    }
    else {
        FUZZ_ASSERT(!d->allow_methods && !d->allow_headers && !d->max_age,
                    "preflight headers only on preflights");
    }
    (void)p;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    cors_policy_t *pol;
    cors_request_t req;
    cors_decision_t d1, d2;
    int sep;

    for (sep = 0; sep < n; sep++) {
        if (lines[sep] != NULL && strcmp(lines[sep], "==") == 0) {
            break;
        }
    }
    pol = fuzz_policy_build(p, lines, sep);
    if (!cors_policy_enabled(pol)) {
        /* mod_cors.c never decides where CORS is off */
        return;
    }
    memset(&req, 0, sizeof(req));
    req.method = sep + 1 < n && lines[sep + 1] ? lines[sep + 1] : "GET";
    req.origin = sep + 2 < n ? lines[sep + 2] : NULL;
    req.acrm = sep + 3 < n ? lines[sep + 3] : NULL;
    req.acrh = sep + 4 < n ? lines[sep + 4] : NULL;
    req.acrpn = sep + 5 < n ? lines[sep + 5] : NULL;

    cors_policy_decide(p, pol, &req, NULL, &d1);
    fuzz_check_decision(p, pol, &req, &d1);
    cors_policy_decide(p, pol, &req, NULL, &d2);
    FUZZ_ASSERT(d1.kind == d2.kind && d1.allowed == d2.allowed
                    && d1.reason == d2.reason && d1.status == d2.status
                    && fuzz_streq(d1.allow_origin, d2.allow_origin)
                    && fuzz_streq(d1.allow_headers, d2.allow_headers)
                    && fuzz_streq(d1.vary, d2.vary),
                "decide is pure");
    (void)cors_reason_text(d1.reason);
    if (!d1.allowed && req.origin != NULL) {
        /* mod_cors.c asks for a hint when it logs a refusal */
        fuzz_check_message(cors_policy_hint(p, pol, req.origin));
    }
    fuzz_check_message(cors_policy_describe(p, pol, "", NULL));
}
