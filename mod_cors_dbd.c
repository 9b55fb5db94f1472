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
 * mod_cors: origins kept in a database (docs/behaviour.md §7), an origin
 * source of the engine's policy like the list files of
 * mod_cors_sources.c, asked after the configuration's own origins, and
 * only with a well-formed origin.
 *
 *   DBDriver pgsql
 *   DBDParams "host=db port=5432 dbname=cors connect_timeout=2
 *              options='-c statement_timeout=500' keepalives=1
 *              keepalives_idle=1 keepalives_interval=1 keepalives_count=2
 *              tcp_user_timeout=2000"
 *   DBDMax 25    (ThreadsPerChild: ap_dbd_open waits without limit)
 *   CORSAllowOriginDBDQuery "SELECT 1 FROM cors_origins WHERE origin = %s"
 *   CORSAllowOriginDBDCache 60 10
 *   CORSAllowOriginDBDRate 50
 *
 * A database is asked through mod_dbd, as mod_authn_dbd does; its answers
 * are kept in mod_socache (shmcb) for every child, allowed and refused
 * ones for their own time; misses are bounded by a query budget per
 * second shared by the children; a failing database refuses (fails
 * closed) and is asked again at most once a second.  How long one lookup
 * may wait is mod_dbd's and libpq's, bounded only by the settings above
 * (README, "How long a worker can wait for the database").
 */

#include "mod_cors.h"

#include "apr_atomic.h"
#include "apr_dbd.h"
#include "apr_global_mutex.h"
#include "apr_optional.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "mod_dbd.h"
#include "util_cfgtree.h"
#include "util_mutex.h"

#include "cors_budget.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

/** Mutex name of the shared answer cache (Mutex cors-cache ...). */
#define CORS_CACHE_MUTEX "cors-cache"

/** Defaults of CORSAllowOriginDBDCache and CORSAllowOriginDBDRate. */
#define CORS_DB_TTL_ALLOWED 60
#define CORS_DB_TTL_REFUSED 10
#define CORS_DB_RATE 50

/** After a database error, misses are refused without a query for this
 * many seconds: a dead database costs at most one attempt a second. */
#define CORS_DB_PAUSE 1

/** A database error or a spent budget is logged at most this often. */
#define CORS_DB_LOG_INTERVAL 10

/* --------------------------------------------------------------------- */
/* A database                                                             */

/** State the children of one server share, in shared memory. */
typedef struct cors_db_shared_t {
    cors_budget_t budget;              /**< queries this second */
    volatile apr_uint32_t pause_until; /**< no query before (seconds) */
    volatile apr_uint32_t error_logged;
    volatile apr_uint32_t budget_logged;
} cors_db_shared_t;

/** The main server's database sources, set up by post_config. */
typedef struct cors_db_t {
    /* A connection for one lookup, handed back right after it: a request
     * that goes on to a slow handler or backend holds none meanwhile. */
    ap_dbd_t *(*open)(apr_pool_t *p, server_rec *s);
    void (*close)(server_rec *s, ap_dbd_t *dbd);
    ap_socache_provider_t *provider;
    ap_socache_instance_t *cache;
    apr_global_mutex_t *mutex; /**< NULL when the provider needs none */
    cors_db_shared_t *shared;
    apr_interval_time_t ttl_allowed, ttl_refused;
    apr_uint32_t rate;
    /** Set in a child that could not attach to the cache's mutex: every
     * lookup there is "unavailable" (fails closed, counted). */
    int detached;
} cors_db_t;

/** One CORSAllowOriginDBDQuery. */
typedef struct cors_db_query_t {
    const char *label; /**< mod_dbd's name of the prepared statement */
    const char *sql;
} cors_db_query_t;

static cors_server_conf_t *cors_main_conf(void)
{
    return ap_get_module_config(ap_server_conf->module_config, &cors_module);
}

static apr_uint32_t cors_now_sec(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now());
}

/** A cache key: 4 bytes of hash, the statement's label, a NUL, the origin
 * (at most CORS_ORIGIN_MAX_LEN: only well-formed origins get here). */
typedef struct cors_db_key_t {
    unsigned char bytes[4 + 64 + CORS_ORIGIN_MAX_LEN];
    unsigned int len;
} cors_db_key_t;

