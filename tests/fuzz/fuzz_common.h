/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_common.h: what the libFuzzer harnesses of src/ share.  One APR pool
 * for the whole run, cleared before every input, so that a leak or an
 * overrun inside one input is ASan's to find and memory stays flat; and
 * the invariants every produced header value must satisfy.
 */

#ifndef CORS_FUZZ_COMMON_H
#define CORS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include <apr_tables.h>

#include "cors.h"

#if defined(__GNUC__)
#define FUZZ_UNUSED __attribute__((unused))
#else
#define FUZZ_UNUSED
#endif

static apr_pool_t *fuzz_root_pool;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What each harness defines: one input, everything allocated from p. */
static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&fuzz_root_pool, NULL) != APR_SUCCESS) {
        abort();
    }
    return 0;
}

/*
 * The pool is cleared after each input, not before the next: Debian's APR
 * allocates pool memory with mmap, which LeakSanitizer does not scan, so
 * anything malloc'ed that only pool memory points to (PCRE2's compiled
 * code, freed by a pool cleanup) would look leaked between inputs.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(fuzz_root_pool, data, size);
    apr_pool_clear(fuzz_root_pool);
    return 0;
}

/* An invariant does not hold: say which, and crash so libFuzzer saves it. */
#define FUZZ_ASSERT(cond, what)                                                \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d): %s\n", what,   \
                    __FILE__, __LINE__, #cond);                                \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* data as a C string (ends at its first NUL, like a header value does). */
FUZZ_UNUSED
static char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t size)
{
    return apr_pstrmemdup(p, (const char *)data, size);
}

/*
 * Split data at '\n' into at most max C strings (the last one keeps the
 * rest, newlines included); returns how many.  A line "~" stands for
 * NULL, so that "header absent" can be spelled.
 */
FUZZ_UNUSED
static int fuzz_lines(apr_pool_t *p, const uint8_t *data, size_t size,
                      const char **out, int max)
{
    int n = 0;
    size_t start = 0;

    while (n < max) {
        const uint8_t *nl = n < max - 1
                                ? memchr(data + start, '\n', size - start)
                                : NULL;
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        char *s = apr_pstrmemdup(p, (const char *)data + start, end - start);

        out[n++] = strcmp(s, "~") == 0 ? NULL : s;
        if (nl == NULL) {
            break;
        }
        start = end + 1;
    }
    return n;
}

/*
 * A value that will be sent as a response header: no byte that could end
 * or split a header line (CR, LF, NUL is implied by C strings), nor any
 * other control byte or DEL, and not absurdly long.
 */
FUZZ_UNUSED
static void fuzz_check_header_value(const char *name, const char *v)
{
    const unsigned char *q;

    if (v == NULL) {
        return;
    }
    for (q = (const unsigned char *)v; *q; q++) {
        if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
            fprintf(stderr,
                    "fuzz invariant failed: control byte 0x%02x in "
                    "header value %s\n",
                    *q, name);
            abort();
        }
    }
}

/* A message that ends up in the error log: a readable C string. */
FUZZ_UNUSED
static void fuzz_check_message(const char *m)
{
    if (m != NULL) {
        FUZZ_ASSERT(strlen(m) < 1024 * 1024, "message length");
    }
}

/*
 * A problem the engine returned: a kind it declares, the value it names
 * set (the glue quotes it), and errors and warnings where each belongs.
 */
FUZZ_UNUSED
static void fuzz_check_problem(const cors_problem_t *pr, int warning)
{
    if (pr == NULL) {
        return;
    }
    FUZZ_ASSERT(strcmp(cors_problem_name(pr->kind), "unknown") != 0
                    && pr->kind != CORS_PROBLEM_NONE,
                "a declared kind");
    FUZZ_ASSERT(pr->value != NULL, "the value is named");
    FUZZ_ASSERT(cors_problem_is_warning(pr->kind) == warning,
                "errors and warnings returned where each belongs");
    fuzz_check_message(pr->value);
    fuzz_check_message(pr->hint);
    fuzz_check_message(pr->detail);
}

#endif /* CORS_FUZZ_COMMON_H */
