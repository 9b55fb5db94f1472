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

#include "cors_policy.h"

/* What Chromium keeps a preflight at most, and what mod_cors sends unset. */
#define CORS_CHROMIUM_MAX_AGE 7200
#define CORS_DEFAULT_MAX_AGE_STR "7200"

static const char cors_vary_preflight[] =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
static const char cors_vary_preflight_pna[] =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network";

cors_policy_t *cors_policy_make(apr_pool_t *p)
{
    cors_policy_t *pol = apr_pcalloc(p, sizeof(*pol));

    pol->credentials = CORS_UNSET;
    pol->private_network = CORS_UNSET;
    pol->preflight = CORS_UNSET;
    pol->preflight_status = CORS_UNSET;
    pol->upstream = CORS_UNSET;
    pol->debug_header = CORS_UNSET;
    pol->shadow = CORS_UNSET;
    pol->timing_allow_origin = CORS_UNSET;
    pol->list_check = CORS_UNSET;
    return pol;
}

#define CORS_MERGE_INT(field)                                                  \
    (add->field != CORS_UNSET ? add->field : base->field)
#define CORS_MERGE_PTR(field) (add->field ? add->field : base->field)

cors_policy_t *cors_policy_merge(apr_pool_t *p, const cors_policy_t *base,
                                 const cors_policy_t *add)
{
    cors_policy_t *pol = apr_palloc(p, sizeof(*pol));
    int f;

    for (f = 0; f < CORS_FIELDS; f++) {
        pol->set_at[f] = add->set_at[f] ? add->set_at[f] : base->set_at[f];
    }
    pol->own_origins = add->own_origins;
    pol->origins = cors_origins_merge(p, base->origins, add->origins);
    pol->regexes = CORS_MERGE_PTR(regexes);
    pol->sources = CORS_MERGE_PTR(sources);
    pol->sources_absent = add->sources ? add->sources_absent
                                       : base->sources_absent;
    pol->methods = CORS_MERGE_PTR(methods);
    pol->allow_headers = CORS_MERGE_PTR(allow_headers);
    pol->expose_headers = CORS_MERGE_PTR(expose_headers);
    pol->credentials = CORS_MERGE_INT(credentials);
    pol->max_age_str = CORS_MERGE_PTR(max_age_str);
    pol->private_network = CORS_MERGE_INT(private_network);
    pol->preflight = CORS_MERGE_INT(preflight);
    pol->preflight_status = CORS_MERGE_INT(preflight_status);
    pol->upstream = CORS_MERGE_INT(upstream);
    pol->debug_header = CORS_MERGE_INT(debug_header);
    pol->shadow = CORS_MERGE_INT(shadow);
    pol->timing_allow_origin = CORS_MERGE_INT(timing_allow_origin);
    pol->list_check = CORS_MERGE_INT(list_check);
    return pol;
}

const cors_problem_t *cors_policy_add_origin(apr_pool_t *p, cors_policy_t *pol,
                                             const char *value,
                                             const cors_problem_t **warning)
{
    const cors_problem_t *pr;

    if (pol->own_origins == NULL) {
        pol->own_origins = cors_origin_set_make(p);
    }
    pr = cors_origin_set_add(p, pol->own_origins, value, pol->credentials == 1,
                             warning);
    if (pr != NULL) {
        return pr;
    }
    /* A list without prefix (and "none") replaces the inherited one, and
     * the inherited patterns go with it, unless this section gives its
     * own: a section naming one origin allows no more than that. */
    if (*value != '+' && *value != '-' && pol->regexes == NULL) {
        pol->regexes = apr_array_make(p, 1, sizeof(cors_regex_t *));
    }
    if (*value != '+' && *value != '-' && pol->sources == NULL) {
        pol->sources = apr_array_make(p, 1, sizeof(const cors_source_t *));
    }
    if (pol->origins == NULL) {
        pol->origins = cors_origins_make(p, pol->own_origins);
    }
    return NULL;
}

const cors_problem_t *cors_policy_add_origin_regex(
    apr_pool_t *p, cors_policy_t *pol, const char *pattern,
    const cors_problem_t **warning)
{
    cors_regex_t *re;
    const cors_problem_t *pr = cors_regex_compile(p, pattern, &re, warning);

    if (pr != NULL) {
        return pr;
    }
    if (cors_regex_canary(re) != NULL) {
        /* a catch-all: refused with credentials, else the warning that
         * matters most (it hides a bare-dot one) */
        cors_problem_t *w = cors_problem_make(p, CORS_WARN_REGEX_CATCH_ALL,
                                              cors_regex_source(re), NULL,
                                              cors_regex_canary(re));

        if (pol->credentials == 1) {
            cors_cred_facts_t f = {0};

            f.catch_all = w->value;
            f.canary = w->detail;
            *warning = NULL;
            return cors_credentials_clash(p, &f);
        }
        *warning = w;
    }
    if (pol->regexes == NULL) {
        pol->regexes = apr_array_make(p, 1, sizeof(cors_regex_t *));
    }
    APR_ARRAY_PUSH(pol->regexes, cors_regex_t *) = re;
    return NULL;
}

