/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * test_policy.c: unit tests of src/cors_policy.h.  Policies are built from
 * the configuration lines of cases_policy.h through the public setters and
 * cors_policy_merge, exactly as the directive handlers and httpd's
 * per-directory merge would; cors_policy_decide is then checked field by
 * field against docs/behaviour.md.
 */

#include "unit_util.h"
#include "cors_policy.h"
#include "cases_policy.h"
#include "policy_lines.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building policies from configuration lines ----------------------- */

/* One line of a case table, warnings aside (policy_lines.h). */
static const cors_problem_t *apply_line(apr_pool_t *p, cors_policy_t *pol,
                                        const char *line)
{
    const cors_problem_t *warning;

    return policy_line(p, pol, line, &warning);
}

/*
 * The effective policy of the NULL-terminated lines (policy_lines.h); NULL
 * (after reporting) when a line is refused.
 */
static cors_policy_t *build_policy(apr_pool_t *p, const char *desc,
                                   const char *const *lines)
{
    const char *refused;
    const cors_problem_t *why;
    cors_policy_t *pol;
    int n = 0;

    while (lines[n] != NULL) {
        n++;
    }
    pol = policy_lines_build(p, lines, n, apply_line, &refused, &why);
    if (refused != NULL) {
        unit_fail(desc, "setup", "line '%s' refused: %s", refused,
                  unit_problem(p, why));
        return NULL;
    }
    return pol;
}

/* ---- defaults and setters --------------------------------------------- */

static void test_defaults(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *pol = cors_policy_make(p);
    const char *d = "empty policy";

    UNIT_BEGIN();
    unit_check_int(d, "credentials", 0, cors_policy_credentials(pol));
    unit_check_int(d, "preflight_mode", CORS_PREFLIGHT_HANDLE,
                   cors_policy_preflight_mode(pol));
    unit_check_int(d, "preflight_status", 204,
                   cors_policy_preflight_status(pol));
    unit_check_int(d, "upstream_mode", CORS_UPSTREAM_REPLACE,
                   cors_policy_upstream_mode(pol));
    unit_check_int(d, "debug_header", 0, cors_policy_debug_header(pol));
    unit_check_int(d, "shadow", 0, cors_policy_shadow(pol));
    unit_check_int(d, "private_network", 0, cors_policy_private_network(pol));
    unit_check_int(d, "enabled", 0, cors_policy_enabled(pol) != 0);
    /* Every field unset, as cors_policy.h describes. */
    if (pol->own_origins || pol->origins || pol->regexes || pol->methods
        || pol->allow_headers || pol->expose_headers || pol->max_age_str) {
        unit_fail(d, "fields", "a pointer field is not NULL");
    }
    unit_check_int(d, "credentials field", CORS_UNSET, pol->credentials);
    unit_check_int(d, "preflight field", CORS_UNSET, pol->preflight);
    unit_check_int(d, "preflight_status field", CORS_UNSET,
                   pol->preflight_status);
    unit_check_int(d, "upstream field", CORS_UNSET, pol->upstream);
    UNIT_END("defaults");
}

static void test_setters_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_setter_cases); i++) {
        const struct cors_setter_case *c = &cors_setter_cases[i];
        cors_policy_t *pol = cors_policy_make(p);
        const cors_problem_t *err = NULL;
        int l;

        for (l = 0; c->lines[l] != NULL; l++) {
            err = apply_line(p, pol, c->lines[l]);
            if (err != NULL && c->lines[l + 1] != NULL) {
                unit_fail(c->desc, "setup", "line '%s' refused: %s",
                          c->lines[l], unit_problem(p, err));
                break;
            }
        }
        if (c->lines[l] != NULL) {
            continue;
        }
        unit_check_problem(p, c->desc, "result", c->kind, c->value, NOCHECK,
                           err);
    }
    UNIT_END("cors_setter_cases");
}

