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

#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cors_tokens.h"

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static int cors_is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')) {
        return 1;
    }
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return 1;
    default:
        return 0;
    }
}

int cors_is_token(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (s == NULL || len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!cors_is_tchar((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

cors_tokens_t *cors_tokens_make(apr_pool_t *p, cors_tokens_kind_e kind)
{
    cors_tokens_t *t = apr_pcalloc(p, sizeof(*t));

    t->kind = kind;
    t->set = apr_hash_make(p);
    t->names = apr_array_make(p, 4, sizeof(const char *));
    return t;
}

static char *cors_lowercase(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_pstrmemdup(p, s, len);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (out[i] >= 'A' && out[i] <= 'Z') {
            out[i] = (char)(out[i] - 'A' + 'a');
        }
    }
    return out;
}

const cors_problem_t *cors_tokens_add(apr_pool_t *p, cors_tokens_t *t,
                                      const char *value)
{
    apr_size_t len = strlen(value);
    const char *key;
    const char *what = t->kind == CORS_TOKENS_METHODS ? "method"
                                                      : "header name";

    if (len == 1 && value[0] == '*') {
        t->any = 1;
        t->joined = "*";
        return NULL;
    }
    if (!cors_is_token(value, len)) {
        return cors_problem_make(p,
                                 memchr(value, ',', len) != NULL
                                     ? CORS_ERR_COMMA
                                     : CORS_ERR_TOKEN,
                                 value, NULL, what);
    }
    /* Header names compare case-insensitively, so the set is keyed on
     * lowercase; the administrator's spelling is what gets sent. */
    key = t->kind == CORS_TOKENS_HEADERS ? cors_lowercase(p, value, len)
                                         : apr_pstrdup(p, value);
    if (apr_hash_get(t->set, key, (apr_ssize_t)len) != NULL) {
        return NULL;
    }
    apr_hash_set(t->set, key, (apr_ssize_t)len, key);
    APR_ARRAY_PUSH(t->names, const char *) = apr_pstrdup(p, value);
    if (!t->any) {
        t->joined = cors_list_join(p, t->names);
    }
    return NULL;
}

int cors_tokens_has(const cors_tokens_t *t, const char *s, apr_size_t len)
{
    char buf[256];
    apr_size_t i;

    if (t == NULL) {
        return 0;
    }
    if (t->kind == CORS_TOKENS_METHODS) {
        return apr_hash_get(t->set, s, (apr_ssize_t)len) != NULL;
    }
    if (len < sizeof(buf)) {
        for (i = 0; i < len; i++) {
            buf[i] = (char)apr_tolower(s[i]);
        }
        return apr_hash_get(t->set, buf, (apr_ssize_t)len) != NULL;
    }
    /* No header name is this long in practice: compare one by one. */
    for (i = 0; i < (apr_size_t)t->names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(t->names, (int)i, const char *);

        if (strlen(n) == len && strncasecmp(n, s, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * Access-Control-Request-Headers is a comma-separated list (RFC 9110 5.6.1):
 * browsers send "a,b,c", lowercase and without spaces, and httpd joins
 * repeated fields with ", ".  Whitespace and empty elements are tolerated
 * only within small budgets, as jub0bs/cors does, so that a hostile value
 * cannot make the pass anything but linear and short.
 */
cors_list_status_e cors_request_headers_parse(apr_pool_t *p, const char *value,
                                              apr_array_header_t *names)
{
    apr_size_t len, i = 0;
    int empties = 0;

    if (value == NULL) {
        return CORS_LIST_OK;
    }
    len = strlen(value);
    if (len > CORS_REQUEST_HEADERS_MAX_LEN) {
        return CORS_LIST_MALFORMED;
    }
    while (i < len) {
        apr_size_t start, ows = 0;

        while (i < len && (value[i] == ' ' || value[i] == '\t')) {
            i++;
            if (++ows > CORS_OWS_BUDGET) {
                return CORS_LIST_MALFORMED;
            }
        }
        start = i;
        while (i < len && cors_is_tchar((unsigned char)value[i])) {
            i++;
        }
        if (i > start) {
            APR_ARRAY_PUSH(names, const char *) = cors_lowercase(p,
                                                                 value + start,
                                                                 i - start);
        }
        else if (++empties > CORS_EMPTY_ELEMENTS_BUDGET) {
            return CORS_LIST_MALFORMED;
        }
        ows = 0;
        while (i < len && (value[i] == ' ' || value[i] == '\t')) {
            i++;
            if (++ows > CORS_OWS_BUDGET) {
                return CORS_LIST_MALFORMED;
            }
        }
        if (i == len) {
            break;
        }
        if (value[i] != ',') {
            return CORS_LIST_MALFORMED;
        }
        i++;
        if (i == len && ++empties > CORS_EMPTY_ELEMENTS_BUDGET) {
            return CORS_LIST_MALFORMED;
        }
    }
    return CORS_LIST_OK;
}

const char *cors_list_join(apr_pool_t *p, const apr_array_header_t *names)
{
    apr_size_t total = 0, len;
    char *out, *w;
    int i;

    for (i = 0; i < names->nelts; i++) {
        total += strlen(APR_ARRAY_IDX(names, i, const char *)) + 2;
    }
    w = out = apr_palloc(p, total + 1);
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);

        if (i > 0) {
            *w++ = ',';
            *w++ = ' ';
        }
        len = strlen(n);
        memcpy(w, n, len);
        w += len;
    }
    *w = '\0';
    return out;
}

/* Fetch "normalize a method": the six names fetch() uppercases. */
static const char *const cors_fetch_normalized[] = {"DELETE",  "GET",  "HEAD",
                                                    "OPTIONS", "POST", "PUT"};

/*
 * The IANA HTTP Method Registry (RFC 9110, PATCH of RFC 5789, WebDAV and
 * its extensions, QUERY): every method name a server is likely to be
 * asked for.  Compared ignoring case: "patch" is the page's own spelling of
 * a known method, not a typo.
 */
static const char *const cors_known_methods[] = {"ACL",
                                                 "BASELINE-CONTROL",
                                                 "BIND",
                                                 "CHECKIN",
                                                 "CHECKOUT",
                                                 "CONNECT",
                                                 "COPY",
                                                 "DELETE",
                                                 "GET",
                                                 "HEAD",
                                                 "LABEL",
                                                 "LINK",
                                                 "LOCK",
                                                 "MERGE",
                                                 "MKACTIVITY",
                                                 "MKCALENDAR",
                                                 "MKCOL",
                                                 "MKREDIRECTREF",
                                                 "MKWORKSPACE",
                                                 "MOVE",
                                                 "OPTIONS",
                                                 "ORDERPATCH",
                                                 "PATCH",
                                                 "POST",
                                                 "PRI",
                                                 "PROPFIND",
                                                 "PROPPATCH",
                                                 "PUT",
                                                 "QUERY",
                                                 "REBIND",
                                                 "REPORT",
                                                 "SEARCH",
                                                 "TRACE",
                                                 "UNBIND",
                                                 "UNCHECKOUT",
                                                 "UNLINK",
                                                 "UNLOCK",
                                                 "UPDATE",
                                                 "UPDATEREDIRECTREF",
                                                 "VERSION-CONTROL"};

#define CORS_NELTS(a) (sizeof(a) / sizeof((a)[0]))

const char *cors_method_fetch_normalized(const char *m)
{
    apr_size_t i;

    for (i = 0; i < CORS_NELTS(cors_fetch_normalized); i++) {
        if (strcasecmp(m, cors_fetch_normalized[i]) == 0) {
            return cors_fetch_normalized[i];
        }
    }
    return NULL;
}

/*
 * Optimal string alignment distance of two short names, ignoring case:
 * one edit (a letter added, dropped, changed, or two neighbours swapped,
 * as in "PSOT") makes a likely typo.  Names longer than 31 bytes: 99.
 */
static int cors_name_distance(const char *a, const char *b)
{
    apr_size_t la = strlen(a), lb = strlen(b), i, j;
    int d[32][32];

    if (la > 31 || lb > 31) {
        return 99;
    }
    for (i = 0; i <= la; i++) {
        d[i][0] = (int)i;
    }
    for (j = 0; j <= lb; j++) {
        d[0][j] = (int)j;
    }
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            int cost = apr_toupper(a[i - 1]) != apr_toupper(b[j - 1]);
            int best = d[i - 1][j - 1] + cost;

            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 && apr_toupper(a[i - 1]) == apr_toupper(b[j - 2])
                && apr_toupper(a[i - 2]) == apr_toupper(b[j - 1])
                && d[i - 2][j - 2] + 1 < best) {
                best = d[i - 2][j - 2] + 1;
            }
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const cors_problem_t *cors_method_check(apr_pool_t *p, const char *value,
                                        const cors_problem_t **warning)
{
    const char *upper = cors_method_fetch_normalized(value);
    const char *near = NULL;
    apr_size_t i;

    *warning = NULL;
    if (upper != NULL && strcmp(upper, value) != 0) {
        return cors_problem_make(p, CORS_ERR_METHOD_CASE, value, upper, NULL);
    }
    if (strcmp(value, "*") == 0 || !cors_is_token(value, strlen(value))) {
        return NULL;
    }
    for (i = 0; i < CORS_NELTS(cors_known_methods); i++) {
        if (strcasecmp(value, cors_known_methods[i]) == 0) {
            return NULL;
        }
        if (near == NULL
            && cors_name_distance(value, cors_known_methods[i]) == 1) {
            near = cors_known_methods[i];
        }
    }
    *warning = cors_problem_make(p, CORS_WARN_METHOD_UNKNOWN, value, near,
                                 NULL);
    return NULL;
}
