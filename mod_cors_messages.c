/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/*
 * mod_cors: the engine's problems in words.  The engine (src/) returns a
 * typed problem (kind, value, hint, detail) and knows no directive; here
 * each kind is worded for the administrator, with the directives to
 * change, and each start-up warning gets its log number.  The caller puts
 * the directive's name in front (mod_cors_config.c) or frames a merged
 * scope's conflict (mod_cors_sections.c, mod_cors_response.c).
 */

#include "mod_cors.h"

#include "apr_strings.h"

/*
 * The rule of credentials, per clash: the directive and value that clash
 * (which), why browsers or attackers make it a problem, what to do.
 */
static void cors_clash_parts(apr_pool_t *p, const cors_problem_t *pr,
                             const char **which, const char **why,
                             const char **fix)
{
    switch (pr->kind) {
    case CORS_ERR_CRED_NULL:
        *which = "CORSAllowOrigin null";
        *why = "any sandboxed iframe or file: page sends Origin: null, so it "
               "would get the user's credentials";
        *fix = "remove null";
        break;
    case CORS_ERR_CRED_PUBLIC_SUFFIX:
        *which = apr_psprintf(p, "CORSAllowOrigin '%s'", pr->value);
        *why = apr_psprintf(p,
                            "it is a wildcard directly over the public "
                            "suffix '%s', where anyone can register a site",
                            pr->detail);
        *fix = "list the origins instead";
        break;
    case CORS_ERR_CRED_CATCH_ALL:
        *which = apr_psprintf(p, "CORSAllowOriginMatch '%s'", pr->value);
        *why = apr_psprintf(p,
                            "it matches '%s', an origin nobody lists (a "
                            "reserved name, a documentation address or "
                            "another scheme): every such site would read "
                            "responses with the user's credentials",
                            pr->detail);
        *fix = "anchor it to your own hosts, as in "
               "'^https://[a-z0-9-]+[.]example[.]com$'";
        break;
    case CORS_ERR_CRED_EXPOSE_ANY:
        *which = "CORSExposeHeaders *";
        *why = "with credentials, browsers read '*' as a header named '*'";
        *fix = "list the headers to expose";
        break;
    default:
        *which = "CORSAllowOrigin *";
        *why = "browsers refuse 'Access-Control-Allow-Origin: *' on "
               "credentialed requests";
        *fix = "list the origins";
        break;
    }
}

const char *cors_clash_words(apr_pool_t *p, const cors_problem_t *pr,
                             cors_clash_e where)
{
    const char *which, *why, *fix;

    cors_clash_parts(p, pr, &which, &why, &fix);
    switch (where) {
    case CORS_CLASH_SECTION:
        return apr_psprintf(p,
                            "'On' cannot be used here: %s is set in the "
                            "same section: %s; %s",
                            which, why, fix);
    case CORS_CLASH_MERGED:
        /* cors_conflict_advice() says what to set */
        return apr_psprintf(p,
                            "%s and CORSAllowCredentials On meet in this "
                            "scope through inheritance: %s",
                            which, why);
    default:
        return apr_psprintf(p,
                            "'%s' cannot be combined with "
                            "CORSAllowCredentials On: %s; %s",
                            pr->value, why, fix);
    }
}

/*
 * What to set to resolve a combination that arose from merging, in the
 * administrator's words: which directive to change, and where.
 */
