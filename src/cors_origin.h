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
 * cors_origin.h: origins as browsers send them, origins and patterns as
 * administrators write them, and the sets that hold them.
 */

#ifndef CORS_ORIGIN_H
#define CORS_ORIGIN_H

#include "cors.h"

/** A tuple origin, pointing into the string it was parsed from. */
typedef struct cors_origin_t {
    const char *scheme; /**< lowercase scheme, not NUL-terminated */
    apr_size_t scheme_len;
    const char *host; /**< lowercase host (IPv6 with brackets) */
    apr_size_t host_len;
    int port; /**< 0 when absent (the scheme's default) */
} cors_origin_t;

/** What a request's Origin header turned out to be. */
typedef enum {
    CORS_ORIGIN_VALID,    /**< scheme://host[:port], as browsers serialise */
    CORS_ORIGIN_OPAQUE,   /**< the literal "null" */
    CORS_ORIGIN_MALFORMED /**< anything else: never echoed */
} cors_origin_status_e;

/**
 * Parse a request's Origin value strictly (Fetch "serializing an origin"):
 * lowercase scheme and host, no path, no trailing slash, a port of 1-65535
 * without leading zeros that is not the scheme's default.  value may be
 * NULL (treated as malformed).  On CORS_ORIGIN_VALID, out points into value.
 */
cors_origin_status_e cors_origin_parse_request(const char *value,
                                               cors_origin_t *out);

/** The default port of a scheme with one (http, https, ws, wss, ftp), or 0. */
int cors_origin_default_port(const char *scheme, apr_size_t len);

/** One section's own origin-list values: what it adds and removes. */
typedef struct cors_origin_set_t cors_origin_set_t;

/** The effective origin list of a scope: a section's set over the inherited. */
typedef struct cors_origins_t cors_origins_t;

/** A new, empty set for one configuration section. */
cors_origin_set_t *cors_origin_set_make(apr_pool_t *p);

/**
 * Add one origin-list value to a section's set: an origin, a wildcard
 * pattern, "*", "null" or "none", optionally prefixed "+" (add to the
 * inherited list) or "-" (remove from it).  Returns NULL on success or the
 * problem (CORS_ERR_*; its hint is the value probably meant, where one
 * helps).  *warning, when not NULL on return, is a problem to log at
 * start-up (the value is accepted).  credentials says whether credentials
 * are already on in the same section (then the rule of
 * cors_credentials_clash() applies to the value).
 */
const cors_problem_t *cors_origin_set_add(apr_pool_t *p, cors_origin_set_t *set,
                                          const char *value, int credentials,
                                          const cors_problem_t **warning);

/** What credentials would meet in a value, a section or a scope. */
typedef struct cors_cred_facts_t {
    int any;                   /**< "*" */
    int null;                  /**< "null" */
    const char *public_suffix; /**< a wildcard over a public suffix, or NULL */
    const char *catch_all;     /**< a pattern matching a canary, or NULL */
    const char *canary;        /**< the canary it matches */
    int expose_any;            /**< exposed headers "*" */
} cors_cred_facts_t;

/**
 * The rule of credentials, stated once: they cannot go with "*", "null", a
 * wildcard over a public suffix, an origin pattern that matches a canary
 * origin (a catch-all), nor exposed headers "*".  The first clash as a
 * problem (CORS_ERR_CRED_*, value: the entry, detail: the suffix or the
 * canary), or NULL.  The glue words it for where it arose: one value, one section, or
 * a scope merged from several.
 */
const cors_problem_t *cors_credentials_clash(apr_pool_t *p,
                                             const cors_cred_facts_t *f);

/** The facts of a section's own set (NULL: none); the others are 0. */
void cors_origin_set_cred_facts(const cors_origin_set_t *set,
                                cors_cred_facts_t *f);

/** The facts of a scope's origin list; the others are 0. */
void cors_origins_cred_facts(const cors_origins_t *o, cors_cred_facts_t *f);

/**
 * A CORS_WARN_INSECURE problem when the section's set allows an origin
 * served over plain http (off this machine), for when credentials are
 * turned on; or NULL.
 */
const cors_problem_t *cors_origin_set_insecure_warning(
    apr_pool_t *p, const cors_origin_set_t *set);

