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
 * mod_cors: the directives and the per-directory configuration.  Values
 * are parsed and checked here, once, by the engine (src/); a request only
 * reads the merged policy.
 */

#include "mod_cors.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/* --------------------------------------------------------------------- */
/* Configuration                                                          */

void *cors_create_dir_config(apr_pool_t *p, char *dir)
{
    (void)dir;
    return cors_policy_make(p);
}

void *cors_merge_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    return cors_policy_merge(p, basev, addv);
}

void *cors_create_server_config(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf_t));
}

/*
 * Nothing of a server's state is inherited: its counters, its fast-path
 * plan and its once-only notes are its own, made at post_config.  Without
 * a merge (and AP_MODULE_FLAG_ALWAYS_MERGE), httpd hands a virtual host
 * that sets no mod_cors directive the main server's state itself, and the
 * two would share one plan and one set of counters.
 */
void *cors_merge_server_config(apr_pool_t *p, void *basev, void *addv)
{
    (void)p;
    (void)basev;
    return addv;
}

/* --------------------------------------------------------------------- */
/* Problems reported: errors refuse the line, warnings are logged         */

/*
 * Warnings are for the administrator at start-up.  An .htaccess file is
 * read again for every request, so its warnings would flood the log: they
 * are logged at debug level there.
 *
 * While the configuration is read, a virtual host's server_rec has no
 * error log open and no log level yet: a warning logged on it would be
 * lost, and most sites live in a <VirtualHost>.  So, wherever the
 * directive stands:
 * - on the first reading (`apache2ctl configtest`, the first pass of a
 *   start), the warning goes to stderr at once, with no server, which is
 *   the administrator's terminal;
 * - on the reading httpd serves with (the second pass of a start, every
 *   restart), it is kept on the configuration pool and logged by
 *   post_config on the directive's server, once the error logs are open.
 */
#define CORS_WARNINGS_KEY "cors_config_warnings"

typedef struct cors_warning_t {
    server_rec *s;
    const char *text;
} cors_warning_t;

static void cors_config_warning(cmd_parms *cmd, const cors_problem_t *pr)
{
    apr_pool_t *pconf = cmd->server->process->pconf;
    const char *text;
    apr_array_header_t *kept = NULL;

    text = apr_psprintf(cmd->pool, "%s%s: %s (%s:%d)",
                        cors_warning_logno(pr->kind), cmd->cmd->name,
                        cors_problem_words(cmd->pool, pr),
                        cmd->directive ? cmd->directive->filename : "?",
                        cmd->directive ? cmd->directive->line_num : 0);
    if (cmd->pool != pconf) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, cmd->server, "%s", text);
        return;
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, NULL, "%s", text);
        return;
    }
    apr_pool_userdata_get((void **)&kept, CORS_WARNINGS_KEY, pconf);
    if (kept == NULL) {
        kept = apr_array_make(pconf, 4, sizeof(cors_warning_t));
        apr_pool_userdata_setn(kept, CORS_WARNINGS_KEY, NULL, pconf);
    }
    APR_ARRAY_PUSH(kept, cors_warning_t).s = cmd->server;
    APR_ARRAY_IDX(kept, kept->nelts - 1, cors_warning_t).text = text;
}

void cors_config_log_warnings(apr_pool_t *pconf)
{
    apr_array_header_t *kept = NULL;
    int i;

    apr_pool_userdata_get((void **)&kept, CORS_WARNINGS_KEY, pconf);
    for (i = 0; kept != NULL && i < kept->nelts; i++) {
        const cors_warning_t *w = &APR_ARRAY_IDX(kept, i, cors_warning_t);

        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, w->s, "%s", w->text);
    }
}

/* Which field of the policy each directive sets (for its source). */
static const struct {
    const char *name;
    cors_field_e field;
} cors_directive_fields[] = {
    {"CORSAllowOrigin", CORS_FIELD_ORIGINS},
    {"CORSAllowOriginMatch", CORS_FIELD_ORIGIN_PATTERNS},
    {"CORSAllowCredentials", CORS_FIELD_CREDENTIALS},
    {"CORSAllowMethods", CORS_FIELD_METHODS},
    {"CORSAllowHeaders", CORS_FIELD_ALLOW_HEADERS},
    {"CORSExposeHeaders", CORS_FIELD_EXPOSE_HEADERS},
    {"CORSMaxAge", CORS_FIELD_MAX_AGE},
    {"CORSAllowPrivateNetwork", CORS_FIELD_PRIVATE_NETWORK},
    {"CORSPreflight", CORS_FIELD_PREFLIGHT},
    {"CORSPreflightStatus", CORS_FIELD_PREFLIGHT_STATUS},
    {"CORSUpstreamHeaders", CORS_FIELD_UPSTREAM},
    {"CORSDebugHeader", CORS_FIELD_DEBUG_HEADER},
    {"CORSShadow", CORS_FIELD_SHADOW},
    {"CORSTimingAllowOrigin", CORS_FIELD_TIMING_ALLOW_ORIGIN},
    {"CORSAllowOriginFile", CORS_FIELD_ORIGIN_SOURCES},
    {"CORSAllowOriginDBDQuery", CORS_FIELD_ORIGIN_SOURCES},
};