void cors_policy_add_source(apr_pool_t *p, cors_policy_t *pol,
                            const cors_source_t *src)
{
    if (pol->sources == NULL) {
        pol->sources = apr_array_make(p, 1, sizeof(const cors_source_t *));
    }
    APR_ARRAY_PUSH(pol->sources, const cors_source_t *) = src;
    /* Worded once here, so that a refusal costs no string. */
    pol->sources_absent = pol->sources_absent == NULL
                              ? apr_pstrcat(p, "not in ", src->name, NULL)
                              : apr_pstrcat(p, pol->sources_absent, " nor in ",
                                            src->name, NULL);
}

/* The facts besides the origin list: a catch-all pattern, exposed "*". */
static void cors_policy_more_facts(const cors_policy_t *pol,
                                   cors_cred_facts_t *f)
{
    const cors_regex_t *re = cors_policy_catch_all(pol);

    f->catch_all = re != NULL ? cors_regex_source(re) : NULL;
    f->canary = re != NULL ? cors_regex_canary(re) : NULL;
    f->expose_any = pol->expose_headers != NULL && pol->expose_headers->any;
}

/* What credentials would meet in the section's own directives. */
static void cors_policy_own_facts(const cors_policy_t *pol,
                                  cors_cred_facts_t *f)
{
    cors_origin_set_cred_facts(pol->own_origins, f);
    cors_policy_more_facts(pol, f);
}

const cors_problem_t *cors_policy_set_credentials(apr_pool_t *p,
                                                  cors_policy_t *pol, int on)
{
    if (on) {
        cors_cred_facts_t f;
        const cors_problem_t *pr;

        cors_policy_own_facts(pol, &f);
        if ((pr = cors_credentials_clash(p, &f)) != NULL) {
            return pr;
        }
    }
    pol->credentials = on ? 1 : 0;
    return NULL;
}

const cors_problem_t *cors_policy_add_method(apr_pool_t *p, cors_policy_t *pol,
                                             const char *value,
                                             const cors_problem_t **warning)
{
    const cors_problem_t *pr = cors_method_check(p, value, warning);

    if (pr != NULL) {
        return pr;
    }
    if (pol->methods == NULL) {
        pol->methods = cors_tokens_make(p, CORS_TOKENS_METHODS);
    }
    return cors_tokens_add(p, pol->methods, value);
}

const cors_problem_t *cors_policy_add_allow_header(apr_pool_t *p,
                                                   cors_policy_t *pol,
                                                   const char *value)
{
    if (pol->allow_headers == NULL) {
        pol->allow_headers = cors_tokens_make(p, CORS_TOKENS_HEADERS);
    }
    return cors_tokens_add(p, pol->allow_headers, value);
}

const cors_problem_t *cors_policy_add_expose_header(apr_pool_t *p,
                                                    cors_policy_t *pol,
                                                    const char *value)
{
    if (strcmp(value, "*") == 0 && pol->credentials == 1) {
        cors_cred_facts_t f = {0};

        f.expose_any = 1;
        return cors_credentials_clash(p, &f);
    }
    if (pol->expose_headers == NULL) {
        pol->expose_headers = cors_tokens_make(p, CORS_TOKENS_HEADERS);
    }
    return cors_tokens_add(p, pol->expose_headers, value);
}

const cors_problem_t *cors_policy_set_max_age(apr_pool_t *p, cors_policy_t *pol,
                                              const char *value,
                                              const cors_problem_t **warning)
{
    apr_size_t len = strlen(value);
    apr_int64_t n;

    *warning = NULL;
    if (len == 0 || len > 6 || strspn(value, "0123456789") != len
        || (n = apr_atoi64(value)) > CORS_MAX_AGE_MAX) {
        cors_problem_t *pr = cors_problem_make(p, CORS_ERR_MAX_AGE, value, NULL,
                                               NULL);

        pr->offset = CORS_MAX_AGE_MAX;
        return pr;
    }
    if (n > CORS_CHROMIUM_MAX_AGE) {
        *warning = cors_problem_make(p, CORS_WARN_MAX_AGE, value, NULL, NULL);
    }
    pol->max_age_str = apr_itoa(p, (int)n);
    return NULL;
}

