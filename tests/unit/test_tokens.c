/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * test_tokens.c: unit tests of src/cors_tokens.h, walking the tables of
 * cases_tokens.h plus cases generated from the exported limits.
 */

#include "unit_util.h"
#include "cors_tokens.h"
#include "cases_tokens.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_is_token_table(void **state)
{
    apr_size_t i;

    (void)state;
    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_token_cases); i++) {
        const struct cors_token_case *c = &cors_token_cases[i];

        unit_check_int(c->desc, "is_token", c->token,
                       cors_is_token(c->s, c->len) != 0);
    }
    UNIT_END("cors_token_cases");
}

/* Every byte on its own: exactly the RFC 9110 tchar set is a token. */
static void test_is_token_byte_sweep(void **state)
{
    apr_pool_t *p = *state;
    int c;

    UNIT_BEGIN();
    for (c = 0; c < 256; c++) {
        char s[1];
        int want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                   || (c >= '0' && c <= '9')
                   || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);

        s[0] = (char)c;
        unit_check_int(apr_psprintf(p, "byte 0x%02x", c), "is_token", want,
                       cors_is_token(s, 1) != 0);
    }
    UNIT_END("tchar sweep");
}

static void test_tokens_add_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;
    int v;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_tokens_add_cases); i++) {
        const struct cors_tokens_add_case *c = &cors_tokens_add_cases[i];
        cors_tokens_t *t = cors_tokens_make(p, c->kind);
        const cors_problem_t *err = NULL;

        if (t == NULL) {
            unit_fail(c->desc, "make", "NULL");
            continue;
        }
        unit_check_int(c->desc, "kind", (int)c->kind, (int)t->kind);
        for (v = 0; v < CORS_CASE_MAX_TOKENS && c->values[v]; v++) {
            err = cors_tokens_add(p, t, c->values[v]);
            if (err != NULL) {
                break;
            }
        }
        if (c->ok && err != NULL) {
            unit_fail(c->desc, "add", "expected success, got %s",
                      unit_problem(p, err));
            continue;
        }
        if (!c->ok) {
            if (err == NULL) {
                unit_fail(c->desc, "add", "expected an error");
            }
            else {
                unit_check_problem(p, c->desc, "add",
                                   strchr(c->values[v], ',') != NULL
                                       ? CORS_ERR_COMMA
                                       : CORS_ERR_TOKEN,
                                   c->values[v], NULL, err);
                unit_check_str(p, c->desc, "detail",
                               c->kind == CORS_TOKENS_METHODS ? "method"
                                                              : "header name",
                               err->detail);
            }
            continue;
        }
        unit_check_int(c->desc, "any", c->any, t->any != 0);
        unit_check_str(p, c->desc, "joined", c->joined, t->joined);
        for (v = 0; v < CORS_CASE_MAX_TOKENS && c->has[v]; v++) {
            if (!cors_tokens_has(t, c->has[v], strlen(c->has[v]))) {
                unit_fail(c->desc, "has", "expected %s listed", c->has[v]);
            }
        }
        for (v = 0; v < CORS_CASE_MAX_TOKENS && c->hasnt[v]; v++) {
            if (cors_tokens_has(t, c->hasnt[v], strlen(c->hasnt[v]))) {
                unit_fail(c->desc, "has", "expected %s not listed",
                          c->hasnt[v]);
            }
        }
        if (t->names != NULL && t->names->nelts > 0 && !t->any) {
            /* joined is names joined, as cors_list_join would. */
            unit_check_str(p, c->desc, "joined = join(names)",
                           cors_list_join(p, t->names), t->joined);
        }
    }
    UNIT_END("cors_tokens_add_cases");
}

static void test_method_check_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_method_check_cases); i++) {
        const struct cors_method_check_case *c = &cors_method_check_cases[i];
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err = cors_method_check(p, c->value, &warning);

        unit_check_problem(p, c->desc, "error",
                           c->outcome == M_REFUSED ? CORS_ERR_METHOD_CASE
                                                   : CORS_PROBLEM_NONE,
                           c->value, c->suggest, err);
        unit_check_problem(p, c->desc, "warning",
                           c->outcome == M_WARNS ? CORS_WARN_METHOD_UNKNOWN
                                                 : CORS_PROBLEM_NONE,
                           c->value, c->suggest, warning);
    }
    UNIT_END("cors_method_check_cases");
}

