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
 * cors_list.c: origin list files, parsed and reloaded (see cors_list.h for
 * how a reload is published and when the old list is freed).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_file_info.h>
#include <apr_portable.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "cors_list.h"

static void cors_list_fail(cors_list_error_t *err, cors_list_errcode_e code,
                           unsigned int line, const char *message)
{
    err->code = code;
    err->status = APR_SUCCESS;
    err->line = line;
    apr_cpystrn(err->message, message ? message : "", sizeof(err->message));
    err->problem = CORS_PROBLEM_NONE;
}

/* A line the origin parser refused (or only warned about): kept typed. */
static void cors_list_fail_problem(cors_list_error_t *err, unsigned int line,
                                   const cors_problem_t *pr)
{
    cors_list_fail(err, CORS_LIST_ERR_VALUE, line, NULL);
    err->problem = pr->kind;
    apr_cpystrn(err->value, pr->value ? pr->value : "", sizeof(err->value));
    apr_cpystrn(err->hint, pr->hint ? pr->hint : "", sizeof(err->hint));
    apr_cpystrn(err->detail, pr->detail ? pr->detail : "", sizeof(err->detail));
    err->offset = pr->offset;
}

int cors_list_problem(const cors_list_error_t *err, cors_problem_t *out)
{
    if (err->code != CORS_LIST_ERR_VALUE || err->problem == CORS_PROBLEM_NONE) {
        return 0;
    }
    out->kind = err->problem;
    out->value = err->value;
    out->hint = err->hint[0] ? err->hint : NULL;
    out->detail = err->detail[0] ? err->detail : NULL;
    out->offset = err->offset;
    return 1;
}

static int cors_list_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Values a list may not hold, and why; NULL for the others. */
static const char *cors_list_refused(const char *v)
{
    if (*v == '+' || *v == '-') {
        return "a list file only adds origins: '+' and '-' belong in the "
               "configuration's origin lists";
    }
    if (strcmp(v, "*") == 0 || strcasecmp(v, "none") == 0
        || strcasecmp(v, "null") == 0) {
        return "'*', 'null' and 'none' decide a policy and belong in the "
               "configuration, not in a list of origins";
    }
    return NULL;
}

apr_status_t cors_list_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             const cors_origins_t **origins, apr_size_t *count,
                             cors_list_error_t *err)
{
    cors_origin_set_t *set = cors_origin_set_make(p);
    const char *end = buf + len, *line = buf;
    char value[CORS_ORIGIN_MAX_LEN + 1];
    unsigned int lineno = 0;

    *count = 0;
    memset(err, 0, sizeof(*err));
    /* Editors on Windows start a UTF-8 file with a byte order mark. */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        line += 3;
    }
    while (line < end) {
        const char *eol = memchr(line, '\n', end - line);
        const char *b = line, *e, *hash;
        const char *why;
        const cors_problem_t *pr, *warning = NULL;
        apr_size_t n;

        if (eol == NULL) {
            eol = end;
        }
        line = eol + 1;
        lineno++;
        e = eol;
        if (memchr(b, '\0', e - b) != NULL) {
            cors_list_fail(err, CORS_LIST_ERR_VALUE, lineno,
                           "the line holds a NUL byte");
            return APR_EINVAL;
        }
        /* A comment is a whole line, or starts after whitespace: "#" is
         * never part of an origin, but say so only where it is clear. */
        for (hash = b; hash < e; hash++) {
            if (*hash == '#' && (hash == b || cors_list_space(hash[-1]))) {
                e = hash;
                break;
            }
        }
        while (b < e && cors_list_space(*b)) {
            b++;
        }
        while (e > b && cors_list_space(e[-1])) {
            e--;
        }
        if (b == e) {
            continue;
        }
        n = e - b;
        if (n > CORS_ORIGIN_MAX_LEN) {
            cors_list_fail(err, CORS_LIST_ERR_VALUE, lineno,
                           apr_psprintf(p,
                                        "a line of %" APR_SIZE_T_FMT
                                        " bytes is no origin (at most %d)",
                                        n, CORS_ORIGIN_MAX_LEN));
            return APR_EINVAL;
        }
        memcpy(value, b, n);
        value[n] = '\0';
        if (strpbrk(value, " \t\v\f\r") != NULL) {
            cors_list_fail(err, CORS_LIST_ERR_VALUE, lineno,
                           apr_psprintf(p,
                                        "'%s' holds more than one value: "
                                        "one origin per line",
                                        value));
            return APR_EINVAL;
        }
        if ((why = cors_list_refused(value)) != NULL) {
            cors_list_fail(err, CORS_LIST_ERR_VALUE, lineno,
                           apr_psprintf(p, "'%s': %s", value, why));
            return APR_EINVAL;
        }
        /* What the configuration accepts with a warning at start-up is
         * refused too: a reloaded file has no start-up to warn at. */
        if ((pr = cors_origin_set_add(p, set, value, 0, &warning)) != NULL
            || (pr = warning) != NULL) {
            cors_list_fail_problem(err, lineno, pr);
            return APR_EINVAL;
        }
        (*count)++;
    }
    *origins = cors_origins_make(p, set);
    return APR_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* The per-process cache                                               */