/*
 * Where a directive stands, for the cors-policy handler: "file:line
 * (<Location "/api/">)", "(server config)", "(.htaccess)".  Merging keeps
 * it with the value, so the handler can say which line won.
 */
static const char *cors_directive_source(cmd_parms *cmd)
{
    const ap_directive_t *d = cmd->directive;
    const char *where;

    if (d == NULL) {
        return "?";
    }
    if (cmd->pool != cmd->server->process->pconf) {
        where = ".htaccess";
    }
    else if (d->parent != NULL && d->parent->directive != NULL) {
        where = apr_pstrcat(cmd->pool, d->parent->directive, " ",
                            d->parent->args, NULL);
    }
    else {
        where = "server config";
    }
    return apr_psprintf(cmd->pool, "%s:%d (%s)", d->filename, d->line_num,
                        where);
}

void cors_note_source(cmd_parms *cmd, cors_policy_t *pol)
{
    apr_size_t i;

    for (i = 0;
         i < sizeof(cors_directive_fields) / sizeof(cors_directive_fields[0]);
         i++) {
        if (strcmp(cors_directive_fields[i].name, cmd->cmd->name) == 0) {
            pol->set_at[cors_directive_fields[i].field] = cors_directive_source(
                cmd);
            return;
        }
    }
}

/*
 * What a single-value handler returns: NULL, or the engine's problem in
 * words with the directive's name in front (httpd does not add it); a
 * warning on an accepted value goes to the log.
 */
const char *cors_config_error(cmd_parms *cmd, const char *err)
{
    return err ? apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err) : NULL;
}

const char *cors_config_problem(cmd_parms *cmd, const cors_problem_t *pr)
{
    return pr ? apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name,
                             cors_problem_words(cmd->pool, pr))
              : NULL;
}

static const char *cors_config_result(cmd_parms *cmd, const cors_problem_t *err,
                                      const cors_problem_t *warning)
{
    if (err != NULL) {
        return cors_config_problem(cmd, err);
    }
    if (warning != NULL) {
        cors_config_warning(cmd, warning);
    }
    return NULL;
}

typedef const cors_problem_t *(*cors_add_value_fn)(
    apr_pool_t *p, cors_policy_t *pol, const char *value,
    const cors_problem_t **warning);

/*
 * List directives take their values raw and split them here: httpd's
 * TAKE_ARGV stops at 64 arguments without a word, and a list of 10,000
 * origins on one line is legitimate.  Seeing every value also lets one
 * message name every bad value, not only the first.  A problem quotes its
 * value, which lives in word_pool: it is worded before the pool is cleared.
 */
static const char *cors_add_values(cmd_parms *cmd, cors_policy_t *pol,
                                   const char *args, cors_add_value_fn add)
{
    const char *errors = NULL;
    int count = 0;
    apr_pool_t *word_pool;

    cors_note_source(cmd, pol);
    apr_pool_create(&word_pool, cmd->temp_pool);
    while (*args != '\0') {
        const char *value;
        const cors_problem_t *warning = NULL, *err;

        apr_pool_clear(word_pool);
        value = ap_getword_conf(word_pool, &args);
        if (*value == '\0') {
            continue;
        }
        count++;
        err = add(cmd->pool, pol, value, &warning);
        if (err != NULL) {
            const char *words = cors_problem_words(cmd->pool, err);

            errors = errors ? apr_pstrcat(cmd->pool, errors, "; ", words, NULL)
                            : words;
        }
        else if (warning != NULL) {
            cors_config_warning(cmd, warning);
        }
    }
    apr_pool_destroy(word_pool);
    if (count == 0) {
        return apr_psprintf(cmd->pool, "%s needs at least one value",
                            cmd->cmd->name);
    }
    if (errors != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, errors);
    }
    return NULL;
}

/*
 * The engine knows the HTTP method registry; httpd knows what it and its
 * modules registered (ap_method_register): either makes a name no typo.
 */
static const cors_problem_t *cors_add_method(apr_pool_t *p, cors_policy_t *pol,
                                             const char *value,
                                             const cors_problem_t **warning)
{
    const cors_problem_t *err = cors_policy_add_method(p, pol, value, warning);

    if (*warning != NULL && ap_method_number_of(value) != M_INVALID) {
        *warning = NULL;
    }
    return err;
}