const char *cors_conflict_advice(const cors_problem_t *pr)
{
    switch (pr->kind) {
    case CORS_ERR_CRED_NULL:
        return "remove null from CORSAllowOrigin (sandboxed pages on any "
               "site send it), or set CORSAllowCredentials Off in that "
               "section";
    case CORS_ERR_CRED_PUBLIC_SUFFIX:
        return "replace the wildcard over a public suffix with your own "
               "origins (https://*.your-domain.example), or set "
               "CORSAllowCredentials Off in that section";
    case CORS_ERR_CRED_CATCH_ALL:
        return "anchor the CORSAllowOriginMatch pattern to your own hosts "
               "(as in ^https://[a-z0-9-]+\\.example\\.com$), or set "
               "CORSAllowCredentials Off in that section";
    case CORS_ERR_CRED_EXPOSE_ANY:
        return "list the headers in CORSExposeHeaders instead of *, or set "
               "CORSAllowCredentials Off in that section";
    default:
        return "in the section that sets CORSAllowOrigin *, either set "
               "CORSAllowCredentials Off (a public resource needs no "
               "credentials) or list the origins instead of *";
    }
}

/* Words for an origin value's problem (CORS_ERR_ORIGIN_*), or NULL. */
static const char *cors_origin_words(apr_pool_t *p, const cors_problem_t *pr)
{
    static const char *const extras[] = {"a path", "a trailing slash",
                                         "a query", "a fragment"};
    const char *v = pr->value;

    switch (pr->kind) {
    case CORS_ERR_ORIGIN_EMPTY:
        return apr_psprintf(p, "'%s' is not an origin", v);
    case CORS_ERR_ORIGIN_NO_SCHEME:
        return pr->hint != NULL
                   ? apr_psprintf(p,
                                  "'%s' is not an origin: it has no scheme; "
                                  "did you mean '%s'?",
                                  v, pr->hint)
                   : apr_psprintf(p,
                                  "'%s' is not an origin: write "
                                  "scheme://host[:port], for example "
                                  "https://app.example.com",
                                  v);
    case CORS_ERR_ORIGIN_SCHEME:
        return apr_psprintf(p, "'%s' has an invalid scheme '%s'", v,
                            pr->detail);
    case CORS_ERR_ORIGIN_PATH:
    case CORS_ERR_ORIGIN_TRAILING_SLASH:
    case CORS_ERR_ORIGIN_QUERY:
    case CORS_ERR_ORIGIN_FRAGMENT:
        return apr_psprintf(p,
                            "'%s' has %s, but an origin is only "
                            "scheme://host[:port]; did you mean '%s'?",
                            v, extras[pr->kind - CORS_ERR_ORIGIN_PATH],
                            pr->hint);
    case CORS_ERR_ORIGIN_USERINFO:
        return apr_psprintf(p,
                            "'%s' has userinfo (user@), which browsers never "
                            "send in an Origin; did you mean '%s'?",
                            v, pr->hint);
    case CORS_ERR_ORIGIN_NON_ASCII:
        return apr_psprintf(p,
                            "'%s' has a non-ASCII host: browsers send "
                            "internationalised hosts in ASCII (punycode, "
                            "xn--...); write the host that way",
                            v);
    case CORS_ERR_ORIGIN_IPV6_OPEN:
        return apr_psprintf(p, "'%s' has an unterminated IPv6 address", v);
    case CORS_ERR_ORIGIN_IPV6:
        return apr_psprintf(p, "'%s' has an invalid IPv6 address '%s'", v,
                            pr->detail);
    case CORS_ERR_ORIGIN_STAR_PLACE:
        return apr_psprintf(p,
                            "'%s': '*' may only stand at the start of the "
                            "host, as in https://*.example.com",
                            v);
    case CORS_ERR_ORIGIN_HOST_CHAR:
        return apr_psprintf(p, "'%s' has an invalid character in its host", v);
    case CORS_ERR_ORIGIN_NO_HOST:
        return apr_psprintf(p, "'%s' has no host", v);
    case CORS_ERR_ORIGIN_EMPTY_LABEL:
        return apr_psprintf(p, "'%s' has an empty label in its host", v);
    case CORS_ERR_ORIGIN_PORT:
        return apr_psprintf(p,
                            "'%s' has an invalid port: use 1-65535 or * for "
                            "any port",
                            v);
    case CORS_ERR_ORIGIN_AFTER_HOST:
        return apr_psprintf(p,
                            "'%s' is not an origin: write "
                            "scheme://host[:port]",
                            v);
    case CORS_ERR_ORIGIN_TLD:
        return apr_psprintf(p,
                            "'%s' would allow every site under the "
                            "top-level domain '%s'; list the origins or a "
                            "wildcard under your own domain",
                            v, pr->detail);
    case CORS_ERR_ORIGIN_TOO_MANY:
        return apr_psprintf(p, "'%s': too many origins in one section", v);
    default:
        return NULL;
    }
}

