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
 * cors_policy.h: the CORS policy of one configuration scope, how scopes
 * merge, and the decision for one request.
 */

#ifndef CORS_POLICY_H
#define CORS_POLICY_H

#include "cors.h"
#include "cors_origin.h"
#include "cors_tokens.h"

typedef enum {
    CORS_PREFLIGHT_HANDLE = 0,  /**< mod_cors answers preflights itself */
    CORS_PREFLIGHT_CONTINUE = 1 /**< the handler answers, mod_cors decorates */
} cors_preflight_mode_e;

typedef enum {
    CORS_UPSTREAM_REPLACE = 0, /**< generator's Access-Control-* replaced */
    CORS_UPSTREAM_KEEP = 1     /**< generator's ACAO wins when present */
} cors_upstream_mode_e;

/** What an origin source (docs/behaviour.md §7) says about one origin. */
typedef enum {
    CORS_SOURCE_ABSENT = 0, /**< not listed */
    CORS_SOURCE_LISTED,     /**< listed: allowed */
    CORS_SOURCE_UNAVAILABLE /**< cannot tell now: refused (fails closed) */
} cors_source_answer_e;

typedef struct cors_source_t cors_source_t;
typedef struct cors_policy_t cors_policy_t;

/**
 * Look up one validly parsed request origin (value, parsed into origin)
 * for the scope whose policy is pol.
 * ctx is the request's cors_request_t.ctx, NULL when only a hint for the
 * log is being worked out: a source that needs a request answers ABSENT
 * then.  On CORS_SOURCE_UNAVAILABLE, *why says what failed.  Allocates
 * only from p.
 */
typedef cors_source_answer_e (*cors_source_lookup_fn)(
    const cors_source_t *src, const cors_policy_t *pol, const char *value,
    const cors_origin_t *origin, void *ctx, apr_pool_t *p, const char **why);

/** An origin list kept outside the configuration: a file, a database. */
struct cors_source_t {
    const char *name; /**< in refusals: "not in <name>" */
    cors_source_lookup_fn lookup;
    /** One line for DUMP_CORS (what, how many, when loaded), or NULL. */
    const char *(*describe)(const cors_source_t *src, apr_pool_t *p);
    void *data; /**< the caller's */
};

/** The fields of a policy, for telling where each one was set. */
typedef enum {
    CORS_FIELD_ORIGINS,
    CORS_FIELD_ORIGIN_PATTERNS,
    CORS_FIELD_CREDENTIALS,
    CORS_FIELD_METHODS,
    CORS_FIELD_ALLOW_HEADERS,
    CORS_FIELD_EXPOSE_HEADERS,
    CORS_FIELD_MAX_AGE,
    CORS_FIELD_PRIVATE_NETWORK,
    CORS_FIELD_PREFLIGHT,
    CORS_FIELD_PREFLIGHT_STATUS,
    CORS_FIELD_UPSTREAM,
    CORS_FIELD_DEBUG_HEADER,
    CORS_FIELD_SHADOW,
    CORS_FIELD_TIMING_ALLOW_ORIGIN,
    CORS_FIELD_ORIGIN_SOURCES,
    CORS_FIELDS
} cors_field_e;

/**
 * The policy of one scope.  Every field has an "unset" state (NULL or
 * CORS_UNSET) so that a more specific section overrides only what it sets.
 * Everything is parsed and validated when the directive is read; merging
 * copies pointers.
 */
typedef struct cors_policy_t {
    cors_origin_set_t *own_origins; /**< this section's values, or NULL */
    const cors_origins_t *origins;  /**< effective scope, or NULL */
    apr_array_header_t *regexes;    /**< cors_regex_t *, or NULL */
    apr_array_header_t *sources;    /**< const cors_source_t *, or NULL */
    /** "not in <each source>", for refusals; NULL without sources */
    const char *sources_absent;
    cors_tokens_t *methods;        /**< NULL: GET HEAD POST */
    cors_tokens_t *allow_headers;  /**< NULL: none */
    cors_tokens_t *expose_headers; /**< NULL: none */
    int credentials;
    const char *max_age_str; /**< NULL: 7200 */
    int private_network;
    int preflight; /**< cors_preflight_mode_e */
    int preflight_status;
    int upstream; /**< cors_upstream_mode_e */
    int debug_header;
    int shadow;
    int timing_allow_origin;
    int list_check; /**< seconds between two looks at a list file */
    /**
     * Where each field was last set, as the caller words it (a file, a
     * line, a section), or NULL; merging keeps the more specific scope's,
     * as it keeps the value.  Opaque to the engine.
     */
    const char *set_at[CORS_FIELDS];
} cors_policy_t;

