/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * policy_lines.h: a policy written as configuration lines, one directive
 * per line, the language of cases_policy.h.  The unit tests
 * (test_policy.c) and the fuzz harnesses (tests/fuzz/fuzz_policy.h) both
 * build their policies here, so that a case table's setup is a fuzz seed
 * as it is, and a new kind of line is added once:
 *
 *   origin V...    cors_policy_add_origin, once per space-separated value
 *   methods V...   cors_policy_add_method, per value
 *   headers V...   cors_policy_add_allow_header, per value
 *   expose V...    cors_policy_add_expose_header, per value
 *   regex P        cors_policy_add_origin_regex (rest of the line)
 *   credentials on|off, maxage V, preflight V, status V, upstream V
 *                  the setters, with the rest of the line as the value
 *   pna on, debug on, shadow on, timing on
 *                  the fields private_network, debug_header, shadow,
 *                  timing_allow_origin, which have no setter in
 *                  cors_policy.h: set as mod_cors's flag handlers set them
 *   --             the end of a section: what follows is a child section,
 *                  merged over the ones before with cors_policy_merge
 */

#ifndef CORS_POLICY_LINES_H
#define CORS_POLICY_LINES_H

#include <string.h>
#include <strings.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_policy.h"

#if defined(__GNUC__)
#define POLICY_LINES_UNUSED __attribute__((unused))
#else
#define POLICY_LINES_UNUSED
#endif

/* How a harness applies one line to a section: policy_line(), with its
 * own checks around it; returns NULL or why the line was refused. */
typedef const cors_problem_t *(*policy_line_fn)(apr_pool_t *p,
                                                cors_policy_t *pol,
                                                const char *line);

/* What policy_line returns for a line the language does not have: the
 * line itself is not repeated, so that a fuzzer's bytes never reach it. */
static const cors_problem_t policy_lines_bad = {CORS_ERR_KEYWORD,
                                                "test table: no such line",
                                                NULL, NULL, 0};

POLICY_LINES_UNUSED
static int policy_lines_on(const char *v)
{
    return strcasecmp(v, "on") == 0;
}

/*
 * Apply one line to pol.  Returns NULL, the setter's problem when it
 * refuses the value (the first refused value of a list), or
 * &policy_lines_bad for a line the language does not have.  *warning gets
 * the last setter warning, or NULL.
 */
POLICY_LINES_UNUSED
static const cors_problem_t *policy_line(apr_pool_t *p, cors_policy_t *pol,
                                         const char *line,
                                         const cors_problem_t **warning)
{
    const char *sp = strchr(line, ' ');
    const char *name, *rest;
    const cors_problem_t *err = NULL;

    *warning = NULL;
    if (sp == NULL) {
        return &policy_lines_bad;
    }
    name = apr_pstrmemdup(p, line, sp - line);
    rest = sp + 1;
    if (!strcmp(name, "origin") || !strcmp(name, "methods")
        || !strcmp(name, "headers") || !strcmp(name, "expose")) {
        char *copy = apr_pstrdup(p, rest), *last, *v;

        for (v = apr_strtok(copy, " ", &last); v != NULL && err == NULL;
             v = apr_strtok(NULL, " ", &last)) {
            if (!strcmp(name, "origin")) {
                err = cors_policy_add_origin(p, pol, v, warning);
            }
            else if (!strcmp(name, "methods")) {
                err = cors_policy_add_method(p, pol, v, warning);
            }
            else if (!strcmp(name, "headers")) {
                err = cors_policy_add_allow_header(p, pol, v);
            }
            else {
                err = cors_policy_add_expose_header(p, pol, v);
            }
        }
        return err;
    }
    if (!strcmp(name, "regex")) {
        return cors_policy_add_origin_regex(p, pol, rest, warning);
    }
    if (!strcmp(name, "credentials")) {
        return cors_policy_set_credentials(p, pol, policy_lines_on(rest));
    }
    if (!strcmp(name, "maxage")) {
        return cors_policy_set_max_age(p, pol, rest, warning);
    }
    if (!strcmp(name, "preflight")) {
        return cors_policy_set_preflight(p, pol, rest);
    }
    if (!strcmp(name, "status")) {
        return cors_policy_set_preflight_status(p, pol, rest);
    }
    if (!strcmp(name, "upstream")) {
        return cors_policy_set_upstream(p, pol, rest);
    }
    if (!strcmp(name, "pna")) {
        pol->private_network = policy_lines_on(rest);
        return NULL;
    }
    if (!strcmp(name, "debug")) {
        pol->debug_header = policy_lines_on(rest);
        return NULL;
    }
    if (!strcmp(name, "shadow")) {
        pol->shadow = policy_lines_on(rest);
        return NULL;
    }
    if (!strcmp(name, "timing")) {
        pol->timing_allow_origin = policy_lines_on(rest);
        return NULL;
    }
    return &policy_lines_bad;
}

/*
 * lines[0..n) into the effective policy, each line applied by apply: every
 * "--" ends a section, which is merged over the ones before it; a single
 * section is used unmerged, as httpd uses a server's own per-directory
 * configuration.  A NULL line is skipped, and so is a refused one, as if
 * httpd had never read it; the first refused line and its problem go to
 * *refused and *why (both NULL when every line was accepted).
 */
POLICY_LINES_UNUSED
static cors_policy_t *policy_lines_build(apr_pool_t *p,
                                         const char *const *lines, int n,
                                         policy_line_fn apply,
                                         const char **refused,
                                         const cors_problem_t **why)
{
    cors_policy_t *eff = NULL, *sec = cors_policy_make(p);
    int i;

    *refused = NULL;
    *why = NULL;
    for (i = 0; i < n; i++) {
        const cors_problem_t *err;

        if (lines[i] == NULL) {
            continue;
        }
        if (!strcmp(lines[i], "--")) {
            eff = eff ? cors_policy_merge(p, eff, sec) : sec;
            sec = cors_policy_make(p);
            continue;
        }
        err = apply(p, sec, lines[i]);
        if (err != NULL && *refused == NULL) {
            *refused = lines[i];
            *why = err;
        }
    }
    return eff ? cors_policy_merge(p, eff, sec) : sec;
}

#endif /* CORS_POLICY_LINES_H */