/* Words for a regular expression's problem (CORS_ERR_REGEX_*), or NULL. */
static const char *cors_regex_words(apr_pool_t *p, const cors_problem_t *pr)
{
    const char *v = pr->value;

    switch (pr->kind) {
    case CORS_ERR_REGEX_UNANCHORED:
        return apr_psprintf(p,
                            "'%s' is not anchored: it must start with ^ and "
                            "end with $, or a pattern like "
                            "'https://example[.]com' would also match "
                            "'https://example.com.evil.net'",
                            v);
    case CORS_ERR_REGEX_CONTROL:
        /* not quoted: the pattern holds a control byte */
        return apr_psprintf(p,
                            "the pattern has a control character (byte %s "
                            "at offset %" APR_SIZE_T_FMT "), which no Origin "
                            "can contain",
                            pr->detail, pr->offset);
    case CORS_ERR_REGEX_HOST_DOT:
        return apr_psprintf(p,
                            "'%s' has a '.' between two host characters, "
                            "which matches any character: %s, a domain "
                            "anyone can register; write '%s' (a literal dot "
                            "is '[.]', or '.' after a backslash; for any one "
                            "character on purpose, "
                            "write a class such as '[a-z0-9-]')",
                            v, pr->detail, pr->hint);
    case CORS_ERR_REGEX_SYNTAX:
        return apr_psprintf(p,
                            "'%s' is not a valid regular expression: %s at "
                            "offset %" APR_SIZE_T_FMT,
                            v, pr->detail, pr->offset);
    case CORS_ERR_REGEX_MEMORY:
        return apr_psprintf(p, "'%s': out of memory", v);
    case CORS_WARN_REGEX_CATCH_ALL:
        return apr_psprintf(p,
                            "'%s' matches '%s', an origin nobody lists (a "
                            "reserved name, a documentation address or "
                            "another scheme): it would allow nearly any site; "
                            "anchor it to your own hosts, as in "
                            "'^https://[a-z0-9-]+[.]example[.]com$'",
                            v, pr->detail);
    case CORS_WARN_REGEX_DOT:
        return apr_psprintf(p,
                            "'%s' has an unescaped '.', which matches any "
                            "character (so 'example.com' also matches "
                            "'exampleXcom'); write '[.]' (or '.' after a "
                            "backslash) for a dot, "
                            "'.*' or '.+' for any characters",
                            v);
    default:
        return NULL;
    }
}

