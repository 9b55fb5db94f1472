/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * gen_seeds: write the seed corpus of every harness from the unit tests'
 * case tables (tests/unit/cases_*.h), so that the fuzzers start from every
 * case a human thought of and stay in step with the tables.
 *
 *   gen_seeds OUTDIR     writes OUTDIR/<harness>/<n>.seed
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cases_origin.h"
#include "cases_tokens.h"
#include "cases_policy.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *outdir;

static void seed(const char *harness, const char *data, size_t len)
{
    static unsigned long count;
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", outdir, harness);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s/table-%05lu.seed", outdir, harness,
             ++count);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void seed_str(const char *harness, const char *s)
{
    seed(harness, s, strlen(s));
}

/* A growing text buffer, for seeds of several lines. */
struct buf {
    char data[16384];
    size_t len;
};

static void put(struct buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 1;

    if (b->len + n + 1 < sizeof(b->data)) {
        memcpy(b->data + b->len, s ? s : "~", n);
        b->len += n;
    }
}

static void line(struct buf *b, const char *s)
{
    put(b, s);
    put(b, "\n");
}

static void values_line(struct buf *b, const char *const *v, size_t max)
{
    size_t i;

    for (i = 0; i < max && v[i] != NULL; i++) {
        if (i) {
            put(b, " ");
        }
        put(b, v[i]);
    }
    put(b, "\n");
}

static void origin_seeds(void)
{
    size_t i, j;

    for (i = 0; i < N_ELEMS(cors_origin_parse_cases); i++) {
        const struct cors_origin_parse_case *c = &cors_origin_parse_cases[i];

        if (c->value == NULL) {
            continue;
        }
        seed("fuzz_origin_request", c->value,
             c->buflen ? c->buflen : strlen(c->value));
    }
    for (i = 0; i < N_ELEMS(cors_origin_add_cases); i++) {
        const struct cors_origin_add_case *c = &cors_origin_add_cases[i];
        struct buf b = {.len = 0};

        put(&b, c->credentials ? "C " : "");
        line(&b, c->value);
        line(&b, "");
        seed("fuzz_origin_config", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_origin_match_cases); i++) {
        const struct cors_origin_match_case *c = &cors_origin_match_cases[i];
        struct buf b = {.len = 0};

        values_line(&b, c->config, CORS_CASE_MAX_VALUES);
        line(&b, "");
        line(&b, c->request);
        seed("fuzz_origin_config", b.data, b.len);
        /* the same values as a list file, one a line, then the request */
        b.len = 0;
        for (j = 0; j < CORS_CASE_MAX_VALUES && c->config[j]; j++) {
            line(&b, c->config[j]);
        }
        line(&b, "==");
        line(&b, c->request);
        seed("fuzz_list", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_origin_merge_cases); i++) {
        const struct cors_origin_merge_case *c = &cors_origin_merge_cases[i];
        struct buf b = {.len = 0};

        values_line(&b, c->levels[0], CORS_CASE_MAX_VALUES);
        values_line(&b, c->levels[1], CORS_CASE_MAX_VALUES);
        for (j = 0; j < CORS_CASE_MAX_VALUES && c->yes[j]; j++) {
            line(&b, c->yes[j]);
        }
        for (j = 0; j < CORS_CASE_MAX_VALUES && c->no[j]; j++) {
            line(&b, c->no[j]);
        }
        seed("fuzz_origin_config", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_regex_cases); i++) {
        const struct cors_regex_case *c = &cors_regex_cases[i];
        struct buf b = {.len = 0};

        line(&b, c->pattern);
        for (j = 0; j < CORS_CASE_MAX_VALUES && c->yes[j]; j++) {
            line(&b, c->yes[j]);
        }
        for (j = 0; j < CORS_CASE_MAX_VALUES && c->no[j]; j++) {
            line(&b, c->no[j]);
        }
        seed("fuzz_regex", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_regex_dot_cases); i++) {
        struct buf b = {.len = 0};

        line(&b, cors_regex_dot_cases[i].pattern);
        seed("fuzz_regex", b.data, b.len);
    }
    {
        struct buf b = {.len = 0};

        line(&b, CORS_REGEX_SNEAKY);
        line(&b, CORS_REGEX_SNEAKY_VICTIM);
        seed("fuzz_regex", b.data, b.len);
    }
}