static void test_setter_values(void **state)
{
    apr_pool_t *p = *state;
    static cors_setup_t lines = {"origin https://a.example",
                                 "credentials on",
                                 "maxage 0",
                                 "preflight continue",
                                 "status 200",
                                 "upstream keep",
                                 NULL};
    cors_policy_t *pol;
    const char *d = "values after setters";
    const cors_problem_t *err, *warning;

    UNIT_BEGIN();
    pol = build_policy(p, d, lines);
    if (pol != NULL) {
        unit_check_int(d, "credentials", 1, cors_policy_credentials(pol));
        unit_check_str(p, d, "max_age_str", "0", pol->max_age_str);
        unit_check_int(d, "preflight_mode", CORS_PREFLIGHT_CONTINUE,
                       cors_policy_preflight_mode(pol));
        unit_check_int(d, "preflight_status", 200,
                       cors_policy_preflight_status(pol));
        unit_check_int(d, "upstream_mode", CORS_UPSTREAM_KEEP,
                       cors_policy_upstream_mode(pol));
        unit_check_int(d, "enabled", 1, cors_policy_enabled(pol) != 0);
    }
    /* The largest value the contract allows: refusing it is a failure,
     * never a reason to skip the checks. */
    d = "max age 86400";
    pol = cors_policy_make(p);
    err = cors_policy_set_max_age(p, pol, "86400", &warning);
    if (err != NULL) {
        unit_fail(d, "setter", "refused: %s", unit_problem(p, err));
    }
    else {
        unit_check_str(p, d, "max_age_str", "86400", pol->max_age_str);
        unit_check_problem(p, d, "warning", CORS_WARN_MAX_AGE, "86400", NULL,
                           warning);
    }
    UNIT_END("setter values");
}

/* ---- merge ------------------------------------------------------------- */

static void test_merge_fields(void **state)
{
    apr_pool_t *p = *state;
    static cors_setup_t base_lines = {"origin https://a.example",
                                      "credentials on",
                                      "methods PUT",
                                      "headers X-Foo",
                                      "expose X-Bar",
                                      "maxage 600",
                                      "preflight continue",
                                      "status 200",
                                      "upstream keep",
                                      "pna on",
                                      "debug on",
                                      "shadow on",
                                      NULL};
    static cors_setup_t add_lines = {"origin https://b.example",
                                     "credentials off",
                                     "methods DELETE",
                                     "headers X-Baz",
                                     "expose X-Qux",
                                     "maxage 60",
                                     "preflight handle",
                                     "status 204",
                                     "upstream replace",
                                     "pna off",
                                     "debug off",
                                     "shadow off",
                                     NULL};
    cors_policy_t *base, *add, *empty, *m;
    cors_policy_t base_copy, add_copy, empty_copy;
    const char *d;

    UNIT_BEGIN();
    base = build_policy(p, "merge base", base_lines);
    add = build_policy(p, "merge add", add_lines);
    empty = cors_policy_make(p);
    if (base == NULL || add == NULL) {
        UNIT_END("merge fields");
        return;
    }
    base_copy = *base;
    add_copy = *add;
    empty_copy = *empty;

    d = "unset fields inherit";
    m = cors_policy_merge(p, base, empty);
    if (m == base || m == empty) {
        unit_fail(d, "result", "not a fresh struct");
    }
    unit_check_int(d, "credentials", 1, cors_policy_credentials(m));
    unit_check_str(p, d, "max_age_str", "600", m->max_age_str);
    unit_check_int(d, "preflight", CORS_PREFLIGHT_CONTINUE,
                   cors_policy_preflight_mode(m));
    unit_check_int(d, "status", 200, cors_policy_preflight_status(m));
    unit_check_int(d, "upstream", CORS_UPSTREAM_KEEP,
                   cors_policy_upstream_mode(m));
    unit_check_int(d, "pna", 1, cors_policy_private_network(m));
    unit_check_int(d, "debug", 1, cors_policy_debug_header(m));
    unit_check_int(d, "shadow", 1, cors_policy_shadow(m));
    unit_check_int(d, "methods", 1, m->methods == base->methods);
    unit_check_int(d, "allow_headers", 1,
                   m->allow_headers == base->allow_headers);
    unit_check_int(d, "expose_headers", 1,
                   m->expose_headers == base->expose_headers);
    unit_check_int(d, "enabled", 1, cors_policy_enabled(m) != 0);

    d = "set fields override";
    m = cors_policy_merge(p, base, add);
    if (m == base || m == add) {
        unit_fail(d, "result", "not a fresh struct");
    }
    unit_check_int(d, "credentials", 0, cors_policy_credentials(m));
    unit_check_str(p, d, "max_age_str", "60", m->max_age_str);
    unit_check_int(d, "preflight", CORS_PREFLIGHT_HANDLE,
                   cors_policy_preflight_mode(m));
    unit_check_int(d, "status", 204, cors_policy_preflight_status(m));
    unit_check_int(d, "upstream", CORS_UPSTREAM_REPLACE,
                   cors_policy_upstream_mode(m));
    unit_check_int(d, "pna", 0, cors_policy_private_network(m));
    unit_check_int(d, "debug", 0, cors_policy_debug_header(m));
    unit_check_int(d, "shadow", 0, cors_policy_shadow(m));
    unit_check_int(d, "methods", 1, m->methods == add->methods);
    unit_check_int(d, "allow_headers", 1,
                   m->allow_headers == add->allow_headers);
    unit_check_int(d, "expose_headers", 1,
                   m->expose_headers == add->expose_headers);

    d = "empty over empty";
    m = cors_policy_merge(p, empty, cors_policy_make(p));
    unit_check_int(d, "enabled", 0, cors_policy_enabled(m) != 0);
    unit_check_int(d, "credentials", 0, cors_policy_credentials(m));
    unit_check_int(d, "status", 204, cors_policy_preflight_status(m));

    d = "empty base";
    m = cors_policy_merge(p, empty, base);
    unit_check_int(d, "credentials", 1, cors_policy_credentials(m));
    unit_check_str(p, d, "max_age_str", "600", m->max_age_str);
    unit_check_int(d, "enabled", 1, cors_policy_enabled(m) != 0);

    /* Inputs intact: merge runs per request on shared config. */
    if (memcmp(&base_copy, base, sizeof(*base)) != 0) {
        unit_fail("inputs not mutated", "base", "changed by merge");
    }
    if (memcmp(&add_copy, add, sizeof(*add)) != 0) {
        unit_fail("inputs not mutated", "add", "changed by merge");
    }
    if (memcmp(&empty_copy, empty, sizeof(*empty)) != 0) {
        unit_fail("inputs not mutated", "empty", "changed by merge");
    }
    UNIT_END("merge fields");
}