/** What identifies one version of a file: rename and rewrite change it. */
typedef struct cors_list_sig_t {
    apr_time_t mtime;
    apr_off_t size;
    apr_ino_t inode;
    apr_dev_t device;
    int missing;
} cors_list_sig_t;

/** One generation of a list: its pool, origins and load time. */
typedef struct cors_list_gen_t {
    apr_pool_t *pool;
    const cors_origins_t *origins;
    apr_size_t count;
    apr_time_t loaded;
} cors_list_gen_t;

struct cors_list_t {
    const char *path;
    apr_size_t under; /**< > 0: no link after path[0..under) (cors_list.h) */
    cors_list_t *same_path;   /**< the entry for path with another under */
    apr_thread_mutex_t *lock; /**< guards every field below */
    cors_list_gen_t *cur;     /**< NULL until a load succeeded */
    cors_list_sig_t sig;      /**< the file as last looked at */
    apr_time_t last_check;    /**< when the file was last looked at */
    int reloading;            /**< one thread looks at the file at a time */
    apr_uint32_t reloads;
    apr_uint32_t failures;
    cors_list_error_t err; /**< why the last look failed, when cur == NULL */
};

struct cors_list_cache_t {
    /** The cache's own pool and allocator, for entries made at run time
     * by any thread: used only under lock, so the allocator needs no
     * mutex of its own. */
    apr_pool_t *pool;
    apr_thread_mutex_t *lock; /**< guards lists, count and pool */
    apr_hash_t *lists;        /**< path -> cors_list_t, by same_path */
    unsigned int count;       /**< entries */
};

/* The lists' pools and the cache's have no parent: they go with the
 * configuration pool, when no request is served from it any more. */
static apr_status_t cors_list_cache_cleanup(void *data)
{
    cors_list_cache_t *c = data;
    apr_hash_index_t *hi;
    cors_list_t *l;

    for (hi = apr_hash_first(NULL, c->lists); hi; hi = apr_hash_next(hi)) {
        for (l = apr_hash_this_val(hi); l != NULL; l = l->same_path) {
            if (l->cur != NULL) {
                apr_pool_destroy(l->cur->pool);
                l->cur = NULL;
            }
        }
    }
    apr_pool_destroy(c->pool);
    return APR_SUCCESS;
}

apr_status_t cors_list_cache_make(apr_pool_t *pool, cors_list_cache_t **out)
{
    cors_list_cache_t *c = apr_pcalloc(pool, sizeof(*c));
    apr_allocator_t *allocator;
    apr_status_t rv;

    rv = apr_allocator_create(&allocator);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_pool_create_unmanaged_ex(&c->pool, NULL, allocator);
    if (rv != APR_SUCCESS) {
        apr_allocator_destroy(allocator);
        return rv;
    }
    apr_allocator_owner_set(allocator, c->pool);
    rv = apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, c->pool);
    if (rv != APR_SUCCESS) {
        apr_pool_destroy(c->pool);
        return rv;
    }
    c->lists = apr_hash_make(c->pool);
    apr_pool_cleanup_register(pool, c, cors_list_cache_cleanup,
                              apr_pool_cleanup_null);
    *out = c;
    return APR_SUCCESS;
}

