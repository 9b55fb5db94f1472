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
 * mod_cors: what is read from httpd's own section structures, and
 * nowhere else (and, at the end, from the configuration tree as written,
 * ap_conftree, for where DBDriver stands).  One walk over every server and section serves the
 * start-up checks, -D DUMP_CORS and the fast-path plan
 * (mod_cors_fastpath.c); one matcher of <Location> and <Directory>
 * sections, written as ap_location_walk and ap_directory_walk match
 * them, serves the fast path and the errors httpd raises before its own
 * walks are done.
 *
 * Every field read here is in httpd's public header http_core.h, and
 * 2.4 keeps module ABI within its major MMN (20120211): a minor bump may
 * only append fields, never move or change one, so each keeps its offset
 * and meaning from 2.4.1 on.  Why each is there, and who else reads it:
 *   core_server_config.sec_dir, .sec_url   the <Directory> and <Location>
 *       sections of a server (the main server's first), sorted as the
 *       walks apply them; ap_directory_walk and ap_location_walk iterate
 *       exactly these arrays, mod_info prints them
 *   core_server_config.ap_document_root    where ap_core_translate maps
 *       (what ap_document_root() returns when no module set one per
 *       request)
 *   core_dir_config.d, .r, .d_is_fnmatch   a section's path, regex or
 *       wildcard: the keys the walks match on, since 2.0
 *   core_dir_config.sec_file, .sec_if      nested <Files> and <If>, as
 *       ap_file_walk and ap_if_walk read them (sec_if since 2.3.11)
 *   core_dir_config.condition, .condition_ifelse   an <If>'s expression
 *       and kind (since 2.3.0 and 2.3.13, before 2.4.1)
 *   core_dir_config.override, .override_list       what .htaccess may set:
 *       ap_directory_walk passes them to ap_parse_htaccess (override_list
 *       since 2.3.14)
 *   core_dir_config.opts, .opts_add, .opts_remove  Options, merged by the
 *       walk's core_opts_merge: it checks symbolic links unless
 *       FollowSymLinks alone is on
 */

#include "mod_cors.h"

#include "apr_fnmatch.h"
#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_request.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/* --------------------------------------------------------------------- */
/* The walk over every server and section                                 */

static const char *const cors_sec_names[] = {NULL, "Directory", "Location",
                                             "Files", "If"};

static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections,
                               cors_sec_kind_e kind, cors_scope_fn fn,
                               void *baton);

/* A section as the configuration file writes it: <Location "/api/">. */
const char *cors_section_label(apr_pool_t *p, cors_sec_kind_e kind,
                               const core_dir_config *cd)
{
    if (cd->condition != NULL) {
        return apr_psprintf(p, "<%s> (%s:%u)",
                            cd->condition_ifelse == AP_CONDITION_ELSEIF
                                ? "ElseIf"
                            : cd->condition_ifelse == AP_CONDITION_ELSE ? "Else"
                                                                        : "If",
                            cd->condition->filename,
                            cd->condition->line_number);
    }
    return apr_psprintf(p, "<%s %s\"%s\">", cors_sec_names[kind],
                        cd->r ? "~ " : "", cd->d);
}

