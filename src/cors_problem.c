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
    switch (kind) {
    case CORS_PROBLEM_NONE:
        return "CORS_PROBLEM_NONE";
    case CORS_ERR_ORIGIN_EMPTY:
        return "CORS_ERR_ORIGIN_EMPTY";
    case CORS_ERR_COMMA:
        return "CORS_ERR_COMMA";
    case CORS_ERR_ORIGIN_NO_SCHEME:
        return "CORS_ERR_ORIGIN_NO_SCHEME";
    case CORS_ERR_ORIGIN_SCHEME:
        return "CORS_ERR_ORIGIN_SCHEME";
    case CORS_ERR_ORIGIN_PATH:
        return "CORS_ERR_ORIGIN_PATH";
    case CORS_ERR_ORIGIN_TRAILING_SLASH:
        return "CORS_ERR_ORIGIN_TRAILING_SLASH";
    case CORS_ERR_ORIGIN_QUERY:
        return "CORS_ERR_ORIGIN_QUERY";
    case CORS_ERR_ORIGIN_FRAGMENT:
        return "CORS_ERR_ORIGIN_FRAGMENT";
    case CORS_ERR_ORIGIN_USERINFO:
        return "CORS_ERR_ORIGIN_USERINFO";
    case CORS_ERR_ORIGIN_NON_ASCII:
        return "CORS_ERR_ORIGIN_NON_ASCII";
    case CORS_ERR_ORIGIN_IPV6_OPEN:
        return "CORS_ERR_ORIGIN_IPV6_OPEN";
    case CORS_ERR_ORIGIN_IPV6:
        return "CORS_ERR_ORIGIN_IPV6";
    case CORS_ERR_ORIGIN_STAR_PLACE:
        return "CORS_ERR_ORIGIN_STAR_PLACE";
    case CORS_ERR_ORIGIN_HOST_CHAR:
        return "CORS_ERR_ORIGIN_HOST_CHAR";
    case CORS_ERR_ORIGIN_NO_HOST:
        return "CORS_ERR_ORIGIN_NO_HOST";
    case CORS_ERR_ORIGIN_EMPTY_LABEL:
        return "CORS_ERR_ORIGIN_EMPTY_LABEL";
    case CORS_ERR_ORIGIN_PORT:
        return "CORS_ERR_ORIGIN_PORT";
    case CORS_ERR_ORIGIN_AFTER_HOST:
        return "CORS_ERR_ORIGIN_AFTER_HOST";
    case CORS_ERR_ORIGIN_TLD:
        return "CORS_ERR_ORIGIN_TLD";
    case CORS_ERR_ORIGIN_TOO_MANY:
        return "CORS_ERR_ORIGIN_TOO_MANY";
    case CORS_ERR_CRED_ANY:
        return "CORS_ERR_CRED_ANY";
    case CORS_ERR_CRED_NULL:
        return "CORS_ERR_CRED_NULL";
    case CORS_ERR_CRED_PUBLIC_SUFFIX:
        return "CORS_ERR_CRED_PUBLIC_SUFFIX";
    case CORS_ERR_CRED_CATCH_ALL:
        return "CORS_ERR_CRED_CATCH_ALL";
    case CORS_ERR_CRED_EXPOSE_ANY:
        return "CORS_ERR_CRED_EXPOSE_ANY";
    case CORS_ERR_REGEX_UNANCHORED:
        return "CORS_ERR_REGEX_UNANCHORED";
    case CORS_ERR_REGEX_CONTROL:
        return "CORS_ERR_REGEX_CONTROL";
    case CORS_ERR_REGEX_HOST_DOT:
        return "CORS_ERR_REGEX_HOST_DOT";
    case CORS_ERR_REGEX_SYNTAX:
        return "CORS_ERR_REGEX_SYNTAX";
    case CORS_ERR_REGEX_MEMORY:
        return "CORS_ERR_REGEX_MEMORY";
    case CORS_ERR_TOKEN:
        return "CORS_ERR_TOKEN";
    case CORS_ERR_METHOD_CASE:
        return "CORS_ERR_METHOD_CASE";
    case CORS_ERR_MAX_AGE:
        return "CORS_ERR_MAX_AGE";
    case CORS_ERR_INTERVAL:
        return "CORS_ERR_INTERVAL";
    case CORS_ERR_KEYWORD:
        return "CORS_ERR_KEYWORD";
    case CORS_WARN_NULL:
        return "CORS_WARN_NULL";
    case CORS_WARN_PUBLIC_SUFFIX:
        return "CORS_WARN_PUBLIC_SUFFIX";
    case CORS_WARN_INSECURE:
        return "CORS_WARN_INSECURE";
    case CORS_WARN_REGEX_DOT:
        return "CORS_WARN_REGEX_DOT";
    case CORS_WARN_REGEX_CATCH_ALL:
        return "CORS_WARN_REGEX_CATCH_ALL";
    case CORS_WARN_METHOD_UNKNOWN:
        return "CORS_WARN_METHOD_UNKNOWN";
    case CORS_WARN_MAX_AGE:
        return "CORS_WARN_MAX_AGE";
    }
    return "unknown";
}
