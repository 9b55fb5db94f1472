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
 * cc_check.h: the browser's side of CORS (Fetch Standard, "CORS protocol"
 * and "HTTP fetch"), as pure functions over header lists: which requests
 * need a preflight, what the preflight carries, the CORS check, the
 * CORS-preflight check, and which response headers JavaScript may read.
 * No I/O here: cors-check.c sends the requests with libcurl, and the fuzz
 * harness (tests/fuzz/fuzz_check_headers.c) feeds this file hostile
 * responses.
 *
 * Three profiles: the Fetch Standard, and Chromium and Firefox as they
 * ship, where they deviate from it (each deviation is named where it is
 * applied and tested against the real browsers by
 * tests/browser/test_browser_cors_check.py).
 */

#ifndef CC_CHECK_H
#define CC_CHECK_H

#include <apr_pools.h>
#include <apr_tables.h>

/** Whose rules a verdict follows. */
typedef enum {
    CC_SPEC = 0, /**< the Fetch Standard */
    CC_CHROMIUM, /**< Chromium as it ships */
    CC_FIREFOX,  /**< Firefox as it ships */
    CC_NPROFILES
} cc_profile_e;

/** "spec", "chromium", "firefox": keys in --json output. */
const char *cc_profile_key(cc_profile_e pr);

/** "Fetch Standard", "Chromium", "Firefox": for people. */
const char *cc_profile_name(cc_profile_e pr);

/**
 * Where shipping browsers part from the Fetch Standard.  Each entry is
 * pinned down by a scenario of tests/browser/test_browser_cors_check.py
 * that runs in the real browser, so that a browser release that changes
 * it fails that test instead of leaving cors-check wrong.
 */
typedef struct cc_quirks_t {
    /** "*" in Access-Control-Allow-Headers also covers Authorization */
    int star_covers_authorization;
    /** cap on a preflight result's max-age, 0 when none */
    long max_age_cap;
    /**
     * A request preflighted once is preflighted again at every hop after
     * a redirect, even one that is now simple, and that preflight carries
     * and is checked against the page's own origin, not "null"; the
     * request itself then sends Origin: null (Firefox 153).
     */
    int repreflight_after_redirect;
} cc_quirks_t;

/** The quirks of a profile (none for CC_SPEC). */
const cc_quirks_t *cc_profile_quirks(cc_profile_e pr);

/** One header field, as sent or received (duplicates kept, in order). */
typedef struct cc_header_t {
    const char *name;
    const char *value;
} cc_header_t;

/** Most redirects a fetch follows (Fetch Standard, "HTTP-redirect fetch"). */
#define CC_MAX_REDIRECTS 20

/** Longest value of one CORS-safelisted request header. */
#define CC_SAFELISTED_VALUE_MAX 128

/** Longest total of the safelisted request headers' values. */
#define CC_SAFELISTED_TOTAL_MAX 1024

/** max-age a preflight result gets when the response gives none. */
#define CC_MAX_AGE_DEFAULT 5

/**
 * The value of header name in list (cc_header_t), "combined" as Fetch
 * does: every field of that name joined with ", ", in order; NULL when
 * there is none.  Names compare case-insensitively.
 */
const char *cc_headers_get(apr_pool_t *p, const apr_array_header_t *list,
                           const char *name);

/** How many fields named name list holds. */
int cc_headers_count(const apr_array_header_t *list, const char *name);

/** Append (or, with combine, join into an existing field) one header. */
void cc_headers_add(apr_pool_t *p, apr_array_header_t *list, const char *name,
                    const char *value, int combine);

/** Remove every field named name. */
void cc_headers_remove(apr_array_header_t *list, const char *name);

/**
 * Parse a comma-separated list of tokens (the ABNF of
 * Access-Control-Allow-Methods, -Allow-Headers, -Expose-Headers): elements
 * are trimmed of spaces and tabs, empty ones skipped, every other one must
 * be a token.  With lower, names are lowercased.  Returns 0 and appends to
 * out (const char *), or -1 with *bad set to the first element that is
 * not a token.  NULL value: an empty list.
 */
int cc_list_parse(apr_pool_t *p, const char *value, int lower,
                  apr_array_header_t *out, const char **bad);

/** Whether list (const char *) holds s (case-insensitively with nocase). */
int cc_list_has(const apr_array_header_t *list, const char *s, int nocase);

/** fetch() uppercases DELETE GET HEAD OPTIONS POST PUT, and only those. */
const char *cc_method_normalize(apr_pool_t *p, const char *method);

/** CONNECT, TRACE, TRACK: fetch() throws before sending anything. */
int cc_method_forbidden(const char *method);

/** GET, HEAD, POST. */
int cc_method_safelisted(const char *method);

/**
 * A forbidden request header (Fetch Standard): fetch() silently drops it
 * (Cookie, Host, Origin, Sec-*, Proxy-*...).
 */
int cc_header_forbidden(const char *name, const char *value);

/**
 * Whether (name, value) is a CORS-safelisted request-header (both engines
 * follow the Standard here, Range included); when not, *why (if given)
 * says why in a few words.
 */
int cc_header_safelisted(apr_pool_t *p, const char *name, const char *value,
                         const char **why);

/**
 * The CORS-unsafe request-header names of headers (cc_header_t): lowercase,
 * sorted, without duplicates, as they go into
 * Access-Control-Request-Headers.  why, when given, gets one line per
 * name saying why it is unsafe.
 */
