/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_list: an origin list file (CORSAllowOriginFile) as anyone able to
 * write it may have left it, then request Origins matched against it.
 *
 * Input: the file's bytes up to a line "==" (or all of it), then request
 * Origin values, one per line.  The file is parsed from the buffer as it
 * is, NUL bytes and all, exactly as a reload reads it.
 */

#include "fuzz_common.h"
#include "cors_list.h"

#define FUZZ_MAX_LINES 16

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *sep = NULL;
    const cors_origins_t *o = NULL;
    apr_size_t count = 0, len = size, newlines = 0, i;
    cors_list_error_t err;
    apr_status_t rv;

    for (i = 0; i + 3 <= size; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "==", 2) == 0
            && (i + 2 == size || text[i + 2] == '\n')) {
            sep = text + i;
            len = i;
            break;
        }
    }
    for (i = 0; i < len; i++) {
        newlines += text[i] == '\n';
    }
    rv = cors_list_parse(p, text, len, &o, &count, &err);
    if (rv != APR_SUCCESS) {
        /* The error names a line of the file, in a bounded message. */
        FUZZ_ASSERT(err.code == CORS_LIST_ERR_VALUE, "parse error code");
        FUZZ_ASSERT(err.line >= 1 && err.line <= newlines + 1, "error line");
        FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL,
                    "message terminated");
        return;
    }
    FUZZ_ASSERT(count <= newlines + 1, "at most one value a line");
    FUZZ_ASSERT(!cors_origins_allow_any(o) && !cors_origins_allow_null(o),
                "a list never holds * or null");
    FUZZ_ASSERT(!(cors_origins_public_suffix_wildcard(o) != NULL),
                "a list never holds a public-suffix wildcard");
    FUZZ_ASSERT(count == 0 || cors_origins_any_listed(o), "listed");
    if (sep != NULL) {
        const char *lines[FUZZ_MAX_LINES] = {NULL};
        apr_size_t rest = size - (sep - text) - 2;
        int n = fuzz_lines(p, (const uint8_t *)sep + 2, rest, lines,
                           FUZZ_MAX_LINES);
        int j;

        for (j = 0; j < n; j++) {
            cors_origin_t origin;

            if (lines[j] != NULL
                && cors_origin_parse_request(lines[j], &origin)
                       == CORS_ORIGIN_VALID) {
                (void)cors_origins_match(o, lines[j], &origin);
            }
        }
    }
}
