/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * test_origin.c: unit tests of src/cors_origin.h.  The cases live in
 * cases_origin.h; this file walks them.  Expected values come from
 * docs/behaviour.md and the header comments, not from the implementation.
 */

#include "unit_util.h"
#include "cors_origin.h"
#include "cases_origin.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- request Origin parsing ------------------------------------------ */

static void check_parse(apr_pool_t *p, const char *desc, const char *value,
                        cors_origin_status_e want, const char *scheme,
                        const char *host, int port)
{
    cors_origin_t o;
    cors_origin_status_e got;
    apr_size_t vlen;

    memset(&o, 0xa5, sizeof(o));
    got = cors_origin_parse_request(value, &o);
    if (!unit_check_int(desc, "status", (int)want, (int)got)) {
        return;
    }
    if (got != CORS_ORIGIN_VALID) {
        return;
    }
    vlen = strlen(value);
    /* The header promises that out points into value. */
    if (o.scheme < value || o.scheme + o.scheme_len > value + vlen
        || o.host < value || o.host + o.host_len > value + vlen) {
        unit_fail(desc, "pointers", "scheme/host do not point into value");
        return;
    }
    unit_check_str(p, desc, "scheme", scheme,
                   apr_pstrmemdup(p, o.scheme, o.scheme_len));
    unit_check_str(p, desc, "host", host,
                   apr_pstrmemdup(p, o.host, o.host_len));
    unit_check_int(desc, "port", port, o.port);
}

static void test_parse_request_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_origin_parse_cases); i++) {
        const struct cors_origin_parse_case *c = &cors_origin_parse_cases[i];

        check_parse(p, c->desc, c->value, c->status, c->scheme, c->host,
                    c->port);
    }
    UNIT_END("cors_origin_parse_cases");
}

/*
 * A host of dot-separated 63-byte labels, so that the value is exactly len
 * bytes and every label is a legal DNS label.
 */
static char *long_origin(apr_pool_t *p, apr_size_t len)
{
    char *s = unit_make_string(p, "https://", 'a', "", len);
    apr_size_t i;

    for (i = strlen("https://") + 63; i < len - 1; i += 64) {
        s[i] = '.';
    }
    return s;
}

static void test_parse_request_lengths(void **state)
{
    apr_pool_t *p = *state;
    char *huge;

    UNIT_BEGIN();
    /* 64 KiB of host: hostile, refused before any scanning cost matters. */
    huge = long_origin(p, 64 * 1024);
    check_parse(p, "64 KiB origin", huge, CORS_ORIGIN_MALFORMED, NULL, NULL, 0);
    huge = unit_make_string(p, "https://a.example:", '1', "", 64 * 1024);
    check_parse(p, "64 KiB of port digits", huge, CORS_ORIGIN_MALFORMED, NULL,
                NULL, 0);
    /*
     * reading: CORS_ORIGIN_MAX_LEN is "the longest Origin value considered
     * at all", so a well-formed value of exactly that length is still
     * parsed (and valid); one byte more is refused unread.
     */
    check_parse(p, "reading: CORS_ORIGIN_MAX_LEN bytes is considered",
                long_origin(p, CORS_ORIGIN_MAX_LEN), CORS_ORIGIN_VALID, "https",
                long_origin(p, CORS_ORIGIN_MAX_LEN) + 8, 0);
    check_parse(p, "CORS_ORIGIN_MAX_LEN + 1 bytes is refused",
                long_origin(p, CORS_ORIGIN_MAX_LEN + 1), CORS_ORIGIN_MALFORMED,
                NULL, NULL, 0);
    check_parse(p, "a 253-byte host", long_origin(p, 8 + 253),
                CORS_ORIGIN_VALID, "https", long_origin(p, 8 + 253) + 8, 0);
    UNIT_END("origin length boundaries");
}