static void cors_walk_section(apr_pool_t *p, cors_scope_t *outer,
                              ap_conf_vector_t *sec, cors_sec_kind_e kind,
                              const cors_policy_t *merged,
                              const char *nested_in, cors_scope_fn fn,
                              void *baton)
{
    const cors_policy_t *own = ap_get_module_config(sec, &cors_module);
    cors_scope_t scope = *outer;

    scope.depth = outer->depth + 1;
    scope.nested_in = nested_in;
    scope.kind = kind;
    scope.cd = ap_get_core_module_config(sec);
    if (outer->kind == CORS_SEC_SERVER) {
        scope.top = kind;
        scope.top_cd = scope.cd;
    }
    scope.listed = own != NULL && !cors_policy_is_empty(own);
    if (scope.listed) {
        scope.own = own;
        scope.policy = merged != NULL
                           ? merged
                           : cors_policy_merge(p, outer->policy, own);
        scope.label = cors_section_label(p, kind, scope.cd);
    }
    fn(p, &scope, baton);
    if (scope.cd->sec_file != NULL) {
        cors_walk_sections(p, &scope, scope.cd->sec_file, CORS_SEC_FILES, fn,
                           baton);
    }
    if (scope.cd->sec_if != NULL) {
        cors_walk_sections(p, &scope, scope.cd->sec_if, CORS_SEC_IF, fn, baton);
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
                               apr_array_header_t *sections,
                               cors_sec_kind_e kind, cors_scope_fn fn,
                               void *baton)
{
    ap_conf_vector_t **secs = (ap_conf_vector_t **)sections->elts;
    int nest = outer->kind == CORS_SEC_SERVER
               && (kind == CORS_SEC_LOCATION || kind == CORS_SEC_DIRECTORY);
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
 * Every server, then every section of it (the main server's sections
 * again under each virtual host, as httpd merges them), in the order the
 * walks apply them; a section's policy is merged over its server's.  (An
 * .htaccess is read per request: not here.)
 */
void cors_walk(apr_pool_t *p, server_rec *s, cors_scope_fn fn, void *baton)
{
    for (; s != NULL; s = s->next) {
        core_server_config *csconf = ap_get_core_module_config(
            s->module_config);
        cors_scope_t scope;

        scope.s = s;
        scope.label = NULL;
        scope.nested_in = NULL;
        scope.depth = 0;
        scope.kind = scope.top = CORS_SEC_SERVER;
        scope.listed = 1;
        /* <Files> and <If> at server level hang off the server's defaults. */
        scope.cd = scope.top_cd = ap_get_core_module_config(s->lookup_defaults);
        scope.own = scope.policy = ap_get_module_config(s->lookup_defaults,
                                                        &cors_module);
        fn(p, &scope, baton);
        if (scope.cd->sec_file != NULL) {
            cors_walk_sections(p, &scope, scope.cd->sec_file, CORS_SEC_FILES,
                               fn, baton);
        }
        if (scope.cd->sec_if != NULL) {
            cors_walk_sections(p, &scope, scope.cd->sec_if, CORS_SEC_IF, fn,
                               baton);
        }
        cors_walk_sections(p, &scope, csconf->sec_dir, CORS_SEC_DIRECTORY, fn,
                           baton);
        cors_walk_sections(p, &scope, csconf->sec_url, CORS_SEC_LOCATION, fn,
                           baton);
    }
}

/* --------------------------------------------------------------------- */
/* apache2 -t -D DUMP_CORS and the start-up checks                        */


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
    const cors_problem_t *conflict;

    (void)baton;
    if (!scope->listed) {
        return;
    }
    if (scope->label == NULL) {
        printf("%s\n", cors_server_name(p, scope->s));
        fputs(cors_fast_describe(p, scope->s), stdout);
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
    conflict = cors_policy_conflict(p, scope->policy);
    fputs(cors_policy_describe(p, scope->policy,
                               apr_pstrcat(p, indent, "  ", NULL),
                               conflict != NULL
                                   ? cors_clash_words(p, conflict,
                                                      CORS_CLASH_MERGED)
                                   : NULL),
          stdout);
    if (cors_policy_enabled(scope->policy) && conflict != NULL) {
        printf("%s  no CORS headers are sent here; to fix: %s\n", indent,
               cors_conflict_advice(conflict));
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
    const cors_problem_t *conflict;
    const char *insecure;

    server_rec *log_s = baton != NULL ? NULL : scope->s;

    if (!scope->listed || !cors_policy_enabled(pol)) {
        return;
    }
    if ((conflict = cors_policy_conflict(p, pol)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, log_s,
                     CORS_LOGNO(0047) "%s%s%s: %s; CORS fails closed there "
                                      "(no CORS headers); to fix: %s",
                     where, scope->nested_in ? ", merged with " : "",
                     scope->nested_in ? scope->nested_in : "",
                     cors_clash_words(p, conflict, CORS_CLASH_MERGED),
                     cors_conflict_advice(conflict));
    }
    /* The same section was warned about when its directives were read. */
    if (cors_policy_credentials(pol) && scope->own->credentials != 1
        && (insecure = cors_origins_insecure(pol->origins)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, log_s,
                     CORS_LOGNO(0048) "%s: '%s' is served over plain http "
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
        /* test_config runs before post_config plans the fast path. */
        cors_plan_fast_preflight(pconf, s);
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
/* Matching sections as httpd's walks do (for mod_cors_fastpath.c)        */

/*
 * ap_location_walk's test: a regex against the URL, a wildcard against
 * it path-wise, or a prefix that ends at a '/' or at the end of the URL.
 */
int cors_location_matches(const core_dir_config *cd, const char *uri)
{
    apr_size_t len;

    if (cd->r != NULL) {
        return ap_regexec(cd->r, uri, 0, NULL, 0) == 0;
    }
    if (cd->d_is_fnmatch) {
        return apr_fnmatch(cd->d, uri, APR_FNM_PATHNAME) == APR_SUCCESS;
    }
    len = strlen(cd->d);
    return strncmp(cd->d, uri, len) == 0
           && (len == 0 || cd->d[len - 1] == '/' || uri[len] == '/'
               || uri[len] == '\0');
}

/*
 * Whether a <Directory> section matches one of the directories the walk
 * passes on its way to path: a '/'-terminated prefix of path (a regex
 * section is tried on the whole path, and on file when given).
 */
int cors_directory_matches(apr_pool_t *p, const core_dir_config *cd,
                           const char *path, const char *file)
{
    const char *slash;

    /* The walk matches a regex section against the file's name too. */
    if (file != NULL && cd->r != NULL
        && ap_regexec(cd->r, file, 0, NULL, 0) == 0) {
        return 1;
    }
    if (cd->r == NULL && !cd->d_is_fnmatch) {
        return strncmp(cd->d, path, strlen(cd->d)) == 0;
    }
    if (cd->r != NULL && ap_regexec(cd->r, path, 0, NULL, 0) == 0) {
        return 1;
    }
    for (slash = strchr(path, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        const char *dir = apr_pstrmemdup(p, path,
                                         (apr_size_t)(slash - path) + 1);

        if (cd->r != NULL
                ? ap_regexec(cd->r, dir, 0, NULL, 0) == 0
                : apr_fnmatch(cd->d, dir, APR_FNM_PATHNAME) == APR_SUCCESS) {
            return 1;
        }
    }
    return 0;
}

/* Whether the directory walk checks symbolic links under these Options. */
int cors_section_checks_symlinks(const core_dir_config *cd)
{
    if ((cd->opts_remove & OPT_SYM_LINKS) || (cd->opts_add & OPT_SYM_OWNER)) {
        return 1;
    }
    /* Options given without +/- replace the inherited ones. */
    return !(cd->opts & OPT_UNSET)
           && (cd->opts & (OPT_SYM_LINKS | OPT_SYM_OWNER)) != OPT_SYM_LINKS;
}

/* Why a <Directory> (or a section in it) can change a preflight's answer. */
const char *cors_directory_why(const cors_scope_t *scope)
{
    const core_dir_config *cd = scope->cd;

    if (scope->listed) {
        return scope->kind == CORS_SEC_DIRECTORY
                   ? "sets CORS directives"
                   : "a section inside sets CORS directives";
    }
    if (scope->kind != CORS_SEC_DIRECTORY) {
        return NULL;
    }
    if ((cd->override & OR_ALL)
        || (cd->override_list != NULL
            && !apr_is_empty_table(cd->override_list))) {
        return ".htaccess files are read there";
    }
    return cors_section_checks_symlinks(cd) ? "symbolic links are checked there"
                                            : NULL;
}

int cors_section_is_regex(const core_dir_config *cd)
{
    return cd->r != NULL;
}

/* Where ap_core_translate maps a server's URLs, without a trailing '/'. */
const char *cors_server_docroot(apr_pool_t *p, server_rec *s)
{
    core_server_config *csconf = ap_get_core_module_config(s->module_config);
    char *root = apr_pstrdup(p, csconf->ap_document_root
                                    ? csconf->ap_document_root
                                    : "");
    apr_size_t len = strlen(root);

    while (len > 0 && root[len - 1] == '/') {
        root[--len] = '\0';
    }
    return root;
}

/* --------------------------------------------------------------------- */
/* The configuration as written: where DBDriver stands                    */

/* The virtual host a <VirtualHost> of the configuration tree made. */
static server_rec *cors_dbd_vhost_of(server_rec *s, const ap_directive_t *node)
{
    for (s = s->next; s != NULL; s = s->next) {
        if (s->defn_name != NULL && strcmp(s->defn_name, node->filename) == 0
            && s->defn_line_number == (unsigned)node->line_num) {
            return s;
        }
    }
    return NULL;
}

/*
 * Where the configuration as written (ap_conftree) sets DBDriver: in the
 * main server (scope NULL; virtual hosts inherit it, as mod_dbd merges
 * it) or in a <VirtualHost>, added to drivers (server_rec *).
 */
static void cors_dbd_drivers(server_rec *s, const ap_directive_t *node,
                             server_rec *scope, apr_array_header_t *drivers,
                             int *in_main)
{
    for (; node != NULL; node = node->next) {
        if (strcasecmp(node->directive, "<VirtualHost") == 0) {
            server_rec *v = cors_dbd_vhost_of(s, node);

            if (v != NULL) {
                cors_dbd_drivers(s, node->first_child, v, drivers, in_main);
            }
        }
        else if (node->directive[0] == '<') {
            cors_dbd_drivers(s, node->first_child, scope, drivers, in_main);
        }
        else if (strcasecmp(node->directive, "DBDriver") == 0) {
            if (scope == NULL) {
                *in_main = 1;
            }
            else {
                APR_ARRAY_PUSH(drivers, server_rec *) = scope;
            }
        }
    }
}

/*
 * CORSAllowOriginDBDQuery in a server with no DBDriver: mod_dbd's
 * ap_dbd_open would only log "not configured" (AH02654) at every
 * lookup, and every origin the query would have allowed is refused.
 * check_config runs for apache2 -t too.
 */
int cors_dbd_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    apr_array_header_t *drivers = apr_array_make(ptemp, 4,
                                                 sizeof(server_rec *));
    int in_main = 0, bad = 0, i;
    server_rec *v;

    (void)pconf;
    (void)plog;
    cors_dbd_drivers(s, ap_conftree, NULL, drivers, &in_main);
    for (v = s; v != NULL && !in_main; v = v->next) {
        cors_server_conf_t *sc = ap_get_module_config(v->module_config,
                                                      &cors_module);

        for (i = 0; i < drivers->nelts; i++) {
            if (APR_ARRAY_IDX(drivers, i, server_rec *) == v) {
                break;
            }
        }
        if (!sc->db_queries || i < drivers->nelts) {
            continue;
        }
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     CORS_LOGNO(0024) "CORSAllowOriginDBDQuery (%s) in %s%s, "
                                      "which has no DBDriver: add DBDriver "
                                      "(sqlite3, pgsql) and DBDParams to "
                                      "the main server, or to this virtual "
                                      "host",
                     sc->db_query_at ? sc->db_query_at : "?",
                     v == s ? "the main server" : "virtual host ",
                     v == s ? "" : v->server_hostname);
        bad = 1;
    }
    return bad ? HTTP_INTERNAL_SERVER_ERROR : OK;
}
