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
 * mod_cors: what the glue's files share.
 *
 *   mod_cors.c           module record, hooks: the request path
 *   mod_cors_config.c    directives, per-directory create and merge
 *   mod_cors_messages.c  the engine's problems in words, for the
 *                        administrator, and the start-up warnings' log
 *                        numbers
 *   mod_cors_response.c  writing the CORS headers, logging the decision
 *   mod_cors_sections.c  reading httpd's section structures: the one walk
 *                        over every server and section (start-up checks,
 *                        -D DUMP_CORS, the fast-path plan) and the
 *                        matching of sections as httpd's walks match them
 *   mod_cors_fastpath.c  where preflights are answered before the walks,
 *                        and the policy of errors raised before them
 *   mod_cors_status.c    counters in shared memory, server-status
 *   mod_cors_sources.c   origin lists outside the configuration, in
 *                        files reloaded on change
 *   mod_cors_dbd.c       origins in a database, asked through mod_dbd,
 *                        the answers cached in mod_socache
 *   mod_cors_info.c      the cors-policy handler: the effective policy of
 *                        one URL, as httpd's own lookup merges it, and
 *                        the decisions for an Origin
 *   mod_cors_info_output.c  the handler's page: text, HTML or JSON
 *                        (mod_cors_info.h: what the two share)
 */

#ifndef MOD_CORS_H
#define MOD_CORS_H

/* Before APR: apr_general.h then defines APR_OFFSETOF with offsetof(). */
#include <stddef.h>

#include "apr_tables.h"

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"

#include "cors_policy.h"

/*
 * Log message tags.  APLOGNO() numbers belong to modules shipped with
 * httpd, so mod_cors numbers its own, once, never reused.
 */
#define CORS_LOGNO(n) "CORS" #n ": "

/* How much of a client's value a log line may quote, and of a reason. */
#define CORS_LOG_QUOTE_MAX 128
#define CORS_LOG_TEXT_MAX 512

extern module AP_MODULE_DECLARE_DATA cors_module;

/** Where a server's preflights can be answered early (mod_cors_fastpath.c). */
typedef struct cors_fast_plan_t cors_fast_plan_t;

/** Per-server state, set up once per configuration. */
typedef struct cors_server_conf_t {
    volatile apr_uint32_t conflict_logged;
    /** This server's counters in shared memory (children share them). */
    volatile apr_uint32_t *counters;
    /** Which preflights are answered from the quick handler, before the
     * URL is mapped to storage (planned at post_config). */
    cors_fast_plan_t *fast;
    /**
     * -D CORS_FASTPATH_DIFF (a debugging switch, not a directive): every
     * preflight goes through the full walk, and the fast path's answer is
     * compared with it.
     */
    int fast_diff;
    /** CORSAllowOriginDBDQuery is used somewhere in this server, first at
     * db_query_at ("file:line"). */
    int db_queries;
    const char *db_query_at;
    /** Main server only: CORSAllowOriginDBDCache (seconds an answer is
     * kept, allowed and refused) and CORSAllowOriginDBDRate (queries per
     * second); 0 is unset. */
    int db_ttl_allowed;
    int db_ttl_refused;
    int db_rate;
    /** Main server only, from post_config: the database sources' cache
     * and the state the children share. */
    struct cors_db_t *db;
} cors_server_conf_t;

/** What server-status counts, per virtual host. */
typedef enum {
    CORS_COUNT_ALLOWED,
    CORS_COUNT_DENIED,
    CORS_COUNT_PREFLIGHT_ALLOWED,
    CORS_COUNT_PREFLIGHT_DENIED,
    CORS_COUNT_MALFORMED,
    CORS_COUNT_LIST_RELOADS,   /**< a list file changed and was reloaded */
    CORS_COUNT_LIST_FAILURES,  /**< a list file changed and was unusable */
    CORS_COUNT_DB_HITS,        /**< an answer found in the shared cache */
    CORS_COUNT_DB_MISSES,      /**< not in the cache */
    CORS_COUNT_DB_QUERIES,     /**< queries sent to the database */
    CORS_COUNT_DB_ERRORS,      /**< the database failed: origin refused */
    CORS_COUNT_DB_OVER_BUDGET, /**< a miss refused without a query */
    CORS_COUNTERS
} cors_counter_e;

/** The decision of one request, kept on the request the browser sent. */
typedef struct cors_req_t {
    /**
     * translate_name has run: the URL is decoded and being mapped.  An
     * error raised before header_parser is decided with the sections
     * matched as far as httpd got (cors_policy_so_far).
     */
    int mapped;
    int decided;
    const cors_policy_t *policy; /**< NULL: CORS is off for this URL */
    cors_decision_t d;
    /** -D CORS_FASTPATH_DIFF: the fast path's answer ("": it would not
     * answer), until compared with the full walk's. */
    const char *fast_answer;
} cors_req_t;

/* mod_cors_config.c */
extern const command_rec cors_cmds[];
void *cors_create_dir_config(apr_pool_t *p, char *dir);
void *cors_merge_dir_config(apr_pool_t *p, void *basev, void *addv);
void *cors_create_server_config(apr_pool_t *p, server_rec *s);
void *cors_merge_server_config(apr_pool_t *p, void *basev, void *addv);
/** Log, once the error logs are open, the warnings kept while the
 * configuration was read. */
void cors_config_log_warnings(apr_pool_t *pconf);

/* mod_cors_messages.c */
/** Where credentials met what cannot go with them. */
typedef enum {
    CORS_CLASH_VALUE,   /**< a value added while credentials are on */
    CORS_CLASH_SECTION, /**< credentials turned on in the same section */
    CORS_CLASH_MERGED   /**< sections merged (fails closed) */
} cors_clash_e;