/* Where each field was set travels with its value through the merge: the
 * more specific scope's when it set the field, the inherited one's
 * otherwise; the inputs are left as they were. */
static void test_merge_set_at(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *base = cors_policy_make(p);
    cors_policy_t *add = cors_policy_make(p);
    const cors_policy_t *m;
    int f;

    for (f = 0; f < CORS_FIELDS; f++) {
        assert_null(base->set_at[f]);
    }
    base->set_at[CORS_FIELD_METHODS] = "base.conf:1";
    base->set_at[CORS_FIELD_MAX_AGE] = "base.conf:2";
    add->set_at[CORS_FIELD_MAX_AGE] = "add.conf:7";
    add->set_at[CORS_FIELD_CREDENTIALS] = "add.conf:8";
    m = cors_policy_merge(p, base, add);
    assert_string_equal(m->set_at[CORS_FIELD_METHODS], "base.conf:1");
    assert_string_equal(m->set_at[CORS_FIELD_MAX_AGE], "add.conf:7");
    assert_string_equal(m->set_at[CORS_FIELD_CREDENTIALS], "add.conf:8");
    assert_null(m->set_at[CORS_FIELD_ORIGINS]);
    assert_string_equal(base->set_at[CORS_FIELD_MAX_AGE], "base.conf:2");
    assert_null(base->set_at[CORS_FIELD_CREDENTIALS]);
    /* and once more over the result, as nested sections merge */
    m = cors_policy_merge(p, m, cors_policy_make(p));
    assert_string_equal(m->set_at[CORS_FIELD_MAX_AGE], "add.conf:7");
}

