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
 * mod_cors: what is read from httpd's own section structures
 * (core_server_config, core_dir_config).  Every field read here has been
 * part of httpd's public headers (http_core.h) for all of 2.4.x:
 *   core_server_config.sec_dir, .sec_url  the <Directory> and <Location>
 *       sections of a server, in the order the walks apply them
 *   core_dir_config.d, .r                 a section's path or regex
 *   core_dir_config.sec_file, .sec_if     nested <Files> and <If> sections
 *   core_dir_config.condition, .condition_ifelse   an <If>'s expression
 *   core_dir_config.override, .override_list       what .htaccess may set
 */

#include "mod_cors.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_main.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

static int cors_server_policy_is_static(server_rec *s);

/* --------------------------------------------------------------------- */
/* apache2 -t -D DUMP_CORS                                                */

/** One configured scope, as a walk over the configuration shows it. */
typedef struct cors_scope_t {
    server_rec *s;
    const char *label;           /**< "<Location "/api/">", NULL: the server */
    int depth;                   /**< nesting, for indentation */
    const cors_policy_t *own;    /**< the section's own directives */
    const cors_policy_t *policy; /**< merged over its server's */
    /** The sections of the same kind whose path contains this one's and
     * that httpd's walk merges with it, as labels; or NULL. */
    const char *nested_in;
} cors_scope_t;

typedef void (*cors_scope_fn)(apr_pool_t *p, const cors_scope_t *scope,
                              void *baton);

/* A section as the configuration file writes it: <Location "/api/">. */
static const char *cors_section_label(apr_pool_t *p, const char *kind,
                                      const core_dir_config *cd)
{
    return apr_psprintf(p, "<%s %s\"%s\">", kind, cd->r ? "~ " : "", cd->d);
}

static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections, const char *kind,
                               cors_scope_fn fn, void *baton);

static void cors_walk_section(apr_pool_t *p, cors_scope_t *outer,
                              ap_conf_vector_t *sec, const char *kind,
                              const cors_policy_t *merged,
                              const char *nested_in, cors_scope_fn fn,
                              void *baton)
{
    const cors_policy_t *own = ap_get_module_config(sec, &cors_module);
    core_dir_config *cd = ap_get_core_module_config(sec);
    cors_scope_t scope = *outer;

    scope.depth = outer->depth + 1;
    scope.nested_in = nested_in;
    if (own != NULL && !cors_policy_is_empty(own)) {
        scope.own = own;
        scope.policy = merged != NULL
                           ? merged
                           : cors_policy_merge(p, outer->policy, own);
        if (cd->condition != NULL) {
            scope.label = apr_psprintf(p, "<%s> (%s:%u)",
                                       cd->condition_ifelse
                                               == AP_CONDITION_ELSEIF
                                           ? "ElseIf"
                                       : cd->condition_ifelse
                                               == AP_CONDITION_ELSE
                                           ? "Else"
                                           : "If",
                                       cd->condition->filename,
                                       cd->condition->line_number);
        }
        else {
            scope.label = cors_section_label(p, kind, cd);
        }
        fn(p, &scope, baton);
    }
    if (cd->sec_file != NULL) {
        cors_walk_sections(p, &scope, cd->sec_file, "Files", fn, baton);
    }
    if (cd->sec_if != NULL) {
        cors_walk_sections(p, &scope, cd->sec_if, "If", fn, baton);
    }
}

/*
 * Whether httpd's walk applies section a to every URL (or file) that
 * section b covers: both literal paths (no regex, no wildcard), and a's
 * path contains b's.  <Location "/api"> covers /api, /api/ and /api/x but
 * not /apix (the location walk's rule); a <Directory> path always ends
 * with a slash once httpd has read it.
 */
static int cors_section_contains(const core_dir_config *a,
                                 const core_dir_config *b)
{
    apr_size_t len;

    if (a->r != NULL || b->r != NULL || a->d_is_fnmatch || b->d_is_fnmatch
        || a->d == NULL || b->d == NULL) {
        return 0;
    }
    len = strlen(a->d);
    return strncmp(a->d, b->d, len) == 0
           && (len == 0 || a->d[len - 1] == '/' || b->d[len] == '/'
               || b->d[len] == '\0');
}