/*
 * A sweep over every byte in the middle of a host catches a character
 * class written too wide: controls, space, non-ASCII, uppercase, and the
 * WHATWG URL "forbidden host code points" (plus ',' which would make the
 * header a list) must make the value malformed; lowercase letters must
 * not.  Other punctuation is left to the parser's judgement.
 */
static void test_parse_request_byte_sweep(void **state)
{
    apr_pool_t *p = *state;
    int c;

    UNIT_BEGIN();
    for (c = 1; c < 256; c++) {
        char buf[64];
        cors_origin_t o;
        cors_origin_status_e got;
        int forbidden = c <= 0x20 || c >= 0x7f || (c >= 'A' && c <= 'Z')
                        || (c != ':' && strchr("\"#%/<>?@[\\]^|,", c));

        snprintf(buf, sizeof(buf), "https://a%cb.example", c);
        got = cors_origin_parse_request(buf, &o);
        if (forbidden && got == CORS_ORIGIN_VALID) {
            unit_fail(apr_psprintf(p, "byte 0x%02x inside the host", c),
                      "status", "expected MALFORMED, got VALID");
        }
        if (c >= 'a' && c <= 'z' && got != CORS_ORIGIN_VALID) {
            unit_fail(apr_psprintf(p, "byte 0x%02x inside the host", c),
                      "status", "expected VALID, got %d", (int)got);
        }
    }
    UNIT_END("byte sweep");
}

static void test_default_port(void **state)
{
    apr_size_t i;

    (void)state;
    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_default_port_cases); i++) {
        const struct cors_default_port_case *c = &cors_default_port_cases[i];

        unit_check_int(c->desc, "port", c->port,
                       cors_origin_default_port(c->scheme, c->len));
    }
    UNIT_END("cors_default_port_cases");
}

/* ---- configured values ------------------------------------------------ */

static void test_set_add_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_origin_add_cases); i++) {
        const struct cors_origin_add_case *c = &cors_origin_add_cases[i];
        cors_origin_set_t *set = cors_origin_set_make(p);
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err;

        err = cors_origin_set_add(p, set, c->value, c->credentials, &warning);
        if (!unit_check_problem(p, c->desc, "error", c->kind, c->value, c->hint,
                                err)
            || err != NULL || c->warning == W_ANY) {
            continue;
        }
        unit_check_problem(p, c->desc, "warning", c->warning, NOCHECK, NOCHECK,
                           warning);
    }
    UNIT_END("cors_origin_add_cases");
}

/*
 * The scope of a chain of sections, outermost first.  httpd merges in two
 * shapes: the directory walk folds each section into what it has
 * accumulated (outer first), the location walk merges its sections among
 * themselves and then over the accumulated scope (inner first).  Both must
 * give the same scope.  Returns NULL after reporting when a value of the
 * table is refused.
 */
static const cors_origins_t *build_levels_shaped(
    apr_pool_t *p, const char *desc,
    const char *const levels[][CORS_CASE_MAX_VALUES], int nlevels,
    int inner_first)
{
    const cors_origins_t *scope = NULL;
    int i, l, v;

    for (i = 0; i < nlevels; i++) {
        cors_origin_set_t *set;
        const cors_origins_t *own;

        l = inner_first ? nlevels - 1 - i : i;
        if (levels[l][0] == NULL) {
            continue;
        }
        set = cors_origin_set_make(p);
        for (v = 0; v < CORS_CASE_MAX_VALUES && levels[l][v]; v++) {
            const cors_problem_t *warning = NULL;
            const cors_problem_t *err = cors_origin_set_add(p, set,
                                                            levels[l][v], 0,
                                                            &warning);

            if (err != NULL) {
                unit_fail(desc, "setup", "value %s refused: %s",
                          unit_show(p, levels[l][v]), unit_problem(p, err));
                return NULL;
            }
        }
        own = cors_origins_make(p, set);
        if (inner_first) {
            scope = scope ? cors_origins_merge(p, own, scope) : own;
        }
        else {
            scope = scope ? cors_origins_merge(p, scope, own) : own;
        }
    }
    return scope;
}