/*
 * The key holds the label and the origin themselves, so two never share
 * an entry; the FNV-1a hash in front is there because shmcb picks a
 * subcache by the key's first byte, and every origin starts with a scheme.
 * (An MD5 of the same cost a third of the whole lookup.)
 */
static int cors_db_key(const cors_db_query_t *q, const char *origin,
                       cors_db_key_t *key)
{
    apr_size_t llen = strlen(q->label) + 1, olen = strlen(origin), i;
    apr_uint32_t h = 2166136261u;
    unsigned char *k;

    key->len = 0;
    if (llen > 64 || olen > CORS_ORIGIN_MAX_LEN) {
        return 0;
    }
    k = key->bytes + 4;
    memcpy(k, q->label, llen);
    memcpy(k + llen, origin, olen);
    for (i = 0; i < llen + olen; i++) {
        h = (h ^ k[i]) * 16777619u;
    }
    memcpy(key->bytes, &h, 4);
    key->len = (unsigned int)(4 + llen + olen);
    return 1;
}

/* 1 allowed, 0 refused, -1 not in the cache. */
static int cors_db_cached(cors_db_t *db, request_rec *r,
                          const cors_db_key_t *key)
{
    unsigned char val[2];
    unsigned int len = sizeof(val) - 1;
    apr_status_t rv;

    if (db->mutex != NULL && apr_global_mutex_lock(db->mutex) != APR_SUCCESS) {
        return -1;
    }
    rv = db->provider->retrieve(db->cache, r->server, key->bytes, key->len, val,
                                &len, r->pool);
    if (db->mutex != NULL) {
        apr_global_mutex_unlock(db->mutex);
    }
    if (rv != APR_SUCCESS || len != 1) {
        return -1;
    }
    return val[0] == '1';
}

static void cors_db_store(cors_db_t *db, request_rec *r,
                          const cors_db_key_t *key, int allowed)
{
    unsigned char val = allowed ? '1' : '0';
    apr_time_t expiry = apr_time_now()
                        + (allowed ? db->ttl_allowed : db->ttl_refused);
    apr_status_t rv;

    if (db->mutex != NULL && apr_global_mutex_lock(db->mutex) != APR_SUCCESS) {
        return;
    }
    rv = db->provider->store(db->cache, r->server, key->bytes, key->len, expiry,
                             &val, 1, r->pool);
    if (db->mutex != NULL) {
        apr_global_mutex_unlock(db->mutex);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      CORS_LOGNO(0012) "database answer not cached");
    }
}

/* Fail closed: count, pause the queries, log once per interval. */
static const char *cors_db_failed(cors_db_t *db, request_rec *r,
                                  apr_status_t rv, const char *what)
{
    apr_uint32_t now = cors_now_sec();

    cors_count_event(r->server, CORS_COUNT_DB_ERRORS);
    apr_atomic_set32(&db->shared->pause_until, now + CORS_DB_PAUSE);
    if (cors_once_per(&db->shared->error_logged, now, CORS_DB_LOG_INTERVAL)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      CORS_LOGNO(0013) "origin database: %s; origins it has "
                                       "not answered for recently are refused "
                                       "until it answers (logged once every "
                                       "%d s)",
                      what, CORS_DB_LOG_INTERVAL);
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      CORS_LOGNO(0023) "origin database: %s", what);
    }
    return "the origin database is unavailable (fails closed)";
}

/*
 * A query failed.  apr_dbd_pgsql's connection check (mod_dbd's, when the
 * connection is opened) reconnects a connection the server dropped, a
 * restarted PostgreSQL for one, and the new session has none of the
 * statements mod_dbd prepared once per connection: every query would fail
 * until the child exits.  This lookup holds the connection alone, so
 * prepare the statement on it again; 1 if that worked.
 */
static int cors_db_prepare_again(ap_dbd_t *dbd, request_rec *r,
                                 const cors_db_query_t *q,
                                 apr_dbd_prepared_t **stmt)
{
    apr_dbd_prepared_t *again = NULL;

    /* Only pgsql reconnects so; another driver's failure (SQLite busy)
     * would only cost its time bound twice. */
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0
        || apr_dbd_check_conn(dbd->driver, r->pool, dbd->handle) != APR_SUCCESS
        || apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, q->sql,
                           q->label, &again)
               != 0) {
        return 0;
    }
    apr_hash_set(dbd->prepared, q->label, APR_HASH_KEY_STRING, again);
    *stmt = again;
    return 1;
}