const cors_problem_t *cors_policy_set_list_check(apr_pool_t *p,
                                                 cors_policy_t *pol,
                                                 const char *value)
{
    apr_size_t len = strlen(value);
    apr_int64_t n;

    if (len == 0 || len > 5 || strspn(value, "0123456789") != len
        || (n = apr_atoi64(value)) < 1 || n > CORS_MAX_AGE_MAX) {
        cors_problem_t *pr = cors_problem_make(p, CORS_ERR_INTERVAL, value,
                                               NULL, NULL);

        pr->offset = CORS_MAX_AGE_MAX;
        return pr;
    }
    pol->list_check = (int)n;
    return NULL;
}

/*
 * A value of a closed set: the index of the name that matches (case
 * ignored unless exact), or -1 with *pr saying which names are accepted.
 */
static int cors_keyword(apr_pool_t *p, const char *value,
                        const char *const names[], int n, int exact,
                        const char *accepted, const cors_problem_t **pr)
{
    int i;

    for (i = 0; i < n; i++) {
        if (exact ? strcmp(value, names[i]) == 0
                  : strcasecmp(value, names[i]) == 0) {
            *pr = NULL;
            return i;
        }
    }
    *pr = cors_problem_make(p, CORS_ERR_KEYWORD, value, NULL, accepted);
    return -1;
}

const cors_problem_t *cors_policy_set_preflight(apr_pool_t *p,
                                                cors_policy_t *pol,
                                                const char *value)
{
    static const char *const names[] = {"handle", "continue"};
    const cors_problem_t *pr;
    int i = cors_keyword(p, value, names, 2, 0,
                         "handle (answer preflights here), continue (pass "
                         "them to the handler)",
                         &pr);

    if (i >= 0) {
        pol->preflight = i == 0 ? CORS_PREFLIGHT_HANDLE
                                : CORS_PREFLIGHT_CONTINUE;
    }
    return pr;
}

const cors_problem_t *cors_policy_set_preflight_status(apr_pool_t *p,
                                                       cors_policy_t *pol,
                                                       const char *value)
{
    static const char *const names[] = {"204", "200"};
    const cors_problem_t *pr;
    int i = cors_keyword(p, value, names, 2, 1, "204, 200", &pr);

    if (i >= 0) {
        pol->preflight_status = i == 0 ? 204 : 200;
    }
    return pr;
}

const cors_problem_t *cors_policy_set_upstream(apr_pool_t *p,
                                               cors_policy_t *pol,
                                               const char *value)
{
    static const char *const names[] = {"replace", "keep"};
    const cors_problem_t *pr;
    int i = cors_keyword(p, value, names, 2, 0,
                         "replace (mod_cors's headers win), keep (a "
                         "response's own Access-Control-Allow-Origin wins)",
                         &pr);

    if (i >= 0) {
        pol->upstream = i == 0 ? CORS_UPSTREAM_REPLACE : CORS_UPSTREAM_KEEP;
    }
    return pr;
}

int cors_policy_enabled(const cors_policy_t *pol)
{
    return cors_origins_any_listed(pol->origins)
           || (pol->regexes != NULL && pol->regexes->nelts > 0)
           || (pol->sources != NULL && pol->sources->nelts > 0);
}

int cors_policy_is_empty(const cors_policy_t *pol)
{
    return pol->origins == NULL && pol->regexes == NULL && pol->sources == NULL
           && pol->methods == NULL && pol->allow_headers == NULL
           && pol->expose_headers == NULL && pol->credentials == CORS_UNSET
           && pol->max_age_str == NULL && pol->private_network == CORS_UNSET
           && pol->preflight == CORS_UNSET
           && pol->preflight_status == CORS_UNSET && pol->upstream == CORS_UNSET
           && pol->debug_header == CORS_UNSET && pol->shadow == CORS_UNSET
           && pol->timing_allow_origin == CORS_UNSET
           && pol->list_check == CORS_UNSET;
}

static const char *cors_on_off(int on)
{
    return on ? "on" : "off";
}

static const char *cors_tokens_text(const cors_tokens_t *t, const char *unset)
{
    if (t == NULL) {
        return unset;
    }
    return t->any ? "*" : t->joined ? t->joined : "none";
}