static const cors_origins_t *build_levels(
    apr_pool_t *p, const char *desc,
    const char *const levels[][CORS_CASE_MAX_VALUES], int nlevels)
{
    return build_levels_shaped(p, desc, levels, nlevels, 0);
}

/* Whether the scope matches a request origin, which must parse as valid. */
static int scope_matches(apr_pool_t *p, const char *desc,
                         const cors_origins_t *o, const char *value)
{
    cors_origin_t parsed;

    if (cors_origin_parse_request(value, &parsed) != CORS_ORIGIN_VALID) {
        unit_fail(desc, "table", "request origin %s does not parse as valid",
                  unit_show(p, value));
        return -1;
    }
    return cors_origins_match(o, value, &parsed) ? 1 : 0;
}

static void test_match_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_origin_match_cases); i++) {
        const struct cors_origin_match_case *c = &cors_origin_match_cases[i];
        const char *levels[1][CORS_CASE_MAX_VALUES];
        const cors_origins_t *o;
        int got;

        memcpy(levels[0], c->config, sizeof(levels[0]));
        o = build_levels(p, c->desc, levels, 1);
        if (o == NULL) {
            continue;
        }
        got = scope_matches(p, c->desc, o, c->request);
        if (got >= 0) {
            unit_check_int(apr_psprintf(p, "%s (%s)", c->desc, c->request),
                           "match", c->match, got);
        }
    }
    UNIT_END("cors_origin_match_cases");
}

static void check_yes_no(apr_pool_t *p, const char *desc,
                         const cors_origins_t *o,
                         const char *const yes[CORS_CASE_MAX_VALUES],
                         const char *const no[CORS_CASE_MAX_VALUES])
{
    int v, got;

    for (v = 0; v < CORS_CASE_MAX_VALUES && yes[v]; v++) {
        got = o ? scope_matches(p, desc, o, yes[v]) : 0;
        if (got == 0) {
            unit_fail(desc, "match", "expected %s to match, it does not",
                      yes[v]);
        }
    }
    for (v = 0; v < CORS_CASE_MAX_VALUES && no[v]; v++) {
        got = o ? scope_matches(p, desc, o, no[v]) : 0;
        if (got == 1) {
            unit_fail(desc, "match", "expected %s not to match, it does",
                      no[v]);
        }
    }
}

static void test_merge_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_origin_merge_cases); i++) {
        const struct cors_origin_merge_case *c = &cors_origin_merge_cases[i];
        const cors_origins_t *o;

        o = build_levels(p, c->desc, c->levels, CORS_CASE_MAX_LEVELS);
        check_yes_no(p, c->desc, o, c->yes, c->no);
        /* Regression: the location walk's shape lost the inner sections'
         * "none" and "+" layers (a section merged over a merged pair). */
        o = build_levels_shaped(p, c->desc, c->levels, CORS_CASE_MAX_LEVELS, 1);
        check_yes_no(p, apr_pstrcat(p, c->desc, " (inner first)", NULL), o,
                     c->yes, c->no);
    }
    UNIT_END("cors_origin_merge_cases");
}

/* Merging must not change the inherited scope (it is shared). */
static void test_merge_leaves_base_intact(void **state)
{
    apr_pool_t *p = *state;
    const char *levels[2][CORS_CASE_MAX_VALUES] = {{"https://a.example",
                                                    "https://b.example"},
                                                   {NULL}};
    const char *const yes[CORS_CASE_MAX_VALUES] = {"https://a.example",
                                                   "https://b.example"};
    const char *const no[CORS_CASE_MAX_VALUES] = {"https://c.example"};
    const char *adds[] = {"-https://a.example", "+https://c.example", "none",
                          "https://c.example", "-*"};
    const cors_origins_t *base;
    apr_size_t i;

    UNIT_BEGIN();
    base = build_levels(p, "base", levels, 1);
    for (i = 0; base && i < N_ELEMS(adds); i++) {
        cors_origin_set_t *set = cors_origin_set_make(p);
        const cors_problem_t *warning = NULL;

        if (cors_origin_set_add(p, set, adds[i], 0, &warning) != NULL) {
            unit_fail(adds[i], "setup", "refused");
            continue;
        }
        (void)cors_origins_merge(p, base, cors_origins_make(p, set));
        check_yes_no(p, apr_psprintf(p, "base after merging %s", adds[i]), base,
                     yes, no);
    }
    UNIT_END("merge leaves base intact");
}