static cors_source_answer_e cors_db_query(cors_db_t *db, request_rec *r,
                                          ap_dbd_t *dbd,
                                          const cors_db_query_t *q,
                                          const char *origin, const char **why)
{
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rc, found = 0;

    stmt = apr_hash_get(dbd->prepared, q->label, APR_HASH_KEY_STRING);
    if (stmt == NULL) {
        *why = cors_db_failed(db, r, APR_SUCCESS,
                              apr_psprintf(r->pool,
                                           "the query \"%s\" is not "
                                           "prepared (see mod_dbd's "
                                           "errors)",
                                           q->sql));
        return CORS_SOURCE_UNAVAILABLE;
    }
    cors_count_event(r->server, CORS_COUNT_DB_QUERIES);
    /* Random access (1): the driver fetches the whole result and checks
     * its status; sequential access reads a dropped connection's missing
     * result as "no row", an answer that would be cached. */
    rc = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1,
                          origin, NULL);
    if (rc != 0 && cors_db_prepare_again(dbd, r, q, &stmt)) {
        rc = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1,
                              origin, NULL);
    }
    if (rc != 0) {
        *why = cors_db_failed(db, r, APR_SUCCESS,
                              apr_dbd_error(dbd->driver, dbd->handle, rc));
        return CORS_SOURCE_UNAVAILABLE;
    }
    /* Every row is read: one left unread keeps the connection busy. */
    while ((rc = apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1)) == 0) {
        found = 1;
    }
    if (rc != -1) {
        *why = cors_db_failed(db, r, APR_SUCCESS,
                              apr_dbd_error(dbd->driver, dbd->handle, rc));
        return CORS_SOURCE_UNAVAILABLE;
    }
    return found ? CORS_SOURCE_LISTED : CORS_SOURCE_ABSENT;
}

static cors_source_answer_e cors_db_ask(cors_db_t *db, request_rec *r,
                                        const cors_db_query_t *q,
                                        const char *origin, const char **why)
{
    ap_dbd_t *dbd = db->open(r->pool, r->server);
    cors_source_answer_e answer;

    if (dbd == NULL) {
        *why = cors_db_failed(db, r, APR_SUCCESS, "no connection (mod_dbd)");
        return CORS_SOURCE_UNAVAILABLE;
    }
    answer = cors_db_query(db, r, dbd, q, origin, why);
    db->close(r->server, dbd);
    return answer;
}

static cors_source_answer_e cors_db_lookup(
    const cors_source_t *src, const cors_policy_t *pol, const char *value,
    const cors_origin_t *origin, void *ctx, apr_pool_t *p, const char **why)
{
    request_rec *r = ctx;
    const cors_db_query_t *q = src->data;
    cors_db_key_t key;
    cors_source_answer_e answer;
    apr_uint32_t now;
    cors_db_t *db;
    int cached;

    (void)pol;
    (void)origin;
    (void)p;
    /* No request (a hint for the log) or no post_config yet (apache2 -t):
     * nothing to ask with. */
    if (r == NULL || (db = cors_main_conf()->db) == NULL) {
        return CORS_SOURCE_ABSENT;
    }
    if (!cors_db_key(q, value, &key)) {
        return CORS_SOURCE_ABSENT;
    }
    /* Without the mutex neither the cache nor the budget can be used:
     * this child refuses, counts it, and logged it once (CORS0022). */
    if (db->detached) {
        cors_count_event(r->server, CORS_COUNT_DB_ERRORS);
        *why = "the origin database is unavailable (fails closed)";
        return CORS_SOURCE_UNAVAILABLE;
    }
    cached = cors_db_cached(db, r, &key);
    if (cached >= 0) {
        cors_count_event(r->server, CORS_COUNT_DB_HITS);
        return cached ? CORS_SOURCE_LISTED : CORS_SOURCE_ABSENT;
    }
    cors_count_event(r->server, CORS_COUNT_DB_MISSES);
    now = cors_now_sec();
    if (now < apr_atomic_read32(&db->shared->pause_until)) {
        *why = "the origin database is unavailable (fails closed)";
        return CORS_SOURCE_UNAVAILABLE;
    }
    if (!cors_budget_take(&db->shared->budget, now, db->rate)) {
        cors_count_event(r->server, CORS_COUNT_DB_OVER_BUDGET);
        if (cors_once_per(&db->shared->budget_logged, now,
                          CORS_DB_LOG_INTERVAL)) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          CORS_LOGNO(0014) "more than %u origins a second "
                                           "not in the cache "
                                           "(CORSAllowOriginDBDRate): the "
                                           "others are refused without a "
                                           "query (logged once every %d s)",
                          (unsigned)db->rate, CORS_DB_LOG_INTERVAL);
        }
        *why = "over the origin database's query budget (fails closed)";
        return CORS_SOURCE_UNAVAILABLE;
    }
    answer = cors_db_ask(db, r, q, value, why);
    if (answer != CORS_SOURCE_UNAVAILABLE) {
        cors_db_store(db, r, &key, answer == CORS_SOURCE_LISTED);
    }
    return answer;
}