const char *cors_policy_describe(apr_pool_t *p, const cors_policy_t *pol,
                                 const char *indent, const char *conflict)
{
    apr_array_header_t *origins = apr_array_make(p, 8, sizeof(const char *));
    apr_array_header_t *patterns = apr_array_make(p, 2, sizeof(const char *));
    const char *sources = "";
    int i;

    cors_origins_describe(p, pol->origins, origins);
    for (i = 0; pol->regexes != NULL && i < pol->regexes->nelts; i++) {
        APR_ARRAY_PUSH(patterns, const char *) = cors_regex_source(
            APR_ARRAY_IDX(pol->regexes, i, cors_regex_t *));
    }
    for (i = 0; pol->sources != NULL && i < pol->sources->nelts; i++) {
        const cors_source_t *src = APR_ARRAY_IDX(pol->sources, i,
                                                 const cors_source_t *);

        sources = apr_pstrcat(p, sources, indent, "origin source: ",
                              src->describe ? src->describe(src, p) : src->name,
                              "\n", NULL);
    }
    return apr_psprintf(p,
                        "%sCORS: %s%s%s\n"
                        "%sorigins: %s\n"
                        "%sorigin patterns: %s\n"
                        "%s"
                        "%scredentials: %s\n"
                        "%smethods: %s\n"
                        "%sallow headers: %s\n"
                        "%sexpose headers: %s\n"
                        "%smax-age: %s\n"
                        "%spreflight: %s, status %d\n"
                        "%supstream headers: %s\n"
                        "%stiming-allow-origin: %s\n"
                        "%sprivate network: %s, debug header: %s, shadow: %s\n",
                        indent, cors_policy_enabled(pol) ? "on" : "off",
                        conflict ? ", FAILS CLOSED: " : "",
                        conflict ? conflict : "", indent,
                        origins->nelts ? cors_list_join(p, origins) : "none",
                        indent,
                        patterns->nelts ? cors_list_join(p, patterns) : "none",
                        sources, indent,
                        cors_on_off(cors_policy_credentials(pol)), indent,
                        cors_tokens_text(pol->methods,
                                         "GET, HEAD, POST (default)"),
                        indent, cors_tokens_text(pol->allow_headers, "none"),
                        indent, cors_tokens_text(pol->expose_headers, "none"),
                        indent,
                        pol->max_age_str ? pol->max_age_str
                                         : CORS_DEFAULT_MAX_AGE_STR,
                        indent,
                        cors_policy_preflight_mode(pol) == CORS_PREFLIGHT_HANDLE
                            ? "handle"
                            : "continue",
                        cors_policy_preflight_status(pol), indent,
                        cors_policy_upstream_mode(pol) == CORS_UPSTREAM_KEEP
                            ? "keep"
                            : "replace",
                        indent,
                        cors_on_off(cors_policy_timing_allow_origin(pol)),
                        indent, cors_on_off(cors_policy_private_network(pol)),
                        cors_on_off(cors_policy_debug_header(pol)),
                        cors_on_off(cors_policy_shadow(pol)));
}

int cors_policy_credentials(const cors_policy_t *pol)
{
    return pol->credentials == 1;
}

int cors_policy_preflight_mode(const cors_policy_t *pol)
{
    return pol->preflight == CORS_UNSET ? CORS_PREFLIGHT_HANDLE
                                        : pol->preflight;
}

int cors_policy_preflight_status(const cors_policy_t *pol)
{
    return pol->preflight_status == CORS_UNSET ? 204 : pol->preflight_status;
}

int cors_policy_upstream_mode(const cors_policy_t *pol)
{
    return pol->upstream == CORS_UNSET ? CORS_UPSTREAM_REPLACE : pol->upstream;
}

int cors_policy_debug_header(const cors_policy_t *pol)
{
    return pol->debug_header == 1;
}

int cors_policy_shadow(const cors_policy_t *pol)
{
    return pol->shadow == 1;
}

int cors_policy_private_network(const cors_policy_t *pol)
{
    return pol->private_network == 1;
}

int cors_policy_timing_allow_origin(const cors_policy_t *pol)
{
    return pol->timing_allow_origin == 1;
}

int cors_policy_list_check(const cors_policy_t *pol)
{
    return pol->list_check == CORS_UNSET ? 5 : pol->list_check;
}

const cors_problem_t *cors_policy_conflict(apr_pool_t *p,
                                           const cors_policy_t *pol)
{
    cors_cred_facts_t f;

    if (!cors_policy_credentials(pol)) {
        return NULL;
    }
    cors_origins_cred_facts(pol->origins, &f);
    cors_policy_more_facts(pol, &f);
    return cors_credentials_clash(p, &f);
}

const cors_regex_t *cors_policy_catch_all(const cors_policy_t *pol)
{
    int i;

    for (i = 0; pol->regexes != NULL && i < pol->regexes->nelts; i++) {
        const cors_regex_t *re = APR_ARRAY_IDX(pol->regexes, i,
                                               const cors_regex_t *);

        if (cors_regex_canary(re) != NULL) {
            return re;
        }
    }
    return NULL;
}

