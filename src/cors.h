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
 * cors.h: what every file of the CORS engine shares.  The engine knows
 * nothing of httpd: APR, PCRE2 and libpsl only, so that it can be unit
 * tested and fuzzed on its own.
 */

#ifndef CORS_H
#define CORS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_hash.h>

#define CORS_VERSION "0.2.0"

/**
 * Longest Origin value considered at all.  A browser never sends more than
 * scheme + "://" + a 253-byte host + ":65535"; anything longer is hostile.
 */
#define CORS_ORIGIN_MAX_LEN 1024

/**
 * Longest Access-Control-Request-Headers value parsed, httpd's default
 * LimitRequestFieldSize.
 */
#define CORS_REQUEST_HEADERS_MAX_LEN 8190

/** Most optional whitespace bytes tolerated around one list element. */
#define CORS_OWS_BUDGET 2

/** Most empty list elements tolerated in one header value. */
#define CORS_EMPTY_ELEMENTS_BUDGET 16

/** Largest max-age accepted (Firefox's own cap, 24 hours). */
#define CORS_MAX_AGE_MAX 86400

/** "unset" for the int fields of a policy. */
#define CORS_UNSET (-1)

/**
 * What is wrong with a configured value (CORS_ERR_*: refused) or what is
 * risky about it (CORS_WARN_*: accepted, logged at start-up).  The engine
 * knows no directive names: the glue words a problem, with the name of the
 * directive it arose in.
 */
typedef enum {
    CORS_PROBLEM_NONE = 0,
    /* an origin value; hint: the origin probably meant, where one helps */
    CORS_ERR_ORIGIN_EMPTY,          /**< an empty value, or a lone + or - */
    CORS_ERR_COMMA,                 /**< values joined by commas; detail: what
                                  *   one value is ("origin", "method") */
    CORS_ERR_ORIGIN_NO_SCHEME,      /**< no scheme:// at all */
    CORS_ERR_ORIGIN_SCHEME,         /**< detail: the scheme */
    CORS_ERR_ORIGIN_PATH,           /**< hint */
    CORS_ERR_ORIGIN_TRAILING_SLASH, /**< hint */
    CORS_ERR_ORIGIN_QUERY,          /**< hint */
    CORS_ERR_ORIGIN_FRAGMENT,       /**< hint */
    CORS_ERR_ORIGIN_USERINFO,       /**< hint */
    CORS_ERR_ORIGIN_NON_ASCII,
    CORS_ERR_ORIGIN_IPV6_OPEN,  /**< "[" without "]" */
    CORS_ERR_ORIGIN_IPV6,       /**< detail: the address */
    CORS_ERR_ORIGIN_STAR_PLACE, /**< "*" not as the first label */
    CORS_ERR_ORIGIN_HOST_CHAR,
    CORS_ERR_ORIGIN_NO_HOST,
    CORS_ERR_ORIGIN_EMPTY_LABEL,
    CORS_ERR_ORIGIN_PORT,
    CORS_ERR_ORIGIN_AFTER_HOST, /**< junk after the host */
    CORS_ERR_ORIGIN_TLD,        /**< wildcard over a top-level label;
                                  *   detail: the label */
    CORS_ERR_ORIGIN_TOO_MANY,   /**< the set's references ran out */
    /* credentials with what cannot go with them; value: the entry */
    CORS_ERR_CRED_ANY,           /**< "*" */
    CORS_ERR_CRED_NULL,          /**< "null" */
    CORS_ERR_CRED_PUBLIC_SUFFIX, /**< detail: the suffix */
    CORS_ERR_CRED_CATCH_ALL,     /**< a pattern matching a canary origin;
                                  *   detail: the canary */
    CORS_ERR_CRED_EXPOSE_ANY,    /**< exposed headers "*" */
    /* a regular expression for origins */
    CORS_ERR_REGEX_UNANCHORED,
    CORS_ERR_REGEX_CONTROL,  /**< offset: where; detail: "0x.." */
    CORS_ERR_REGEX_HOST_DOT, /**< hint: the pattern escaped; detail:
                                  *   "'a.b' also matches 'axb'" */
    CORS_ERR_REGEX_SYNTAX,   /**< detail: PCRE2's words; offset */
    CORS_ERR_REGEX_MEMORY,
    /* method and header names */
    CORS_ERR_TOKEN,       /**< not an RFC 9110 token; detail: what */
    CORS_ERR_METHOD_CASE, /**< hint: the uppercase name */
    /* one value of a closed set or range */
    CORS_ERR_MAX_AGE,  /**< offset: the largest accepted */
    CORS_ERR_INTERVAL, /**< seconds from 1; offset: the largest */
    CORS_ERR_KEYWORD,  /**< detail: the accepted values */
    /* warnings */
    CORS_WARN_NULL,
    CORS_WARN_PUBLIC_SUFFIX,   /**< detail: the suffix */
    CORS_WARN_INSECURE,        /**< value: the http:// origin */
    CORS_WARN_REGEX_DOT,       /**< a bare "." elsewhere */
    CORS_WARN_REGEX_CATCH_ALL, /**< detail: the canary it matches */
    CORS_WARN_METHOD_UNKNOWN,  /**< hint: a known name one edit away */
    CORS_WARN_MAX_AGE          /**< over what Chromium keeps */
} cors_problem_e;

/** One problem with one value. */
typedef struct cors_problem_t {
    cors_problem_e kind;
    const char *value;  /**< the offending value, as written */
    const char *hint;   /**< the value probably meant, or NULL */
    const char *detail; /**< what the kind says it is, or NULL */
    apr_size_t offset;  /**< what the kind says it is, or 0 */
} cors_problem_t;

/** A problem allocated from p (hint and detail may be NULL). */
cors_problem_t *cors_problem_make(apr_pool_t *p, cors_problem_e kind,
                                  const char *value, const char *hint,
                                  const char *detail);

/** Whether kind is a warning (the value was accepted). */
int cors_problem_is_warning(cors_problem_e kind);

/** The enumerator's name ("CORS_ERR_COMMA"), for tests and debugging. */
const char *cors_problem_name(cors_problem_e kind);

#endif /* CORS_H */
