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
 * mod_cors: origin lists kept outside the configuration (docs/behaviour.md
 * §7), in files.  A list is an origin source of the engine's policy,
 * asked after the configuration's own origins, and only with a
 * well-formed origin.
 *
 *   CORSAllowOriginFile /etc/apache2/cors-origins.txt
 *   CORSAllowOriginFileCheck 5
 *
 * A list file is read at start-up (a bad one fails apache2 -t with file
 * and line) into a per-process cache keyed by path, which .htaccess files
 * share; each child looks at the file at most once per check interval and
 * swaps in the new list whole (src/cors_list.c says how).
 *
 * A database of origins is the other source: mod_cors_dbd.c.
 */

#include "mod_cors.h"

#include "apr_strings.h"

#include "http_core.h"
#include "http_log.h"
#include "http_main.h"

#include "cors_list.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/** The process pool's key of the per-process list cache. */
#define CORS_LISTS_KEY "mod_cors:lists"

/** A list named in .htaccess that could not be read: read again after. */
#define CORS_LIST_RETRY apr_time_from_sec(5)

/* --------------------------------------------------------------------- */
/* List files                                                             */

/*
 * The per-process cache lives in the configuration pool: .htaccess files
 * read in every child find the lists the parent loaded before forking,
 * and each generation (a restart) starts with the files as they are
 * then.  Not the process pool: its cleanups run after httpd has unloaded
 * this module's code.
 */
static cors_list_cache_t *cors_lists(apr_pool_t *pconf)
{
    void *c = NULL;

    apr_pool_userdata_get(&c, CORS_LISTS_KEY, pconf);
    return c;
}

static const char *cors_list_strerror(apr_pool_t *p, const char *path,
                                      const cors_list_error_t *err)
{
    cors_problem_t pr;

    switch (err->code) {
    case CORS_LIST_ERR_VALUE:
        if (cors_list_problem(err, &pr)) {
            return apr_psprintf(p, "%s:%u: %s%s", path, err->line,
                                cors_problem_words(p, &pr),
                                cors_problem_is_warning(pr.kind)
                                    ? "; not accepted in a list file"
                                    : "");
        }
        return apr_psprintf(p, "%s:%u: %s", path, err->line, err->message);
    case CORS_LIST_ERR_TOO_LARGE:
        return apr_psprintf(p, "%s: larger than %d MiB", path,
                            CORS_LIST_MAX_SIZE / (1024 * 1024));
    case CORS_LIST_ERR_CHANGING:
        return apr_psprintf(p,
                            "%s: changed while it was read (replace it by "
                            "renaming a complete file over it)",
                            path);
    case CORS_LIST_ERR_LINK:
        return apr_psprintf(p,
                            "%s: not read: a symbolic link, or in a linked "
                            "directory (in .htaccess the list may be "
                            "neither)",
                            path);
    case CORS_LIST_ERR_NOT_FILE:
        return apr_psprintf(p, "%s: not read: not a regular file", path);
    case CORS_LIST_ERR_FULL:
        return apr_psprintf(p,
                            "%s: not read: this child already keeps %d "
                            "origin lists, the most it keeps until a "
                            "restart (docs/design.md)",
                            path, CORS_LIST_CACHE_MAX);
    case CORS_LIST_ERR_IO:
    case CORS_LIST_ERR_NONE:
        break;
    }
    return apr_psprintf(p, "%s: cannot be read: %pm", path, &err->status);
}

static const char *cors_file_describe(const cors_source_t *src, apr_pool_t *p)
{
    cors_list_info_t info;

    cors_list_info(src->data, &info);
    if (info.loaded == 0) {
        return apr_psprintf(p, "file %s (not loaded)", info.path);
    }
    return apr_psprintf(p,
                        "file %s, %" APR_SIZE_T_FMT " origins, loaded %s, "
                        "%u reloads, %u failed",
                        info.path, info.count,
                        ap_ht_time(p, info.loaded, "%Y-%m-%d %H:%M:%S %Z", 0),
                        (unsigned)info.reloads, (unsigned)info.failures);
}

static cors_source_answer_e cors_file_lookup(
    const cors_source_t *src, const cors_policy_t *pol, const char *value,
    const cors_origin_t *origin, void *ctx, apr_pool_t *p, const char **why)
{
    request_rec *r = ctx;
    server_rec *s = r ? r->server : ap_server_conf;
    cors_list_event_t ev;
    int hit;

    (void)why;
    hit = cors_list_match(src->data, value, origin,
                          r ? r->request_time : apr_time_now(),
                          apr_time_from_sec(cors_policy_list_check(pol)), &ev);
    if (ev.reloaded) {
        cors_count_event(s, CORS_COUNT_LIST_RELOADS);
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     CORS_LOGNO(0010) "reloaded %s: %" APR_SIZE_T_FMT
                                      " origins, read in %" APR_TIME_T_FMT
                                      " ms",
                     src->name, ev.count, apr_time_as_msec(ev.took));
    }
    else if (ev.failed) {
        cors_count_event(s, CORS_COUNT_LIST_FAILURES);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     CORS_LOGNO(0011) "%s; the list loaded before stays in "
                                      "use",
                     cors_list_strerror(p, src->name, &ev.err));
    }
    return hit ? CORS_SOURCE_LISTED : CORS_SOURCE_ABSENT;
}