const char *cors_reason_text(cors_reason_e reason)
{
    switch (reason) {
    case CORS_REASON_NONE:
        return "allowed";
    case CORS_REASON_ORIGIN_MALFORMED:
        return "malformed Origin";
    case CORS_REASON_ORIGIN_NOT_ALLOWED:
        return "origin not allowed";
    case CORS_REASON_NULL_NOT_ALLOWED:
        return "origin null not allowed";
    case CORS_REASON_METHOD_MALFORMED:
        return "malformed Access-Control-Request-Method";
    case CORS_REASON_METHOD_NOT_ALLOWED:
        return "method not allowed";
    case CORS_REASON_HEADERS_MALFORMED:
        return "malformed Access-Control-Request-Headers";
    case CORS_REASON_HEADER_NOT_ALLOWED:
        return "header not allowed";
    case CORS_REASON_POLICY_CONFLICT:
        return "conflicting policy (fails closed)";
    case CORS_REASON_SOURCE_UNAVAILABLE:
        return "origin source unavailable (fails closed)";
    case CORS_REASON_ORIGIN_EXCLUDED:
        return "origin excluded here";
    }
    return "unknown";
}

/* Fetch: CORS-safelisted methods never need Access-Control-Allow-Methods. */
static int cors_method_safelisted(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0
           || strcmp(m, "POST") == 0;
}

/*
 * Headers a preflight may name without being listed.  Fetch safelists the
 * first three for any value a browser would send them with; Content-Type
 * only for three media types, which never trigger a preflight, so a
 * Content-Type that does reach a preflight must be listed.
 */
static int cors_header_always_allowed(const char *name)
{
    return strcmp(name, "accept") == 0 || strcmp(name, "accept-language") == 0
           || strcmp(name, "content-language") == 0;
}

/*
 * The sources come last: the configuration's own origins cost a hash
 * probe, a source may cost a lock or a query.  Only a well-formed origin
 * reaches them.
 */
static int cors_origin_in_sources(apr_pool_t *p, const cors_policy_t *pol,
                                  const char *value,
                                  const cors_origin_t *origin, void *ctx,
                                  cors_reason_e *reason, const char **detail)
{
    const char *unavailable = NULL;
    int i;

    for (i = 0; pol->sources != NULL && i < pol->sources->nelts; i++) {
        const cors_source_t *src = APR_ARRAY_IDX(pol->sources, i,
                                                 const cors_source_t *);
        const char *why = NULL;

        switch (src->lookup(src, pol, value, origin, ctx, p, &why)) {
        case CORS_SOURCE_LISTED:
            return 1;
        case CORS_SOURCE_UNAVAILABLE:
            if (unavailable == NULL) {
                unavailable = why ? why : src->name;
            }
            break;
        case CORS_SOURCE_ABSENT:
            break;
        }
    }
    if (unavailable != NULL) {
        *reason = CORS_REASON_SOURCE_UNAVAILABLE;
        *detail = unavailable;
    }
    else {
        *reason = CORS_REASON_ORIGIN_NOT_ALLOWED;
        *detail = pol->sources_absent;
    }
    return 0;
}

static int cors_origin_allowed(apr_pool_t *p, const cors_policy_t *pol,
                               const char *value, cors_origin_status_e st,
                               const cors_origin_t *origin, void *ctx,
                               cors_reason_e *reason, const char **detail)
{
    if (st == CORS_ORIGIN_MALFORMED) {
        *reason = CORS_REASON_ORIGIN_MALFORMED;
        return 0;
    }
    /* An exclusion wins over "*" and over every pattern (docs/behaviour.md
     * §1); "*" is any origin, the opaque one included. */
    switch (cors_origins_lookup(pol->origins, value,
                                st == CORS_ORIGIN_OPAQUE ? NULL : origin)) {
    case CORS_MATCH_ALLOWED:
        return 1;
    case CORS_MATCH_EXCLUDED:
        *reason = CORS_REASON_ORIGIN_EXCLUDED;
        return 0;
    case CORS_MATCH_NONE:
        break;
    }
    if (cors_origins_allow_any(pol->origins)) {
        return 1;
    }
    if (st == CORS_ORIGIN_OPAQUE) {
        *reason = CORS_REASON_NULL_NOT_ALLOWED;
        return 0;
    }
    if (pol->regexes != NULL) {
        apr_size_t len = strlen(value);
        int i;

        for (i = 0; i < pol->regexes->nelts; i++) {
            if (cors_regex_match(APR_ARRAY_IDX(pol->regexes, i, cors_regex_t *),
                                 value, len, p)) {
                return 1;
            }
        }
    }
    return cors_origin_in_sources(p, pol, value, origin, ctx, reason, detail);
}

static int cors_value_allowed(apr_pool_t *p, const cors_policy_t *pol,
                              const char *value)
{
    cors_origin_t origin;
    cors_reason_e reason;
    const char *detail;
    cors_origin_status_e st = cors_origin_parse_request(value, &origin);

    return st == CORS_ORIGIN_VALID
           && cors_origin_allowed(p, pol, value, st, &origin, NULL, &reason,
                                  &detail);
}