static int cors_list_sig_equal(const cors_list_sig_t *a,
                               const cors_list_sig_t *b)
{
    return a->missing == b->missing && a->mtime == b->mtime
           && a->size == b->size && a->inode == b->inode
           && a->device == b->device;
}

static void cors_list_sig_of(const apr_finfo_t *fi, cors_list_sig_t *sig)
{
    memset(sig, 0, sizeof(*sig));
    sig->mtime = fi->mtime;
    sig->size = fi->size;
    sig->inode = fi->inode;
    sig->device = fi->device;
}

#define CORS_LIST_WANTED                                                       \
    (APR_FINFO_MTIME | APR_FINFO_SIZE | APR_FINFO_INODE | APR_FINFO_DEV)

static apr_status_t cors_list_close_fd(void *data)
{
    close(*(int *)data);
    return APR_SUCCESS;
}

/* Why openat() refused comp in dfd: a link is said as such. */
static cors_list_errcode_e cors_list_why(int dfd, const char *comp, int err)
{
    struct stat st;

    if ((err == ELOOP || err == ENOTDIR || err == EMLINK)
        && fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0
        && S_ISLNK(st.st_mode)) {
        return CORS_LIST_ERR_LINK;
    }
    return CORS_LIST_ERR_IO;
}

/*
 * Open path to read it, in p.  under == 0: as anyone would, following
 * links.  Otherwise from the directory path[0..under), one component at a
 * time with openat() and O_NOFOLLOW, so that no link after that directory
 * is followed, whenever it was put there; the file last, which must be a
 * regular file (O_NONBLOCK: a FIFO put in its place cannot hold the
 * thread).  *code says why it failed.
 */
static apr_status_t cors_list_open(const char *path, apr_size_t under,
                                   apr_file_t **f, cors_list_errcode_e *code,
                                   apr_pool_t *p)
{
    char *comp;
    int *fd, dfd, err;
    struct stat st;

    *code = CORS_LIST_ERR_IO;
    if (under == 0) {
        return apr_file_open(f, path, APR_FOPEN_READ | APR_FOPEN_BINARY,
                             APR_OS_DEFAULT, p);
    }
    dfd = open(apr_pstrmemdup(p, path, under),
               O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        return APR_FROM_OS_ERROR(errno);
    }
    for (comp = apr_pstrdup(p, path + under);;) {
        apr_size_t len;
        int last, next;

        comp += strspn(comp, "/");
        len = strcspn(comp, "/");
        last = comp[len + strspn(comp + len, "/")] == '\0';
        comp[len] = '\0';
        if (len == 0 || strcmp(comp, "..") == 0) {
            close(dfd);
            *code = CORS_LIST_ERR_NOT_FILE;
            return APR_EINVAL;
        }
        next = openat(dfd, comp,
                      last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
                                 | O_CLOEXEC
                           : O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        err = errno;
        if (next < 0) {
            *code = cors_list_why(dfd, comp, err);
            close(dfd);
            return APR_FROM_OS_ERROR(err);
        }
        close(dfd);
        dfd = next;
        if (last) {
            break;
        }
        comp += len + 1;
    }
    if (fstat(dfd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(dfd);
        *code = CORS_LIST_ERR_NOT_FILE;
        return APR_EINVAL;
    }
    fd = apr_palloc(p, sizeof(*fd));
    *fd = dfd;
    apr_pool_cleanup_register(p, fd, cors_list_close_fd, apr_pool_cleanup_null);
    return apr_os_file_put(f, fd, APR_FOPEN_READ, p);
}

static apr_status_t cors_list_stat(const char *path, apr_size_t under,
                                   cors_list_sig_t *sig, apr_pool_t *p)
{
    apr_finfo_t fi;
    apr_file_t *f;
    cors_list_errcode_e code;
    apr_status_t rv;

    if (under == 0) {
        rv = apr_stat(&fi, path, CORS_LIST_WANTED, p);
    }
    else if ((rv = cors_list_open(path, under, &f, &code, p)) == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, CORS_LIST_WANTED, f);
    }
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE) {
        memset(sig, 0, sizeof(*sig));
        sig->missing = 1;
        return rv;
    }
    cors_list_sig_of(&fi, sig);
    return APR_SUCCESS;
}