static const cors_problem_t *cors_add_allow_header(
    apr_pool_t *p, cors_policy_t *pol, const char *value,
    const cors_problem_t **warning)
{
    *warning = NULL;
    return cors_policy_add_allow_header(p, pol, value);
}

static const cors_problem_t *cors_add_expose_header(
    apr_pool_t *p, cors_policy_t *pol, const char *value,
    const cors_problem_t **warning)
{
    *warning = NULL;
    return cors_policy_add_expose_header(p, pol, value);
}

static const char *set_cors_origins(cmd_parms *cmd, void *dconf,
                                    const char *args)
{
    cors_policy_t *pol = dconf;
    const char *err = cors_add_values(cmd, pol, args, cors_policy_add_origin);

    /* A list that replaced the inherited one dropped the inherited
     * patterns too: this line is where "none" comes from. */
    if (pol->regexes != NULL && pol->regexes->nelts == 0) {
        pol->set_at[CORS_FIELD_ORIGIN_PATTERNS] =
            pol->set_at[CORS_FIELD_ORIGINS];
    }
    if (pol->sources != NULL && pol->sources->nelts == 0) {
        pol->set_at[CORS_FIELD_ORIGIN_SOURCES] =
            pol->set_at[CORS_FIELD_ORIGINS];
    }
    return err;
}

static const char *set_cors_origin_match(cmd_parms *cmd, void *dconf,
                                         const char *arg)
{
    const cors_problem_t *warning = NULL;
    const cors_problem_t *err = cors_policy_add_origin_regex(cmd->pool, dconf,
                                                             arg, &warning);

    cors_note_source(cmd, dconf);
    return cors_config_result(cmd, err, warning);
}

static const char *set_cors_methods(cmd_parms *cmd, void *dconf,
                                    const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_method);
}

static const char *set_cors_allow_headers(cmd_parms *cmd, void *dconf,
                                          const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_allow_header);
}

static const char *set_cors_expose_headers(cmd_parms *cmd, void *dconf,
                                           const char *args)
{
    return cors_add_values(cmd, dconf, args, cors_add_expose_header);
}

/*
 * On/Off by hand rather than AP_INIT_FLAG: httpd's own message for a bad
 * flag does not quote the value.
 */
static const char *cors_parse_on_off(cmd_parms *cmd, const char *arg, int *out)
{
    if (strcasecmp(arg, "on") == 0) {
        *out = 1;
    }
    else if (strcasecmp(arg, "off") == 0) {
        *out = 0;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' is not one of: On, Off",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *set_cors_credentials(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    cors_policy_t *pol = dconf;
    const cors_problem_t *pr;
    int on = 0;
    const char *err = cors_parse_on_off(cmd, arg, &on);

    cors_note_source(cmd, dconf);
    if (err != NULL) {
        return err;
    }
    if ((pr = cors_policy_set_credentials(cmd->pool, pol, on)) != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name,
                            cors_clash_words(cmd->pool, pr,
                                             CORS_CLASH_SECTION));
    }
    if (on
        && (pr = cors_origin_set_insecure_warning(cmd->pool, pol->own_origins))
               != NULL) {
        cors_config_warning(cmd, pr);
    }
    return NULL;
}

/* The On/Off directives whose only job is to store the flag. */
static const char *set_cors_flag(cmd_parms *cmd, void *dconf, const char *arg)
{
    int on = 0;
    const char *err = cors_parse_on_off(cmd, arg, &on);

    cors_note_source(cmd, dconf);
    if (err == NULL) {
        *(int *)((char *)dconf + (apr_size_t)cmd->info) = on;
    }
    return err;
}

static const char *set_cors_max_age(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    const cors_problem_t *warning = NULL;
    const cors_problem_t *err = cors_policy_set_max_age(cmd->pool, dconf, arg,
                                                        &warning);

    cors_note_source(cmd, dconf);
    return cors_config_result(cmd, err, warning);
}

typedef const cors_problem_t *(*cors_set_keyword_fn)(apr_pool_t *p,
                                                     cors_policy_t *pol,
                                                     const char *value);

static const char *cors_set_keyword(cmd_parms *cmd, cors_policy_t *pol,
                                    const char *arg, cors_set_keyword_fn set)
{
    cors_note_source(cmd, pol);
    return cors_config_result(cmd, set(cmd->pool, pol, arg), NULL);
}

static const char *set_cors_preflight(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_preflight);
}

static const char *set_cors_preflight_status(cmd_parms *cmd, void *dconf,
                                             const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_preflight_status);
}

static const char *set_cors_upstream(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return cors_set_keyword(cmd, dconf, arg, cors_policy_set_upstream);
}