static void test_merge_nulls(void **state)
{
    apr_pool_t *p = *state;
    const char *levels[1][CORS_CASE_MAX_VALUES] = {{"https://a.example"}};
    const char *const yes[CORS_CASE_MAX_VALUES] = {"https://a.example"};
    const char *const no[CORS_CASE_MAX_VALUES] = {"https://b.example"};
    const char *const none[CORS_CASE_MAX_VALUES] = {NULL};
    const cors_origins_t *o, *m;

    UNIT_BEGIN();
    o = build_levels(p, "merge with NULL", levels, 1);
    m = cors_origins_merge(p, NULL, o);
    if (m == NULL) {
        unit_fail("merge(NULL, add)", "result", "expected add's scope, NULL");
    }
    else {
        check_yes_no(p, "merge(NULL, add)", m, yes, no);
    }
    m = cors_origins_merge(p, o, NULL);
    if (m == NULL) {
        unit_fail("merge(base, NULL)", "result",
                  "expected base's scope, "
                  "got NULL");
    }
    else {
        check_yes_no(p, "merge(base, NULL)", m, yes, no);
    }
    m = cors_origins_merge(p, NULL, NULL);
    if (m != NULL) {
        unit_check_int("merge(NULL, NULL)", "any_listed", 0,
                       cors_origins_any_listed(m));
        check_yes_no(p, "merge(NULL, NULL)", m, none, yes);
    }
    /* A set with nothing in it, wrapped, lists nothing. */
    m = cors_origins_make(p, cors_origin_set_make(p));
    if (m != NULL) {
        unit_check_int("empty set", "any_listed", 0,
                       cors_origins_any_listed(m));
        check_yes_no(p, "empty set", m, none, yes);
    }
    UNIT_END("merge with NULLs");
}

static void test_flags_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_origin_flags_cases); i++) {
        const struct cors_origin_flags_case *c = &cors_origin_flags_cases[i];
        const cors_origins_t *o;

        o = build_levels(p, c->desc, c->levels, CORS_CASE_MAX_LEVELS);
        if (o == NULL) {
            continue;
        }
        unit_check_int(c->desc, "any_listed", c->any_listed,
                       cors_origins_any_listed(o) != 0);
        unit_check_int(c->desc, "allow_any", c->allow_any,
                       cors_origins_allow_any(o) != 0);
        unit_check_int(c->desc, "allow_null", c->allow_null,
                       cors_origins_allow_null(o) != 0);
        unit_check_int(c->desc, "has_public_suffix_wildcard",
                       c->public_suffix_wildcard,
                       (cors_origins_public_suffix_wildcard(o) != NULL) != 0);
    }
    UNIT_END("cors_origin_flags_cases");
}

/*
 * The rule of credentials, stated once (cors_credentials_clash): over the
 * facts of one section's set, and with exposed headers "*".
 */