/*
 * Read and parse the file into a new generation, in a pool with its own
 * allocator so that destroying it gives every byte back at once.  The
 * file is looked at before and after reading: a file rewritten in place
 * while it is read is not used (CORS_LIST_ERR_CHANGING), the next look tries
 * again; so is one that prev, the file as last looked at, says was changed
 * in place and that looks half written.  *sig is the file as read, also on
 * a parse error.
 */
static apr_status_t cors_list_read(const char *path, apr_size_t under,
                                   const cors_list_sig_t *prev,
                                   cors_list_gen_t **out, cors_list_sig_t *sig,
                                   cors_list_error_t *err)
{
    apr_pool_t *pool, *scratch;
    apr_file_t *f;
    apr_finfo_t fi;
    cors_list_sig_t after;
    cors_list_gen_t *gen;
    cors_list_errcode_e code = CORS_LIST_ERR_IO;
    apr_size_t len, got = 0;
    char *buf;
    apr_status_t rv;

    memset(err, 0, sizeof(*err));
    rv = apr_pool_create_unmanaged_ex(&pool, NULL, NULL);
    if (rv != APR_SUCCESS) {
        cors_list_fail(err, CORS_LIST_ERR_IO, 0, NULL);
        err->status = rv;
        return rv;
    }
    apr_pool_create(&scratch, pool);
    rv = cors_list_open(path, under, &f, &code, scratch);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, CORS_LIST_WANTED, f);
        if (rv == APR_INCOMPLETE) {
            rv = APR_SUCCESS;
        }
    }
    if (rv != APR_SUCCESS) {
        memset(sig, 0, sizeof(*sig));
        sig->missing = 1;
        cors_list_fail(err, code, 0, NULL);
        err->status = rv;
        apr_pool_destroy(pool);
        return rv;
    }
    cors_list_sig_of(&fi, sig);
    if (fi.size > CORS_LIST_MAX_SIZE) {
        cors_list_fail(err, CORS_LIST_ERR_TOO_LARGE, 0, NULL);
        apr_pool_destroy(pool);
        return APR_EINVAL;
    }
    len = (apr_size_t)fi.size;
    buf = apr_palloc(scratch, len + 1);
    while (got < len) {
        apr_size_t n = len - got;

        rv = apr_file_read(f, buf + got, &n);
        got += n;
        if (rv != APR_SUCCESS || n == 0) {
            break;
        }
    }
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        cors_list_fail(err, CORS_LIST_ERR_IO, 0, NULL);
        err->status = rv;
        apr_pool_destroy(pool);
        return rv;
    }
    if (got != len
        || cors_list_stat(path, under, &after, scratch) != APR_SUCCESS
        || !cors_list_sig_equal(sig, &after)) {
        cors_list_fail(err, CORS_LIST_ERR_CHANGING, 0, NULL);
        apr_pool_destroy(pool);
        return APR_EAGAIN;
    }
    /* Truncated and not yet (or only partly) written again, in place (the
     * same inode: a file renamed over the list is whole): a writer between
     * its write()s leaves the size and time still, and a prefix parses,
     * as an empty list or with its last origin cut short.  Such a file,
     * just changed, waits for the next look. */
    if (prev != NULL && !prev->missing && prev->inode == fi.inode
        && prev->device == fi.device && (len == 0 || buf[len - 1] != '\n')
        && apr_time_now() - fi.mtime < CORS_LIST_SETTLE) {
        cors_list_fail(err, CORS_LIST_ERR_CHANGING, 0, NULL);
        apr_pool_destroy(pool);
        return APR_EAGAIN;
    }
    gen = apr_pcalloc(pool, sizeof(*gen));
    gen->pool = pool;
    rv = cors_list_parse(pool, buf, len, &gen->origins, &gen->count, err);
    if (rv != APR_SUCCESS) {
        apr_pool_destroy(pool);
        return rv;
    }
    apr_pool_destroy(scratch);
    gen->loaded = apr_time_now();
    *out = gen;
    return APR_SUCCESS;
}

