/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_regex: CORSAllowOriginMatch patterns through cors_regex_compile,
 * then values through cors_regex_match.
 *
 * Input, one item per line:
 *   line 1   the pattern (at most FUZZ_MAX_PATTERN bytes: the harness
 *            explores the anchoring check and PCRE2's compiler, not how
 *            long PCRE2 takes on a megabyte of pattern)
 *   rest     values matched against it (at most CORS_ORIGIN_MAX_LEN
 *            bytes, the longest Origin that reaches a regex)
 *
 * An accepted pattern starts with ^ and ends with $ and keeps its source;
 * a match reads only the len bytes it is given (the value is copied into a
 * buffer of exactly that size, without a NUL, so ASan sees any overread).
 */

#include "fuzz_common.h"
#include "cors_origin.h"

#define FUZZ_MAX_LINES 16
#define FUZZ_MAX_PATTERN 512

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    cors_regex_t *re = NULL;
    const cors_problem_t *warning = NULL, *err;
    apr_size_t plen;
    int i;

    if (lines[0] == NULL || (plen = strlen(lines[0])) > FUZZ_MAX_PATTERN) {
        return;
    }
    err = cors_regex_compile(p, lines[0], &re, &warning);
    fuzz_check_problem(err, 0);
    fuzz_check_problem(warning, 1);
    if (err != NULL) {
        return;
    }
    FUZZ_ASSERT(re != NULL, "compiled");
    FUZZ_ASSERT(plen >= 2 && lines[0][0] == '^' && lines[0][plen - 1] == '$',
                "accepted patterns are anchored");
    FUZZ_ASSERT(strcmp(cors_regex_source(re), lines[0]) == 0, "source kept");
    for (i = 1; i < n; i++) {
        apr_size_t len;

        if (lines[i] == NULL
            || (len = strlen(lines[i])) > CORS_ORIGIN_MAX_LEN) {
            continue;
        }
        {
            char *exact = malloc(len ? len : 1);

            memcpy(exact, lines[i], len);
            (void)cors_regex_match(re, exact, len, p);
            free(exact);
        }
    }
}