/** A policy with every field unset. */
cors_policy_t *cors_policy_make(apr_pool_t *p);

/** The policy of add's scope inside base's: a fresh struct, inputs intact. */
cors_policy_t *cors_policy_merge(apr_pool_t *p, const cors_policy_t *base,
                                 const cors_policy_t *add);

/*
 * Setters used by the directive handlers.  Each returns NULL or the
 * problem with the value (the glue words it, with the directive's name);
 * *warning is set to a problem to log when the value is accepted but
 * risky.
 */
const cors_problem_t *cors_policy_add_origin(apr_pool_t *p, cors_policy_t *pol,
                                             const char *value,
                                             const cors_problem_t **warning);
const cors_problem_t *cors_policy_add_origin_regex(
    apr_pool_t *p, cors_policy_t *pol, const char *pattern,
    const cors_problem_t **warning);
/**
 * Add an origin source to the section: its origins add up with the
 * section's origin-list values.  Sources are inherited as patterns are: a
 * section's own replace them, and so does a list without prefix.
 */
void cors_policy_add_source(apr_pool_t *p, cors_policy_t *pol,
                            const cors_source_t *src);
const cors_problem_t *cors_policy_set_credentials(apr_pool_t *p,
                                                  cors_policy_t *pol, int on);
const cors_problem_t *cors_policy_add_method(apr_pool_t *p, cors_policy_t *pol,
                                             const char *value,
                                             const cors_problem_t **warning);
const cors_problem_t *cors_policy_add_allow_header(apr_pool_t *p,
                                                   cors_policy_t *pol,
                                                   const char *value);
const cors_problem_t *cors_policy_add_expose_header(apr_pool_t *p,
                                                    cors_policy_t *pol,
                                                    const char *value);
const cors_problem_t *cors_policy_set_max_age(apr_pool_t *p, cors_policy_t *pol,
                                              const char *value,
                                              const cors_problem_t **warning);
const cors_problem_t *cors_policy_set_preflight(apr_pool_t *p,
                                                cors_policy_t *pol,
                                                const char *value);
const cors_problem_t *cors_policy_set_preflight_status(apr_pool_t *p,
                                                       cors_policy_t *pol,
                                                       const char *value);
const cors_problem_t *cors_policy_set_upstream(apr_pool_t *p,
                                               cors_policy_t *pol,
                                               const char *value);

/** Seconds between two looks at a list file, 1-86400 (default 5). */
const cors_problem_t *cors_policy_set_list_check(apr_pool_t *p,
                                                 cors_policy_t *pol,
                                                 const char *value);

/** Whether no CORS directive at all was given for this scope. */
int cors_policy_is_empty(const cors_policy_t *pol);

/**
 * The effective policy in words, one "name: value" line per field, each
 * line started with indent; for -D DUMP_CORS.  conflict, when not NULL,
 * is the worded cors_policy_conflict(): the scope fails closed.
 */
const char *cors_policy_describe(apr_pool_t *p, const cors_policy_t *pol,
                                 const char *indent, const char *conflict);

/** Whether CORS is on in this scope (at least one origin may be allowed). */
int cors_policy_enabled(const cors_policy_t *pol);

/**
 * A combination that only arose from merging and that no browser would
 * accept (cors_credentials_clash() over the merged scope): the problem, or
 * NULL.  The scope then fails closed.
 */
const cors_problem_t *cors_policy_conflict(apr_pool_t *p,
                                           const cors_policy_t *pol);

/**
 * The first of the scope's origin patterns that matches a canary origin
 * (cors_regex_canary): a catch-all, which must not meet credentials; or
 * NULL.  On a section's own policy, its own patterns; on a merged one,
 * the effective ones.
 */
const cors_regex_t *cors_policy_catch_all(const cors_policy_t *pol);