/* Under l->lock: make gen current; the old generation is the caller's to
 * destroy once the lock is released. */
static cors_list_gen_t *cors_list_publish(cors_list_t *l, cors_list_gen_t *gen,
                                          const cors_list_sig_t *sig)
{
    cors_list_gen_t *old = l->cur;

    l->cur = gen;
    l->sig = *sig;
    return old;
}

/* Under c->lock: path's entry read with links (under == 0) or not. */
static cors_list_t *cors_list_find(cors_list_cache_t *c, const char *path,
                                   apr_size_t under)
{
    cors_list_t *l = apr_hash_get(c->lists, path, APR_HASH_KEY_STRING);

    while (l != NULL && l->under != under) {
        l = l->same_path;
    }
    return l;
}

/*
 * The cache's entry for path, created if absent (from the cache's pool,
 * under its lock); NULL with *code set if it cannot be: no mutex, or
 * CORS_LIST_CACHE_MAX entries already.
 */
static cors_list_t *cors_list_entry(cors_list_cache_t *c, const char *path,
                                    apr_size_t under, apr_status_t *code)
{
    cors_list_t *l;

    apr_thread_mutex_lock(c->lock);
    l = cors_list_find(c, path, under);
    if (l == NULL && c->count >= CORS_LIST_CACHE_MAX) {
        *code = APR_ENOSPC;
    }
    else if (l == NULL) {
        l = apr_pcalloc(c->pool, sizeof(*l));
        l->path = apr_pstrdup(c->pool, path);
        l->under = under;
        if (apr_thread_mutex_create(&l->lock, APR_THREAD_MUTEX_DEFAULT, c->pool)
            != APR_SUCCESS) {
            l = NULL;
            *code = APR_ENOMEM;
        }
        else {
            l->same_path = apr_hash_get(c->lists, l->path, APR_HASH_KEY_STRING);
            apr_hash_set(c->lists, l->path, APR_HASH_KEY_STRING, l);
            c->count++;
        }
    }
    apr_thread_mutex_unlock(c->lock);
    return l;
}

static apr_status_t cors_list_load(cors_list_cache_t *c, const char *path,
                                   apr_size_t under, cors_list_t **out,
                                   cors_list_error_t *err)
{
    apr_status_t rv = APR_SUCCESS;
    cors_list_t *l = cors_list_entry(c, path, under, &rv);
    cors_list_gen_t *gen = NULL, *old = NULL;
    cors_list_sig_t sig;

    if (l == NULL) {
        memset(err, 0, sizeof(*err));
        cors_list_fail(err,
                       rv == APR_ENOSPC ? CORS_LIST_ERR_FULL : CORS_LIST_ERR_IO,
                       0, NULL);
        err->status = rv;
        return rv;
    }
    rv = cors_list_read(path, under, NULL, &gen, &sig, err);
    apr_thread_mutex_lock(l->lock);
    l->last_check = apr_time_now();
    if (rv == APR_SUCCESS) {
        old = cors_list_publish(l, gen, &sig);
    }
    else {
        l->err = *err;
        l->sig = sig;
    }
    apr_thread_mutex_unlock(l->lock);
    if (old != NULL) {
        apr_pool_destroy(old->pool);
    }
    *out = l;
    return rv;
}

apr_status_t cors_list_cache_load(cors_list_cache_t *c, const char *path,
                                  cors_list_t **out, cors_list_error_t *err)
{
    return cors_list_load(c, path, 0, out, err);
}

