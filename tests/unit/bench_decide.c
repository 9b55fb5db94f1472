/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * bench_decide.c: ns per cors_policy_decide() call.  Not a test (run by
 * `make bench` only; the name keeps it out of the test_*.c glob).
 *
 * Rows cover the request shapes of the decide table (allowed, refused, no
 * Origin, preflight) over exact sets of 1, 100 and 10,000 origins (the
 * allowed one first, in the middle, last), a wildcard and a regex, plus
 * adversarial headers: a 64 KiB Origin, an Access-Control-Request-Headers
 * of one allowed name repeated to httpd's LimitRequestFieldSize (8190) and
 * a tenth of it (the two should differ by ~10x: linear, not worse), and a
 * value of 8,000 commas.  Each batch of iterations allocates from a
 * sub-pool that is cleared every BENCH_CLEAR_EVERY decisions, so memory
 * stays flat however long it runs.  The interval shrinks with the size of
 * the request's headers (down to every decision for the 8 KiB rows): with
 * a fixed 1024, an 8 KiB preflight allocates ~30 MB per batch and the
 * timing measures cache misses on fresh pool memory, not the engine (it
 * looked quadratic: 245 us vs 6.6 us for 10x the input).
 *
 * The "merge" rows time what httpd does per request in a nested section:
 * merge the section's policy over the inherited one, then decide.  Their
 * sections remove thousands of origins, so that the cost of a removal
 * list shows if merging or matching walks it.
 *
 * Usage: bench_decide [milliseconds per row, default 200]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_policy.h"

#define BENCH_CLEAR_EVERY 1024
#define BENCH_BYTES_PER_BATCH (64 * 1024)

struct bench_row {
    const char *name;
    const cors_policy_t *pol;
    cors_request_t in;
    /** When set, pol is a section merged over it for every decision. */
    const cors_policy_t *base;
};

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, const cors_problem_t *err)
{
    fprintf(stderr, "bench_decide: %s: %s\n", what,
            err ? cors_problem_name(err->kind) : "failed");
    exit(1);
}

/* A policy allowing n origins https://oNNNNN.example.com (n may be 0). */
static cors_policy_t *exact_policy(apr_pool_t *p, int n)
{
    cors_policy_t *pol = cors_policy_make(p);
    const cors_problem_t *warning = NULL, *err;
    int i;

    for (i = 0; i < n; i++) {
        err = cors_policy_add_origin(p, pol,
                                     apr_psprintf(p,
                                                  "https://o%05d"
                                                  ".example.com",
                                                  i),
                                     &warning);
        if (err != NULL) {
            die("add origin", err);
        }
    }
    err = cors_policy_add_allow_header(p, pol, "x-foo");
    if (err == NULL) {
        err = cors_policy_add_method(p, pol, "PUT", &warning);
    }
    if (err != NULL) {
        die("setup", err);
    }
    return pol;
}

/*
 * A section with n removals "-https://oNNNNN.example.com", starting at
 * number first (the first n origins of exact_policy when first is 0).
 */
static cors_policy_t *removals_policy(apr_pool_t *p, int first, int n)
{
    cors_policy_t *pol = cors_policy_make(p);
    const cors_problem_t *warning = NULL, *err;
    int i;

    for (i = first; i < first + n; i++) {
        err = cors_policy_add_origin(p, pol,
                                     apr_psprintf(p,
                                                  "-https://o%05d"
                                                  ".example.com",
                                                  i),
                                     &warning);
        if (err != NULL) {
            die("remove origin", err);
        }
    }
    return pol;
}

static cors_policy_t *one_policy(apr_pool_t *p, const char *origin,
                                 const char *regex)
{
    cors_policy_t *pol = cors_policy_make(p);
    const cors_problem_t *warning = NULL, *err;

    if (origin != NULL) {
        err = cors_policy_add_origin(p, pol, origin, &warning);
    }
    else if (regex != NULL) {
        err = cors_policy_add_origin_regex(p, pol, regex, &warning);
    }
    else {
        err = NULL;
        die("setup", NULL);
    }
    if (err != NULL) {
        die(origin ? origin : regex, err);
    }
    return pol;
}

/* One allowed name repeated n times: "x-foo,x-foo,...", 6n - 1 bytes. */
static char *repeated_name(apr_pool_t *p, int n)
{
    char *s = apr_palloc(p, (apr_size_t)n * 6);
    int i;

    for (i = 0; i < n; i++) {
        memcpy(s + i * 6, "x-foo,", 6);
    }
    s[n * 6 - 1] = '\0';
    return s;
}