static void test_enabled_conflict_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_policy_flag_cases); i++) {
        const struct cors_policy_flag_case *c = &cors_policy_flag_cases[i];
        cors_policy_t *pol = build_policy(p, c->desc, c->setup);

        if (pol == NULL) {
            continue;
        }
        unit_check_int(c->desc, "enabled", c->enabled,
                       cors_policy_enabled(pol) != 0);
        unit_check_problem(p, c->desc, "conflict", c->conflict, NOCHECK, NULL,
                           cors_policy_conflict(p, pol));
    }
    UNIT_END("cors_policy_flag_cases");
}

/* ---- is_empty / describe --------------------------------------------- */

static void test_is_empty(void **state)
{
    apr_pool_t *p = *state;
    static cors_setup_t s_origin = {"origin https://a.example", NULL};
    static cors_setup_t s_none = {"origin none", NULL};
    static cors_setup_t s_maxage = {"maxage 600", NULL};
    static cors_setup_t s_cred = {"credentials off", NULL};
    static cors_setup_t s_regex = {"regex ^https://a\\.example$", NULL};
    static cors_setup_t s_methods = {"methods PUT", NULL};
    static cors_setup_t s_status = {"status 200", NULL};
    static cors_setup_t s_empty2 = {"--", NULL};
    static const struct {
        const char *desc;
        const char *const *setup;
        int empty;
    } cases[] = {
        {"nothing", P_NONE, 1},
        {"two empty sections merged", s_empty2, 1},
        {"an origin", s_origin, 0},
        {"origin none is a directive", s_none, 0},
        {"max age only", s_maxage, 0},
        {"credentials off is a directive", s_cred, 0},
        {"regex only", s_regex, 0},
        {"methods only", s_methods, 0},
        {"status only", s_status, 0},
    };
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cases); i++) {
        cors_policy_t *pol = build_policy(p, cases[i].desc, cases[i].setup);

        if (pol != NULL) {
            unit_check_int(cases[i].desc, "is_empty", cases[i].empty,
                           cors_policy_is_empty(pol) != 0);
        }
    }
    UNIT_END("cors_policy_is_empty");
}

static void test_describe(void **state)
{
    apr_pool_t *p = *state;
    static cors_setup_t lines =
        {"origin https://a.example https://*.example.com",
         "credentials on",
         "regex ^https://pr-[0-9]+\\.example\\.com$",
         "methods PATCH",
         "headers X-Foo",
         "expose X-Bar",
         NULL};
    const char *wanted[] = {"https://a.example",
                            "*.example.com",
                            "^https://pr-[0-9]+\\.example\\.com$",
                            "PATCH",
                            "x-foo",
                            "x-bar",
                            "7200",
                            "204"};
    cors_policy_t *pol = build_policy(p, "describe", lines);
    const char *text, *line;
    apr_size_t i;

    UNIT_BEGIN();
    if (pol == NULL) {
        UNIT_END("cors_policy_describe");
        return;
    }
    text = cors_policy_describe(p, pol, ">>", NULL);
    if (text == NULL || !*text) {
        unit_fail("describe", "text", "empty");
        UNIT_END("cors_policy_describe");
        return;
    }
    for (i = 0; i < N_ELEMS(wanted); i++) {
        if (!unit_contains_i(text, wanted[i])) {
            unit_fail("describe", "text", "does not mention %s:\n%s", wanted[i],
                      text);
        }
    }
    /* One "name: value" line per field, each started with the indent. */
    for (line = text; *line; line = strchr(line, '\n') + 1) {
        const char *end = strchr(line, '\n');
        apr_size_t len = end ? (apr_size_t)(end - line) : strlen(line);
        const char *colon = memchr(line, ':', len);

        if (len > 0 && (strncmp(line, ">>", 2) != 0 || colon == NULL)) {
            unit_fail("describe", "line", "not '>>name: value': %s",
                      unit_show(p, apr_pstrmemdup(p, line, len)));
        }
        if (end == NULL) {
            break;
        }
    }
    UNIT_END("cors_policy_describe");
}

