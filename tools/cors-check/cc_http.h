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
 * cc_http.h: cors-check's only contact with the network: one libcurl easy
 * handle that sends a request exactly as given (no redirect followed, no
 * header added but Host and User-Agent) and records the response's header
 * fields in order, duplicates kept; and URL parsing with libcurl's URL API.
 */

#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <apr_pools.h>
#include <apr_tables.h>

/** TLS and time limits, as curl's options of the same names. */
typedef struct cc_http_opts_t {
    int insecure;       /**< -k: no certificate or host name check */
    const char *cacert; /**< --cacert FILE */
    long max_time;      /**< --max-time, seconds */
    /** --resolve HOST:PORT:ADDRESS entries (const char *), as curl's: test
     * a virtual host before its name resolves, the URL and Origin intact */
    apr_array_header_t *resolve;
} cc_http_opts_t;

/** One request sent and its response. */
typedef struct cc_exchange_t {
    const char *method;
    const char *url;
    apr_array_header_t *sent;    /**< cc_header_t, as sent */
    const char *body;            /**< request body or NULL */
    int status;                  /**< 0 when no response */
    apr_array_header_t *headers; /**< cc_header_t, as received */
    const char *response_body;   /**< up to CC_HTTP_BODY_MAX bytes */
    apr_size_t response_len;     /**< the body's full length */
    const char *error;           /**< why there is no response, or NULL */
} cc_exchange_t;

/** The most of a response body kept (for --json and the tests). */
#define CC_HTTP_BODY_MAX 65536

typedef struct cc_http_t cc_http_t;

/** A client; NULL with *err set when libcurl cannot start. */
cc_http_t *cc_http_make(apr_pool_t *p, const cc_http_opts_t *opts,
                        const char **err);

/**
 * Send method url with headers (cc_header_t) and body (NULL: none).  The
 * same request twice is sent once: the second call returns the first
 * exchange (the profiles share one conversation with the server).
 */
const cc_exchange_t *cc_http_send(cc_http_t *h, const char *method,
                                  const char *url,
                                  const apr_array_header_t *headers,
                                  const char *body);

/** Every exchange so far, in the order sent (cc_exchange_t *). */
const apr_array_header_t *cc_http_exchanges(const cc_http_t *h);

void cc_http_close(cc_http_t *h);

/** libcurl's version line, for --version. */
const char *cc_http_version(void);

/** A URL taken apart. */
typedef struct cc_url_t {
    const char *url;    /**< normalised by libcurl */
    const char *scheme; /**< lowercase */
    const char *origin; /**< scheme://host[:port], serialised as browsers */
    int userinfo;       /**< it has a user name or password */
} cc_url_t;

/**
 * Parse url, relative to base when base is not NULL.  Returns NULL or a
 * message.
 */
const char *cc_url_parse(apr_pool_t *p, const char *base, const char *url,
                         cc_url_t *out);

#endif /* CC_HTTP_H */