static char *filled(apr_pool_t *p, const char *prefix, char c, apr_size_t len)
{
    char *s = apr_palloc(p, len + 1);
    apr_size_t pl = strlen(prefix);

    memcpy(s, prefix, pl);
    memset(s + pl, c, len - pl);
    s[len] = '\0';
    return s;
}

static apr_size_t len0(const char *s)
{
    return s ? strlen(s) : 0;
}

/*
 * Decisions per pool clear: BENCH_CLEAR_EVERY, fewer when the request's
 * headers are large, so that one batch stays near BENCH_BYTES_PER_BATCH.
 */
static long clear_every(const cors_request_t *in)
{
    apr_size_t bytes = len0(in->origin) + len0(in->acrm) + len0(in->acrh) + 64;
    long n = (long)(BENCH_BYTES_PER_BATCH / bytes);

    return n < 1 ? 1 : n > BENCH_CLEAR_EVERY ? BENCH_CLEAR_EVERY : n;
}

/* One request: the merge httpd would do first, if any, and the decision;
 * a scope where CORS is off gets no decision, as in the glue. */
static void decide_row(apr_pool_t *scratch, const struct bench_row *row,
                       cors_decision_t *d)
{
    const cors_policy_t *pol = row->base != NULL
                                   ? cors_policy_merge(scratch, row->base,
                                                       row->pol)
                                   : row->pol;

    if (cors_policy_enabled(pol)) {
        cors_policy_decide(scratch, pol, &row->in, NULL, d);
    }
    else {
        memset(d, 0, sizeof(*d));
        d->env = "(CORS off)";
    }
}