/* cors_tokens_has looks at len bytes only, and "*" is not applied. */
static void test_tokens_has_details(void **state)
{
    apr_pool_t *p = *state;
    cors_tokens_t *m = cors_tokens_make(p, CORS_TOKENS_METHODS);
    cors_tokens_t *h = cors_tokens_make(p, CORS_TOKENS_HEADERS);

    UNIT_BEGIN();
    if (cors_tokens_add(p, m, "PUT") || cors_tokens_add(p, h, "x-foo")
        || cors_tokens_add(p, h, "*")) {
        unit_fail("has details", "setup", "refused");
    }
    unit_check_int("has: PUT within PUTX, len 3", "has", 1,
                   cors_tokens_has(m, "PUTX", 3) != 0);
    unit_check_int("has: PU, len 2", "has", 0,
                   cors_tokens_has(m, "PUT", 2) != 0);
    unit_check_int("has: x-foo within x-foo,y", "has", 1,
                   cors_tokens_has(h, "x-foo,y", 5) != 0);
    unit_check_int("has: star not applied", "has", 0,
                   cors_tokens_has(h, "x-bar", 5) != 0);
    unit_check_int("has: star given sets any", "any", 1, h->any != 0);
    unit_check_int("has: empty", "has", 0, cors_tokens_has(m, "", 0) != 0);
    UNIT_END("cors_tokens_has details");
}

static void test_list_join(void **state)
{
    apr_pool_t *p = *state;
    static const struct {
        const char *desc;
        const char *names[4];
        const char *joined;
    } cases[] = {
        {"one", {"x-foo"}, "x-foo"},
        {"two", {"x-foo", "X-Bar"}, "x-foo, X-Bar"},
        {"three", {"GET", "PUT", "PATCH"}, "GET, PUT, PATCH"},
        {"empty name kept", {"a", "", "b"}, "a, , b"},
    };
    apr_size_t i;
    int n;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cases); i++) {
        apr_array_header_t *arr = apr_array_make(p, 1, sizeof(const char *));

        for (n = 0; n < 4 && cases[i].names[n]; n++) {
            APR_ARRAY_PUSH(arr, const char *) = cases[i].names[n];
        }
        unit_check_str(p, cases[i].desc, "joined", cases[i].joined,
                       cors_list_join(p, arr));
    }
    {
        /* Large: 4,095 names joined in one pass to 4,095 * 7 - 2 bytes. */
        apr_array_header_t *arr = apr_array_make(p, 1, sizeof(const char *));
        const char *j;

        for (n = 0; n < 4095; n++) {
            APR_ARRAY_PUSH(arr, const char *) = "x-foo";
        }
        j = cors_list_join(p, arr);
        unit_check_int("4,095 names", "length", 4095 * 7 - 2,
                       j ? (int)strlen(j) : -1);
    }
    UNIT_END("cors_list_join");
}

static void check_acrh(apr_pool_t *p, const char *desc, const char *value,
                       cors_list_status_e want, int nnames,
                       const char *const names[CORS_CASE_MAX_NAMES])
{
    apr_array_header_t *arr = apr_array_make(p, 4, sizeof(const char *));
    cors_list_status_e got;
    int i;

    got = cors_request_headers_parse(p, value, arr);
    if (!unit_check_int(desc, "status", (int)want, (int)got)) {
        return;
    }
    if (got != CORS_LIST_OK || nnames < 0) {
        return;
    }
    if (!unit_check_int(desc, "count", nnames, arr->nelts)) {
        return;
    }
    for (i = 0; names && i < nnames && i < CORS_CASE_MAX_NAMES; i++) {
        unit_check_str(p, desc, apr_psprintf(p, "name[%d]", i), names[i],
                       APR_ARRAY_IDX(arr, i, const char *));
    }
}

static void test_acrh_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(cors_acrh_cases); i++) {
        const struct cors_acrh_case *c = &cors_acrh_cases[i];

        check_acrh(p, c->desc, c->value, c->status, c->nnames, c->names);
    }
    UNIT_END("cors_acrh_cases");
}

/* The input is not modified (httpd's headers_in must stay intact). */
static void test_acrh_input_intact(void **state)
{
    apr_pool_t *p = *state;
    char buf[] = " X-Foo ,Content-Type";
    apr_array_header_t *arr = apr_array_make(p, 4, sizeof(const char *));

    UNIT_BEGIN();
    (void)cors_request_headers_parse(p, buf, arr);
    unit_check_str(p, "input intact", "value", " X-Foo ,Content-Type", buf);
    UNIT_END("ACRH input intact");
}

/*
 * A list of exactly len bytes: "x-foo," repeated, the last name padded
 * with 'a' to the length.  Returns the number of names in *n.
 */
