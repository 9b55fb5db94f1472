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
 * cors_tokens.h: lists of methods and header names, as configured and as
 * requested in Access-Control-Request-Method / -Headers.
 */

#ifndef CORS_TOKENS_H
#define CORS_TOKENS_H

#include "cors.h"

/** How names of a list compare. */
typedef enum {
    CORS_TOKENS_METHODS, /**< case-sensitive, as Fetch compares methods */
    CORS_TOKENS_HEADERS  /**< case-insensitive, stored lowercase */
} cors_tokens_kind_e;

/** A configured list of methods or header names, or "*". */
typedef struct cors_tokens_t {
    cors_tokens_kind_e kind;
    int any;                   /**< "*" was given */
    apr_hash_t *set;           /**< the names (headers lowercased) */
    apr_array_header_t *names; /**< as configured, in configuration order */
    const char *joined;        /**< "a, b, c" (or "*"), ready to send */
} cors_tokens_t;

/** A new, empty list. */
cors_tokens_t *cors_tokens_make(apr_pool_t *p, cors_tokens_kind_e kind);

/**
 * Add one configured value (a token or "*") to the list.  Returns NULL or
 * the problem: CORS_ERR_COMMA or CORS_ERR_TOKEN, detail "method" or
 * "header name".
 */
const cors_problem_t *cors_tokens_add(apr_pool_t *p, cors_tokens_t *t,
                                      const char *value);

/**
 * The uppercase name when m is, in any case, one of the six methods that
 * fetch() uppercases (DELETE, GET, HEAD, OPTIONS, POST, PUT), else NULL.
 */
const char *cors_method_fetch_normalized(const char *m);

/**
 * What is wrong with a configured method beyond its syntax: NULL or
 * CORS_ERR_METHOD_CASE for a spelling no browser can send ("put": fetch()
 * sends "PUT"; hint: the uppercase name).  *warning, when set, is
 * CORS_WARN_METHOD_UNKNOWN: the name is in no registry (a typo such as
 * "PSOT"; hint: the registered name one edit away, or NULL).  Names that
 * httpd or a module registers are the caller's to exempt.
 */
const cors_problem_t *cors_method_check(apr_pool_t *p, const char *value,
                                        const cors_problem_t **warning);

/** Whether s (RFC 9110 token, len bytes) is in the list; "*" not applied. */
int cors_tokens_has(const cors_tokens_t *t, const char *s, apr_size_t len);

/** Whether s of len bytes is an RFC 9110 token (1*tchar). */
int cors_is_token(const char *s, apr_size_t len);

/** Result of parsing Access-Control-Request-Headers. */
typedef enum {
    CORS_LIST_OK,
    CORS_LIST_MALFORMED /**< not a list of tokens, or over a budget */
} cors_list_status_e;

/**
 * Parse an Access-Control-Request-Headers value (NULL or empty: no names)
 * into lowercase names appended to names (const char *), with at most
 * CORS_OWS_BUDGET whitespace bytes around each element and at most
 * CORS_EMPTY_ELEMENTS_BUDGET empty elements, in one linear pass.
 */
cors_list_status_e cors_request_headers_parse(apr_pool_t *p, const char *value,
                                              apr_array_header_t *names);

/** names (const char *) joined with ", ", as list headers are sent. */
const char *cors_list_join(apr_pool_t *p, const apr_array_header_t *names);

#endif /* CORS_TOKENS_H */