/*
 * The sections of a server's <Directory> or <Location> list, each with
 * the policy that applies to what it covers: httpd's directory and
 * location walks merge every section whose path contains the URL, in the
 * order the server's list has them (<Directory> sorted by depth,
 * <Location> as written), so a section nested by path inherits from the
 * wider ones; a later, wider section even overrides it.  Regex and
 * wildcard sections are merged with the server's policy alone: which
 * paths they cover is not known before a request.
 */
static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections, const char *kind,
                               cors_scope_fn fn, void *baton)
{
    ap_conf_vector_t **secs = (ap_conf_vector_t **)sections->elts;
    int nest = outer->label == NULL
               && (strcmp(kind, "Location") == 0
                   || strcmp(kind, "Directory") == 0);
    int i, j;

    for (i = 0; i < sections->nelts; i++) {
        const cors_policy_t *merged = outer->policy;
        const char *nested_in = NULL;
        core_dir_config *cd = ap_get_core_module_config(secs[i]);

        for (j = 0; nest && j < sections->nelts; j++) {
            const cors_policy_t *own = ap_get_module_config(secs[j],
                                                            &cors_module);
            core_dir_config *cdj = ap_get_core_module_config(secs[j]);

            if (own == NULL || cors_policy_is_empty(own)) {
                continue;
            }
            if (j == i) {
                merged = cors_policy_merge(p, merged, own);
            }
            else if (cors_section_contains(cdj, cd)) {
                merged = cors_policy_merge(p, merged, own);
                nested_in = apr_pstrcat(p, nested_in ? nested_in : "",
                                        nested_in ? ", " : "",
                                        cors_section_label(p, kind, cdj), NULL);
            }
        }
        if (nested_in == NULL) {
            merged = NULL;
        }
        cors_walk_section(p, outer, secs[i], kind, merged, nested_in, fn,
                          baton);
    }
}

/*
 * Every server, then every section that sets a CORS directive, merged over
 * its server's policy.  (An .htaccess is read per request: not here.)
 */
static void cors_walk(apr_pool_t *p, server_rec *s, cors_scope_fn fn,
                      void *baton)
{
    for (; s != NULL; s = s->next) {
        core_server_config *csconf = ap_get_core_module_config(
            s->module_config);
        core_dir_config *cd;
        cors_scope_t scope;

        scope.s = s;
        scope.label = NULL;
        scope.nested_in = NULL;
        scope.depth = 0;
        scope.own = scope.policy = ap_get_module_config(s->lookup_defaults,
                                                        &cors_module);
        fn(p, &scope, baton);
        /* <Files> and <If> at server level hang off the server's defaults. */
        cd = ap_get_core_module_config(s->lookup_defaults);
        if (cd->sec_file != NULL) {
            cors_walk_sections(p, &scope, cd->sec_file, "Files", fn, baton);
        }
        if (cd->sec_if != NULL) {
            cors_walk_sections(p, &scope, cd->sec_if, "If", fn, baton);
        }
        cors_walk_sections(p, &scope, csconf->sec_dir, "Directory", fn, baton);
        cors_walk_sections(p, &scope, csconf->sec_url, "Location", fn, baton);
    }
}

/* "name (address:port, file:line)", as -D DUMP_VHOSTS names servers. */
static const char *cors_server_name(apr_pool_t *p, server_rec *s)
{
    const char *name = s->server_hostname ? s->server_hostname : "*";

    if (s->defn_name == NULL) {
        return apr_pstrcat(p, "main server ", name, NULL);
    }
    if (s->addrs != NULL) {
        return apr_psprintf(p, "virtual host %s (%s:%u, %s:%u)", name,
                            s->addrs->virthost, (unsigned)s->addrs->host_port,
                            s->defn_name, (unsigned)s->defn_line_number);
    }
    return apr_psprintf(p, "virtual host %s (%s:%u)", name, s->defn_name,
                        (unsigned)s->defn_line_number);
}