static void test_check_credentials(void **state)
{
    apr_pool_t *p = *state;
    static const struct {
        const char *desc;
        const char *value;
        int expose_any;
        int kind;           /**< CORS_PROBLEM_NONE: no clash */
        const char *entry;  /**< the clash's value */
        const char *suffix; /**< its detail */
    } cases[] = {
        {"exact origin goes with credentials", "https://a.example", 0,
         CORS_PROBLEM_NONE, NULL, NULL},
        {"wildcard goes with credentials", "https://*.example.com", 0,
         CORS_PROBLEM_NONE, NULL, NULL},
        {"none goes with credentials", "none", 0, CORS_PROBLEM_NONE, NULL,
         NULL},
        {"star does not", "*", 0, CORS_ERR_CRED_ANY, "*", NULL},
        {"null does not", "null", 0, CORS_ERR_CRED_NULL, "null", NULL},
        {"public suffix wildcard does not", "https://*.co.uk", 0,
         CORS_ERR_CRED_PUBLIC_SUFFIX, "https://*.co.uk", "co.uk"},
        {"public suffix wildcard with a port", "https://*.github.io:8443", 0,
         CORS_ERR_CRED_PUBLIC_SUFFIX, "https://*.github.io:8443", "github.io"},
        {"exposed headers star does not", "https://a.example", 1,
         CORS_ERR_CRED_EXPOSE_ANY, "*", NULL},
        {"star is named before exposed headers", "*", 1, CORS_ERR_CRED_ANY, "*",
         NULL},
    };
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cases); i++) {
        cors_origin_set_t *set = cors_origin_set_make(p);
        const cors_problem_t *warning = NULL;
        const cors_problem_t *clash;
        cors_cred_facts_t f;

        if (cors_origin_set_add(p, set, cases[i].value, 0, &warning)) {
            unit_fail(cases[i].desc, "setup", "value refused");
            continue;
        }
        cors_origin_set_cred_facts(set, &f);
        f.expose_any = cases[i].expose_any;
        clash = cors_credentials_clash(p, &f);
        if (unit_check_problem(p, cases[i].desc, "clash", cases[i].kind,
                               cases[i].entry, NULL, clash)
            && clash != NULL) {
            unit_check_str(p, cases[i].desc, "clash.detail", cases[i].suffix,
                           clash->detail);
        }
    }
    UNIT_END("cors_credentials_clash");
}

static int describe_has(const apr_array_header_t *arr, const char *needle)
{
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *e = APR_ARRAY_IDX(arr, i, const char *);

        if (e != NULL && strstr(e, needle) != NULL) {
            return 1;
        }
    }
    return 0;
}

static void test_describe(void **state)
{
    apr_pool_t *p = *state;
    const char *levels[2][CORS_CASE_MAX_VALUES] = {{"HTTPS://A.EXAMPLE:443",
                                                    "https://*.example.com",
                                                    "http://localhost:*"},
                                                   {"+https://b.example"}};
    const char *wanted[] = {"https://a.example", "*.example.com", "localhost",
                            "https://b.example"};
    const cors_origins_t *o;
    apr_array_header_t *arr = apr_array_make(p, 4, sizeof(const char *));
    apr_size_t i;

    UNIT_BEGIN();
    o = build_levels(p, "describe", levels, 2);
    if (o != NULL) {
        cors_origins_describe(p, o, arr);
        if (arr->nelts < 4) {
            unit_fail("describe", "entries", "expected at least 4, got %d",
                      arr->nelts);
        }
        for (i = 0; i < N_ELEMS(wanted); i++) {
            if (!describe_has(arr, wanted[i])) {
                unit_fail("describe", "entries", "no entry holds %s",
                          wanted[i]);
            }
        }
        if (describe_has(arr, "HTTPS://") || describe_has(arr, ":443")) {
            unit_fail("describe", "entries", "not normalised");
        }
    }
    UNIT_END("cors_origins_describe");
}

/*
 * Where neither docs/behaviour.md nor the header decides, the result is
 * printed, not asserted, so that the report can name what the code does.
 */
static void test_informational(void **state)
{
    apr_pool_t *p = *state;
    const char *l1[1][CORS_CASE_MAX_VALUES] = {{"http://[0:0::1]"}};
    const cors_origins_t *o;

    o = build_levels(p, "info", l1, 1);
    if (o != NULL) {
        printf("INFO config http://[0:0::1] matches request http://[::1]: "
               "%d\n",
               scope_matches(p, "info", o, "http://[::1]"));
    }
}

