/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_tokens: CORSAllowMethods / CORSAllowHeaders / CORSExposeHeaders
 * values through cors_tokens_add, then lookups with cors_tokens_has.
 *
 * Input, one item per line:
 *   line 1   method values, space-separated
 *   line 2   header-name values, space-separated
 *   rest     names looked up in both lists
 *
 * A value is accepted exactly when it is a token or "*"; an accepted name
 * is found again (header names in any case); the joined list, sent as a
 * header, is clean.
 */

#include "fuzz_common.h"
#include "cors_tokens.h"

#define FUZZ_MAX_LINES 16

static void fuzz_upper(char *s)
{
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z') {
            *s = (char)(*s - 'a' + 'A');
        }
    }
}

static cors_tokens_t *fuzz_list(apr_pool_t *p, cors_tokens_kind_e kind,
                                const char *line)
{
    cors_tokens_t *t = cors_tokens_make(p, kind);
    char *copy, *last, *v;

    if (line == NULL) {
        return t;
    }
    copy = apr_pstrdup(p, line);
    for (v = apr_strtok(copy, " ", &last); v != NULL;
         v = apr_strtok(NULL, " ", &last)) {
        const cors_problem_t *err = cors_tokens_add(p, t, v);
        int star = strcmp(v, "*") == 0;
        int token = cors_is_token(v, strlen(v));

        fuzz_check_problem(err, 0);
        FUZZ_ASSERT((err == NULL) == (token || star),
                    "accepted exactly when a token or *");
        if (err == NULL && !star) {
            char *up = apr_pstrdup(p, v);

            FUZZ_ASSERT(cors_tokens_has(t, v, strlen(v)),
                        "an added name is found");
            fuzz_upper(up);
            if (kind == CORS_TOKENS_HEADERS) {
                FUZZ_ASSERT(cors_tokens_has(t, up, strlen(up)),
                            "header names are case-insensitive");
            }
        }
        if (err == NULL && star) {
            FUZZ_ASSERT(t->any, "* sets any");
        }
    }
    fuzz_check_header_value("joined", t->joined);
    return t;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    cors_tokens_t *m = fuzz_list(p, CORS_TOKENS_METHODS, lines[0]);
    cors_tokens_t *h = fuzz_list(p, CORS_TOKENS_HEADERS,
                                 n > 1 ? lines[1] : NULL);
    int i;

    for (i = 2; i < n; i++) {
        apr_size_t len;

        if (lines[i] == NULL) {
            continue;
        }
        len = strlen(lines[i]);
        (void)cors_is_token(lines[i], len);
        if (cors_tokens_has(m, lines[i], len)) {
            FUZZ_ASSERT(cors_is_token(lines[i], len),
                        "only tokens are in a method list");
        }
        if (cors_tokens_has(h, lines[i], len)) {
            FUZZ_ASSERT(cors_is_token(lines[i], len),
                        "only tokens are in a header list");
        }
    }
}
