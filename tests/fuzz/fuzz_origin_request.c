/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_origin_request: a request's Origin header, as any client may send
 * it, through cors_origin_parse_request.  What is accepted must be exactly
 * what a browser serialises, so that accepting it and echoing it are the
 * same thing: scheme://host[:port] rebuilt from the parts equals the value.
 */

#include "fuzz_common.h"
#include "cors_origin.h"

static int fuzz_is_lower_visible(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !(c >= 'A' && c <= 'Z');
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *value = fuzz_cstr(p, data, size);
    apr_size_t len = strlen(value);
    cors_origin_t o;
    cors_origin_status_e st;
    apr_size_t i;

    memset(&o, 0, sizeof(o));
    st = cors_origin_parse_request(value, &o);
    FUZZ_ASSERT(st == CORS_ORIGIN_VALID || st == CORS_ORIGIN_OPAQUE
                    || st == CORS_ORIGIN_MALFORMED,
                "status in range");
    if (st == CORS_ORIGIN_OPAQUE) {
        FUZZ_ASSERT(strcmp(value, "null") == 0, "only \"null\" is opaque");
    }
    if (st != CORS_ORIGIN_VALID) {
        return;
    }
    FUZZ_ASSERT(len <= CORS_ORIGIN_MAX_LEN, "length bounded");
    for (i = 0; i < len; i++) {
        FUZZ_ASSERT(fuzz_is_lower_visible((unsigned char)value[i]),
                    "valid origin: lowercase visible ASCII only");
    }
    FUZZ_ASSERT(o.scheme == value && o.scheme_len > 0, "scheme at start");
    FUZZ_ASSERT(o.host >= value && o.host_len > 0
                    && o.host + o.host_len <= value + len,
                "host inside value");
    FUZZ_ASSERT(o.port >= 0 && o.port <= 65535, "port in range");
    if (o.port != 0) {
        FUZZ_ASSERT(o.port != cors_origin_default_port(o.scheme, o.scheme_len),
                    "default port never accepted");
    }
    {
        const char *rebuilt =
            apr_psprintf(p, "%.*s://%.*s%s", (int)o.scheme_len, o.scheme,
                         (int)o.host_len, o.host,
                         o.port ? apr_psprintf(p, ":%d", o.port) : "");

        FUZZ_ASSERT(strcmp(rebuilt, value) == 0,
                    "valid origin is its own serialisation");
    }
}
