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
 * cors_list.h: origin lists kept in a file (docs/behaviour.md §7), parsed
 * from a buffer, and reloaded by each process when the file changes.
 *
 * A process keeps one cache of lists keyed by path.  Each list holds its
 * current origins in a pool of their own; a reload builds the new origins
 * in a new pool, with no lock held, and publishes them by swapping one
 * pointer under the list's mutex.  A lookup reads that pointer and probes
 * the set under the same mutex, and nothing it reads leaves the lock, so
 * the old pool has no reader once the pointer is swapped and is destroyed
 * at once: at most two generations of a list exist, and only while one
 * thread reloads.
 */

#ifndef CORS_LIST_H
#define CORS_LIST_H

#include <apr_time.h>

#include "cors.h"
#include "cors_origin.h"

/** Largest list file read (64 MiB, some 1.5 million origins). */
#define CORS_LIST_MAX_SIZE (64 * 1024 * 1024)

/**
 * A reloaded file rewritten in place (its inode unchanged) less than this
 * long ago that is empty or does not end with a newline looks like a write
 * in progress (truncated, then written): it is not used before the next
 * look.
 */
#define CORS_LIST_SETTLE apr_time_from_sec(2)

/**
 * Most lists one process keeps.  Entries are never freed while the
 * configuration lives (a lookup in another thread may hold one), and
 * .htaccess files can name new paths at run time, including paths that do
 * not exist: beyond this many, a new path is refused (CORS_LIST_ERR_FULL)
 * until the next restart.  An entry costs some 2.5 KiB.
 */
#define CORS_LIST_CACHE_MAX 4096

/** Longest error message kept about a list. */
#define CORS_LIST_ERROR_MAX 512

/** Why a list could not be used. */
typedef enum {
    CORS_LIST_ERR_NONE = 0,
    CORS_LIST_ERR_IO, /**< the file could not be read (status says why) */
    CORS_LIST_ERR_TOO_LARGE, /**< larger than CORS_LIST_MAX_SIZE */
    CORS_LIST_ERR_CHANGING,  /**< the file changed while it was read */
    CORS_LIST_ERR_VALUE,     /**< a line holds no acceptable origin */
    /** a list read without links (cors_list_cache_get's under): the file,
     * or a directory on the way to it, is a symbolic link */
    CORS_LIST_ERR_LINK,
    CORS_LIST_ERR_NOT_FILE, /**< not a regular file (a FIFO, a device) */
    CORS_LIST_ERR_FULL      /**< CORS_LIST_CACHE_MAX lists already */
} cors_list_errcode_e;

/** What was wrong with a list, where. */
typedef struct cors_list_error_t {
    cors_list_errcode_e code;
    apr_status_t status; /**< CORS_LIST_ERR_IO: the APR error */
    unsigned int line;   /**< CORS_LIST_ERR_VALUE: 1-based line */
    /** CORS_LIST_ERR_VALUE: what is wrong, naming the value; empty when
     * the origin parser's problem says it (the glue words problems) */
    char message[CORS_LIST_ERROR_MAX];
    /** CORS_LIST_ERR_VALUE: the origin parser's problem with the line (an
     * error, or a warning a list cannot accept), else CORS_PROBLEM_NONE;
     * cors_list_problem() rebuilds it from the copies below */
    cors_problem_e problem;
    char value[CORS_LIST_ERROR_MAX];
    char hint[CORS_LIST_ERROR_MAX];
    char detail[CORS_LIST_ERROR_MAX];
    apr_size_t offset;
} cors_list_error_t;

/**
 * The problem of a CORS_LIST_ERR_VALUE error, pointing into err; 0 when
 * the error is not the origin parser's (then err->message says it).
 */
int cors_list_problem(const cors_list_error_t *err, cors_problem_t *out);

