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
 * mod_cors: the preflight fast path.  At post_config, per server, a plan
 * of where a preflight's answer cannot depend on anything the quick
 * handler has not seen: the <Location> policies (matched at request time
 * as the location walk matches them), the <Directory> sections that could
 * change an answer and the URLs other modules map or refuse first.  At
 * request time, the policy of a preflight from that plan, and the policy
 * of an error raised before httpd's walks were done.  The sections
 * themselves are read in mod_cors_sections.c only; what is read here of
 * httpd is public API that has not changed through 2.4.x: ap_conftree
 * (the configuration as written, as mod_info shows it) and
 * ap_hook_get_*() (which modules take part in a hook, by source name).
 */

#include "mod_cors.h"

#include "apr_hooks.h"
#include "apr_strings.h"

#include "http_log.h"
#include "http_request.h"
#include "util_cfgtree.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/* --------------------------------------------------------------------- */
/* The plan                                                               */

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

static void cors_plan_server(apr_pool_t *p, const cors_scope_t *scope)
{
    cors_server_conf_t *sconf = ap_get_module_config(scope->s->module_config,
                                                     &cors_module);
    cors_fast_plan_t *plan = apr_pcalloc(p, sizeof(*plan));

    plan->docroot = cors_server_docroot(p, scope->s);
    plan->server = scope->own;
    plan->locations = apr_array_make(p, 4, sizeof(cors_location_t));
    plan->dirs = apr_array_make(p, 4, sizeof(cors_directory_t));
    plan->dir_policies = apr_array_make(p, 4, sizeof(cors_directory_t));
    plan->claims = apr_array_make(p, 4, sizeof(cors_claim_t));
    if (cors_section_checks_symlinks(scope->cd)) {
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
        && !cors_section_is_regex(scope->cd)) {
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

/* One directive of the configuration, if cors_foreign[] names it. */
static void cors_plan_directive(apr_pool_t *p, server_rec *s,
                                const ap_directive_t *node, server_rec *scope,
                                int in_section)
{
    const char *at;
    apr_size_t i;

    for (i = 0; i < CORS_NFOREIGN; i++) {
        if (strcasecmp(node->directive, cors_foreign[i].name) == 0) {
            break;
        }
    }
    if (i == CORS_NFOREIGN
        || (in_section && cors_foreign[i].context == CORS_IN_SERVER)
        || (!in_section && cors_foreign[i].context == CORS_IN_SECTION)) {
        return;
    }
    /* "Alias (/etc/apache2/mods-enabled/alias.conf:14)", for DUMP_CORS */
    at = apr_psprintf(p, "%s (%s:%d)", cors_foreign[i].name, node->filename,
                      node->line_num);
    switch (cors_foreign[i].what) {
    case CORS_FOREIGN_PREFIX:
        /* In a section (a <Location>'s one-argument form): anywhere. */
        cors_plan_claim(p, s, scope,
                        in_section ? ""
                                   : cors_claimed_prefix(p, node->directive,
                                                         node->args),
                        at);
        break;
    case CORS_FOREIGN_ALL:
        cors_plan_claim(p, s, scope, "", at);
        break;
    case CORS_FOREIGN_USERDIR:
        cors_plan_claim(p, s, scope, "/~", at);
        break;
    case CORS_FOREIGN_PER_DIR:
        cors_plan_claim(p, s, scope, NULL, at);
        break;
    }
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
        cors_plan_directive(p, s, node, scope, in_section);
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
const char *cors_fast_describe(apr_pool_t *p, server_rec *s)
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

            if (cors_directory_matches(r->pool, cd, dir, file)) {
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

        if (cors_directory_matches(r->pool, d->cd, r->filename, NULL)) {
            pol = cors_policy_merge(r->pool, pol, d->own);
        }
    }
    return cors_locations_policy(r->pool, plan, pol, r->uri, &has_if);
}
