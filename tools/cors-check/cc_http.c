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
 * cc_http.c: requests with libcurl (cc_http.h).
 */

#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <curl/curl.h>

#include "cors_origin.h"
#include "cc_check.h"
#include "cc_http.h"

struct cc_http_t {
    apr_pool_t *pool;
    CURL *curl;
    const cc_http_opts_t *opts;
    apr_array_header_t *exchanges; /**< cc_exchange_t * */
    apr_hash_t *seen;              /**< request key -> cc_exchange_t * */
    struct curl_slist *resolve;    /**< --resolve entries, for every request */
};

/* What a callback fills in while one request runs. */
typedef struct cc_recv_t {
    apr_pool_t *pool;
    cc_exchange_t *x;
    char *body;
    apr_size_t kept;
} cc_recv_t;

cc_http_t *cc_http_make(apr_pool_t *p, const cc_http_opts_t *opts,
                        const char **err)
{
    cc_http_t *h = apr_pcalloc(p, sizeof(*h));

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK
        || (h->curl = curl_easy_init()) == NULL) {
        *err = "libcurl could not be initialised";
        return NULL;
    }
    h->pool = p;
    h->opts = opts;
    h->exchanges = apr_array_make(p, 4, sizeof(cc_exchange_t *));
    h->seen = apr_hash_make(p);
    for (int i = 0; opts->resolve != NULL && i < opts->resolve->nelts; i++) {
        h->resolve = curl_slist_append(h->resolve,
                                       APR_ARRAY_IDX(opts->resolve, i,
                                                     const char *));
    }
    return h;
}

void cc_http_close(cc_http_t *h)
{
    curl_easy_cleanup(h->curl);
    curl_slist_free_all(h->resolve);
    curl_global_cleanup();
}

const char *cc_http_version(void)
{
    return curl_version();
}

const apr_array_header_t *cc_http_exchanges(const cc_http_t *h)
{
    return h->exchanges;
}

/*
 * One header line of the response.  A status line starts the list again:
 * interim 1xx responses come before the final one.  Obsolete line folding
 * continues the previous field.
 */
static size_t cc_on_header(char *buf, size_t size, size_t n, void *arg)
{
    cc_recv_t *r = arg;
    size_t len = size * n;
    const char *colon;
    char *name, *value;
    apr_size_t vlen;

    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;
    }
    if (len == 0) {
        return size * n;
    }
    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        r->x->headers->nelts = 0;
        return size * n;
    }
    if ((buf[0] == ' ' || buf[0] == '\t') && r->x->headers->nelts > 0) {
        cc_header_t *last = &APR_ARRAY_IDX(r->x->headers,
                                           r->x->headers->nelts - 1,
                                           cc_header_t);

        last->value = apr_pstrcat(r->pool, last->value, " ",
                                  apr_pstrmemdup(r->pool, buf, len), NULL);
        return size * n;
    }
    colon = memchr(buf, ':', len);
    if (colon == NULL) {
        return size * n;
    }
    name = apr_pstrmemdup(r->pool, buf, (apr_size_t)(colon - buf));
    colon++;
    vlen = len - (apr_size_t)(colon - buf);
    while (vlen > 0 && (*colon == ' ' || *colon == '\t')) {
        colon++;
        vlen--;
    }
    while (vlen > 0 && (colon[vlen - 1] == ' ' || colon[vlen - 1] == '\t')) {
        vlen--;
    }
    value = apr_pstrmemdup(r->pool, colon, vlen);
    cc_headers_add(r->pool, r->x->headers, name, value, 0);
    return size * n;
}

static size_t cc_on_body(char *buf, size_t size, size_t n, void *arg)
{
    cc_recv_t *r = arg;
    size_t len = size * n;
    apr_size_t take = 0;

    if (r->kept < CC_HTTP_BODY_MAX) {
        take = CC_HTTP_BODY_MAX - r->kept;
        take = take < len ? take : len;
        memcpy(r->body + r->kept, buf, take);
        r->kept += take;
    }
    r->x->response_len += len;
    return len;
}

static const char *cc_request_key(apr_pool_t *p, const char *method,
                                  const char *url,
                                  const apr_array_header_t *headers,
                                  const char *body)
{
    const cc_header_t *hd = (const cc_header_t *)headers->elts;
    const char *key = apr_pstrcat(p, method, " ", url, "\n", NULL);
    int i;

    for (i = 0; i < headers->nelts; i++) {
        key = apr_pstrcat(p, key, hd[i].name, ": ", hd[i].value, "\n", NULL);
    }
    return apr_pstrcat(p, key, "\n", body ? body : "", NULL);
}