/* Words for the other problems: tokens, values, warnings. */
static const char *cors_value_words(apr_pool_t *p, const cors_problem_t *pr)
{
    const char *v = pr->value;

    switch (pr->kind) {
    case CORS_ERR_COMMA:
        return apr_psprintf(p,
                            "'%s' is not a single %s; list the values "
                            "separated by spaces, not commas",
                            v, pr->detail);
    case CORS_ERR_TOKEN:
        return apr_psprintf(p,
                            "'%s' is not a valid %s (an RFC 9110 token: "
                            "letters, digits and !#$%%&'*+-.^_`|~)",
                            v, pr->detail);
    case CORS_ERR_METHOD_CASE:
        return apr_psprintf(p,
                            "'%s' can never match: fetch() sends this method "
                            "as '%s' (it uppercases DELETE, GET, HEAD, "
                            "OPTIONS, POST and PUT, and no other); write '%s'",
                            v, pr->hint, pr->hint);
    case CORS_ERR_MAX_AGE:
        return apr_psprintf(p,
                            "'%s' is not a number of seconds from 0 to "
                            "%" APR_SIZE_T_FMT " (0 disables preflight "
                            "caching)",
                            v, pr->offset);
    case CORS_ERR_INTERVAL:
        return apr_psprintf(p,
                            "'%s' is not a number of seconds from 1 to "
                            "%" APR_SIZE_T_FMT,
                            v, pr->offset);
    case CORS_ERR_KEYWORD:
        return apr_psprintf(p, "'%s' is not one of: %s", v, pr->detail);
    case CORS_WARN_NULL:
        return apr_psprintf(p,
                            "'%s' is allowed: any sandboxed iframe or file: "
                            "page, on any site, sends Origin: null",
                            v);
    case CORS_WARN_PUBLIC_SUFFIX:
        return apr_psprintf(p,
                            "'%s' is a wildcard directly over the public "
                            "suffix '%s': anyone can register a site that "
                            "matches it",
                            v, pr->detail);
    case CORS_WARN_INSECURE:
        return apr_psprintf(p,
                            "'%s' is served over plain http and credentials "
                            "are on: anyone on that page's network can alter "
                            "it and act with the user's credentials",
                            v);
    case CORS_WARN_METHOD_UNKNOWN:
        return pr->hint != NULL
                   ? apr_psprintf(p,
                                  "'%s' is no method that httpd or the HTTP "
                                  "method registry knows; did you mean "
                                  "'%s'?",
                                  v, pr->hint)
                   : apr_psprintf(p,
                                  "'%s' is no method that httpd or the HTTP "
                                  "method registry knows: a typo? (methods "
                                  "are case-sensitive)",
                                  v);
    case CORS_WARN_MAX_AGE:
        return apr_psprintf(p,
                            "%s seconds is more than browsers keep a "
                            "preflight: Chromium caps it at 7200, Firefox at "
                            "86400, Safari at 600",
                            v);
    default:
        return NULL;
    }
}

/*
 * The log number of each start-up warning of a value, one per kind.  A
 * number is given to one message only and never given again: CORS0001,
 * which every start-up warning carried before, is retired.  The README's
 * log tags and the manual list every number, and
 * tests/integration/test_742_log_tags.py holds this table to them and to
 * the warnings' kinds.
 */
const char *cors_warning_logno(cors_problem_e kind)
{
    static const char *const lognos[] = {
        [CORS_WARN_NULL] = CORS_LOGNO(0040),
        [CORS_WARN_PUBLIC_SUFFIX] = CORS_LOGNO(0041),
        [CORS_WARN_INSECURE] = CORS_LOGNO(0042),
        [CORS_WARN_REGEX_DOT] = CORS_LOGNO(0043),
        [CORS_WARN_REGEX_CATCH_ALL] = CORS_LOGNO(0044),
        [CORS_WARN_METHOD_UNKNOWN] = CORS_LOGNO(0045),
        [CORS_WARN_MAX_AGE] = CORS_LOGNO(0046),
    };

    if ((unsigned)kind < sizeof(lognos) / sizeof(lognos[0])
        && lognos[kind] != NULL) {
        return lognos[kind];
    }
    return "";
}

const char *cors_problem_words(apr_pool_t *p, const cors_problem_t *pr)
{
    const char *w;

    if (pr->kind >= CORS_ERR_CRED_ANY && pr->kind <= CORS_ERR_CRED_EXPOSE_ANY) {
        return cors_clash_words(p, pr, CORS_CLASH_VALUE);
    }
    if ((w = cors_origin_words(p, pr)) != NULL
        || (w = cors_regex_words(p, pr)) != NULL
        || (w = cors_value_words(p, pr)) != NULL) {
        return w;
    }
    return apr_psprintf(p, "'%s': %s", pr->value, cors_problem_name(pr->kind));
}