static const char *cors_db_describe(const cors_source_t *src, apr_pool_t *p)
{
    const cors_db_query_t *q = src->data;

    return apr_psprintf(p, "database query \"%s\"", q->sql);
}

/* The SQL's parameters: exactly one, %s (apr_dbd's placeholder). */
static const char *cors_db_check_sql(apr_pool_t *p, const char *sql)
{
    int params = 0, strings = 0;
    const char *c;

    for (c = sql; (c = strchr(c, '%')) != NULL; c++) {
        if (c[1] == '%') {
            c++;
            continue;
        }
        params++;
        strings += c[1] == 's';
    }
    if (params != 1 || strings != 1) {
        return apr_psprintf(p,
                            "\"%s\" must have exactly one parameter, %%s, "
                            "where the origin goes (it has %d)",
                            sql, params);
    }
    return NULL;
}

const char *cors_set_origin_dbd_query(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) * prepare;
    cors_server_conf_t *sconf = ap_get_module_config(cmd->server->module_config,
                                                     &cors_module);
    cors_db_query_t *q;
    cors_source_t *src;
    const char *err;

    prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    if (prepare == NULL) {
        return cors_config_error(cmd, "mod_dbd is not loaded (LoadModule "
                                      "dbd_module, a2enmod dbd)");
    }
    if ((err = cors_db_check_sql(cmd->pool, arg)) != NULL) {
        return cors_config_error(cmd, err);
    }
    q = apr_pcalloc(cmd->pool, sizeof(*q));
    q->sql = arg;
    /* Unique per directive; mod_dbd prepares it on each of the server's
     * connections, and rebuilds its table on every configuration pass. */
    q->label = apr_psprintf(cmd->pool, "cors_origin_%pp", (void *)q);
    prepare(cmd->server, arg, q->label);
    if (!sconf->db_queries) {
        sconf->db_query_at = apr_psprintf(cmd->pool, "%s:%d",
                                          cmd->directive->filename,
                                          cmd->directive->line_num);
    }
    sconf->db_queries = 1;
    src = apr_pcalloc(cmd->pool, sizeof(*src));
    src->name = "the database";
    src->lookup = cors_db_lookup;
    src->describe = cors_db_describe;
    src->data = q;
    cors_policy_add_source(cmd->pool, dconf, src);
    cors_note_source(cmd, dconf);
    return NULL;
}

static const char *cors_seconds(cmd_parms *cmd, const char *arg, int *out)
{
    char *end;
    apr_int64_t n = apr_strtoi64(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || n < 1 || n > 86400) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a number from 1 to 86400",
                            cmd->cmd->name, arg);
    }
    *out = (int)n;
    return NULL;
}

const char *cors_set_origin_dbd_cache(cmd_parms *cmd, void *dconf,
                                      const char *allowed, const char *refused)
{
    cors_server_conf_t *sconf = ap_get_module_config(cmd->server->module_config,
                                                     &cors_module);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dconf;
    if (err != NULL) {
        return err;
    }
    if ((err = cors_seconds(cmd, allowed, &sconf->db_ttl_allowed)) != NULL) {
        return err;
    }
    return refused ? cors_seconds(cmd, refused, &sconf->db_ttl_refused) : NULL;
}