const char *cors_policy_hint(apr_pool_t *p, const cors_policy_t *pol,
                             const char *value)
{
    cors_origin_t o;
    const char *scheme, *host, *port, *variant;
    char *lower;
    apr_size_t len, i;

    if (value == NULL
        || (len = strnlen(value, CORS_ORIGIN_MAX_LEN + 1))
               > CORS_ORIGIN_MAX_LEN) {
        return NULL;
    }
    if (cors_value_allowed(p, pol, value)) {
        /* Refused for its method or headers: nothing to hint at. */
        return NULL;
    }
    if (cors_origin_parse_request(value, &o) != CORS_ORIGIN_VALID) {
        lower = apr_pstrmemdup(p, value, len);
        for (i = 0; i < len; i++) {
            lower[i] = (char)apr_tolower(lower[i]);
        }
        while (len > 0 && lower[len - 1] == '/') {
            lower[--len] = '\0';
        }
        if (cors_value_allowed(p, pol, lower)) {
            return apr_psprintf(p,
                                "%s is allowed, but this Origin is not "
                                "written as browsers send it (case or a "
                                "trailing slash): was it typed by hand?",
                                lower);
        }
        return NULL;
    }
    if (cors_origins_lookup(pol->origins, value, &o) == CORS_MATCH_EXCLUDED) {
        /* excluded on purpose: another spelling being allowed (the other
         * scheme under "*") is no mistake to point at */
        return NULL;
    }
    scheme = apr_pstrmemdup(p, o.scheme, o.scheme_len);
    host = apr_pstrmemdup(p, o.host, o.host_len);
    port = o.port ? apr_psprintf(p, ":%d", o.port) : "";
    variant = apr_pstrcat(p,
                          strcmp(scheme, "http") == 0    ? "https"
                          : strcmp(scheme, "https") == 0 ? "http"
                                                         : scheme,
                          "://", host, port, NULL);
    if (strcmp(variant, value) != 0 && cors_value_allowed(p, pol, variant)) {
        return apr_psprintf(p, "%s is allowed: the scheme differs", variant);
    }
    variant = strncmp(host, "www.", 4) == 0
                  ? apr_pstrcat(p, scheme, "://", host + 4, port, NULL)
                  : apr_pstrcat(p, scheme, "://www.", host, port, NULL);
    if (cors_value_allowed(p, pol, variant)) {
        return apr_psprintf(p, "%s is allowed: 'www.' differs", variant);
    }
    variant = cors_origins_find_host(p, pol->origins, scheme, host);
    if (variant != NULL) {
        return apr_psprintf(p,
                            "%s is allowed: the port differs (list %s, or "
                            "%s://%s:* for any port)",
                            variant, value, scheme, host);
    }
    return NULL;
}

/*
 * A requested method that differs from a configured one only by case.
 * fetch() uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT (a lowercase
 * spelling of those is refused in the configuration), so a request for
 * "put" did not come from fetch(); any other name, "patch" say, is sent as
 * the page wrote it and must be listed that way.
 */
static const char *cors_method_hint(apr_pool_t *p, const cors_tokens_t *t,
                                    const char *m)
{
    int i;

    if (t == NULL) {
        return "";
    }
    for (i = 0; i < t->names->nelts; i++) {
        const char *c = APR_ARRAY_IDX(t->names, i, const char *);

        if (strcasecmp(c, m) != 0) {
            continue;
        }
        if (cors_method_fetch_normalized(m) != NULL) {
            return apr_psprintf(p,
                                "; configured: %s (methods are "
                                "case-sensitive; fetch() sends %s, so this "
                                "request did not come from fetch())",
                                c, c);
        }
        return apr_psprintf(p,
                            "; configured: %s (methods are case-sensitive: "
                            "fetch() does not uppercase %s; list %s too if "
                            "pages send it so)",
                            c, m, m);
    }
    return apr_psprintf(p, "; configured: %s",
                        t->any      ? "*"
                        : t->joined ? t->joined
                                    : "none");
}

static int cors_header_allowed(const cors_tokens_t *ah, const char *n)
{
    return cors_header_always_allowed(n) || cors_tokens_has(ah, n, strlen(n))
           || (ah != NULL && ah->any && strcmp(n, "authorization") != 0);
}

/*
 * Fetch "CORS-preflight fetch": the browser checks the origin, then the
 * method against Access-Control-Allow-Methods, then each requested header
 * against Access-Control-Allow-Headers; the first failure is the reason.
 */
/*
 * The requested headers the policy allows, in request order; the first
 * one it does not allow is the refusal's reason, unless an earlier check
 * gave one.
 */