/**
 * Parse a list from buf (len bytes, no NUL needed): one origin or wildcard
 * per line, as the configuration's origin lists take them, blank lines
 * and "#" comments
 * (a whole line, or after whitespace) ignored, CRLF tolerated.  Values
 * that are decisions rather than data ("*", "null", "none", "+"/"-"
 * prefixes) and wildcards over a public suffix, which the configuration
 * only warns about, are errors: no start-up log would show a warning for a
 * list reloaded at run time.  On success *origins holds the list (allocated
 * from p) and *count the number of values; otherwise err says which line.
 */
apr_status_t cors_list_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             const cors_origins_t **origins, apr_size_t *count,
                             cors_list_error_t *err);

/** One process's lists, keyed by path. */
typedef struct cors_list_cache_t cors_list_cache_t;

/** One list file and its current origins. */
typedef struct cors_list_t cors_list_t;

/**
 * A cache for the lifetime of pool (the configuration's): a mutex and a
 * hash.  Entries are made at run time (.htaccess) in threads, so they come
 * from a pool of the cache's own, with an allocator of its own, used only
 * under the cache's mutex and destroyed by a cleanup of pool; lists'
 * origins live in pools of their own again.  pool itself is only used
 * here, single-threaded.
 */
apr_status_t cors_list_cache_make(apr_pool_t *pool, cors_list_cache_t **out);

/**
 * Read and parse path now and make it the list's current origins (at
 * start-up, on every configuration pass, so that a bad file fails it).
 * *out is set whether or not the file could be used.
 */
apr_status_t cors_list_cache_load(cors_list_cache_t *c, const char *path,
                                  cors_list_t **out, cors_list_error_t *err);

/**
 * The list for path if this process has it, else load it as
 * cors_list_cache_load(): for .htaccess, which httpd reads on every
 * request.  A file that could not be used is tried again only once
 * retry has passed; until then its error is returned again.
 *
 * under > 0: the first under bytes of path are a directory (the
 * .htaccess file's), and no component after it, directory or file, may
 * be a symbolic link, at this load and at every reload: each is opened
 * with O_NOFOLLOW from the one before (openat), so a link swapped in
 * after a check is never followed (CORS_LIST_ERR_LINK), and the file
 * must be a regular one.  Such a list is another entry than the same
 * path read with links followed.
 */
apr_status_t cors_list_cache_get(cors_list_cache_t *c, const char *path,
                                 apr_size_t under, apr_time_t now,
                                 apr_interval_time_t retry, cors_list_t **out,
                                 cors_list_error_t *err);

/** What a lookup did besides looking up, for the caller to log and count. */
typedef struct cors_list_event_t {
    int reloaded;     /**< the file changed and its new list is in use */
    int failed;       /**< the file changed and could not be used */
    apr_size_t count; /**< reloaded: origins in the new list */
    apr_interval_time_t took; /**< reloaded: reading and parsing it */
    cors_list_error_t err;    /**< failed: why */
} cors_list_event_t;

/**
 * Whether the list holds a validly parsed request origin.  When check
 * has passed since the last look, the calling thread first looks at the file
 * (apr_stat: modification time, size, inode) and reloads it if it
 * changed; meanwhile other threads keep using the current origins.  A
 * file that changed and fails to load is reported once (ev->failed), and
 * the current origins stay.
 */
int cors_list_match(cors_list_t *l, const char *value,
                    const cors_origin_t *origin, apr_time_t now,
                    apr_interval_time_t check, cors_list_event_t *ev);

/** A list's state, for DUMP_CORS and server-status. */
typedef struct cors_list_info_t {
    const char *path;
    apr_size_t count;      /**< origins in the current list */
    apr_time_t loaded;     /**< when the current list was read */
    apr_uint32_t reloads;  /**< run-time reloads in this process */
    apr_uint32_t failures; /**< changed files that could not be used */
} cors_list_info_t;

void cors_list_info(cors_list_t *l, cors_list_info_t *info);

/** The path the list was loaded from. */
const char *cors_list_path(const cors_list_t *l);

#endif /* CORS_LIST_H */