/*
 * A server as `apache2ctl -S` names it: "www.example.com:443
 * (/etc/apache2/sites-enabled/site.conf:1)" for a virtual host, "name
 * (main server)" for the main one.  Two virtual hosts on one address are
 * told apart by their name, port, and where they are defined.
 */
const char *cors_server_label(apr_pool_t *p, server_rec *s)
{
    const char *name = s->server_hostname ? s->server_hostname : "*";
    apr_port_t port = s->port;

    if (s->defn_name == NULL) {
        return apr_pstrcat(p, name, " (main server)", NULL);
    }
    if (port == 0 && s->addrs != NULL) {
        port = s->addrs->host_port;
    }
    if (port != 0) {
        return apr_psprintf(p, "%s:%u (%s:%u)", name, (unsigned)port,
                            s->defn_name, (unsigned)s->defn_line_number);
    }
    return apr_psprintf(p, "%s (%s:%u)", name, s->defn_name,
                        (unsigned)s->defn_line_number);
}

static void cors_dump_scope(apr_pool_t *p, const cors_scope_t *scope,
                            void *baton)
{
    const char *indent = apr_pstrndup(p, "                ",
                                      (apr_size_t)(2 * scope->depth));

    (void)baton;
    if (scope->label == NULL) {
        printf("%s\n", cors_server_name(p, scope->s));
        if (cors_policy_is_empty(scope->policy)) {
            return;
        }
    }
    else {
        printf("%s%s\n", indent, scope->label);
        if (scope->nested_in != NULL) {
            printf("%s  (merged with %s, as httpd merges them for every "
                   "URL here)\n",
                   indent, scope->nested_in);
        }
    }
    fputs(cors_policy_describe(p, scope->policy,
                               apr_pstrcat(p, indent, "  ", NULL)),
          stdout);
    if (cors_policy_enabled(scope->policy)
        && cors_policy_conflict(p, scope->policy) != NULL) {
        printf("%s  no CORS headers are sent here; to fix: %s\n", indent,
               cors_conflict_advice(scope->policy));
    }
    if (scope->label == NULL && cors_server_policy_is_static(scope->s)) {
        printf("  (no section or .htaccess can change this policy: "
               "preflights are answered before the directory walk)\n");
    }
}

/*
 * Combinations that arise only from merging are checked per request and
 * fail closed there; say so at start-up too, for every scope the
 * configuration file shows, instead of at the first request.  baton is
 * non-NULL under `apache2ctl configtest`: no error log is open then, and a
 * virtual host's server_rec would swallow the line, so it goes to stderr.
 */
static void cors_check_scope(apr_pool_t *p, const cors_scope_t *scope,
                             void *baton)
{
    const cors_policy_t *pol = scope->policy;
    const char *where = scope->label
                            ? apr_pstrcat(p, cors_server_name(p, scope->s),
                                          ", ", scope->label, NULL)
                            : cors_server_name(p, scope->s);
    const char *conflict, *insecure;
    server_rec *log_s = baton != NULL ? NULL : scope->s;

    if (!cors_policy_enabled(pol)) {
        return;
    }
    if ((conflict = cors_policy_conflict(p, pol)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, log_s,
                     CORS_LOGNO(0001) "%s%s%s: %s; CORS fails closed there "
                                      "(no CORS headers); to fix: %s",
                     where, scope->nested_in ? ", merged with " : "",
                     scope->nested_in ? scope->nested_in : "", conflict,
                     cors_conflict_advice(pol));
    }
    /* The same section was warned about when its directives were read. */
    if (cors_policy_credentials(pol) && scope->own->credentials != 1
        && (insecure = cors_origins_insecure(pol->origins)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, log_s,
                     CORS_LOGNO(0001) "%s: '%s' is served over plain http "
                                      "and inherits CORSAllowCredentials On: "
                                      "anyone on that page's network can "
                                      "act with the user's credentials",
                     where, insecure);
    }
}

