/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_origin_config: CORSAllowOrigin values as an administrator (or a
 * .htaccess author) may write them, in a section and a child section
 * merged over it, then request Origins matched against the result.
 *
 * Input, one item per line:
 *   line 1   the parent section's values, space-separated; "C " first
 *            turns credentials on for the section
 *   line 2   the child section's values, same form
 *   rest     request Origin values, one per line
 */

#include "fuzz_common.h"
#include "cors_origin.h"

#define FUZZ_MAX_LINES 16

static cors_origin_set_t *fuzz_section(apr_pool_t *p, const char *line)
{
    cors_origin_set_t *set = cors_origin_set_make(p);
    int credentials = 0;
    char *copy, *last, *v;
    cors_cred_facts_t f;
    const cors_problem_t *clash;

    if (line == NULL) {
        return set;
    }
    if (strncmp(line, "C ", 2) == 0) {
        credentials = 1;
        line += 2;
    }
    copy = apr_pstrdup(p, line);
    for (v = apr_strtok(copy, " ", &last); v != NULL;
         v = apr_strtok(NULL, " ", &last)) {
        const cors_problem_t *warning = NULL;
        const cors_problem_t *err = cors_origin_set_add(p, set, v, credentials,
                                                        &warning);

        fuzz_check_problem(err, 0);
        fuzz_check_problem(warning, 1);
        if (err != NULL) {
            FUZZ_ASSERT(strcmp(err->value, v) == 0, "the value as given");
        }
    }
    cors_origin_set_cred_facts(set, &f);
    clash = cors_credentials_clash(p, &f);
    fuzz_check_problem(clash, 0);
    FUZZ_ASSERT(!credentials || clash == NULL,
                "values clashing with credentials are refused as added");
    return set;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    const cors_origins_t *parent, *child, *eff;
    apr_array_header_t *desc;
    int i;

    parent = cors_origins_make(p, fuzz_section(p, lines[0]));
    child = cors_origins_make(p, fuzz_section(p, n > 1 ? lines[1] : NULL));
    eff = cors_origins_merge(p, parent, child);

    (void)cors_origins_any_listed(eff);
    (void)cors_origins_allow_any(eff);
    (void)cors_origins_allow_null(eff);
    (void)(cors_origins_public_suffix_wildcard(eff) != NULL);

    desc = apr_array_make(p, 4, sizeof(const char *));
    cors_origins_describe(p, eff, desc);
    for (i = 0; i < desc->nelts; i++) {
        /* DUMP_CORS prints these: what was accepted is printable. */
        fuzz_check_header_value("describe",
                                APR_ARRAY_IDX(desc, i, const char *));
    }

    for (i = 2; i < n; i++) {
        cors_origin_t o;

        if (lines[i] == NULL
            || cors_origin_parse_request(lines[i], &o) != CORS_ORIGIN_VALID) {
            continue;
        }
        (void)cors_origins_match(parent, lines[i], &o);
        (void)cors_origins_match(child, lines[i], &o);
        if (cors_origins_match(eff, lines[i], &o)) {
            FUZZ_ASSERT(desc->nelts > 0, "a match needs a listed origin");
        }
    }
}