/* ---- decide ------------------------------------------------------------ */

static const char *kind_name(int k)
{
    switch (k) {
    case CORS_KIND_NO_ORIGIN:
        return "NO_ORIGIN";
    case CORS_KIND_ACTUAL:
        return "ACTUAL";
    case CORS_KIND_PREFLIGHT:
        return "PREFLIGHT";
    default:
        return "?";
    }
}

static const char *reason_name(int r)
{
    static const char *const names[] = {"NONE",
                                        "ORIGIN_MALFORMED",
                                        "ORIGIN_NOT_ALLOWED",
                                        "NULL_NOT_ALLOWED",
                                        "METHOD_MALFORMED",
                                        "METHOD_NOT_ALLOWED",
                                        "HEADERS_MALFORMED",
                                        "HEADER_NOT_ALLOWED",
                                        "POLICY_CONFLICT",
                                        "SOURCE_UNAVAILABLE",
                                        "ORIGIN_EXCLUDED"};

    return (r >= 0 && r < (int)N_ELEMS(names)) ? names[r] : "?";
}

/* Header values must never carry a byte that could split a header. */
static void check_value_bytes(apr_pool_t *p, const char *desc,
                              const char *field, const char *v)
{
    const unsigned char *q;

    for (q = (const unsigned char *)v; q && *q; q++) {
        if (*q < 0x20 || *q == 0x7f) {
            unit_fail(desc, field, "control byte 0x%02x in %s", *q,
                      unit_show(p, v));
            return;
        }
    }
}

/* What must hold for any decision, whatever docs/behaviour.md leaves open. */
static void check_invariants(apr_pool_t *p, const char *desc,
                             const cors_policy_t *pol, const cors_request_t *in,
                             const cors_decision_t *d)
{
    cors_origin_t o;
    const char *vals[] = {d->allow_origin,
                          d->allow_credentials,
                          d->expose_headers,
                          d->allow_methods,
                          d->allow_headers,
                          d->max_age,
                          d->allow_private_network,
                          d->vary,
                          d->env};
    const char *names[] = {"allow_origin",
                           "allow_credentials",
                           "expose_headers",
                           "allow_methods",
                           "allow_headers",
                           "max_age",
                           "allow_private_network",
                           "vary",
                           "env"};
    apr_size_t i;

    for (i = 0; i < N_ELEMS(vals); i++) {
        check_value_bytes(p, desc, names[i], vals[i]);
    }
    if (d->env == NULL) {
        unit_fail(desc, "env", "NULL: the CORS variable is always set");
    }
    if (in->origin != NULL
        && cors_origin_parse_request(in->origin, &o) == CORS_ORIGIN_MALFORMED
        && d->allow_origin != NULL && strcmp(d->allow_origin, "*") != 0) {
        unit_fail(desc, "allow_origin", "malformed origin echoed as %s",
                  unit_show(p, d->allow_origin));
    }
    if (!d->allowed && !cors_policy_debug_header(pol)
        && (d->allow_origin || d->allow_credentials || d->allow_methods
            || d->allow_headers || d->expose_headers
            || d->allow_private_network)) {
        unit_fail(desc, "refused",
                  "carries an Access-Control-Allow-* or "
                  "-Expose-* value");
    }
    if (d->allowed && d->reason != CORS_REASON_NONE) {
        unit_fail(desc, "reason", "allowed with reason %s",
                  reason_name(d->reason));
    }
    if (d->allow_credentials && d->allow_origin
        && !strcmp(d->allow_origin, "*")) {
        unit_fail(desc, "allow_origin", "* with credentials");
    }
}