/* ---- catch-all patterns ------------------------------------------------ */

static void test_regex_canary_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_regex_canary_cases); i++) {
        const struct cors_regex_canary_case *c = &cors_regex_canary_cases[i];
        cors_regex_t *re = NULL;
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err = cors_regex_compile(p, c->pattern, &re,
                                                       &warning);

        if (err != NULL) {
            unit_fail(c->desc, "compile", "refused: %s", unit_problem(p, err));
            continue;
        }
        unit_check_str(p, c->desc, "canary", c->canary, cors_regex_canary(re));
    }
    UNIT_END("cors_regex_canary_cases");
}

/* ---- IPv6 normalisation ------------------------------------------------ */

/*
 * Each configured form is stored as the URL Standard writes it, that form
 * is what a request may carry (and it matches), and the configured
 * spelling, when it differs, is refused in a request.
 */
static void test_ipv6_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_ipv6_cases); i++) {
        const struct cors_ipv6_case *c = &cors_ipv6_cases[i];
        cors_origin_set_t *set = cors_origin_set_make(p);
        apr_array_header_t *arr = apr_array_make(p, 1, sizeof(const char *));
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err = cors_origin_set_add(p, set, c->configured,
                                                        0, &warning);
        const cors_origins_t *o;
        cors_origin_t parsed;

        if (err != NULL) {
            unit_fail(c->desc, "add", "refused: %s", unit_problem(p, err));
            continue;
        }
        o = cors_origins_make(p, set);
        cors_origins_describe(p, o, arr);
        if (arr->nelts != 1) {
            unit_fail(c->desc, "describe", "%d entries", arr->nelts);
            continue;
        }
        unit_check_str(p, c->desc, "normalised", c->normalised,
                       APR_ARRAY_IDX(arr, 0, const char *));
        unit_check_int(c->desc, "request form parses", CORS_ORIGIN_VALID,
                       cors_origin_parse_request(c->normalised, &parsed));
        unit_check_int(c->desc, "request form matches", 1,
                       cors_origins_match(o, c->normalised, &parsed));
        if (strcmp(c->configured, c->normalised) != 0
            && strstr(c->configured, ":443") == NULL) {
            unit_check_int(c->desc, "configured spelling in a request",
                           CORS_ORIGIN_MALFORMED,
                           cors_origin_parse_request(c->configured, &parsed));
        }
    }
    UNIT_END("cors_ipv6_cases");
}

/* ---- a large set ------------------------------------------------------ */

static void test_large_set(void **state)
{
    apr_pool_t *p = *state;
    cors_origin_set_t *set = cors_origin_set_make(p);
    const cors_origins_t *o;
    apr_array_header_t *listed = apr_array_make(p, 16, sizeof(const char *));
    char *giant;
    int i;

    UNIT_BEGIN();
    /* one origin longer than a chunk of the packed store goes first, so
     * that the short ones after it start a new chunk */
    giant = apr_palloc(p, 70002);
    memcpy(giant, "https://", 8);
    for (i = 8; i < 69990; i += 10) {
        memcpy(giant + i, "abcdefghi.", 10);
    }
    memcpy(giant + i, "com", 4);
    for (i = -1; i < 10000; i++) {
        const cors_problem_t *warning = NULL;
        const char *v = i < 0 ? giant
                              : apr_psprintf(p, "https://o%05d.example.com", i);

        if (cors_origin_set_add(p, set, v, 0, &warning) != NULL) {
            unit_fail("10,000 origins", "setup", "%.40s refused", v);
            break;
        }
    }
    /* listed twice, upper case, default port: the same origins */
    for (i = 0; i < 10000; i += 1000) {
        const cors_problem_t *warning = NULL;

        cors_origin_set_add(p, set,
                            apr_psprintf(p, "HTTPS://O%05d.example.com:443", i),
                            0, &warning);
    }
    o = cors_origins_make(p, set);
    for (i = 0; i < 10000; i++) {
        const char *v = apr_psprintf(p, "https://o%05d.example.com", i);

        if (scope_matches(p, "10,000 origins", o, v) != 1) {
            unit_fail("10,000 origins", "match", "%s not found", v);
            break;
        }
    }
    if (scope_matches(p, "10,000 origins", o, "https://o10000.example.com")
        != 0) {
        unit_fail("10,000 origins", "match", "o10000 found");
    }
    if (scope_matches(p, "10,000 origins", o, "https://o0000.example.com")
        != 0) {
        unit_fail("10,000 origins", "match", "a prefix of o00000 found");
    }
    cors_origins_describe(p, o, listed);
    if (listed->nelts != 10001) {
        unit_fail("10,000 origins", "describe", "%d entries, expected 10001",
                  listed->nelts);
    }
    for (i = 0; i < listed->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(listed, i, const char *), giant) == 0) {
            break;
        }
    }
    if (i == listed->nelts) {
        unit_fail("10,000 origins", "describe",
                  "the 70,000-byte origin is "
                  "not listed intact");
    }
    UNIT_END("10,000-origin set");
}

