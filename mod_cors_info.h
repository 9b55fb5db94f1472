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
 * mod_cors_info.h: what the cors-policy handler (mod_cors_info.c) found
 * out for one URL, as mod_cors_info_output.c writes it.
 */

#ifndef MOD_CORS_INFO_H
#define MOD_CORS_INFO_H

#include "mod_cors.h"

typedef enum {
    CORS_FMT_TEXT,
    CORS_FMT_HTML,
    CORS_FMT_JSON
} cors_fmt_e;

/** One line of the policy: a field, its value, where it was set. */
typedef struct cors_info_row_t {
    const char *name;
    const char *value;
    const char *source; /**< NULL: the default (or not a field) */
    int field;          /**< one of the policy's fields: no source means
                         *   it has its default */
} cors_info_row_t;

/** One decision, as mod_cors would make it for the request described. */
typedef struct cors_info_decision_t {
    const char *what; /**< "preflight" or "actual" */
    const char *method;
    int lookup_status;
    const cors_policy_t *policy;
    cors_decision_t d;
    const char *reason; /**< NULL when allowed */
    const char *hint;
} cors_info_decision_t;

/** Everything the handler shows for one URL. */
typedef struct cors_info_t {
    cors_fmt_e fmt;
    const char *url;
    const char *path;
    const char *server;
    const char *method;
    const char *origin;
    const char *headers;
    int lookup_status;
    const char *filename;
    const cors_policy_t *policy;
    apr_array_header_t *rows;
    cors_info_decision_t decisions[2];
    int ndecisions;
} cors_info_t;

/** The page for in, in its format, with its content type. */
void cors_info_write(request_rec *r, const cors_info_t *in);

/** The page for a request without url=, in fmt. */
int cors_info_usage(request_rec *r, cors_fmt_e fmt);

#endif /* MOD_CORS_INFO_H */
