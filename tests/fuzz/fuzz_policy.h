/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_policy.h: a policy written as configuration lines, in the language
 * of tests/unit/policy_lines.h (the one the unit tests' case tables use, so
 * that their setups are seeds as they are).  The harness adds its checks
 * on every message and a bound on the regexes it compiles.
 *
 * A refused line is skipped, as httpd would refuse the whole file: the
 * policy is the one built from the accepted lines.
 */

#ifndef CORS_FUZZ_POLICY_H
#define CORS_FUZZ_POLICY_H

#include "fuzz_common.h"
#include "policy_lines.h"

/* Regexes longer than this are not compiled: see fuzz_regex.c. */
#define FUZZ_POLICY_MAX_REGEX 256

/* One line into pol; returns the setter's problem or NULL. */
FUZZ_UNUSED
static const cors_problem_t *fuzz_policy_line(apr_pool_t *p,
                                              cors_policy_t *pol,
                                              const char *line)
{
    const cors_problem_t *err, *warning;

    if (!strncmp(line, "regex ", 6)
        && strlen(line + 6) > FUZZ_POLICY_MAX_REGEX) {
        return &policy_lines_bad;
    }
    err = policy_line(p, pol, line, &warning);
    if (err != &policy_lines_bad) {
        fuzz_check_problem(err, 0);
    }
    fuzz_check_problem(warning, 1);
    return err;
}

/* lines[0..n) into an effective policy, merging at every "--". */
FUZZ_UNUSED
static cors_policy_t *fuzz_policy_build(apr_pool_t *p, const char *const *lines,
                                        int n)
{
    const char *refused;
    const cors_problem_t *why;

    return policy_lines_build(p, lines, n, fuzz_policy_line, &refused, &why);
}

#endif /* CORS_FUZZ_POLICY_H */
