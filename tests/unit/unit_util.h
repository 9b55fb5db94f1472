/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * unit_util.h: what the table-driven unit tests share.  A table is walked
 * in full and every mismatch is printed with the case's desc, the field,
 * the expected and the actual value, so one run shows every disagreement
 * instead of stopping at the first (cmocka's assert_* would).
 */

#ifndef CORS_UNIT_UTIL_H
#define CORS_UNIT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors.h"

#if defined(__GNUC__)
#define UNIT_UNUSED __attribute__((unused))
#else
#define UNIT_UNUSED
#endif

/*
 * Sentinels for expected string fields: "any value, not checked" (where
 * neither docs/behaviour.md nor the header says what it must be) and "any
 * value but NULL".  Compared by address, never by content.
 */
UNIT_UNUSED static const char unit_nocheck[] = "<not checked>";
UNIT_UNUSED static const char unit_nonnull[] = "<any non-NULL>";
#define NOCHECK unit_nocheck
#define NONNULL unit_nonnull

/* Expected int fields that are not checked. */
#define NOCHECK_INT (-999)

UNIT_UNUSED static int unit_failures;

UNIT_UNUSED
static void unit_fail(const char *desc, const char *field, const char *fmt,
                      ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

UNIT_UNUSED
static void unit_fail(const char *desc, const char *field, const char *fmt,
                      ...)
{
    va_list ap;

    fprintf(stderr, "FAIL [%s] %s: ", desc, field);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    unit_failures++;
}

/* A printable form of a possibly hostile or NULL string, for messages. */
UNIT_UNUSED
static const char *unit_show(apr_pool_t *p, const char *s)
{
    apr_size_t i, len;
    char *out, *o;

    if (s == NULL) {
        return "NULL";
    }
    if (s == unit_nocheck || s == unit_nonnull) {
        return s;
    }
    len = strlen(s);
    if (len > 160) {
        return apr_psprintf(p, "\"%.60s...\" (%" APR_SIZE_T_FMT " bytes)",
                            s, len);
    }
    out = o = apr_palloc(p, len * 4 + 3);
    *o++ = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            o += sprintf(o, "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Compare one string field; returns 1 when it is as expected. */
UNIT_UNUSED
static int unit_check_str(apr_pool_t *p, const char *desc, const char *field,
                          const char *want, const char *got)
{
    if (want == unit_nocheck) {
        return 1;
    }
    if (want == unit_nonnull) {
        if (got != NULL) {
            return 1;
        }
    }
    else if (want == NULL && got == NULL) {
        return 1;
    }
    else if (want != NULL && got != NULL && strcmp(want, got) == 0) {
        return 1;
    }
    unit_fail(desc, field, "expected %s, got %s", unit_show(p, want),
              unit_show(p, got));
    return 0;
}

/* Same, ignoring ASCII case (header names are case-insensitive). */
UNIT_UNUSED
static int unit_check_istr(apr_pool_t *p, const char *desc,
                           const char *field, const char *want,
                           const char *got)
{
    if (want != NULL && want != unit_nocheck && want != unit_nonnull
        && got != NULL && strcasecmp(want, got) == 0) {
        return 1;
    }
    return unit_check_str(p, desc, field, want, got);
}

UNIT_UNUSED
static int unit_check_int(const char *desc, const char *field, int want,
                          int got)
{
    if (want == NOCHECK_INT || want == got) {
        return 1;
    }
    unit_fail(desc, field, "expected %d, got %d", want, got);
    return 0;
}

/* A problem as "KIND 'value' (hint 'h')", or "NULL", for messages. */
UNIT_UNUSED
static const char *unit_problem(apr_pool_t *p, const cors_problem_t *pr)
{
    if (pr == NULL) {
        return "NULL";
    }
    return apr_psprintf(p, "%s %s (hint %s)", cors_problem_name(pr->kind),
                        unit_show(p, pr->value), unit_show(p, pr->hint));
}

/*
 * Compare an engine problem (NULL: none) with the kind expected
 * (CORS_PROBLEM_NONE: none), the value it must name (NOCHECK: any) and its
 * hint (NOCHECK: any; NULL: none).  Returns 1 when all agree.
 */
UNIT_UNUSED
static int unit_check_problem(apr_pool_t *p, const char *desc,
                              const char *field, int kind, const char *value,
                              const char *hint, const cors_problem_t *got)
{
    int got_kind = got != NULL ? (int)got->kind : CORS_PROBLEM_NONE;

    if (kind != got_kind) {
        unit_fail(desc, field, "expected %s, got %s (value %s)",
                  cors_problem_name((cors_problem_e)kind),
                  cors_problem_name((cors_problem_e)got_kind),
                  unit_show(p, got != NULL ? got->value : NULL));
        return 0;
    }
    if (got == NULL) {
        return 1;
    }
    return unit_check_str(p, desc, apr_pstrcat(p, field, ".value", NULL),
                          value, got->value)
           && unit_check_str(p, desc, apr_pstrcat(p, field, ".hint", NULL),
                             hint, got->hint);
}

/* Whether msg contains needle, ignoring ASCII case. */
UNIT_UNUSED
static int unit_contains_i(const char *msg, const char *needle)
{
    apr_size_t n = strlen(needle);

    for (; msg != NULL && *msg; msg++) {
        if (strncasecmp(msg, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Number of (possibly overlapping) occurrences of needle in s. */
UNIT_UNUSED
static int unit_count(const char *s, const char *needle)
{
    int n = 0;
    const char *q;

    if (s == NULL || !*needle) {
        return 0;
    }
    for (q = strstr(s, needle); q != NULL; q = strstr(q + 1, needle)) {
        n++;
    }
    return n;
}

/* A string of len bytes: prefix, then fill repeated, then suffix. */
UNIT_UNUSED
static char *unit_make_string(apr_pool_t *p, const char *prefix, char fill,
                              const char *suffix, apr_size_t len)
{
    apr_size_t pl = strlen(prefix), sl = strlen(suffix);
    char *s = apr_palloc(p, len + 1);

    memcpy(s, prefix, pl);
    memset(s + pl, fill, len - pl - sl);
    memcpy(s + len - sl, suffix, sl);
    s[len] = '\0';
    return s;
}

/* cmocka group setup/teardown: one APR pool per test executable. */
UNIT_UNUSED
static int unit_setup(void **state)
{
    apr_pool_t *p;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return -1;
    }
    *state = p;
    return 0;
}

UNIT_UNUSED
static int unit_teardown(void **state)
{
    apr_pool_destroy((apr_pool_t *)*state);
    apr_terminate();
    return 0;
}

/* Start a table: forget earlier failures; end it: fail the test if any. */
#define UNIT_BEGIN() (unit_failures = 0)
#define UNIT_END(what)                                                    \
    do {                                                                  \
        if (unit_failures) {                                              \
            fail_msg("%d mismatch(es) in %s (details above)",            \
                     unit_failures, what);                                \
        }                                                                 \
    } while (0)

#endif /* CORS_UNIT_UTIL_H */