/* ---- CORSAllowOriginMatch --------------------------------------------- */

static void test_regex_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;
    int v;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_regex_cases); i++) {
        const struct cors_regex_case *c = &cors_regex_cases[i];
        cors_regex_t *re = NULL;
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err;

        err = cors_regex_compile(p, c->pattern, &re, &warning);
        if (!unit_check_problem(p, c->desc, "compile", c->kind, c->pattern,
                                NOCHECK, err)
            || err != NULL) {
            continue;
        }
        unit_check_str(p, c->desc, "source", c->pattern, cors_regex_source(re));
        for (v = 0; v < CORS_CASE_MAX_VALUES && c->yes[v]; v++) {
            if (!cors_regex_match(re, c->yes[v], strlen(c->yes[v]), p)) {
                unit_fail(c->desc, "match", "expected %s to match",
                          unit_show(p, c->yes[v]));
            }
        }
        for (v = 0; v < CORS_CASE_MAX_VALUES && c->no[v]; v++) {
            if (cors_regex_match(re, c->no[v], strlen(c->no[v]), p)) {
                unit_fail(c->desc, "match", "expected %s not to match",
                          unit_show(p, c->no[v]));
            }
        }
    }
    UNIT_END("cors_regex_cases");
}

static void test_regex_dots(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_regex_dot_cases); i++) {
        const struct cors_regex_dot_case *c = &cors_regex_dot_cases[i];
        cors_regex_t *re = NULL;
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err = cors_regex_compile(p, c->pattern, &re,
                                                       &warning);

        if (c->outcome == DOT_REFUSED) {
            unit_check_problem(p, c->desc, "error", CORS_ERR_REGEX_HOST_DOT,
                               c->pattern, c->escaped, err);
            continue;
        }
        unit_check_problem(p, c->desc, "error", CORS_PROBLEM_NONE, NULL, NULL,
                           err);
        unit_check_problem(p, c->desc, "warning",
                           c->outcome == DOT_WARNS ? CORS_WARN_REGEX_DOT
                                                   : CORS_PROBLEM_NONE,
                           c->pattern, NULL, warning);
    }
    UNIT_END("cors_regex_dot_cases");
}