/* Time one row for about budget_ns; returns ns per decision. */
static double run_row(apr_pool_t *parent, const struct bench_row *row,
                      double budget_ns, const char **env, long *iters,
                      long *every)
{
    apr_pool_t *scratch;
    cors_decision_t d;
    double start, elapsed;
    long n = 0, batch;
    long per_clear = clear_every(&row->in);
    volatile int sink = 0;

    apr_pool_create(&scratch, parent);
    /* Warm-up: caches, PCRE2 JIT, lazily built structures. */
    for (batch = 0; batch < 64; batch++) {
        decide_row(scratch, row, &d);
    }
    *env = d.env ? d.env : "(null)";
    apr_pool_clear(scratch);

    start = now_ns();
    do {
        for (batch = 0; batch < per_clear; batch++) {
            decide_row(scratch, row, &d);
            sink += d.allowed;
        }
        apr_pool_clear(scratch);
        n += per_clear;
        elapsed = now_ns() - start;
    } while (elapsed < budget_ns);
    apr_pool_destroy(scratch);
    (void)sink;
    *iters = n;
    *every = per_clear;
    return elapsed / (double)n;
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    double budget_ms = argc > 1 ? atof(argv[1]) : 200.0;
    cors_policy_t *e1, *e100, *e10k, *e5k, *wild, *re, *star;
    cors_policy_t *rm1, *rm5k, *rm5k_hi;
    char *huge_origin, *acrh_full, *acrh_tenth, *commas;
    const char *o0 = "https://o00000.example.com";
    const char *o50 = "https://o00050.example.com";
    const char *o99 = "https://o00099.example.com";
    const char *o5k = "https://o05000.example.com";
    const char *o9999 = "https://o09999.example.com";
    const char *evil = "https://evil.test";
    apr_size_t i;

    if (budget_ms <= 0) {
        budget_ms = 200.0;
    }
    apr_initialize();
    apr_pool_create(&p, NULL);

    e1 = exact_policy(p, 1);
    e100 = exact_policy(p, 100);
    e10k = exact_policy(p, 10000);
    wild = one_policy(p, "https://*.example.com", NULL);
    re = one_policy(p, NULL, "^https://pr-[0-9]+\\.preview\\.example\\.com$");
    star = one_policy(p, "*", NULL);
    e5k = exact_policy(p, 5000);
    rm1 = removals_policy(p, 0, 1);
    /* o00000..o04999: the first half of e10k, all of e5k */
    rm5k = removals_policy(p, 0, 5000);
    /* o10000..o14999: listed nowhere */
    rm5k_hi = removals_policy(p, 10000, 5000);

    huge_origin = filled(p, "https://", 'a', 64 * 1024);
    /* 1365 names are 8189 bytes: the most that fits in 8190. */
    acrh_full = repeated_name(p, (CORS_REQUEST_HEADERS_MAX_LEN + 1) / 6);
    acrh_tenth = repeated_name(p, (CORS_REQUEST_HEADERS_MAX_LEN + 1) / 60);
    commas = filled(p, "x-foo", ',', 8000);

    {
        const struct bench_row rows[] = {
            {"no Origin", e1, {"GET", NULL, NULL, NULL, NULL}, NULL},
            {"exact 1: allowed", e1, {"GET", o0, NULL, NULL, NULL}, NULL},
            {"exact 1: refused", e1, {"GET", evil, NULL, NULL, NULL}, NULL},
            {"exact 100: first", e100, {"GET", o0, NULL, NULL, NULL}, NULL},
            {"exact 100: middle", e100, {"GET", o50, NULL, NULL, NULL}, NULL},
            {"exact 100: last", e100, {"GET", o99, NULL, NULL, NULL}, NULL},
            {"exact 10k: first", e10k, {"GET", o0, NULL, NULL, NULL}, NULL},
            {"exact 10k: middle", e10k, {"GET", o5k, NULL, NULL, NULL}, NULL},
            {"exact 10k: last", e10k, {"GET", o9999, NULL, NULL, NULL}, NULL},
            {"exact 10k: refused", e10k, {"GET", evil, NULL, NULL, NULL}, NULL},
            {"wildcard: allowed (3 labels deep)",
             wild,
             {"GET", "https://x.y.z.example.com", NULL, NULL, NULL},
             NULL},
            {"wildcard: refused", wild, {"GET", evil, NULL, NULL, NULL}, NULL},
            {"regex: allowed",
             re,
             {"GET", "https://pr-42.preview.example.com", NULL, NULL, NULL},
             NULL},
            {"regex: refused", re, {"GET", evil, NULL, NULL, NULL}, NULL},
            {"star: any origin", star, {"GET", evil, NULL, NULL, NULL}, NULL},
            {"malformed origin",
             e1,
             {"GET", "https://o00000.example.com/", NULL, NULL, NULL},
             NULL},
            {"preflight: allowed, 1 header",
             e1,
             {"OPTIONS", o0, "PUT", "x-foo", NULL},
             NULL},
            {"preflight: refused method",
             e1,
             {"OPTIONS", o0, "DELETE", NULL, NULL},
             NULL},
            {"preflight: 10k, last, 1 header",
             e10k,
             {"OPTIONS", o9999, "PUT", "x-foo", NULL},
             NULL},
            {"adv: 64 KiB Origin",
             e1,
             {"GET", huge_origin, NULL, NULL, NULL},
             NULL},
            {"adv: 64 KiB Origin, preflight",
             e1,
             {"OPTIONS", huge_origin, "PUT", NULL, NULL},
             NULL},
            {"adv: ACRH x-foo x1365 (8189 B)",
             e1,
             {"OPTIONS", o0, "PUT", acrh_full, NULL},
             NULL},
            {"adv: ACRH x-foo x136 (815 B)",
             e1,
             {"OPTIONS", o0, "PUT", acrh_tenth, NULL},
             NULL},
            {"adv: ACRH 8000 commas",
             e1,
             {"OPTIONS", o0, "PUT", commas, NULL},
             NULL},
            {"merge: 1 removal under 10k, last",
             rm1,
             {"GET", o9999, NULL, NULL, NULL},
             e10k},
            {"merge: 5k removals under 10k, last",
             rm5k,
             {"GET", o9999, NULL, NULL, NULL},
             e10k},
            {"merge: 5k removals under 10k, removed",
             rm5k,
             {"GET", o0, NULL, NULL, NULL},
             e10k},
            {"merge: 5k removals under a regex",
             rm5k_hi,
             {"GET", "https://pr-42.preview.example.com", NULL, NULL, NULL},
             re},
            {"merge: 5k removals under *",
             rm5k_hi,
             {"GET", evil, NULL, NULL, NULL},
             star},
            {"merge: 5k removals under a wildcard",
             rm5k,
             {"GET", "https://x.example.com", NULL, NULL, NULL},
             wild},
            {"merge: all 5k inherited removed",
             rm5k,
             {"GET", o0, NULL, NULL, NULL},
             e5k},
        };

        printf("%-36s %12s %10s %6s  %s\n", "row", "ns/decision", "iters",
               "clear", "CORS env");
        printf("%-36s %12s %10s %6s  %s\n", "---", "-----------", "-----",
               "-----", "--------");
        for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            const char *env;
            long iters, every;
            double ns = run_row(p, &rows[i], budget_ms * 1e6, &env, &iters,
                                &every);

            printf("%-36s %12.1f %10ld %6ld  %s\n", rows[i].name, ns, iters,
                   every, env);
            fflush(stdout);
        }
    }
    apr_pool_destroy(p);
    apr_terminate();
    return 0;
}