void cors_test_config(apr_pool_t *pconf, server_rec *s)
{
    apr_pool_t *p;

    apr_pool_create(&p, pconf);
    cors_walk(p, s, cors_check_scope, (void *)"stderr");
    if (ap_exists_config_define("DUMP_CORS")) {
        /* Like -D DUMP_VHOSTS. */
        printf("CORS policies (each section merged over its server's, and "
               "over the <Directory> or <Location> sections whose path "
               "contains its own):\n");
        cors_walk(p, s, cors_dump_scope, NULL);
        fflush(stdout);
    }
    apr_pool_destroy(p);
}

/* The start-up checks, on the configuration httpd will serve with. */
void cors_check_config(apr_pool_t *ptemp, server_rec *s)
{
    apr_pool_t *p;

    apr_pool_create(&p, ptemp);
    cors_walk(p, s, cors_check_scope, NULL);
    apr_pool_destroy(p);
}

/* --------------------------------------------------------------------- */
/* The preflight fast path                                                */


/* Whether a section, or an .htaccess it lets in, can set CORS directives. */
static int cors_section_may_change_policy(ap_conf_vector_t *sec,
                                          int own_policy_counts)
{
    const cors_policy_t *pol = ap_get_module_config(sec, &cors_module);
    core_dir_config *cd = ap_get_core_module_config(sec);
    const command_rec *cmd;
    int i;

    if (own_policy_counts && pol != NULL && !cors_policy_is_empty(pol)) {
        return 1;
    }
    if (cd->override & OR_FILEINFO) {
        return 1;
    }
    for (cmd = cors_cmds; cd->override_list != NULL && cmd->name; cmd++) {
        if (apr_table_get(cd->override_list, cmd->name) != NULL) {
            return 1;
        }
    }
    for (i = 0; cd->sec_file != NULL && i < cd->sec_file->nelts; i++) {
        if (cors_section_may_change_policy(APR_ARRAY_IDX(cd->sec_file, i,
                                                         ap_conf_vector_t *),
                                           1)) {
            return 1;
        }
    }
    for (i = 0; cd->sec_if != NULL && i < cd->sec_if->nelts; i++) {
        if (cors_section_may_change_policy(APR_ARRAY_IDX(cd->sec_if, i,
                                                         ap_conf_vector_t *),
                                           1)) {
            return 1;
        }
    }
    return 0;
}

static int cors_server_policy_is_static(server_rec *s)
{
    cors_server_conf_t *main_conf =
        ap_get_module_config(ap_server_conf->module_config, &cors_module);
    cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                     &cors_module);
    core_server_config *csconf = ap_get_core_module_config(s->module_config);
    apr_array_header_t *lists[2];
    int i, j;

    if (main_conf->sections_set || sconf->sections_set) {
        return 0;
    }
    lists[0] = csconf->sec_dir;
    lists[1] = csconf->sec_url;
    if (cors_section_may_change_policy(s->lookup_defaults, 0)) {
        return 0;
    }
    for (j = 0; j < 2; j++) {
        for (i = 0; i < lists[j]->nelts; i++) {
            if (cors_section_may_change_policy(APR_ARRAY_IDX(lists[j], i,
                                                             ap_conf_vector_t
                                                                 *),
                                               1)) {
                return 0;
            }
        }
    }
    return 1;
}

void cors_plan_fast_preflight(server_rec *s)
{
    for (; s != NULL; s = s->next) {
        cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                         &cors_module);
        const cors_policy_t *pol = ap_get_module_config(s->lookup_defaults,
                                                        &cors_module);

        sconf->fast_preflight = pol != NULL && cors_policy_enabled(pol)
                                && cors_policy_preflight_mode(pol)
                                       == CORS_PREFLIGHT_HANDLE
                                && !cors_policy_shadow(pol)
                                && cors_server_policy_is_static(s);
    }
}