apr_status_t cors_list_cache_get(cors_list_cache_t *c, const char *path,
                                 apr_size_t under, apr_time_t now,
                                 apr_interval_time_t retry, cors_list_t **out,
                                 cors_list_error_t *err)
{
    cors_list_t *l;
    int loaded, again;

    apr_thread_mutex_lock(c->lock);
    l = cors_list_find(c, path, under);
    apr_thread_mutex_unlock(c->lock);
    if (l == NULL) {
        return cors_list_load(c, path, under, out, err);
    }
    apr_thread_mutex_lock(l->lock);
    loaded = l->cur != NULL;
    again = !loaded && now - l->last_check >= retry;
    if (!loaded && !again) {
        *err = l->err;
    }
    apr_thread_mutex_unlock(l->lock);
    if (again) {
        return cors_list_load(c, path, under, out, err);
    }
    *out = l;
    return loaded ? APR_SUCCESS : APR_EINVAL;
}

/* The calling thread looks at the file for every thread of the process. */
static void cors_list_refresh(cors_list_t *l, cors_list_event_t *ev)
{
    apr_time_t now = apr_time_now();
    cors_list_sig_t sig;
    cors_list_gen_t *gen = NULL, *old = NULL;
    apr_pool_t *scratch;
    apr_status_t rv;
    cors_list_sig_t seen;

    /* apr_stat wants a pool; this one lives for one look at the file,
     * once per check interval, whoever's request triggered it. */
    if (apr_pool_create_unmanaged_ex(&scratch, NULL, NULL) != APR_SUCCESS) {
        goto done;
    }
    cors_list_stat(l->path, l->under, &sig, scratch);
    apr_pool_destroy(scratch);
    apr_thread_mutex_lock(l->lock);
    seen = l->sig;
    apr_thread_mutex_unlock(l->lock);
    if (cors_list_sig_equal(&sig, &seen)) {
        goto done;
    }
    rv = cors_list_read(l->path, l->under, &seen, &gen, &sig, &ev->err);
    apr_thread_mutex_lock(l->lock);
    if (rv == APR_SUCCESS) {
        old = cors_list_publish(l, gen, &sig);
        l->reloads++;
        ev->reloaded = 1;
        ev->count = gen->count;
        ev->took = gen->loaded - now;
    }
    else if (rv != APR_EAGAIN) {
        /* Remembered, so that this version of the file is reported once. */
        l->sig = sig;
        l->failures++;
        ev->failed = 1;
    }
    l->reloading = 0;
    apr_thread_mutex_unlock(l->lock);
    if (old != NULL) {
        apr_pool_destroy(old->pool);
    }
    return;

done:
    apr_thread_mutex_lock(l->lock);
    l->reloading = 0;
    apr_thread_mutex_unlock(l->lock);
}

int cors_list_match(cors_list_t *l, const char *value,
                    const cors_origin_t *origin, apr_time_t now,
                    apr_interval_time_t check, cors_list_event_t *ev)
{
    int hit = 0, due;

    memset(ev, 0, sizeof(*ev));
    apr_thread_mutex_lock(l->lock);
    due = now - l->last_check >= check && !l->reloading;
    if (due) {
        l->reloading = 1;
        l->last_check = now;
    }
    apr_thread_mutex_unlock(l->lock);
    if (due) {
        cors_list_refresh(l, ev);
    }
    apr_thread_mutex_lock(l->lock);
    if (l->cur != NULL) {
        hit = cors_origins_match(l->cur->origins, value, origin);
    }
    apr_thread_mutex_unlock(l->lock);
    return hit;
}

void cors_list_info(cors_list_t *l, cors_list_info_t *info)
{
    apr_thread_mutex_lock(l->lock);
    info->path = l->path;
    info->count = l->cur ? l->cur->count : 0;
    info->loaded = l->cur ? l->cur->loaded : 0;
    info->reloads = l->reloads;
    info->failures = l->failures;
    apr_thread_mutex_unlock(l->lock);
}

const char *cors_list_path(const cors_list_t *l)
{
    return l->path;
}
