/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_policy.h: a policy written as configuration lines, the language of
 * tests/unit/cases_policy.h (so that its setups are seeds as they are):
 *
 *   origin V...    cors_policy_add_origin, per space-separated value
 *   methods V...   cors_policy_add_method, per value
 *   headers V...   cors_policy_add_allow_header, per value
 *   expose V...    cors_policy_add_expose_header, per value
 *   regex P        cors_policy_add_origin_regex (rest of the line)
 *   credentials on|off, maxage V, preflight V, status V, upstream V
 *   pna on, debug on, shadow on   (fields without a setter, set as
 *                                  mod_cors.c's flag handlers do)
 *   --             merge: what follows is a child section
 *
 * A refused line is skipped, as httpd would refuse the whole file: the
 * policy is the one built from the accepted lines.
 */

#ifndef CORS_FUZZ_POLICY_H
#define CORS_FUZZ_POLICY_H

#include "fuzz_common.h"
#include "cors_policy.h"

/* Regexes longer than this are not compiled: see fuzz_regex.c. */
#define FUZZ_POLICY_MAX_REGEX 256

FUZZ_UNUSED
static int fuzz_is_on(const char *v)
{
    return strcasecmp(v, "on") == 0;
}

/* One line into pol; returns the setter's message or NULL. */
FUZZ_UNUSED
static const char *fuzz_policy_line(apr_pool_t *p, cors_policy_t *pol,
                                    const char *line)
{
    const char *sp = strchr(line, ' ');
    const char *name, *rest, *err = NULL, *warning = NULL;

    if (sp == NULL) {
        return "no value";
    }
    name = apr_pstrmemdup(p, line, sp - line);
    rest = sp + 1;
    if (!strcmp(name, "origin") || !strcmp(name, "methods")
        || !strcmp(name, "headers") || !strcmp(name, "expose")) {
        char *copy = apr_pstrdup(p, rest), *last, *v;

        for (v = apr_strtok(copy, " ", &last); v != NULL && err == NULL;
             v = apr_strtok(NULL, " ", &last)) {
            if (!strcmp(name, "origin")) {
                err = cors_policy_add_origin(p, pol, v, &warning);
            }
            else if (!strcmp(name, "methods")) {
                err = cors_policy_add_method(p, pol, v, &warning);
            }
            else if (!strcmp(name, "headers")) {
                err = cors_policy_add_allow_header(p, pol, v);
            }
            else {
                err = cors_policy_add_expose_header(p, pol, v);
            }
        }
    }
    else if (!strcmp(name, "regex")) {
        if (strlen(rest) > FUZZ_POLICY_MAX_REGEX) {
            return "regex too long for the harness";
        }
        err = cors_policy_add_origin_regex(p, pol, rest, &warning);
    }
    else if (!strcmp(name, "credentials")) {
        err = cors_policy_set_credentials(p, pol, fuzz_is_on(rest));
    }
    else if (!strcmp(name, "maxage")) {
        err = cors_policy_set_max_age(p, pol, rest, &warning);
    }
    else if (!strcmp(name, "preflight")) {
        err = cors_policy_set_preflight(p, pol, rest);
    }
    else if (!strcmp(name, "status")) {
        err = cors_policy_set_preflight_status(p, pol, rest);
    }
    else if (!strcmp(name, "upstream")) {
        err = cors_policy_set_upstream(p, pol, rest);
    }
    else if (!strcmp(name, "pna")) {
        pol->private_network = fuzz_is_on(rest);
    }
    else if (!strcmp(name, "debug")) {
        pol->debug_header = fuzz_is_on(rest);
    }
    else if (!strcmp(name, "shadow")) {
        pol->shadow = fuzz_is_on(rest);
    }
    else {
        return "unknown directive";
    }
    fuzz_check_message(err);
    fuzz_check_message(warning);
    return err;
}

/* lines[0..n) into an effective policy, merging at every "--". */
FUZZ_UNUSED
static cors_policy_t *fuzz_policy_build(apr_pool_t *p, const char *const *lines,
                                        int n)
{
    cors_policy_t *eff = NULL, *sec = cors_policy_make(p);
    int i;

    for (i = 0; i < n; i++) {
        if (lines[i] == NULL) {
            continue;
        }
        if (!strcmp(lines[i], "--")) {
            eff = eff ? cors_policy_merge(p, eff, sec) : sec;
            sec = cors_policy_make(p);
            continue;
        }
        (void)fuzz_policy_line(p, sec, lines[i]);
    }
    return eff ? cors_policy_merge(p, eff, sec) : sec;
}

#endif /* CORS_FUZZ_POLICY_H */