/** Effective values of the fields, unset resolved to the defaults. */
int cors_policy_credentials(const cors_policy_t *pol);
int cors_policy_preflight_mode(const cors_policy_t *pol);
int cors_policy_preflight_status(const cors_policy_t *pol);
int cors_policy_upstream_mode(const cors_policy_t *pol);
int cors_policy_debug_header(const cors_policy_t *pol);
int cors_policy_shadow(const cors_policy_t *pol);
int cors_policy_private_network(const cors_policy_t *pol);
int cors_policy_timing_allow_origin(const cors_policy_t *pol);
int cors_policy_list_check(const cors_policy_t *pol);

/** The CORS headers of one request, as received. */
typedef struct cors_request_t {
    const char *method; /**< request method */
    const char *origin; /**< Origin, or NULL */
    const char *acrm;   /**< Access-Control-Request-Method, or NULL */
    const char *acrh;   /**< Access-Control-Request-Headers, or NULL */
    const char *acrpn;  /**< Access-Control-Request-Private-Network */
} cors_request_t;

typedef enum {
    CORS_KIND_NO_ORIGIN, /**< no Origin: not a CORS request */
    CORS_KIND_ACTUAL,    /**< a CORS request other than a preflight */
    CORS_KIND_PREFLIGHT  /**< OPTIONS + Origin + ACRM */
} cors_kind_e;

/** Why a request was refused (or CORS_REASON_NONE). */
typedef enum {
    CORS_REASON_NONE = 0,
    CORS_REASON_ORIGIN_MALFORMED,
    CORS_REASON_ORIGIN_NOT_ALLOWED,
    CORS_REASON_NULL_NOT_ALLOWED,
    CORS_REASON_METHOD_MALFORMED,
    CORS_REASON_METHOD_NOT_ALLOWED,
    CORS_REASON_HEADERS_MALFORMED,
    CORS_REASON_HEADER_NOT_ALLOWED,
    CORS_REASON_POLICY_CONFLICT,
    CORS_REASON_SOURCE_UNAVAILABLE, /**< a source could not answer */
    CORS_REASON_ORIGIN_EXCLUDED     /**< excluded by a "-" value */
} cors_reason_e;

/** The decision for one request, and the exact header values it earns. */
typedef struct cors_decision_t {
    cors_kind_e kind;
    int allowed; /**< origin (and preflight) accepted */
    cors_reason_e reason;
    /** Authorization refused although "*" allows every other header */
    int star_not_authorization;
    /** CORS_REASON_POLICY_CONFLICT: the clash (the glue words it) */
    const cors_problem_t *conflict;
    /** The reason in words with what the policy configures, or NULL
     * (then cors_reason_text(); for a refused origin, which is refused
     * often, no string is built: the Origin itself says it). */
    const char *detail;
    /** A refused origin with sources in the scope: which said no
     * ("not in /etc/apache2/cors.txt"), or which could not answer;
     * else NULL. */
    const char *source_detail;
    const char *env; /**< value of the CORS variable */
    /* Response header values; NULL means "do not send". */
    const char *allow_origin;
    const char *allow_credentials;
    const char *expose_headers;
    const char *allow_methods;
    const char *allow_headers;
    const char *max_age;
    const char *allow_private_network;
    /** Timing-Allow-Origin (when turned on): an allowed actual
     * response's Access-Control-Allow-Origin value, or NULL. */
    const char *timing_allow_origin;
    const char *vary; /**< tokens to merge into Vary, or NULL */
    int status;       /**< preflight: status to answer with */
} cors_decision_t;

/**
 * Decide one request under a policy with CORS on; ctx goes to the
 * sources' lookups (the glue's request).  Allocates only from p
 * (the request pool).  Never fails: a hostile request is refused with a
 * reason, and no byte of it that failed validation ends up in a header
 * value.
 */
void cors_policy_decide(apr_pool_t *p, const cors_policy_t *pol,
                        const cors_request_t *req, void *ctx,
                        cors_decision_t *d);

/**
 * For a refused Origin, an allowed origin it differs from only by scheme,
 * port, "www.", case or a trailing slash, as a sentence; or NULL.  Costs a
 * few lookups, so it is asked only when the answer will be logged.
 */
const char *cors_policy_hint(apr_pool_t *p, const cors_policy_t *pol,
                             const char *origin);

/** Static text for a reason ("origin not allowed", ...). */
const char *cors_reason_text(cors_reason_e reason);

#endif /* CORS_POLICY_H */