static void check_decision(apr_pool_t *p, const char *desc,
                           const cors_policy_t *pol, const cors_request_t *in,
                           const struct cors_decide_want *w)
{
    cors_decision_t d;

    memset(&d, 0, sizeof(d));
    cors_policy_decide(p, pol, in, NULL, &d);

    if (w->kind != (int)d.kind) {
        unit_fail(desc, "kind", "expected %s, got %s", kind_name(w->kind),
                  kind_name(d.kind));
    }
    if (w->allowed != NOCHECK_INT && w->allowed != (d.allowed != 0)) {
        unit_fail(desc, "allowed", "expected %d, got %d", w->allowed,
                  d.allowed);
    }
    if (w->reason != NOCHECK_INT && w->reason != (int)d.reason) {
        unit_fail(desc, "reason", "expected %s, got %s (%s)",
                  reason_name(w->reason), reason_name(d.reason),
                  unit_show(p, d.detail));
    }
    unit_check_str(p, desc, "env", w->env, d.env);
    unit_check_str(p, desc, "allow_origin", w->allow_origin, d.allow_origin);
    unit_check_str(p, desc, "allow_credentials", w->allow_credentials,
                   d.allow_credentials);
    unit_check_istr(p, desc, "expose_headers", w->expose_headers,
                    d.expose_headers);
    unit_check_str(p, desc, "allow_methods", w->allow_methods, d.allow_methods);
    unit_check_str(p, desc, "allow_headers", w->allow_headers, d.allow_headers);
    unit_check_str(p, desc, "max_age", w->max_age, d.max_age);
    unit_check_str(p, desc, "allow_private_network", w->allow_private_network,
                   d.allow_private_network);
    unit_check_str(p, desc, "vary", w->vary, d.vary);
    if (w->kind == CORS_KIND_PREFLIGHT) {
        unit_check_int(desc, "status", w->status, d.status);
    }
    check_invariants(p, desc, pol, in, &d);
}

static void test_decide_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_decide_cases); i++) {
        const struct cors_decide_case *c = &cors_decide_cases[i];
        cors_policy_t *pol = build_policy(p, c->desc, c->setup);

        if (pol != NULL) {
            check_decision(p, c->desc, pol, &c->in, &c->want);
        }
    }
    UNIT_END("cors_decide_cases");
}

/* A list of exactly len bytes of "x-foo" names. */
static char *repeated_name(apr_pool_t *p, apr_size_t len)
{
    char *s = apr_palloc(p, len + 1);
    apr_size_t off = 0;

    while (off + 6 <= len) {
        memcpy(s + off, "x-foo,", 6);
        off += 6;
    }
    /*
     * End on a name: a trailing comma becomes one byte of OWS, and a
     * partial tail is padded with OWS (only ever reached past the limit).
     */
    if (off == len) {
        s[len - 1] = ' ';
    }
    else {
        memcpy(s + off, "x-foo", len - off > 5 ? 5 : len - off);
        off += len - off > 5 ? 5 : len - off;
        while (off < len) {
            s[off++] = ' ';
        }
    }
    s[len] = '\0';
    return s;
}