static apr_array_header_t *cors_preflight_headers(
    apr_pool_t *p, const cors_policy_t *pol, const apr_array_header_t *names,
    cors_decision_t *d)
{
    const cors_tokens_t *ah = pol->allow_headers;
    apr_array_header_t *earned = apr_array_make(p, names->nelts,
                                                sizeof(const char *));
    int i;

    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);

        if (cors_header_allowed(ah, n)) {
            APR_ARRAY_PUSH(earned, const char *) = n;
        }
        else if (d->reason == CORS_REASON_NONE) {
            /* "*" never covers Authorization (Fetch): the glue says so
             * in the words of the directive */
            int star = strcmp(n, "authorization") == 0 && ah != NULL && ah->any;

            d->reason = CORS_REASON_HEADER_NOT_ALLOWED;
            d->star_not_authorization = star;
            d->detail = apr_pstrcat(p, "header ", n, " not allowed",
                                    star ? "" : "; configured: ",
                                    star                       ? ""
                                    : ah != NULL && ah->joined ? ah->joined
                                                               : "none",
                                    NULL);
        }
    }
    return earned;
}

/*
 * The answer's headers: allowed; or, with the debug header on, failed only
 * on the method or a header: then 204 with what was earned, so that the
 * browser's console names exactly what is missing.
 */
static void cors_preflight_answer(apr_pool_t *p, const cors_policy_t *pol,
                                  const cors_request_t *req, int method_ok,
                                  const apr_array_header_t *earned,
                                  cors_decision_t *d)
{
    d->allowed = d->reason == CORS_REASON_NONE;
    if (d->allowed) {
        d->env = "preflight-allowed";
        d->status = cors_policy_preflight_status(pol);
        d->max_age = pol->max_age_str ? pol->max_age_str
                                      : CORS_DEFAULT_MAX_AGE_STR;
    }
    else {
        d->status = 204;
    }
    d->allow_origin = cors_origins_allow_any(pol->origins)
                              && !cors_policy_credentials(pol)
                          ? "*"
                          : req->origin;
    d->allow_credentials = cors_policy_credentials(pol) ? "true" : NULL;
    d->allow_methods = method_ok ? req->acrm : NULL;
    d->allow_headers = earned->nelts > 0 ? cors_list_join(p, earned) : NULL;
    if (cors_policy_private_network(pol) && req->acrpn != NULL
        && strcmp(req->acrpn, "true") == 0) {
        d->allow_private_network = "true";
    }
}

static void cors_decide_preflight(apr_pool_t *p, const cors_policy_t *pol,
                                  const cors_request_t *req, void *ctx,
                                  cors_decision_t *d)
{
    cors_origin_t origin;
    cors_origin_status_e st = cors_origin_parse_request(req->origin, &origin);
    apr_array_header_t *names, *earned;
    int method_ok;

    d->status = 403;
    d->env = "preflight-denied";
    if (!cors_origin_allowed(p, pol, req->origin, st, &origin, ctx, &d->reason,
                             &d->source_detail)) {
        return;
    }
    if (!cors_is_token(req->acrm, strlen(req->acrm))) {
        d->reason = CORS_REASON_METHOD_MALFORMED;
        return;
    }
    names = apr_array_make(p, 4, sizeof(const char *));
    if (cors_request_headers_parse(p, req->acrh, names) != CORS_LIST_OK) {
        d->reason = CORS_REASON_HEADERS_MALFORMED;
        return;
    }
    method_ok = cors_method_safelisted(req->acrm)
                || (pol->methods != NULL
                    && (pol->methods->any
                        || cors_tokens_has(pol->methods, req->acrm,
                                           strlen(req->acrm))));
    if (!method_ok) {
        d->reason = CORS_REASON_METHOD_NOT_ALLOWED;
        d->detail = apr_pstrcat(p, "method ", req->acrm, " not allowed",
                                cors_method_hint(p, pol->methods, req->acrm),
                                NULL);
    }
    earned = cors_preflight_headers(p, pol, names, d);
    if (d->reason != CORS_REASON_NONE && !cors_policy_debug_header(pol)) {
        return;
    }
    cors_preflight_answer(p, pol, req, method_ok, earned, d);
}

/* Fetch: a preflight is OPTIONS with Origin and ACRM; any other request
 * with Origin is a CORS request. */
static void cors_decide_kind(const cors_request_t *req, cors_decision_t *d)
{
    if (req->origin == NULL) {
        d->kind = CORS_KIND_NO_ORIGIN;
        d->env = "no-origin";
    }
    else if (req->acrm != NULL && strcmp(req->method, "OPTIONS") == 0) {
        d->kind = CORS_KIND_PREFLIGHT;
    }
    else {
        d->kind = CORS_KIND_ACTUAL;
        d->env = "denied";
    }
}

