/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * repro_regex_backtracking: a CORSAllowOriginMatch pattern with a nested
 * quantifier, such as ^https://(\w+\.?)+\.example\.org$ (a plausible "any
 * subdomain" pattern), costs every request up to PCRE2's default match
 * limit (10 million steps, about 100 ms of a worker's CPU) when a client
 * sends a valid Origin that holds the required literal but fails just
 * before it: https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-.example.org.
 *
 * Exits 1 while cors_regex_match takes longer than BOUND_MS on it; a
 * match limit of, say, 100,000 steps set on a match context created with
 * the compiled pattern brings it well under a millisecond.
 *
 *   cc -O2 -Isrc $(pkg-config --cflags apr-1 libpcre2-8 libpsl) \
 *      tests/fuzz/repro_regex_backtracking.c src/*.c \
 *      -lapr-1 -lpcre2-8 -lpsl -o build/repro && build/repro
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>

#include "cors_origin.h"

#define BOUND_MS 10.0

int main(void)
{
    static const char pattern[] = "^https://(\\w+\\.?)+\\.example\\.org$";
    static const char origin[] =
        "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-.example.org";
    apr_pool_t *p;
    cors_regex_t *re;
    const cors_problem_t *warning, *err;
    struct timespec t0, t1;
    double ms;
    int matched;

    apr_initialize();
    apr_pool_create(&p, NULL);
    err = cors_regex_compile(p, pattern, &re, &warning);
    if (err != NULL) {
        fprintf(stderr, "refused at configuration time: %s\n",
                cors_problem_name(err->kind));
        return 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    matched = cors_regex_match(re, origin, strlen(origin), p);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("%s against %s: %s in %.2f ms (bound %.0f ms)\n", pattern, origin,
           matched ? "match" : "no match", ms, BOUND_MS);
    return matched || ms > BOUND_MS;
}