const cc_exchange_t *cc_http_send(cc_http_t *h, const char *method,
                                  const char *url,
                                  const apr_array_header_t *headers,
                                  const char *body)
{
    apr_pool_t *p = h->pool;
    const char *key = cc_request_key(p, method, url, headers, body);
    cc_exchange_t *x = apr_hash_get(h->seen, key, APR_HASH_KEY_STRING);
    const cc_header_t *hd = (const cc_header_t *)headers->elts;
    struct curl_slist *list = NULL;
    cc_recv_t r;
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    long status = 0;
    int i;

    if (x != NULL) {
        return x;
    }
    x = apr_pcalloc(p, sizeof(*x));
    x->method = method;
    x->url = url;
    x->sent = apr_array_copy(p, headers);
    x->body = body;
    x->headers = apr_array_make(p, 16, sizeof(cc_header_t));
    r.pool = p;
    r.x = x;
    r.body = apr_palloc(p, CC_HTTP_BODY_MAX + 1);
    r.kept = 0;

    curl_easy_reset(h->curl);
    /* With a body libcurl would add a form Content-Type and Expect, which
     * fetch() does not send: an empty value removes them.  Its default
     * Accept is the one fetch() sends. */
    list = curl_slist_append(list, "Expect:");
    if (cc_headers_get(p, headers, "Content-Type") == NULL) {
        list = curl_slist_append(list, "Content-Type:");
    }
    for (i = 0; i < headers->nelts; i++) {
        list = curl_slist_append(list, apr_pstrcat(p, hd[i].name, ": ",
                                                   hd[i].value, NULL));
    }
    curl_easy_setopt(h->curl, CURLOPT_URL, url);
    curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "cors-check/" CORS_VERSION);
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, cc_on_header);
    curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, cc_on_body);
    curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, h->opts->max_time);
    curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
    if (h->opts->insecure) {
        curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (h->opts->cacert != NULL) {
        curl_easy_setopt(h->curl, CURLOPT_CAINFO, h->opts->cacert);
    }
    if (h->resolve != NULL) {
        curl_easy_setopt(h->curl, CURLOPT_RESOLVE, h->resolve);
    }
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h->curl, CURLOPT_NOBODY, 1L);
    }
    else {
        curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body != NULL) {
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    rc = curl_easy_perform(h->curl);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        x->error = apr_pstrdup(p, *errbuf ? errbuf : curl_easy_strerror(rc));
    }
    else {
        curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
        x->status = (int)status;
    }
    r.body[r.kept] = '\0';
    x->response_body = r.body;
    apr_hash_set(h->seen, key, APR_HASH_KEY_STRING, x);
    APR_ARRAY_PUSH(h->exchanges, cc_exchange_t *) = x;
    return x;
}

/* One part of a parsed URL, copied into the pool; NULL when absent. */
static const char *cc_url_part(apr_pool_t *p, CURLU *u, CURLUPart what)
{
    char *s = NULL;
    const char *out = NULL;

    if (curl_url_get(u, what, &s, 0) == CURLUE_OK && s != NULL) {
        out = apr_pstrdup(p, s);
    }
    curl_free(s);
    return out;
}

const char *cc_url_parse(apr_pool_t *p, const char *base, const char *url,
                         cc_url_t *out)
{
    CURLU *u = curl_url();
    const char *host, *port, *err = NULL;
    char *lower;
    cors_origin_t parsed;
    int def;

    memset(out, 0, sizeof(*out));
    if (u == NULL) {
        return "out of memory";
    }
    if ((base != NULL && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return apr_psprintf(p, "'%s' is not a URL", url);
    }
    out->url = cc_url_part(p, u, CURLUPART_URL);
    out->scheme = cc_url_part(p, u, CURLUPART_SCHEME);
    host = cc_url_part(p, u, CURLUPART_HOST);
    port = cc_url_part(p, u, CURLUPART_PORT);
    out->userinfo = cc_url_part(p, u, CURLUPART_USER) != NULL
                    || cc_url_part(p, u, CURLUPART_PASSWORD) != NULL;
    curl_url_cleanup(u);
    if (out->url == NULL || out->scheme == NULL || host == NULL) {
        return apr_psprintf(p, "'%s' is not a URL with a host", url);
    }
    lower = apr_pstrcat(p, out->scheme, "://", host, NULL);
    for (char *q = lower; *q; q++) {
        *q = (char)apr_tolower(*q);
    }
    out->scheme = apr_pstrmemdup(p, lower, strlen(out->scheme));
    /* "Serializing an origin": the scheme's default port is left out. */
    def = cors_origin_default_port(out->scheme, strlen(out->scheme));
    if (port != NULL && atoi(port) != def) {
        lower = apr_pstrcat(p, lower, ":", port, NULL);
    }
    out->origin = lower;
    if (cors_origin_parse_request(out->origin, &parsed) != CORS_ORIGIN_VALID) {
        err = apr_psprintf(p, "'%s' has no origin a browser could use", url);
    }
    return err;
}