static void test_regex_details(void **state)
{
    apr_pool_t *p = *state;
    apr_pool_t *scratch;
    cors_regex_t *re = NULL;
    const cors_problem_t *warning = NULL;
    const cors_problem_t *err;
    const char *v = "https://a.exampleXYZ";

    UNIT_BEGIN();
    /* Unanchored: refused, naming the pattern (docs/behaviour.md §1). */
    err = cors_regex_compile(p, "example\\.com", &re, &warning);
    unit_check_problem(p, "unanchored", "error", CORS_ERR_REGEX_UNANCHORED,
                       "example\\.com", NULL, err);
    /* A control byte: where it is, and which. */
    err = cors_regex_compile(p,
                             "^https://a\x07"
                             "b$",
                             &re, &warning);
    if (unit_check_problem(p, "control byte", "error", CORS_ERR_REGEX_CONTROL,
                           "^https://a\x07"
                           "b$",
                           NULL, err)) {
        unit_check_int("control byte", "offset", 10, (int)err->offset);
        unit_check_str(p, "control byte", "detail", "0x07", err->detail);
    }
    /* PCRE2's own reason and offset. */
    err = cors_regex_compile(p, "^https://(a$", &re, &warning);
    if (unit_check_problem(p, "syntax", "error", CORS_ERR_REGEX_SYNTAX,
                           "^https://(a$", NULL, err)) {
        unit_check_int("syntax", "detail set", 1, err->detail != NULL);
    }

    re = NULL;
    err = cors_regex_compile(p, CORS_REGEX_SNEAKY, &re, &warning);
    if (err == NULL && re != NULL
        && cors_regex_match(re, CORS_REGEX_SNEAKY_VICTIM,
                            strlen(CORS_REGEX_SNEAKY_VICTIM), p)) {
        unit_fail("^a|b$ is anchored only in appearance", "match",
                  "accepted, and matches %s", CORS_REGEX_SNEAKY_VICTIM);
    }

    re = NULL;
    err = cors_regex_compile(p, "^https://a\\.example$", &re, &warning);
    if (err != NULL || re == NULL) {
        unit_fail("length", "compile", "%s", unit_problem(p, err));
    }
    else {
        /* Only len bytes are the value: the rest is not looked at. */
        apr_pool_create(&scratch, p);
        unit_check_int("match honours len (prefix)", "match", 1,
                       cors_regex_match(re, v, 17, scratch) != 0);
        unit_check_int("match honours len (whole)", "match", 0,
                       cors_regex_match(re, v, strlen(v), scratch) != 0);
        unit_check_int("match honours len (short)", "match", 0,
                       cors_regex_match(re, v, 16, scratch) != 0);
        apr_pool_destroy(scratch);
    }
    UNIT_END("regex details");
}

/* Every kind has a name (the tests print them) and is an error or a
 * warning as its prefix says. */
static void test_problem_kinds(void **state)
{
    apr_pool_t *p = *state;
    int k;

    UNIT_BEGIN();
    for (k = CORS_PROBLEM_NONE; k <= CORS_WARN_MAX_AGE; k++) {
        const char *name = cors_problem_name((cors_problem_e)k);

        if (strcmp(name, "unknown") == 0) {
            unit_fail("problem kinds", "name", "kind %d has no name", k);
            continue;
        }
        unit_check_int(name, "is_warning", strncmp(name, "CORS_WARN_", 10) == 0,
                       cors_problem_is_warning((cors_problem_e)k));
    }
    unit_check_str(p, "past the last kind", "name", "unknown",
                   cors_problem_name((cors_problem_e)(CORS_WARN_MAX_AGE + 1)));
    UNIT_END("problem kinds");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_request_table),
        cmocka_unit_test(test_parse_request_lengths),
        cmocka_unit_test(test_parse_request_byte_sweep),
        cmocka_unit_test(test_default_port),
        cmocka_unit_test(test_set_add_table),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_merge_table),
        cmocka_unit_test(test_merge_leaves_base_intact),
        cmocka_unit_test(test_merge_nulls),
        cmocka_unit_test(test_flags_table),
        cmocka_unit_test(test_check_credentials),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_informational),
        cmocka_unit_test(test_regex_canary_table),
        cmocka_unit_test(test_ipv6_table),
        cmocka_unit_test(test_large_set),
        cmocka_unit_test(test_regex_table),
        cmocka_unit_test(test_regex_dots),
        cmocka_unit_test(test_problem_kinds),
        cmocka_unit_test(test_regex_details),
    };

    return cmocka_run_group_tests_name("cors_origin", tests, unit_setup,
                                       unit_teardown);
}
