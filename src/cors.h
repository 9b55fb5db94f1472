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

#define CORS_VERSION "0.1.0"

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

/** Largest CORSMaxAge accepted (Firefox's own cap, 24 hours). */
#define CORS_MAX_AGE_MAX 86400

/** "unset" for the int fields of a policy. */
#define CORS_UNSET (-1)

#endif /* CORS_H */