static void test_decide_adversarial(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *a = build_policy(p, "P_A", P_A);
    cors_policy_t *star = build_policy(p, "P_STAR", P_STAR);
    cors_policy_t *ct = build_policy(p, "P_CT", P_CT);
    struct cors_decide_want act_mal = ACT_NO(CORS_REASON_ORIGIN_MALFORMED);
    struct cors_decide_want star_ok = {.kind = CORS_KIND_ACTUAL,
                                       .allowed = 1,
                                       .reason = CORS_REASON_NONE,
                                       .env = "allowed",
                                       .allow_origin = "*",
                                       .vary = NULL};
    struct cors_decide_want pre_hmal = PRE_NO(CORS_REASON_HEADERS_MALFORMED);
    struct cors_decide_want pre_ok = {.kind = CORS_KIND_PREFLIGHT,
                                      .allowed = 1,
                                      .reason = CORS_REASON_NONE,
                                      .env = "preflight-allowed",
                                      .allow_origin = "https://a.example",
                                      .allow_methods = "POST",
                                      .allow_headers = NONNULL,
                                      .max_age = "7200",
                                      .vary = VP,
                                      .status = 204};
    cors_request_t in;
    char *huge, *acrh;
    int n;

    UNIT_BEGIN();
    if (a == NULL || star == NULL || ct == NULL) {
        UNIT_END("adversarial");
        return;
    }
    huge = unit_make_string(p, "https://", 'a', ".example", 64 * 1024);
    in = (cors_request_t){"GET", huge, NULL, NULL, NULL};
    check_decision(p, "64 KiB origin", a, &in, &act_mal);
    check_decision(p, "64 KiB origin under star", star, &in, &star_ok);

    acrh = repeated_name(p, CORS_REQUEST_HEADERS_MAX_LEN);
    in = (cors_request_t){"OPTIONS", "https://a.example", "POST", acrh, NULL};
    check_decision(p, "ACRH: x-foo repeated to 8190 bytes", ct, &in, &pre_ok);
    acrh = repeated_name(p, CORS_REQUEST_HEADERS_MAX_LEN + 1);
    in.acrh = acrh;
    check_decision(p, "ACRH: x-foo repeated to 8191 bytes", ct, &in, &pre_hmal);

    acrh = apr_pstrcat(p, "x-foo",
                       unit_make_string(p, "", ',', "",
                                        CORS_EMPTY_ELEMENTS_BUDGET + 1),
                       "x-foo", NULL);
    in.acrh = acrh;
    check_decision(p, "ACRH: empty elements at the budget", ct, &in, &pre_ok);
    acrh = apr_pstrcat(p, "x-foo",
                       unit_make_string(p, "", ',', "",
                                        CORS_EMPTY_ELEMENTS_BUDGET + 2),
                       "x-foo", NULL);
    in.acrh = acrh;
    check_decision(p, "ACRH: empty elements over the budget", ct, &in,
                   &pre_hmal);

    /* Every Origin of the origin parse table through decide. */
    for (n = 0; n < 256; n++) {
        char buf[64];
        cors_decision_t d;

        snprintf(buf, sizeof(buf), "https://a.example%c", n ? n : '/');
        in = (cors_request_t){"GET", buf, NULL, NULL, NULL};
        cors_policy_decide(p, a, &in, NULL, &d);
        check_invariants(p, apr_psprintf(p, "origin + byte 0x%02x", n), a, &in,
                         &d);
        if (d.allowed) {
            unit_fail(apr_psprintf(p, "origin + byte 0x%02x", n), "allowed",
                      "a longer origin was allowed");
        }
    }
    UNIT_END("adversarial");
}

/* Decide is pure: same answer twice, the policy untouched. */
static void test_decide_pure(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *pol = build_policy(p, "P_CRED", P_CRED);
    cors_policy_t copy;
    cors_request_t in = {"OPTIONS", "https://a.example", "GET", "x-foo", NULL};
    cors_decision_t d1, d2;

    UNIT_BEGIN();
    if (pol != NULL) {
        copy = *pol;
        cors_policy_decide(p, pol, &in, NULL, &d1);
        cors_policy_decide(p, pol, &in, NULL, &d2);
        if (memcmp(&copy, pol, sizeof(copy)) != 0) {
            unit_fail("decide is pure", "policy", "changed by decide");
        }
        unit_check_int("decide is pure", "allowed", d1.allowed, d2.allowed);
        unit_check_int("decide is pure", "reason", d1.reason, d2.reason);
        unit_check_str(p, "decide is pure", "env", d1.env, d2.env);
    }
    UNIT_END("decide is pure");
}

/*
 * Hints point at a near miss (the other scheme, "www.", the port); an
 * origin excluded on purpose is no near miss, even where its other
 * spelling is allowed (the other scheme under "*").
 */
static void test_hint_excluded(void **state)
{
    apr_pool_t *p = *state;
    static const char *const star_minus[] = {"origin *", "--",
                                             "origin -https://evil.example.net",
                                             NULL};
    static const char *const one[] = {"origin https://a.example", NULL};
    cors_policy_t *pol;

    UNIT_BEGIN();
    if ((pol = build_policy(p, "star minus evil", star_minus)) != NULL) {
        unit_check_str(p, "star minus evil", "hint", NULL,
                       cors_policy_hint(p, pol, "https://evil.example.net"));
    }
    if ((pol = build_policy(p, "one origin", one)) != NULL
        && cors_policy_hint(p, pol, "http://a.example") == NULL) {
        unit_fail("one origin", "hint", "no hint for the other scheme");
    }
    UNIT_END("hints");
}

