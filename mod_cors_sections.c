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
 * mod_cors: what is read from httpd's own section structures, written
 * once: one walk over every server and section serves the start-up
 * checks, -D DUMP_CORS and the plan of the preflight fast path, and one
 * matcher of <Location> and <Directory> sections serves the fast path and
 * the errors httpd raises before its own walks are done.
 *
 * Every field read here is part of httpd's public headers and has kept
 * its meaning through all of 2.4.x (modules such as mod_info read the
 * same ones):
 *   core_server_config.sec_dir, .sec_url   the <Directory> and <Location>
 *       sections of a server (the main server's first), in the order the
 *       walks apply them: ap_directory_walk and ap_location_walk read them
 *   core_server_config.ap_document_root    where ap_core_translate maps
 *   core_dir_config.d, .r, .d_is_fnmatch   a section's path, regex or
 *       wildcard, matched exactly as the walks match them
 *   core_dir_config.sec_file, .sec_if      nested <Files> and <If>
 *   core_dir_config.condition, .condition_ifelse   an <If>'s expression
 *   core_dir_config.override, .override_list       what .htaccess may set
 *   core_dir_config.opts, .opts_add, .opts_remove  Options (the walk
 *       checks symbolic links unless FollowSymLinks alone is on)
 *   ap_conftree, ap_hook_get_*()           the configuration as written and
 *       which modules take part in mapping a URL: the API mod_info uses
 */

#include "mod_cors.h"

#include "apr_fnmatch.h"
#include "apr_hooks.h"
#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_request.h"
#include "util_cfgtree.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/* --------------------------------------------------------------------- */
/* The walk over every server and section                                 */

typedef enum {
    CORS_SEC_SERVER,
    CORS_SEC_DIRECTORY,
    CORS_SEC_LOCATION,
    CORS_SEC_FILES,
    CORS_SEC_IF
} cors_sec_kind_e;

static const char *const cors_sec_names[] = {NULL, "Directory", "Location",
                                             "Files", "If"};

/** One configured scope, as a walk over the configuration shows it. */
typedef struct cors_scope_t {
    server_rec *s;
    const char *label;       /**< "<Location "/api/">", NULL: the server */
    int depth;               /**< nesting, for indentation */
    cors_sec_kind_e kind;    /**< this section's kind */
    cors_sec_kind_e top;     /**< the kind of its outermost section */
    core_dir_config *cd;     /**< this section's core configuration */
    core_dir_config *top_cd; /**< its outermost section's */
    /** A server, or a section that sets CORS directives itself: what the
     * dump lists and the checks look at. */
    int listed;
    const cors_policy_t *own;    /**< the section's own directives */
    const cors_policy_t *policy; /**< merged over its server's */
    /** The sections of the same kind whose path contains this one's and
     * that httpd's walk merges with it, as labels; or NULL. */
    const char *nested_in;
} cors_scope_t;

typedef void (*cors_scope_fn)(apr_pool_t *p, const cors_scope_t *scope,
                              void *baton);

static void cors_walk_sections(apr_pool_t *p, cors_scope_t *outer,
                               apr_array_header_t *sections,
                               cors_sec_kind_e kind, cors_scope_fn fn,
                               void *baton);

/* A section as the configuration file writes it: <Location "/api/">. */
static const char *cors_section_label(apr_pool_t *p, cors_sec_kind_e kind,
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
static void cors_walk(apr_pool_t *p, server_rec *s, cors_scope_fn fn,
                      void *baton)
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

static const char *cors_fast_describe(apr_pool_t *p, server_rec *s);

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
    fputs(cors_policy_describe(p, scope->policy,
                               apr_pstrcat(p, indent, "  ", NULL)),
          stdout);
    if (cors_policy_enabled(scope->policy)
        && cors_policy_conflict(p, scope->policy) != NULL) {
        printf("%s  no CORS headers are sent here; to fix: %s\n", indent,
               cors_conflict_advice(scope->policy));
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

    if (!scope->listed || !cors_policy_enabled(pol)) {
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
/* Matching sections against a URL, as httpd's walks do                   */

/** A <Location> whose policy a preflight's answer can depend on. */
typedef struct cors_location_t {
    core_dir_config *cd;
    const cors_policy_t *own;    /**< NULL: sets none itself */
    const cors_policy_t *merged; /**< own over the server's policy */
    /** An <If> inside sets CORS directives: only the full walk knows. */
    int has_if;
} cors_location_t;

/** A <Directory> a preflight's answer can depend on, and why. */
typedef struct cors_directory_t {
    core_dir_config *cd;
    const cors_policy_t *own; /**< NULL: sets none itself */
    const char *why;
} cors_directory_t;

/** A URL prefix that another module maps itself, and its directive. */
typedef struct cors_claim_t {
    const char *prefix; /**< "": every URL */
    const char *directive;
} cors_claim_t;

struct cors_fast_plan_t {
    const cors_policy_t *server; /**< the server's own policy */
    /** Why no preflight of this server is answered before the walks, or
     * NULL. */
    const char *off;
    apr_array_header_t *locations; /**< cors_location_t, in walk order */
    /** <Directory> sections a preflight's answer can depend on: they set
     * CORS directives (or hold sections that do), let .htaccess files in,
     * or make the walk check symbolic links. */
    apr_array_header_t *dirs;         /**< cors_directory_t */
    apr_array_header_t *dir_policies; /**< cors_directory_t, own != NULL */
    /** URL prefixes that another module maps itself (Alias, Redirect,
     * ProxyPass, UserDir...) */
    apr_array_header_t *claims; /**< cors_claim_t */
    const char *docroot;        /**< DocumentRoot without a trailing '/' */
};

/*
 * ap_location_walk's test: a regex against the URL, a wildcard against
 * it path-wise, or a prefix that ends at a '/' or at the end of the URL.
 */
static int cors_location_matches(const core_dir_config *cd, const char *uri)
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
 * The policy of the <Location> sections that match uri, merged as the
 * location walk merges them (the matching sections over each other, the
 * result over base).  *has_if is set when a matching section holds an
 * <If> that sets CORS directives, which only the full walk can evaluate.
 */
static const cors_policy_t *cors_locations_policy(apr_pool_t *p,
                                                  const cors_fast_plan_t *plan,
                                                  const cors_policy_t *base,
                                                  const char *uri, int *has_if)
{
    const cors_location_t *locs = (const cors_location_t *)
                                      plan->locations->elts;
    const cors_location_t *only = NULL;
    const cors_policy_t *merged = NULL;
    int i;

    for (i = 0; i < plan->locations->nelts; i++) {
        if (!cors_location_matches(locs[i].cd, uri)) {
            continue;
        }
        *has_if |= locs[i].has_if;
        if (locs[i].own == NULL) {
            continue;
        }
        if (merged == NULL) {
            merged = locs[i].own;
            only = &locs[i];
        }
        else {
            merged = cors_policy_merge(p, merged, locs[i].own);
            only = NULL;
        }
    }
    if (merged == NULL) {
        return base;
    }
    /* One section over the server's policy: merged at start-up. */
    if (only != NULL && base == plan->server) {
        return only->merged;
    }
    return cors_policy_merge(p, base, merged);
}

/*
 * Whether a <Directory> section matches one of the directories the walk
 * passes on its way to path: a '/'-terminated prefix of path (a regex
 * section is tried on the whole path too).
 */
static int cors_directory_matches(apr_pool_t *p, const core_dir_config *cd,
                                  const char *path)
{
    const char *slash;

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
static int cors_options_check_symlinks(const core_dir_config *cd)
{
    if ((cd->opts_remove & OPT_SYM_LINKS) || (cd->opts_add & OPT_SYM_OWNER)) {
        return 1;
    }
    /* Options given without +/- replace the inherited ones. */
    return !(cd->opts & OPT_UNSET)
           && (cd->opts & (OPT_SYM_LINKS | OPT_SYM_OWNER)) != OPT_SYM_LINKS;
}

/* Why a <Directory> (or a section in it) can change a preflight's answer. */
static const char *cors_directory_why(const cors_scope_t *scope)
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
    return cors_options_check_symlinks(cd) ? "symbolic links are checked there"
                                           : NULL;
}

static void cors_plan_server(apr_pool_t *p, const cors_scope_t *scope)
{
    cors_server_conf_t *sconf = ap_get_module_config(scope->s->module_config,
                                                     &cors_module);
    core_server_config *csconf = ap_get_core_module_config(
        scope->s->module_config);
    cors_fast_plan_t *plan = apr_pcalloc(p, sizeof(*plan));
    char *root = apr_pstrdup(p, csconf->ap_document_root
                                    ? csconf->ap_document_root
                                    : "");
    apr_size_t len = strlen(root);

    while (len > 0 && root[len - 1] == '/') {
        root[--len] = '\0';
    }
    plan->docroot = root;
    plan->server = scope->own;
    plan->locations = apr_array_make(p, 4, sizeof(cors_location_t));
    plan->dirs = apr_array_make(p, 4, sizeof(cors_directory_t));
    plan->dir_policies = apr_array_make(p, 4, sizeof(cors_directory_t));
    plan->claims = apr_array_make(p, 4, sizeof(cors_claim_t));
    if (cors_options_check_symlinks(scope->cd)) {
        plan->off = "the server's Options make the directory walk check "
                    "symbolic links";
    }
    else if (scope->s->path != NULL) {
        plan->off = "ServerPath maps URLs";
    }
    sconf->fast = plan;
}

static void cors_plan_location(apr_pool_t *p, cors_fast_plan_t *plan,
                               const cors_scope_t *scope)
{
    cors_location_t *last = plan->locations->nelts > 0
                                ? &APR_ARRAY_IDX(plan->locations,
                                                 plan->locations->nelts - 1,
                                                 cors_location_t)
                                : NULL;

    if (!scope->listed) {
        return;
    }
    if (scope->kind == CORS_SEC_LOCATION) {
        last = apr_array_push(plan->locations);
        last->cd = scope->cd;
        last->own = scope->own;
        /* not scope->policy: the walk merges nested paths into that */
        last->merged = cors_policy_merge(p, plan->server, scope->own);
        last->has_if = 0;
        return;
    }
    /* An <If> (<Files> cannot be in a <Location>) that sets CORS. */
    if (last == NULL || last->cd != scope->top_cd) {
        last = apr_array_push(plan->locations);
        last->cd = scope->top_cd;
        last->own = last->merged = NULL;
    }
    last->has_if = 1;
}

static void cors_plan_directory(cors_fast_plan_t *plan,
                                const cors_scope_t *scope)
{
    const char *why = cors_directory_why(scope);
    cors_directory_t *last = plan->dirs->nelts > 0
                                 ? &APR_ARRAY_IDX(plan->dirs,
                                                  plan->dirs->nelts - 1,
                                                  cors_directory_t)
                                 : NULL;

    if (why == NULL) {
        return;
    }
    if (scope->kind == CORS_SEC_DIRECTORY && scope->listed
        && scope->cd->r == NULL) {
        cors_directory_t *d = apr_array_push(plan->dir_policies);

        d->cd = scope->cd;
        d->own = scope->own;
        d->why = why;
    }
    if (last == NULL || last->cd != scope->top_cd) {
        last = apr_array_push(plan->dirs);
        last->cd = scope->top_cd;
        last->own = NULL;
        last->why = why;
    }
}

/* The walk's visitor that plans each server's fast path. */
static void cors_plan_scope(apr_pool_t *p, const cors_scope_t *scope,
                            void *baton)
{
    cors_server_conf_t *sconf = ap_get_module_config(scope->s->module_config,
                                                     &cors_module);
    cors_fast_plan_t *plan = sconf->fast;

    (void)baton;
    switch (scope->top) {
    case CORS_SEC_SERVER:
        cors_plan_server(p, scope);
        break;
    case CORS_SEC_LOCATION:
        cors_plan_location(p, plan, scope);
        break;
    case CORS_SEC_DIRECTORY:
        cors_plan_directory(plan, scope);
        break;
    case CORS_SEC_FILES:
    case CORS_SEC_IF:
        /* Any file, any request may match them. */
        if (scope->listed && plan->off == NULL) {
            plan->off = apr_pstrcat(p, scope->label,
                                    " at server level sets CORS directives",
                                    NULL);
        }
        break;
    }
}

/* --------------------------------------------------------------------- */
/* What other modules do before mod_cors could answer                     */

typedef enum {
    CORS_FOREIGN_PREFIX,  /**< maps URLs under its first path argument */
    CORS_FOREIGN_ALL,     /**< may map any URL */
    CORS_FOREIGN_USERDIR, /**< maps /~user */
    CORS_FOREIGN_PER_DIR  /**< acts per directory before fixups */
} cors_foreign_e;

/** Where a directive of cors_foreign[] counts. */
typedef enum {
    CORS_IN_ANY,
    CORS_IN_SERVER, /**< server or virtual host context only */
    CORS_IN_SECTION /**< in a section only */
} cors_foreign_context_e;

/*
 * Directives of modules that map URLs in translate_name, refuse requests
 * in an access_checker hook (which runs before the one that lets a
 * preflight skip authentication) or set variables per directory in
 * header_parser (the CORS variable is for them): where they apply, only
 * the full walk gives the answer.  A RewriteRule in a section runs in
 * fixups, after mod_cors answered: only the server's count.
 */
static const struct {
    const char *name;
    cors_foreign_e what;
    cors_foreign_context_e context;
} cors_foreign[] = {
    {"Alias", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"ScriptAlias", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"Redirect", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"RedirectPermanent", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"RedirectTemp", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"ProxyPass", CORS_FOREIGN_PREFIX, CORS_IN_ANY},
    {"AliasMatch", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"ScriptAliasMatch", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"RedirectMatch", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"ProxyPassMatch", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"RewriteRule", CORS_FOREIGN_ALL, CORS_IN_SERVER},
    {"VirtualDocumentRoot", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"VirtualDocumentRootIP", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"VirtualScriptAlias", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"VirtualScriptAliasIP", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"ProxyExpressEnable", CORS_FOREIGN_ALL, CORS_IN_ANY},
    {"UserDir", CORS_FOREIGN_USERDIR, CORS_IN_ANY},
    {"AllowMethods", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"Order", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"Allow", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"Deny", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"SSLRequireSSL", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"SSLRequire", CORS_FOREIGN_PER_DIR, CORS_IN_ANY},
    {"SSLVerifyClient", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
    {"SetEnvIf", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
    {"SetEnvIfNoCase", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
    {"SetEnvIfExpr", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
    {"BrowserMatch", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
    {"BrowserMatchNoCase", CORS_FOREIGN_PER_DIR, CORS_IN_SECTION},
};

#define CORS_NFOREIGN (sizeof(cors_foreign) / sizeof(cors_foreign[0]))

static void cors_plan_claim(apr_pool_t *p, server_rec *s, server_rec *only,
                            const char *prefix, const char *directive)
{
    for (; s != NULL; s = s->next) {
        cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                         &cors_module);
        cors_claim_t *c;

        if (only != NULL && s != only) {
            continue;
        }
        if (prefix == NULL) {
            if (sconf->fast->off == NULL) {
                sconf->fast->off = apr_pstrcat(p, directive,
                                               " in a section acts in a hook "
                                               "the fast path skips",
                                               NULL);
            }
            continue;
        }
        c = apr_array_push(sconf->fast->claims);
        c->prefix = prefix;
        c->directive = directive;
    }
}

/* The URL path a prefix directive maps, without its trailing '/'. */
static const char *cors_claimed_prefix(apr_pool_t *p, const char *name,
                                       const char *args)
{
    char *path = ap_getword_conf(p, &args);
    apr_size_t len;

    /* Redirect [status] URL-path URL */
    if (strncasecmp(name, "Redirect", 8) == 0 && *path != '/') {
        path = ap_getword_conf(p, &args);
    }
    if (*path != '/') {
        return "";
    }
    len = strlen(path);
    while (len > 0 && path[len - 1] == '/') {
        path[--len] = '\0';
    }
    return path;
}

static server_rec *cors_vhost_of(server_rec *s, const ap_directive_t *node)
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
 * The configuration as written (what mod_info shows): other modules'
 * directives that map or refuse URLs, per virtual host (NULL: the main
 * server, whose directives virtual hosts inherit).
 */
static void cors_plan_foreign(apr_pool_t *p, server_rec *s,
                              const ap_directive_t *node, server_rec *scope,
                              int in_section)
{
    for (; node != NULL; node = node->next) {
        apr_size_t i;

        if (strcasecmp(node->directive, "<VirtualHost") == 0) {
            server_rec *v = cors_vhost_of(s, node);

            if (v == NULL) {
                cors_plan_claim(p, s, NULL, "", "an unknown <VirtualHost>");
                continue;
            }
            cors_plan_foreign(p, s, node->first_child, v, 0);
            continue;
        }
        if (node->directive[0] == '<') {
            cors_plan_foreign(p, s, node->first_child, scope, 1);
            continue;
        }
        for (i = 0; i < CORS_NFOREIGN; i++) {
            if (strcasecmp(node->directive, cors_foreign[i].name) == 0) {
                break;
            }
        }
        if (i == CORS_NFOREIGN
            || (in_section && cors_foreign[i].context == CORS_IN_SERVER)
            || (!in_section && cors_foreign[i].context == CORS_IN_SECTION)) {
            continue;
        }
        switch (cors_foreign[i].what) {
        case CORS_FOREIGN_PREFIX:
            /* In a section (a <Location>'s one-argument form): anywhere. */
            cors_plan_claim(p, s, scope,
                            in_section ? ""
                                       : cors_claimed_prefix(p, node->directive,
                                                             node->args),
                            cors_foreign[i].name);
            break;
        case CORS_FOREIGN_ALL:
            cors_plan_claim(p, s, scope, "", cors_foreign[i].name);
            break;
        case CORS_FOREIGN_USERDIR:
            cors_plan_claim(p, s, scope, "/~", cors_foreign[i].name);
            break;
        case CORS_FOREIGN_PER_DIR:
            cors_plan_claim(p, s, scope, NULL, cors_foreign[i].name);
            break;
        }
    }
}

/*
 * Modules that take part before mod_cors answers a preflight: the ones
 * known here are accounted for by their directives above; any other one
 * could map or refuse a URL in ways nothing here can tell.
 */
static const char *const cors_known_mappers[] = {"core.c",
                                                 "http_core.c",
                                                 "mod_cors.c",
                                                 "mod_alias.c",
                                                 "mod_rewrite.c",
                                                 "mod_proxy.c",
                                                 "mod_userdir.c",
                                                 "mod_vhost_alias.c",
                                                 "mod_ssl.c",
                                                 "mod_proxy_express.c",
                                                 "mod_allowmethods.c",
                                                 "mod_access_compat.c",
                                                 NULL};

static const char *cors_unknown_module(apr_pool_t *p,
                                       const apr_array_header_t *hooks,
                                       apr_size_t name_offset, const char *hook)
{
    int i, j;

    for (i = 0; hooks != NULL && i < hooks->nelts; i++) {
        const char *name = *(
            const char *const *)(hooks->elts + (apr_size_t)i * hooks->elt_size
                                 + name_offset);

        for (j = 0; cors_known_mappers[j] != NULL; j++) {
            if (name != NULL && strcmp(name, cors_known_mappers[j]) == 0) {
                break;
            }
        }
        if (cors_known_mappers[j] == NULL) {
            return apr_psprintf(p, "%s hooks %s", name ? name : "a module",
                                hook);
        }
    }
    return NULL;
}

#define CORS_UNKNOWN_HOOK(p, name)                                             \
    cors_unknown_module((p), ap_hook_get_##name(),                             \
                        APR_OFFSETOF(ap_LINK_##name##_t, szName), #name)

static const char *cors_unknown_hooks(apr_pool_t *p)
{
    const char *why = CORS_UNKNOWN_HOOK(p, translate_name);

#if AP_MODULE_MAGIC_AT_LEAST(20120211, 109)
    if (why == NULL) {
        why = CORS_UNKNOWN_HOOK(p, pre_translate_name);
    }
#endif
    if (why == NULL) {
        why = CORS_UNKNOWN_HOOK(p, map_to_storage);
    }
    if (why == NULL) {
        why = CORS_UNKNOWN_HOOK(p, access_checker);
    }
    return why;
}

/*
 * Plan, per server, where a preflight can be answered from the quick
 * handler, before translate_name, map_to_storage and the walks: every
 * URL whose answer no <Directory>, <Files>, <If> or .htaccess can change
 * and that no other module maps or refuses first.
 */
void cors_plan_fast_preflight(apr_pool_t *pconf, server_rec *s)
{
    const char *unknown = cors_unknown_hooks(pconf);
    server_rec *v;

    cors_walk(pconf, s, cors_plan_scope, NULL);
    cors_plan_foreign(pconf, s, ap_conftree, NULL, 0);
    for (v = s; unknown != NULL && v != NULL; v = v->next) {
        cors_server_conf_t *sconf = ap_get_module_config(v->module_config,
                                                         &cors_module);

        if (sconf->fast->off == NULL) {
            sconf->fast->off = unknown;
        }
    }
}

/* For -D DUMP_CORS: where this server's preflights take the fast path. */
static const char *cors_fast_describe(apr_pool_t *p, server_rec *s)
{
    cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                     &cors_module);
    const cors_fast_plan_t *plan = sconf->fast;
    const char *out;
    int i;

    /* Nothing to answer anywhere on this server. */
    if (plan == NULL
        || (!cors_policy_enabled(plan->server) && plan->locations->nelts == 0
            && plan->dir_policies->nelts == 0)) {
        return "";
    }
    if (plan->off != NULL) {
        return apr_pstrcat(p, "  fast path: off (", plan->off, ")\n", NULL);
    }
    out = "  fast path: preflights are answered before the directory walk";
    if (plan->dirs->nelts + plan->claims->nelts == 0) {
        return apr_pstrcat(p, out, ", for every URL\n", NULL);
    }
    out = apr_pstrcat(p, out, ", except:\n", NULL);
    for (i = 0; i < plan->dirs->nelts; i++) {
        const cors_directory_t *d = &APR_ARRAY_IDX(plan->dirs, i,
                                                   cors_directory_t);

        out = apr_pstrcat(p, out, "    under ",
                          cors_section_label(p, CORS_SEC_DIRECTORY, d->cd),
                          " (", d->why, ")\n", NULL);
    }
    for (i = 0; i < plan->locations->nelts; i++) {
        const cors_location_t *l = &APR_ARRAY_IDX(plan->locations, i,
                                                  cors_location_t);

        if (l->has_if) {
            out = apr_pstrcat(p, out, "    in ",
                              cors_section_label(p, CORS_SEC_LOCATION, l->cd),
                              " (an <If> inside sets CORS directives)\n", NULL);
        }
    }
    for (i = 0; i < plan->claims->nelts; i++) {
        const cors_claim_t *c = &APR_ARRAY_IDX(plan->claims, i, cors_claim_t);

        out = *c->prefix ? apr_pstrcat(p, out, "    URLs under \"", c->prefix,
                                       "\" (", c->directive, ")\n", NULL)
                         : apr_pstrcat(p, out, "    every URL mapped by ",
                                       c->directive, "\n", NULL);
    }
    return out;
}

/* --------------------------------------------------------------------- */
/* At request time                                                        */

/*
 * A URL path that httpd's normalisation and decoding leave as it is: no
 * escape, no empty, "." or ".." segment.  Only then does the path as
 * sent match sections as the full walk will match them.
 */
static int cors_uri_is_plain(const char *uri)
{
    const char *c;

    if (uri == NULL || uri[0] != '/') {
        return 0;
    }
    for (c = uri; *c != '\0'; c++) {
        if (*c == '%') {
            return 0;
        }
        if (*c == '/' && c[1] == '.') {
            int dots = c[2] == '.' ? 2 : 1;

            if (c[1 + dots] == '/' || c[1 + dots] == '\0') {
                return 0;
            }
        }
        if (*c == '/' && c[1] == '/') {
            return 0;
        }
    }
    return 1;
}

const cors_policy_t *cors_fast_policy(request_rec *r)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);
    const cors_fast_plan_t *plan = sconf->fast;
    const cors_policy_t *pol;
    int i, has_if = 0;

    if (plan == NULL || plan->off != NULL || r->proxyreq != PROXYREQ_NONE
        || !cors_uri_is_plain(r->uri)) {
        return NULL;
    }
    for (i = 0; i < plan->claims->nelts; i++) {
        const char *prefix =
            APR_ARRAY_IDX(plan->claims, i, cors_claim_t).prefix;

        if (strncmp(r->uri, prefix, strlen(prefix)) == 0) {
            return NULL;
        }
    }
    if (plan->dirs->nelts > 0) {
        /* Where ap_core_translate maps it; as a directory too, so that a
         * section for the last segment counts. */
        const char *file = apr_pstrcat(r->pool, plan->docroot, r->uri, NULL);
        const char *dir = apr_pstrcat(r->pool, file, "/", NULL);

        for (i = 0; i < plan->dirs->nelts; i++) {
            const core_dir_config *cd =
                APR_ARRAY_IDX(plan->dirs, i, cors_directory_t).cd;

            /* A regex section is matched against the file's name too. */
            if (cors_directory_matches(r->pool, cd, dir)
                || (cd->r != NULL
                    && ap_regexec(cd->r, file, 0, NULL, 0) == 0)) {
                return NULL;
            }
        }
    }
    pol = cors_locations_policy(r->pool, plan, plan->server, r->uri, &has_if);
    return has_if ? NULL : pol;
}

/* The path of the request as the client sent it, '?' and after cut. */
static const char *cors_path_as_sent(request_rec *r)
{
    const char *u = r->unparsed_uri;
    char *path;

    if (u == NULL) {
        return "";
    }
    if (*u != '/') {
        /* absolute form: scheme://authority/path */
        const char *auth = strstr(u, "://");

        u = auth != NULL ? strchr(auth + 3, '/') : NULL;
        if (u == NULL) {
            return "";
        }
    }
    path = apr_pstrmemdup(r->pool, u, strcspn(u, "?#"));
    /* The location walk compares prefixes with slashes merged. */
    ap_no2slash(path);
    return path;
}

const cors_policy_t *cors_policy_so_far(request_rec *r, int mapped)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);
    const cors_fast_plan_t *plan = sconf->fast;
    const cors_policy_t *pol;
    int i, has_if = 0;

    if (plan == NULL) {
        return ap_get_module_config(r->server->lookup_defaults, &cors_module);
    }
    if (!mapped) {
        return cors_locations_policy(r->pool, plan, plan->server,
                                     cors_path_as_sent(r), &has_if);
    }
    pol = plan->server;
    /* As far as the directory walk got: it leaves r->filename at the
     * directory (with a '/') or the link it failed on. */
    for (i = 0; r->filename != NULL && r->filename[0] == '/'
                && i < plan->dir_policies->nelts;
         i++) {
        const cors_directory_t *d = &APR_ARRAY_IDX(plan->dir_policies, i,
                                                   cors_directory_t);

        if (cors_directory_matches(r->pool, d->cd, r->filename)) {
            pol = cors_policy_merge(r->pool, pol, d->own);
        }
    }
    return cors_locations_policy(r->pool, plan, pol, r->uri, &has_if);
}