/**
 * The log tag of a start-up warning of kind (CORS_WARN_*), "CORSnnnn: ":
 * one number per kind, never given to another message.
 */
const char *cors_warning_logno(cors_problem_e kind);

/** An engine problem in words, without the directive's name. */
const char *cors_problem_words(apr_pool_t *p, const cors_problem_t *pr);

/** A CORS_ERR_CRED_* problem in words, framed for where it arose. */
const char *cors_clash_words(apr_pool_t *p, const cors_problem_t *pr,
                             cors_clash_e where);

/**
 * What to set to resolve a clash that arose from merging (a
 * cors_policy_conflict()), in the administrator's words.
 */
const char *cors_conflict_advice(const cors_problem_t *pr);

/* mod_cors_response.c */
const char *cors_log_clip(apr_pool_t *p, const char *s, apr_size_t max);
void cors_log_decision(request_rec *r, const cors_req_t *st);
/** A refusal's reason in words, as the debug log and CORS-Debug give it. */
const char *cors_reason_words(apr_pool_t *p, const cors_decision_t *d,
                              const char *origin);
void cors_log_conflict(request_rec *r, const cors_req_t *st);
void cors_write_headers(request_rec *r, const cors_req_t *st);
/**
 * The i-th response header a decision may carry: every CORS header mod_cors
 * writes, in the order sent, then the Vary tokens it merges.  Sets *name
 * and *value (NULL: not sent); returns 0 past the last.
 */
int cors_decision_header(const cors_decision_t *d, apr_size_t i,
                         const char **name, const char **value);
const char *cors_answer_text(request_rec *r, const cors_req_t *st);

/* mod_cors_sections.c: the one walk, and what reads httpd's sections */
typedef enum {
    CORS_SEC_SERVER,
    CORS_SEC_DIRECTORY,
    CORS_SEC_LOCATION,
    CORS_SEC_FILES,
    CORS_SEC_IF
} cors_sec_kind_e;

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

void cors_walk(apr_pool_t *p, server_rec *s, cors_scope_fn fn, void *baton);
const char *cors_section_label(apr_pool_t *p, cors_sec_kind_e kind,
                               const core_dir_config *cd);
/** Whether a <Location> matches uri as ap_location_walk matches it. */
int cors_location_matches(const core_dir_config *cd, const char *uri);
/** Whether a <Directory> matches a directory on the way to path. */
int cors_directory_matches(apr_pool_t *p, const core_dir_config *cd,
                           const char *path, const char *file);
/** Why a <Directory> (or a section in it) can change a preflight's
 * answer, or NULL. */
const char *cors_directory_why(const cors_scope_t *scope);
int cors_section_checks_symlinks(const core_dir_config *cd);
int cors_section_is_regex(const core_dir_config *cd);
const char *cors_server_docroot(apr_pool_t *p, server_rec *s);
void cors_check_config(apr_pool_t *ptemp, server_rec *s);
void cors_test_config(apr_pool_t *pconf, server_rec *s);
/** A server named as `apache2ctl -S` names it. */
const char *cors_server_label(apr_pool_t *p, server_rec *s);

/* check_config: CORSAllowOriginDBDQuery in a server with no DBDriver, read
 * from the configuration tree as written (ap_conftree: mod_dbd merges
 * DBDriver into virtual hosts itself, so the tree is where a missing one
 * shows). */
int cors_dbd_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

/* mod_cors_fastpath.c */
void cors_plan_fast_preflight(apr_pool_t *pconf, server_rec *s);
/** For -D DUMP_CORS: where a server's preflights take the fast path. */
const char *cors_fast_describe(apr_pool_t *p, server_rec *s);
/** The policy of a preflight when no walk can change it, else NULL. */
const cors_policy_t *cors_fast_policy(request_rec *r);
/** The policy of the sections matched as far as httpd got: the URL as
 * sent (not yet mapped) or the directories the walk reached. */
const cors_policy_t *cors_policy_so_far(request_rec *r, int mapped);

/* mod_cors_config.c */
const char *cors_config_error(cmd_parms *cmd, const char *err);
/** NULL, or the engine's problem in words after the directive's name. */
const char *cors_config_problem(cmd_parms *cmd, const cors_problem_t *pr);
/** Note where a directive set its field of pol (for cors-policy). */
void cors_note_source(cmd_parms *cmd, cors_policy_t *pol);

/* mod_cors_sources.c */
const char *cors_set_origin_file(cmd_parms *cmd, void *dconf, const char *arg);
const char *cors_set_origin_file_check(cmd_parms *cmd, void *dconf,
                                       const char *arg);
/** Registers mod_cors_dbd.c's hooks too. */
void cors_sources_register_hooks(apr_pool_t *p);

/* mod_cors_dbd.c */
const char *cors_set_origin_dbd_query(cmd_parms *cmd, void *dconf,
                                      const char *arg);
const char *cors_set_origin_dbd_cache(cmd_parms *cmd, void *dconf,
                                      const char *allowed, const char *refused);
const char *cors_set_origin_dbd_rate(cmd_parms *cmd, void *dconf,
                                     const char *arg);
void cors_dbd_register_hooks(apr_pool_t *p);

/* mod_cors_info.c */
int cors_policy_handler(request_rec *r);

/* mod_cors_status.c */
void cors_count(request_rec *r, const cors_decision_t *d);
void cors_count_event(server_rec *s, cors_counter_e which);
apr_status_t cors_counters_create(apr_pool_t *pconf, server_rec *s);
int cors_status_hook(request_rec *r, int flags);

#endif /* MOD_CORS_H */