static char *acrh_of_len(apr_pool_t *p, apr_size_t len, int *n)
{
    char *s = apr_palloc(p, len + 1);
    apr_size_t off = 0;

    *n = 0;
    while (len - off > 12) {
        memcpy(s + off, "x-foo,", 6);
        off += 6;
        (*n)++;
    }
    memset(s + off, 'a', len - off);
    (*n)++;
    s[len] = '\0';
    return s;
}

static void test_acrh_limits(void **state)
{
    apr_pool_t *p = *state;
    char *v;
    int n, i;
    apr_size_t off;

    UNIT_BEGIN();
    v = acrh_of_len(p, CORS_REQUEST_HEADERS_MAX_LEN, &n);
    check_acrh(p, "exactly CORS_REQUEST_HEADERS_MAX_LEN bytes", v, CORS_LIST_OK,
               n, NULL);
    v = acrh_of_len(p, CORS_REQUEST_HEADERS_MAX_LEN + 1, &n);
    check_acrh(p, "CORS_REQUEST_HEADERS_MAX_LEN + 1 bytes", v,
               CORS_LIST_MALFORMED, -1, NULL);

    /* One name of MAX_LEN bytes, and of MAX_LEN + 1. */
    v = unit_make_string(p, "", 'a', "", CORS_REQUEST_HEADERS_MAX_LEN);
    check_acrh(p, "one name of MAX_LEN bytes", v, CORS_LIST_OK, 1, NULL);
    v = unit_make_string(p, "", 'a', "", CORS_REQUEST_HEADERS_MAX_LEN + 1);
    check_acrh(p, "one name of MAX_LEN + 1 bytes", v, CORS_LIST_MALFORMED, -1,
               NULL);

    /* 10,000 short names are 19,999 bytes: over the limit. */
    v = apr_palloc(p, 10000 * 2);
    for (i = 0, off = 0; i < 10000; i++) {
        v[off++] = 'a';
        v[off++] = ',';
    }
    v[off - 1] = '\0';
    check_acrh(p, "10,000 names (19,999 bytes)", v, CORS_LIST_MALFORMED, -1,
               NULL);

    /* 4,095 names fit in 8,189 bytes. */
    v[4095 * 2 - 1] = '\0';
    check_acrh(p, "4,095 names (8,189 bytes)", v, CORS_LIST_OK, 4095, NULL);

    /* Budgets derived from the exported constants. */
    v = apr_pstrcat(p, "a,", unit_make_string(p, "", ' ', "", CORS_OWS_BUDGET),
                    "b", NULL);
    check_acrh(p, "CORS_OWS_BUDGET spaces", v, CORS_LIST_OK, 2, NULL);
    v = apr_pstrcat(p, "a,",
                    unit_make_string(p, "", ' ', "", CORS_OWS_BUDGET + 1), "b",
                    NULL);
    check_acrh(p, "CORS_OWS_BUDGET + 1 spaces", v, CORS_LIST_MALFORMED, -1,
               NULL);
    v = apr_pstrcat(p, "a",
                    unit_make_string(p, "", ',', "",
                                     CORS_EMPTY_ELEMENTS_BUDGET + 1),
                    "b", NULL);
    check_acrh(p, "CORS_EMPTY_ELEMENTS_BUDGET empty elements", v, CORS_LIST_OK,
               2, NULL);
    v = apr_pstrcat(p, "a",
                    unit_make_string(p, "", ',', "",
                                     CORS_EMPTY_ELEMENTS_BUDGET + 2),
                    "b", NULL);
    check_acrh(p, "CORS_EMPTY_ELEMENTS_BUDGET + 1 empty elements", v,
               CORS_LIST_MALFORMED, -1, NULL);
    /* The whole value is hostile: a string of commas only. */
    v = unit_make_string(p, "", ',', "", CORS_REQUEST_HEADERS_MAX_LEN);
    check_acrh(p, "8190 commas", v, CORS_LIST_MALFORMED, -1, NULL);
    UNIT_END("ACRH limits");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_token_table),
        cmocka_unit_test(test_is_token_byte_sweep),
        cmocka_unit_test(test_tokens_add_table),
        cmocka_unit_test(test_method_check_table),
        cmocka_unit_test(test_tokens_has_details),
        cmocka_unit_test(test_list_join),
        cmocka_unit_test(test_acrh_table),
        cmocka_unit_test(test_acrh_input_intact),
        cmocka_unit_test(test_acrh_limits),
    };

    return cmocka_run_group_tests_name("cors_tokens", tests, unit_setup,
                                       unit_teardown);
}