static void test_reason_text(void **state)
{
    apr_pool_t *p = *state;
    int r, s;

    UNIT_BEGIN();
    for (r = CORS_REASON_NONE; r <= CORS_REASON_ORIGIN_EXCLUDED; r++) {
        const char *t = cors_reason_text((cors_reason_e)r);

        if (t == NULL || !*t) {
            unit_fail(reason_name(r), "text", "empty");
            continue;
        }
        for (s = CORS_REASON_NONE; s < r; s++) {
            const char *u = cors_reason_text((cors_reason_e)s);

            if (u && !strcmp(t, u)) {
                unit_fail(reason_name(r), "text", "same as %s: %s",
                          reason_name(s), unit_show(p, t));
            }
        }
    }
    UNIT_END("cors_reason_text");
}

/*
 * CORSTimingAllowOrigin (docs/behaviour.md §8): an allowed actual response
 * gets Timing-Allow-Origin with ACAO's value; refusals, preflights, Off
 * and an Off child get none.
 */
static void test_timing_allow_origin(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *exact = build_policy(p, "P_A", P_A);
    cors_policy_t *any = build_policy(p, "P_STAR", P_STAR);
    cors_policy_t *off = cors_policy_make(p);
    static const struct {
        const char *method, *origin, *acrm, *want_star, *want_exact;
    } cases[] = {
        {"GET", "https://a.example", NULL, "*", "https://a.example"},
        {"POST", "https://a.example", NULL, "*", "https://a.example"},
        {"GET", "https://evil.example", NULL, "*", NULL},
        {"GET", "HTTPS://A.EXAMPLE", NULL, "*", NULL},
        {"GET", NULL, NULL, "*", NULL},
        {"OPTIONS", "https://a.example", "GET", NULL, NULL},
    };
    apr_size_t i;

    UNIT_BEGIN();
    if (exact != NULL && any != NULL) {
        exact->timing_allow_origin = any->timing_allow_origin = 1;
        off->timing_allow_origin = 0;
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            cors_request_t in = {cases[i].method, cases[i].origin,
                                 cases[i].acrm, NULL, NULL};
            const char *desc = apr_psprintf(p, "TAO %s %s", cases[i].method,
                                            unit_show(p, cases[i].origin));
            cors_decision_t d;

            cors_policy_decide(p, exact, &in, NULL, &d);
            unit_check_str(p, desc, "exact", cases[i].want_exact,
                           d.timing_allow_origin);
            unit_check_str(p, desc, "exact = ACAO", d.allow_origin,
                           cases[i].want_exact ? d.timing_allow_origin
                                               : d.allow_origin);
            cors_policy_decide(p, any, &in, NULL, &d);
            unit_check_str(p, desc, "star", cases[i].want_star,
                           d.timing_allow_origin);
            cors_policy_decide(p, cors_policy_merge(p, exact, off), &in, NULL,
                               &d);
            unit_check_str(p, desc, "child Off", NULL, d.timing_allow_origin);
        }
        unit_check_int("TAO merge", "inherited", 1,
                       cors_policy_timing_allow_origin(
                           cors_policy_merge(p, exact, cors_policy_make(p))));
        unit_check_int("TAO default", "off", 0,
                       cors_policy_timing_allow_origin(cors_policy_make(p)));
    }
    UNIT_END("Timing-Allow-Origin");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_setters_table),
        cmocka_unit_test(test_setter_values),
        cmocka_unit_test(test_merge_fields),
        cmocka_unit_test(test_merge_set_at),
        cmocka_unit_test(test_enabled_conflict_table),
        cmocka_unit_test(test_is_empty),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_decide_table),
        cmocka_unit_test(test_decide_adversarial),
        cmocka_unit_test(test_decide_pure),
        cmocka_unit_test(test_hint_excluded),
        cmocka_unit_test(test_reason_text),
        cmocka_unit_test(test_timing_allow_origin),
    };

    return cmocka_run_group_tests_name("cors_policy", tests, unit_setup,
                                       unit_teardown);
}