static void token_seeds(void)
{
    size_t i, j;

    for (i = 0; i < N_ELEMS(cors_tokens_add_cases); i++) {
        const struct cors_tokens_add_case *c = &cors_tokens_add_cases[i];
        struct buf b = {.len = 0};

        if (c->kind == CORS_TOKENS_HEADERS) {
            line(&b, "");
        }
        values_line(&b, c->values, CORS_CASE_MAX_TOKENS);
        if (c->kind == CORS_TOKENS_METHODS) {
            line(&b, "");
        }
        for (j = 0; j < CORS_CASE_MAX_TOKENS && c->has[j]; j++) {
            line(&b, c->has[j]);
        }
        for (j = 0; j < CORS_CASE_MAX_TOKENS && c->hasnt[j]; j++) {
            line(&b, c->hasnt[j]);
        }
        seed("fuzz_tokens", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_acrh_cases); i++) {
        if (cors_acrh_cases[i].value != NULL) {
            seed_str("fuzz_request_headers", cors_acrh_cases[i].value);
        }
    }
}

static void setup_lines(struct buf *b, const char *const *setup)
{
    size_t i;

    for (i = 0; setup[i] != NULL; i++) {
        line(b, setup[i]);
    }
}

static void policy_seeds(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(cors_decide_cases); i++) {
        const struct cors_decide_case *c = &cors_decide_cases[i];
        struct buf b = {.len = 0};

        setup_lines(&b, c->setup);
        line(&b, "==");
        line(&b, c->in.method);
        line(&b, c->in.origin);
        line(&b, c->in.acrm);
        line(&b, c->in.acrh);
        put(&b, c->in.acrpn);
        seed("fuzz_decide", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_setter_cases); i++) {
        struct buf b = {.len = 0};

        setup_lines(&b, cors_setter_cases[i].lines);
        seed("fuzz_setters", b.data, b.len);
    }
    for (i = 0; i < N_ELEMS(cors_policy_flag_cases); i++) {
        struct buf b = {.len = 0};

        setup_lines(&b, cors_policy_flag_cases[i].setup);
        seed("fuzz_setters", b.data, b.len);
        line(&b, "==");
        line(&b, "OPTIONS");
        line(&b, "https://a.example");
        line(&b, "PUT");
        put(&b, "x-foo");
        seed("fuzz_decide", b.data, b.len);
    }
}

/*
 * cors-check's harness: a few answers of the kinds its scenarios meet
 * (tests/cors-check/wrongserver.py), each a status line, the request's
 * method and origin, the response's headers, an empty line and the
 * request's headers.
 */
static void check_seeds(void)
{
    static const char *const answers[] = {
        "200\nGET\nhttps://a.example\n"
        "Access-Control-Allow-Origin: https://a.example\nVary: Origin\n",
        "200 c\nGET\nhttps://a.example\n"
        "Access-Control-Allow-Origin: https://a.example\n"
        "Access-Control-Allow-Credentials: True\n",
        "200\nGET\nhttps://a.example\n"
        "Access-Control-Allow-Origin: https://a.example\n"
        "Access-Control-Allow-Origin: https://a.example\n",
        "204 1\nPUT\nhttps://a.example\n"
        "Access-Control-Allow-Origin: https://a.example\n"
        "Access-Control-Allow-Methods: put, patch\n"
        "Access-Control-Allow-Headers: *\n\n"
        "Authorization: Bearer x\nContent-Type: application/json\n",
        "204 c 2\npatch\nnull\n"
        "Access-Control-Allow-Origin: null\n"
        "Access-Control-Allow-Credentials: true\n"
        "Access-Control-Allow-Headers: x-custom,, (bad)\n"
        "Access-Control-Max-Age: 86401\n\nX-Custom: 1\n"
        "Range: bytes=0-4\nAccept-Language: en_US\n",
        "200\nGET\nhttps://a.example\n"
        "Access-Control-Allow-Origin: *\n"
        "Access-Control-Expose-Headers: X-A, Set-Cookie, *\n"
        "Set-Cookie: s=1\nX-A: a\n",
        "302\nOPTIONS\nhttps://a.example\nLocation: /elsewhere\n",
    };
    size_t i;

    for (i = 0; i < N_ELEMS(answers); i++) {
        seed_str("fuzz_check_headers", answers[i]);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    origin_seeds();
    token_seeds();
    policy_seeds();
    check_seeds();
    return 0;
}