/*
 * Every directive is OR_FILEINFO, the class of mod_headers' Header: server
 * config, virtual host, <Directory>, <Location>, <Files>, <If>, and
 * .htaccess under AllowOverride FileInfo (or AllowOverrideList).
 */
const command_rec cors_cmds[] =
    {AP_INIT_RAW_ARGS("CORSAllowOrigin", set_cors_origins, NULL, OR_FILEINFO,
                      "origins allowed to make cross-origin requests "
                      "(scheme://host[:port], https://*.example.com, "
                      "http://localhost:*), '*', 'null' or 'none'; "
                      "+value adds to, -value removes from the inherited "
                      "list"),
     AP_INIT_TAKE1("CORSAllowOriginMatch", set_cors_origin_match, NULL,
                   OR_FILEINFO,
                   "a PCRE2 regular expression, anchored ^...$, matched "
                   "against the whole Origin"),
     AP_INIT_TAKE1("CORSAllowOriginFile", cors_set_origin_file, NULL,
                   OR_FILEINFO,
                   "a file of allowed origins, one origin or wildcard a "
                   "line, reloaded when it changes"),
     AP_INIT_TAKE1("CORSAllowOriginFileCheck", cors_set_origin_file_check, NULL,
                   OR_FILEINFO,
                   "seconds between two looks at a CORSAllowOriginFile, "
                   "1-86400; default 5"),
     AP_INIT_TAKE1("CORSAllowOriginDBDQuery", cors_set_origin_dbd_query, NULL,
                   RSRC_CONF | ACCESS_CONF,
                   "SQL run through mod_dbd with the request's origin as "
                   "its one parameter (%s); a row means allowed"),
     AP_INIT_TAKE12("CORSAllowOriginDBDCache", cors_set_origin_dbd_cache, NULL,
                    RSRC_CONF,
                    "seconds the shared cache keeps an allowed and a refused "
                    "answer of the database; default 60 10"),
     AP_INIT_TAKE1("CORSAllowOriginDBDRate", cors_set_origin_dbd_rate, NULL,
                   RSRC_CONF,
                   "most database queries per second for the whole server, "
                   "its children together; default 50"),
     AP_INIT_TAKE1("CORSAllowCredentials", set_cors_credentials, NULL,
                   OR_FILEINFO,
                   "On to let cookies and HTTP authentication through "
                   "(Access-Control-Allow-Credentials: true); default Off"),
     AP_INIT_RAW_ARGS("CORSAllowMethods", set_cors_methods, NULL, OR_FILEINFO,
                      "methods allowed in preflights (case-sensitive), or "
                      "'*'; default GET HEAD POST"),
     AP_INIT_RAW_ARGS("CORSAllowHeaders", set_cors_allow_headers, NULL,
                      OR_FILEINFO,
                      "request headers allowed in preflights, or '*' (every "
                      "header but Authorization)"),
     AP_INIT_RAW_ARGS("CORSExposeHeaders", set_cors_expose_headers, NULL,
                      OR_FILEINFO,
                      "response headers JavaScript may read, or '*'"),
     AP_INIT_TAKE1("CORSMaxAge", set_cors_max_age, NULL, OR_FILEINFO,
                   "seconds browsers may cache a preflight, 0-86400; "
                   "default 7200"),
     AP_INIT_TAKE1("CORSAllowPrivateNetwork", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, private_network),
                   OR_FILEINFO,
                   "On to answer Private Network Access preflights "
                   "(Chromium 104-141); default Off"),
     AP_INIT_TAKE1("CORSPreflight", set_cors_preflight, NULL, OR_FILEINFO,
                   "handle (mod_cors answers preflights) or continue (the "
                   "handler does); default handle"),
     AP_INIT_TAKE1("CORSPreflightStatus", set_cors_preflight_status, NULL,
                   OR_FILEINFO,
                   "status of an allowed preflight, 204 or 200; default 204"),
     AP_INIT_TAKE1("CORSUpstreamHeaders", set_cors_upstream, NULL, OR_FILEINFO,
                   "replace (mod_cors's CORS headers win) or keep (a "
                   "response's own win); default replace"),
     AP_INIT_TAKE1("CORSDebugHeader", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, debug_header),
                   OR_FILEINFO,
                   "On to add a CORS-Debug response header with the reason "
                   "(development only); default Off"),
     AP_INIT_TAKE1("CORSShadow", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, shadow), OR_FILEINFO,
                   "On to decide and log without changing responses; "
                   "default Off"),
     AP_INIT_TAKE1("CORSTimingAllowOrigin", set_cors_flag,
                   (void *)APR_OFFSETOF(cors_policy_t, timing_allow_origin),
                   OR_FILEINFO,
                   "On to add Timing-Allow-Origin, with the value of "
                   "Access-Control-Allow-Origin, to allowed responses; "
                   "default Off"),
     {NULL}};