/*
 * In .htaccess the list must be the author's own: a relative path inside
 * the .htaccess file's directory, neither a symbolic link nor in a linked
 * directory.  httpd may read files the author cannot (another site's, on
 * shared hosting), and an error quotes the line it failed on.  The check
 * is one lstat per component of the relative path, which is
 * cheap beside the stats of httpd's own directory walk, and gives the
 * author a clear error; what makes it hold is the reading itself, at
 * every load and reload: the author can swap a link in after this check,
 * so the file is opened one component at a time from the .htaccess
 * file's directory without following any link (cors_list_cache_get's
 * under, src/cors_list.c).  The file is read once per child and change.
 */
static const char *cors_htaccess_list_path(cmd_parms *cmd, const char *arg,
                                           const char **out)
{
    apr_size_t root = strlen(cmd->path);
    apr_finfo_t fi;
    const char *c;
    char *merged;

    if (apr_filepath_merge(&merged, cmd->path, arg, APR_FILEPATH_SECUREROOT,
                           cmd->temp_pool)
            != APR_SUCCESS
        || strncmp(merged, cmd->path, root) != 0) {
        return apr_psprintf(cmd->pool,
                            "'%s': in .htaccess the list must be a relative "
                            "path inside the .htaccess file's directory",
                            arg);
    }
    /* Every component below the directory, the file last: a link to
     * another site's directory ("other/list.txt") leads out of it as a
     * link to the file does. */
    for (c = merged + root;; c++) {
        if ((*c == '/' || *c == '\0') && c > merged + root
            && apr_stat(&fi, apr_pstrmemdup(cmd->temp_pool, merged, c - merged),
                        APR_FINFO_LINK | APR_FINFO_TYPE, cmd->temp_pool)
                   == APR_SUCCESS
            && fi.filetype == APR_LNK) {
            return apr_psprintf(cmd->pool,
                                "'%s': in .htaccess the list may not be a "
                                "symbolic link, nor be in a linked "
                                "directory",
                                arg);
        }
        if (*c == '\0') {
            break;
        }
    }
    *out = apr_pstrdup(cmd->pool, merged);
    return NULL;
}

/*
 * In the configuration, a relative path is under ServerRoot; in .htaccess,
 * which is read per request, under the .htaccess file's own directory (a
 * hosting customer does not know ServerRoot), and the list comes from the
 * process's cache, not from the disk, once it is there.
 */
const char *cors_set_origin_file(cmd_parms *cmd, void *dconf, const char *arg)
{
    int in_htaccess = cmd->pool != cmd->server->process->pconf;
    cors_list_cache_t *cache = cors_lists(cmd->server->process->pconf);
    cors_list_error_t err;
    cors_source_t *src;
    cors_list_t *l;
    const char *path = NULL;
    apr_size_t under = 0;
    apr_status_t rv;

    if (cache == NULL) {
        return cors_config_error(cmd, "no list cache (pre_config did not "
                                      "run)");
    }
    if (in_htaccess && cmd->path != NULL) {
        const char *err = cors_htaccess_list_path(cmd, arg, &path);

        if (err != NULL) {
            return cors_config_error(cmd, err);
        }
        under = strlen(cmd->path);
    }
    else {
        path = ap_server_root_relative(cmd->pool, arg);
    }
    if (path == NULL) {
        return cors_config_error(cmd, apr_psprintf(cmd->pool,
                                                   "'%s' is not a "
                                                   "valid path",
                                                   arg));
    }
    rv = in_htaccess ? cors_list_cache_get(cache, path, under, apr_time_now(),
                                           CORS_LIST_RETRY, &l, &err)
                     : cors_list_cache_load(cache, path, &l, &err);
    if (rv != APR_SUCCESS) {
        return cors_config_error(cmd,
                                 cors_list_strerror(cmd->pool, path, &err));
    }
    src = apr_pcalloc(cmd->pool, sizeof(*src));
    src->name = cors_list_path(l);
    src->lookup = cors_file_lookup;
    src->describe = cors_file_describe;
    src->data = l;
    cors_policy_add_source(cmd->pool, dconf, src);
    cors_note_source(cmd, dconf);
    return NULL;
}

const char *cors_set_origin_file_check(cmd_parms *cmd, void *dconf,
                                       const char *arg)
{
    return cors_config_problem(cmd, cors_policy_set_list_check(cmd->pool, dconf,
                                                               arg));
}

/* --------------------------------------------------------------------- */
/* Hooks                                                                  */

static int cors_sources_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                                   apr_pool_t *ptemp)
{
    cors_list_cache_t *c;
    apr_status_t rv;

    (void)ptemp;
    /* Once per generation, single-threaded here (the parent, before any
     * child): .htaccess files in the children's threads only read it. */
    if (cors_lists(pconf) == NULL) {
        rv = cors_list_cache_make(pconf, &c);
        if (rv != APR_SUCCESS) {
            ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, plog,
                          CORS_LOGNO(0015) "cannot make the origin list "
                                           "cache");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_pool_userdata_set(c, CORS_LISTS_KEY, apr_pool_cleanup_null, pconf);
    }
    return OK;
}

void cors_sources_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(cors_sources_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    cors_dbd_register_hooks(p);
}