const char *cors_set_origin_dbd_rate(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    cors_server_conf_t *sconf = ap_get_module_config(cmd->server->module_config,
                                                     &cors_module);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dconf;
    if (err != NULL) {
        return err;
    }
    if ((err = cors_seconds(cmd, arg, &sconf->db_rate)) != NULL) {
        return apr_psprintf(cmd->pool, "%s (queries per second)", err);
    }
    return NULL;
}

/* --------------------------------------------------------------------- */
/* Hooks                                                                  */

static int cors_dbd_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp)
{
    apr_status_t rv;

    (void)ptemp;
    rv = ap_mutex_register(pconf, CORS_CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, plog,
                      CORS_LOGNO(0016) "cannot register the %s mutex",
                      CORS_CACHE_MUTEX);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}


static apr_status_t cors_db_destroy(void *data)
{
    cors_db_t *db = data;

    db->provider->destroy(db->cache, ap_server_conf);
    return APR_SUCCESS;
}

static int cors_dbd_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s)
{
    static const struct ap_socache_hints hints = {64, 1, apr_time_from_sec(30)};
    cors_server_conf_t *main = ap_get_module_config(s->module_config,
                                                    &cors_module);
    apr_shm_t *shm;
    const char *err;
    cors_db_t *db;
    server_rec *v;
    apr_status_t rv;
    int used = 0;

    (void)plog;
    for (v = s; v != NULL; v = v->next) {
        cors_server_conf_t *sc = ap_get_module_config(v->module_config,
                                                      &cors_module);

        used |= sc->db_queries;
    }
    /* The first pass only checks the configuration: a segment made now
     * would be freed at once. */
    if (!used
        || ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    db = apr_pcalloc(pconf, sizeof(*db));
    db->open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    db->close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    db->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb",
                                      AP_SOCACHE_PROVIDER_VERSION);
    if (db->open == NULL || db->close == NULL || db->provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     CORS_LOGNO(0017) "CORSAllowOriginDBDQuery needs mod_dbd "
                                      "and mod_socache_shmcb (a2enmod dbd "
                                      "socache_shmcb)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    err = db->provider->create(&db->cache, NULL, ptemp, pconf);
    if (err != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     CORS_LOGNO(0018) "origin cache: %s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (db->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&db->mutex, NULL, CORS_CACHE_MUTEX, NULL, s,
                                    pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         CORS_LOGNO(0019) "cannot create the %s mutex",
                         CORS_CACHE_MUTEX);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    rv = db->provider->init(db->cache, "mod_cors-origins", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     CORS_LOGNO(0020) "cannot initialise the origin cache");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, db, cors_db_destroy,
                              apr_pool_cleanup_null);
    rv = apr_shm_create(&shm, sizeof(cors_db_shared_t), NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     CORS_LOGNO(0021) "no shared memory for the origin "
                                      "database's query budget");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    db->shared = apr_shm_baseaddr_get(shm);
    memset(db->shared, 0, sizeof(*db->shared));
    db->ttl_allowed = apr_time_from_sec(
        main->db_ttl_allowed ? main->db_ttl_allowed : CORS_DB_TTL_ALLOWED);
    db->ttl_refused = apr_time_from_sec(
        main->db_ttl_refused ? main->db_ttl_refused : CORS_DB_TTL_REFUSED);
    db->rate = main->db_rate ? (apr_uint32_t)main->db_rate : CORS_DB_RATE;
    main->db = db;
    return OK;
}

static void cors_dbd_child_init(apr_pool_t *p, server_rec *s)
{
    cors_server_conf_t *main = ap_get_module_config(s->module_config,
                                                    &cors_module);
    cors_db_t *db = main->db;
    apr_status_t rv;

    if (db == NULL || db->mutex == NULL) {
        return;
    }
    rv = apr_global_mutex_child_init(&db->mutex,
                                     apr_global_mutex_lockfile(db->mutex), p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     CORS_LOGNO(0022) "cannot attach to the %s mutex; this "
                                      "child does not ask the origin "
                                      "database and refuses the origins it "
                                      "would have asked about (fails "
                                      "closed, counted as database errors)",
                     CORS_CACHE_MUTEX);
        /* Not main->db = NULL: that reads as "not in the database", an
         * answer, uncounted. */
        db->detached = 1;
    }
}

void cors_dbd_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(cors_dbd_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(cors_dbd_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_dbd_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cors_dbd_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}
