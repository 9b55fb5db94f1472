/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_request_headers: Access-Control-Request-Headers as any client may
 * send it, through cors_request_headers_parse.  Every name that comes out
 * is a lowercase RFC 9110 token (it may be echoed in
 * Access-Control-Allow-Headers), and there are never more names than
 * bytes.
 */

#include "fuzz_common.h"
#include "cors_tokens.h"

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *value = fuzz_cstr(p, data, size);
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    cors_list_status_e st;
    int i;

    st = cors_request_headers_parse(p, value, names);
    FUZZ_ASSERT(st == CORS_LIST_OK || st == CORS_LIST_MALFORMED,
                "status in range");
    if (st != CORS_LIST_OK) {
        return;
    }
    FUZZ_ASSERT((size_t)names->nelts <= strlen(value), "names <= bytes");
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        const char *q;

        FUZZ_ASSERT(n != NULL && cors_is_token(n, strlen(n)),
                    "every name is a token");
        for (q = n; *q; q++) {
            FUZZ_ASSERT(!(*q >= 'A' && *q <= 'Z'), "names are lowercase");
        }
    }
    fuzz_check_header_value("Access-Control-Allow-Headers",
                            cors_list_join(p, names));
}
