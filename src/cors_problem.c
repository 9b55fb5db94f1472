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
 * cors_problem.c: the typed results of the setters.  The words are the
 * glue's: it knows which directive a value came from.
 */

#include "cors.h"

cors_problem_t *cors_problem_make(apr_pool_t *p, cors_problem_e kind,
                                  const char *value, const char *hint,
                                  const char *detail)
{
    cors_problem_t *pr = apr_pcalloc(p, sizeof(*pr));

    pr->kind = kind;
    pr->value = value;
    pr->hint = hint;
    pr->detail = detail;
    return pr;
}

int cors_problem_is_warning(cors_problem_e kind)
{
    return kind >= CORS_WARN_NULL;
}

const char *cors_problem_name(cors_problem_e kind)
{
    static const char *const names[] = {
        [CORS_PROBLEM_NONE] = "CORS_PROBLEM_NONE",
        [CORS_ERR_ORIGIN_EMPTY] = "CORS_ERR_ORIGIN_EMPTY",
        [CORS_ERR_COMMA] = "CORS_ERR_COMMA",
        [CORS_ERR_ORIGIN_NO_SCHEME] = "CORS_ERR_ORIGIN_NO_SCHEME",
        [CORS_ERR_ORIGIN_SCHEME] = "CORS_ERR_ORIGIN_SCHEME",
        [CORS_ERR_ORIGIN_PATH] = "CORS_ERR_ORIGIN_PATH",
        [CORS_ERR_ORIGIN_TRAILING_SLASH] = "CORS_ERR_ORIGIN_TRAILING_SLASH",
        [CORS_ERR_ORIGIN_QUERY] = "CORS_ERR_ORIGIN_QUERY",
        [CORS_ERR_ORIGIN_FRAGMENT] = "CORS_ERR_ORIGIN_FRAGMENT",
        [CORS_ERR_ORIGIN_USERINFO] = "CORS_ERR_ORIGIN_USERINFO",
        [CORS_ERR_ORIGIN_NON_ASCII] = "CORS_ERR_ORIGIN_NON_ASCII",
        [CORS_ERR_ORIGIN_IPV6_OPEN] = "CORS_ERR_ORIGIN_IPV6_OPEN",
        [CORS_ERR_ORIGIN_IPV6] = "CORS_ERR_ORIGIN_IPV6",
        [CORS_ERR_ORIGIN_STAR_PLACE] = "CORS_ERR_ORIGIN_STAR_PLACE",
        [CORS_ERR_ORIGIN_HOST_CHAR] = "CORS_ERR_ORIGIN_HOST_CHAR",
        [CORS_ERR_ORIGIN_NO_HOST] = "CORS_ERR_ORIGIN_NO_HOST",
        [CORS_ERR_ORIGIN_EMPTY_LABEL] = "CORS_ERR_ORIGIN_EMPTY_LABEL",
        [CORS_ERR_ORIGIN_PORT] = "CORS_ERR_ORIGIN_PORT",
        [CORS_ERR_ORIGIN_AFTER_HOST] = "CORS_ERR_ORIGIN_AFTER_HOST",
        [CORS_ERR_ORIGIN_TLD] = "CORS_ERR_ORIGIN_TLD",
        [CORS_ERR_ORIGIN_TOO_MANY] = "CORS_ERR_ORIGIN_TOO_MANY",
        [CORS_ERR_CRED_ANY] = "CORS_ERR_CRED_ANY",
        [CORS_ERR_CRED_NULL] = "CORS_ERR_CRED_NULL",
        [CORS_ERR_CRED_PUBLIC_SUFFIX] = "CORS_ERR_CRED_PUBLIC_SUFFIX",
        [CORS_ERR_CRED_CATCH_ALL] = "CORS_ERR_CRED_CATCH_ALL",
        [CORS_ERR_CRED_EXPOSE_ANY] = "CORS_ERR_CRED_EXPOSE_ANY",
        [CORS_ERR_REGEX_UNANCHORED] = "CORS_ERR_REGEX_UNANCHORED",
        [CORS_ERR_REGEX_CONTROL] = "CORS_ERR_REGEX_CONTROL",
        [CORS_ERR_REGEX_HOST_DOT] = "CORS_ERR_REGEX_HOST_DOT",
        [CORS_ERR_REGEX_SYNTAX] = "CORS_ERR_REGEX_SYNTAX",
        [CORS_ERR_REGEX_MEMORY] = "CORS_ERR_REGEX_MEMORY",
        [CORS_ERR_TOKEN] = "CORS_ERR_TOKEN",
        [CORS_ERR_METHOD_CASE] = "CORS_ERR_METHOD_CASE",
        [CORS_ERR_MAX_AGE] = "CORS_ERR_MAX_AGE",
        [CORS_ERR_INTERVAL] = "CORS_ERR_INTERVAL",
        [CORS_ERR_KEYWORD] = "CORS_ERR_KEYWORD",
        [CORS_WARN_NULL] = "CORS_WARN_NULL",
        [CORS_WARN_PUBLIC_SUFFIX] = "CORS_WARN_PUBLIC_SUFFIX",
        [CORS_WARN_INSECURE] = "CORS_WARN_INSECURE",
        [CORS_WARN_REGEX_DOT] = "CORS_WARN_REGEX_DOT",
        [CORS_WARN_REGEX_CATCH_ALL] = "CORS_WARN_REGEX_CATCH_ALL",
        [CORS_WARN_METHOD_UNKNOWN] = "CORS_WARN_METHOD_UNKNOWN",
        [CORS_WARN_MAX_AGE] = "CORS_WARN_MAX_AGE",
    };

    if ((unsigned)kind < sizeof(names) / sizeof(names[0])
        && names[kind] != NULL) {
        return names[kind];
    }
    return "unknown";
}