/* A request (not a preflight) under "*", with or without exclusions. */
static void cors_decide_any(const cors_policy_t *pol, const cors_request_t *req,
                            cors_decision_t *d)
{
    cors_origin_t origin;
    cors_origin_status_e st;

    if (!cors_origins_excludes(pol->origins)) {
        d->allowed = 1;
        if (d->kind == CORS_KIND_ACTUAL) {
            d->env = "allowed";
        }
        d->allow_origin = "*";
        /* "*" answers everyone alike, unless the response carries
         * something that depends on the Origin after all: a generator's
         * own CORS headers, kept (a backend may reflect the Origin, and
         * sends no Vary), or CORS-Debug, which says what it saw.  A cache
         * must then keep one copy per Origin (docs/behaviour.md §1, §3). */
        if (cors_policy_upstream_mode(pol) == CORS_UPSTREAM_KEEP
            || cors_policy_debug_header(pol)) {
            d->vary = "Origin";
        }
        return;
    }
    /* "*" with exclusions: "*" for every origin but the excluded ones (a
     * malformed Origin included, as under plain "*"), and the answer
     * depends on the Origin. */
    d->vary = "Origin";
    if (d->kind != CORS_KIND_ACTUAL) {
        d->allowed = 1;
        d->allow_origin = "*";
        return;
    }
    st = cors_origin_parse_request(req->origin, &origin);
    if (st != CORS_ORIGIN_MALFORMED
        && cors_origins_lookup(pol->origins, req->origin,
                               st == CORS_ORIGIN_OPAQUE ? NULL : &origin)
               == CORS_MATCH_EXCLUDED) {
        d->reason = CORS_REASON_ORIGIN_EXCLUDED;
        return;
    }
    d->allowed = 1;
    d->env = "allowed";
    d->allow_origin = "*";
}

/* A request (not a preflight) under a list of origins: echo it if listed. */
static void cors_decide_listed(apr_pool_t *p, const cors_policy_t *pol,
                               const cors_request_t *req, void *ctx,
                               cors_decision_t *d)
{
    cors_origin_t origin;
    cors_origin_status_e st;

    d->vary = "Origin";
    if (d->kind != CORS_KIND_ACTUAL) {
        return;
    }
    st = cors_origin_parse_request(req->origin, &origin);
    if (cors_origin_allowed(p, pol, req->origin, st, &origin, ctx, &d->reason,
                            &d->source_detail)) {
        d->allowed = 1;
        d->env = "allowed";
        d->allow_origin = req->origin;
        d->allow_credentials = cors_policy_credentials(pol) ? "true" : NULL;
    }
}

/*
 * Fetch "CORS protocol": a preflight is an OPTIONS request carrying both
 * Origin and Access-Control-Request-Method; any other request with Origin
 * is a CORS request whose response needs only ACAO, ACAC and ACEH.
 */
void cors_policy_decide(apr_pool_t *p, const cors_policy_t *pol,
                        const cors_request_t *req, void *ctx,
                        cors_decision_t *d)
{
    const cors_problem_t *conflict = cors_policy_conflict(p, pol);

    memset(d, 0, sizeof(*d));
    cors_decide_kind(req, d);
    if (d->kind == CORS_KIND_PREFLIGHT) {
        d->vary = cors_policy_private_network(pol) ? cors_vary_preflight_pna
                                                   : cors_vary_preflight;
        if (conflict != NULL) {
            d->status = 403;
            d->env = "preflight-denied";
            d->reason = CORS_REASON_POLICY_CONFLICT;
            d->conflict = conflict;
            return;
        }
        cors_decide_preflight(p, pol, req, ctx, d);
        return;
    }

    /* RFC 9110 12.5.5: the answer depends on Origin, so say so, on every
     * response, or a shared cache hands one origin's answer to another.
     * Only "*" without credentials answers everyone alike. */
    if (conflict != NULL) {
        d->vary = "Origin";
        d->reason = CORS_REASON_POLICY_CONFLICT;
        d->conflict = conflict;
        return;
    }
    if (cors_origins_allow_any(pol->origins)) {
        cors_decide_any(pol, req, d);
    }
    else {
        cors_decide_listed(p, pol, req, ctx, d);
    }
    if (d->allow_origin != NULL && pol->expose_headers != NULL) {
        d->expose_headers = pol->expose_headers->joined;
    }
    /* Resource Timing's timing-allow check takes the same origin (or "*")
     * as the CORS check: the value is ACAO's, so it varies exactly as ACAO
     * does and needs no Vary of its own. */
    if (d->allow_origin != NULL && cors_policy_timing_allow_origin(pol)) {
        d->timing_allow_origin = d->allow_origin;
    }
}