apr_array_header_t *cc_unsafe_names(apr_pool_t *p,
                                    const apr_array_header_t *headers,
                                    apr_array_header_t *why);

/** names joined with "," (no space), as browsers send them. */
const char *cc_join(apr_pool_t *p, const apr_array_header_t *names,
                    const char *sep);

/** Why a fetch failed; CC_OK when it did not. */
typedef enum {
    CC_OK = 0,
    CC_ACAO_MISSING,       /**< no Access-Control-Allow-Origin */
    CC_ACAO_MULTIPLE,      /**< more than one value */
    CC_ACAO_MISMATCH,      /**< not the request's serialized origin */
    CC_ACAO_STAR_CRED,     /**< "*" with credentials mode "include" */
    CC_ACAC_NOT_TRUE,      /**< credentials, ACAC not exactly "true" */
    CC_PREFLIGHT_REDIRECT, /**< a preflight answered with a 3xx */
    CC_PREFLIGHT_STATUS,   /**< a preflight answered with a non-ok status */
    CC_ACAM_INVALID,       /**< Access-Control-Allow-Methods not a list */
    CC_ACAH_INVALID,       /**< Access-Control-Allow-Headers not a list */
    CC_METHOD_NOT_ALLOWED, /**< method not in Access-Control-Allow-Methods */
    CC_HEADER_NOT_ALLOWED, /**< a header not in -Allow-Headers */
    CC_REDIRECT_SCHEME,    /**< redirect to a URL that is not http(s) */
    CC_REDIRECT_USERINFO,  /**< redirect to a URL with credentials */
    CC_REDIRECT_LIMIT,     /**< more than CC_MAX_REDIRECTS */
    CC_REDIRECT_BAD_URL    /**< a Location that is not a URL */
} cc_fail_e;

/** A failure and what it is about. */
typedef struct cc_failure_t {
    cc_fail_e code;
    const char *value;    /**< the offending value (header value, name) */
    int status;           /**< the response's status */
    int preflight;        /**< it happened on the preflight */
    const char *url;      /**< the URL whose response failed */
    const char *from_url; /**< the first URL, when a redirect led here */
    const char *origin;   /**< the serialized origin the check used */
} cc_failure_t;

/**
 * The CORS check (Fetch Standard, "CORS check") of a response's headers for
 * a request from serialized origin (possibly "null") with credentials mode
 * "include" or not.  CC_OK, or the failure with f->value set.
 */
cc_fail_e cc_cors_check(apr_pool_t *p, const apr_array_header_t *headers,
                        const char *origin, int credentials, cc_failure_t *f);

/** What a passed CORS-preflight check found, for the report. */
typedef struct cc_preflight_info_t {
    apr_array_header_t *methods; /**< Access-Control-Allow-Methods */
    apr_array_header_t *headers; /**< Access-Control-Allow-Headers, lower */
    long max_age;                /**< seconds the result would be cached */
    long max_age_cap;            /**< the profile's cap, 0 when none */
    int star_authorization; /**< "*" let Authorization through (not spec) */
    int method_by_star;     /**< the method passed through "*" */
    int headers_by_star;    /**< some header passed through "*" */
} cc_preflight_info_t;

/**
 * The CORS-preflight fetch's checks on its response (Fetch Standard,
 * "CORS-preflight fetch", steps 6-7): no redirect, the CORS check, an ok
 * status, then the method and every CORS-unsafe header name (unsafe,
 * lowercase) against Access-Control-Allow-Methods and -Headers with their
 * "*" rules, and max-age.  The order of the first three checks is the
 * profile's, so that the reason named is the one its console gives.
 */
cc_fail_e cc_preflight_check(apr_pool_t *p, cc_profile_e pr, int status,
                             const apr_array_header_t *headers,
                             const char *origin, int credentials,
                             const char *method,
                             const apr_array_header_t *unsafe, cc_failure_t *f,
                             cc_preflight_info_t *info);

/**
 * Names of the headers of a response that JavaScript can read (lowercase,
 * sorted, once each).  For a CORS response (cors): the CORS-safelisted
 * response-header names and those Access-Control-Expose-Headers lists ("*"
 * meaning all of them without credentials); for a same-origin one, all.
 * Never Set-Cookie.  *aceh_bad, when given, is set to an unparsable
 * Access-Control-Expose-Headers element (the header is then ignored), or
 * NULL.
 */
apr_array_header_t *cc_readable_names(apr_pool_t *p,
                                      const apr_array_header_t *headers,
                                      int cors, int credentials,
                                      const char **aceh_bad);

/**
 * Whether a Vary value (NULL: none) lists name or "*".  Used for warnings
 * only: a missing Vary is a cache's problem, never a browser failure.
 */
int cc_vary_has(apr_pool_t *p, const char *vary, const char *name);

/** 301, 302, 303, 307, 308. */
int cc_status_redirect(int status);

/** Chromium's words for why (without the URL and origin). */
const char *cc_failure_reason(apr_pool_t *p, const cc_failure_t *f);

/**
 * The browser's message for a failure, worded as profile pr's console
 * words it (the Fetch Standard's profile uses Chromium's words), so that
 * either can be searched for.
 */
const char *cc_failure_message(apr_pool_t *p, cc_profile_e pr,
                               const cc_failure_t *f);

/** What to change on the server (or in the call) to fix a failure. */
const char *cc_failure_hint(apr_pool_t *p, const cc_failure_t *f,
                            const char *method);

#endif /* CC_CHECK_H */