/** An origin of the scope served over plain http off this machine, or NULL. */
const char *cors_origins_insecure(const cors_origins_t *o);

/** Wrap one section's set as a scope with nothing inherited. */
const cors_origins_t *cors_origins_make(apr_pool_t *p,
                                        const cors_origin_set_t *set);

/**
 * The scope of a more specific section: add's set over base.  Costs one
 * small node when add uses "+"/"-", nothing otherwise.  Either may be NULL.
 */
const cors_origins_t *cors_origins_merge(apr_pool_t *p,
                                         const cors_origins_t *base,
                                         const cors_origins_t *add);

/** Whether the scope allows at least one origin (CORS is on). */
int cors_origins_any_listed(const cors_origins_t *o);

/** Whether the scope holds "*". */
int cors_origins_allow_any(const cors_origins_t *o);

/** Whether the scope holds "null". */
int cors_origins_allow_null(const cors_origins_t *o);

/** A wildcard of the scope directly over a public suffix, or NULL. */
const char *cors_origins_public_suffix_wildcard(const cors_origins_t *o);

/** Whether the scope holds an exclusion ("-" value other than "-*"). */
int cors_origins_excludes(const cors_origins_t *o);

/** What the scope's own lists say about one origin. */
typedef enum {
    CORS_MATCH_NONE = 0, /**< not named: "*" or a regex may still allow it */
    CORS_MATCH_ALLOWED,  /**< listed, or covered by a wildcard */
    CORS_MATCH_EXCLUDED  /**< excluded by a "-" value: refused, whatever
                          *   "*" or a regex says */
} cors_match_e;

/**
 * Look a validly parsed request origin up in the scope's lists, from the
 * most specific section outwards ("*" is asked separately, with
 * cors_origins_allow_any).  origin NULL asks for the opaque origin "null".
 * Costs a few hash probes per nested section, however long the lists.
 */
cors_match_e cors_origins_lookup(const cors_origins_t *o, const char *value,
                                 const cors_origin_t *origin);

/**
 * Whether a validly parsed request origin is in the scope through an exact
 * origin or a wildcard pattern ("*" and "null" are asked separately).
 */
int cors_origins_match(const cors_origins_t *o, const char *value,
                       const cors_origin_t *origin);

/**
 * An exact origin of the scope with this scheme and host, whatever its
 * port, or NULL.  Walks every entry: for hints in debug logs only.
 */
const char *cors_origins_find_host(apr_pool_t *p, const cors_origins_t *o,
                                   const char *scheme, const char *host);

/**
 * Append a human-readable list of the scope's origins and patterns to arr
 * (one const char * per entry), for DUMP_CORS and for hints.
 */
void cors_origins_describe(apr_pool_t *p, const cors_origins_t *o,
                           apr_array_header_t *arr);

/** A compiled regular expression for origins. */
typedef struct cors_regex_t cors_regex_t;

/**
 * Compile an origin pattern once (PCRE2, JIT when available).  Refuses a
 * pattern not anchored with ^ and $, and a "." between two host
 * characters (CORS_ERR_REGEX_HOST_DOT, hint: the pattern escaped).  The
 * compiled code is freed with the pool.  Returns NULL on success or the
 * problem; *warning is set for another bare ".".
 */
const cors_problem_t *cors_regex_compile(apr_pool_t *p, const char *pattern,
                                         cors_regex_t **out,
                                         const cors_problem_t **warning);

/** The pattern's source text. */
const char *cors_regex_source(const cors_regex_t *re);

/**
 * A canary origin the pattern matches (checked once, when it is
 * compiled), or NULL.  The canaries are origins nobody lists: other
 * schemes, hosts under the reserved names .invalid and .test, addresses
 * reserved for documentation.  A pattern that matches one allows sites
 * its author never meant (^https://[^/]+$, ^.*$).
 */
const char *cors_regex_canary(const cors_regex_t *re);

/**
 * Whether value (length len) matches the whole pattern.  Match data comes
 * from scratch, a per-request pool: nothing is malloc'ed.
 */
int cors_regex_match(const cors_regex_t *re, const char *value, apr_size_t len,
                     apr_pool_t *scratch);

#endif /* CORS_ORIGIN_H */
