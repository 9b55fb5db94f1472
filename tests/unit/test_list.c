/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * test_list.c: unit tests of src/cors_list.h (origin list files: the
 * parser, loading, reloading on change, a bad file keeping the last good
 * list, threads looking up while the file is replaced) and of origin
 * sources in a policy's decision (docs/behaviour.md §7).
 */

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_thread_proc.h>

#include "unit_util.h"
#include "cors_list.h"
#include "cors_policy.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct list_case {
    const char *desc;
    const char *text;
    int ok;
    int count;           /**< values accepted, when ok */
    unsigned int line;   /**< bad line, when not ok */
    const char *message; /**< substring of the message, when not ok */
};

static const struct list_case list_cases[] = {
    {"empty file", "", 1, 0, 0, NULL},
    {"comments and blanks", "# clients\n\n   \n\t# x\n", 1, 0, 0, NULL},
    {"two origins", "https://a.example\nhttps://b.example:8443\n", 1, 2, 0,
     NULL},
    {"no final newline", "https://a.example\nhttps://b.example", 1, 2, 0, NULL},
    {"CRLF", "https://a.example\r\nhttps://b.example\r\n", 1, 2, 0, NULL},
    {"UTF-8 byte order mark", "\xef\xbb\xbfhttps://a.example\n", 1, 1, 0, NULL},
    {"byte order mark inside",
     "https://a.example\n\xef\xbb\xbfhttps://b.example\n", 0, 0, 2, NULL},
    {"trailing comment", "https://a.example   # client A\n", 1, 1, 0, NULL},
    {"wildcard", "https://*.client.example\nhttp://localhost:*\n", 1, 2, 0,
     NULL},
    {"normalised", "HTTPS://A.Example:443\n", 1, 1, 0, NULL},
    {"path", "https://a.example\nhttps://b.example/app\n", 0, 0, 2,
     "CORS_ERR_ORIGIN_PATH"},
    {"two on a line", "https://a.example https://b.example\n", 0, 0, 1,
     "one origin per line"},
    {"star", "# all\n*\n", 0, 0, 2, "configuration"},
    {"null", "null\n", 0, 0, 1, "configuration"},
    {"none", "https://a.example\nnone\n", 0, 0, 2, "configuration"},
    {"plus prefix", "+https://a.example\n", 0, 0, 1, "only adds"},
    {"minus prefix", "-https://a.example\n", 0, 0, 1, "only adds"},
    {"public suffix wildcard", "https://*.github.io\n", 0, 0, 1,
     "CORS_WARN_PUBLIC_SUFFIX"},
    {"top-level wildcard", "https://*.com\n", 0, 0, 1, "CORS_ERR_ORIGIN_TLD"},
    {"hash inside a value", "https://a.example#x\n", 0, 0, 1, NULL},
    {"non-ASCII host", "https://b\xc3\xa9.example\n", 0, 0, 1, NULL},
    {"NUL byte", "https://a.example\n\0https://b.example\n", 0, 0, 2, "NUL"},
};

static void test_parse_table(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t i;

    UNIT_BEGIN();
    for (i = 0; i < N_ELEMS(list_cases); i++) {
        const struct list_case *c = &list_cases[i];
        /* the NUL case's text goes on past its NUL */
        apr_size_t len = strcmp(c->desc, "NUL byte") == 0
                             ? sizeof(
                                   "https://a.example\n\0https://b.example\n")
                                   - 1
                             : strlen(c->text);
        const cors_origins_t *o = NULL;
        apr_size_t count = 99;
        cors_list_error_t err;
        apr_status_t rv = cors_list_parse(p, c->text, len, &o, &count, &err);

        unit_check_int(c->desc, "ok", c->ok, rv == APR_SUCCESS);
        if (c->ok) {
            unit_check_int(c->desc, "count", c->count, (int)count);
            continue;
        }
        unit_check_int(c->desc, "code", CORS_LIST_ERR_VALUE, err.code);
        unit_check_int(c->desc, "line", (int)c->line, (int)err.line);
        /* the origin parser's problems are typed (the glue words them):
         * their kind is what is looked for */
        if (c->message
            && !unit_contains_i(err.problem != CORS_PROBLEM_NONE
                                    ? cors_problem_name(err.problem)
                                    : err.message,
                                c->message)) {
            unit_fail(c->desc, "message", "'%s' (%s) lacks '%s'", err.message,
                      cors_problem_name(err.problem), c->message);
        }
    }
    UNIT_END("list_cases");
}

static int list_has(apr_pool_t *p, const cors_origins_t *o, const char *v)
{
    cors_origin_t origin;

    (void)p;
    return cors_origin_parse_request(v, &origin) == CORS_ORIGIN_VALID
           && cors_origins_match(o, v, &origin);
}

static void test_parse_matches(void **state)
{
    apr_pool_t *p = *state;
    const char *text = "HTTPS://A.Example:443\nhttps://*.client.example\n";
    const cors_origins_t *o;
    apr_size_t count;
    cors_list_error_t err;

    assert_int_equal(APR_SUCCESS,
                     cors_list_parse(p, text, strlen(text), &o, &count, &err));
    assert_true(list_has(p, o, "https://a.example"));
    assert_true(list_has(p, o, "https://x.y.client.example"));
    assert_false(list_has(p, o, "https://client.example"));
    assert_false(list_has(p, o, "http://a.example"));
    assert_false(list_has(p, o, "https://b.example"));
}

/* A line as long as the limit is judged as a value; one byte more is not. */
static void test_parse_long_line(void **state)
{
    apr_pool_t *p = *state;
    const cors_origins_t *o;
    apr_size_t count;
    cors_list_error_t err;
    char *v = unit_make_string(p, "https://", 'a', ".example",
                               CORS_ORIGIN_MAX_LEN + 1);

    assert_int_not_equal(APR_SUCCESS,
                         cors_list_parse(p, v, strlen(v), &o, &count, &err));
    assert_int_equal(1, err.line);
    assert_true(unit_contains_i(err.message, "bytes is no origin"));
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static const char *test_dir(apr_pool_t *p)
{
    char tmpl[] = "/tmp/cors-list-XXXXXX";

    assert_non_null(mkdtemp(tmpl));
    return apr_pstrdup(p, tmpl);
}

/* Write the way the docs tell administrators to: a temporary, renamed. */
static void write_file(apr_pool_t *p, const char *path, const char *text)
{
    const char *tmp = apr_pstrcat(p, path, ".tmp", NULL);
    FILE *f = fopen(tmp, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(0, fclose(f));
    assert_int_equal(0, rename(tmp, path));
}

/* Every test list is looked at every 5 seconds, the race's every time. */
static apr_interval_time_t test_check = 5 * APR_USEC_PER_SEC;

static int match(cors_list_t *l, const char *v, apr_time_t now,
                 cors_list_event_t *ev)
{
    cors_origin_t origin;

    assert_int_equal(CORS_ORIGIN_VALID, cors_origin_parse_request(v, &origin));
    return cors_list_match(l, v, &origin, now, test_check, ev);
}

static void test_load_and_reload(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *path = apr_pstrcat(p, dir, "/cors.txt", NULL);
    cors_list_cache_t *c;
    cors_list_t *l, *again;
    cors_list_error_t err;
    cors_list_event_t ev;
    cors_list_info_t info;
    apr_time_t now = apr_time_now();
    apr_interval_time_t check = apr_time_from_sec(5);

    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));

    /* A missing file is an I/O error, said once per check interval. */
    assert_int_not_equal(APR_SUCCESS, cors_list_cache_load(c, path, &l, &err));
    assert_int_equal(CORS_LIST_ERR_IO, err.code);

    write_file(p, path, "https://a.example\n");
    assert_int_equal(APR_SUCCESS, cors_list_cache_load(c, path, &l, &err));
    assert_true(match(l, "https://a.example", now, &ev));
    assert_false(match(l, "https://b.example", now, &ev));
    assert_false(ev.reloaded || ev.failed);

    /* The same path from .htaccess: the same list, not read again. */
    assert_int_equal(APR_SUCCESS,
                     cors_list_cache_get(c, path, 0, now, check, &again, &err));
    assert_ptr_equal(l, again);

    /* Changed: unseen until the check interval has passed. */
    write_file(p, path, "https://b.example\n# b only\n");
    assert_true(match(l, "https://a.example", now, &ev));
    assert_false(ev.reloaded);
    now += check + apr_time_from_sec(1);
    assert_true(match(l, "https://b.example", now, &ev));
    assert_true(ev.reloaded);
    assert_int_equal(1, (int)ev.count);
    assert_false(match(l, "https://a.example", now, &ev));

    /* A bad file keeps the last good list, and is reported once. */
    write_file(p, path, "https://c.example\nhttps://c.example/path\n");
    now += check + apr_time_from_sec(1);
    assert_true(match(l, "https://b.example", now, &ev));
    assert_true(ev.failed);
    assert_int_equal(2, (int)ev.err.line);
    assert_false(match(l, "https://c.example", now, &ev));
    now += check + apr_time_from_sec(1);
    assert_true(match(l, "https://b.example", now, &ev));
    assert_false(ev.failed);

    /* A deleted file too. */
    assert_int_equal(0, unlink(path));
    now += check + apr_time_from_sec(1);
    assert_true(match(l, "https://b.example", now, &ev));
    assert_true(ev.failed);
    assert_int_equal(CORS_LIST_ERR_IO, ev.err.code);

    /* Fixed: picked up. */
    write_file(p, path, "https://c.example\n");
    now += check + apr_time_from_sec(1);
    assert_true(match(l, "https://c.example", now, &ev));
    assert_true(ev.reloaded);

    cors_list_info(l, &info);
    assert_string_equal(path, info.path);
    assert_int_equal(1, (int)info.count);
    assert_int_equal(2, (int)info.reloads);
    assert_int_equal(2, (int)info.failures);
    assert_true(info.loaded > 0);

    unlink(path);
    rmdir(dir);
}

/* .htaccess naming a bad file: the error is kept, not re-read per request. */
static void test_get_keeps_error(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *path = apr_pstrcat(p, dir, "/bad.txt", NULL);
    cors_list_cache_t *c;
    cors_list_t *l;
    cors_list_error_t err;
    apr_time_t now = apr_time_now();
    apr_interval_time_t check = apr_time_from_sec(5);

    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));
    write_file(p, path, "https://a.example/x\n");
    assert_int_not_equal(APR_SUCCESS,
                         cors_list_cache_get(c, path, 0, now, check, &l, &err));
    assert_int_equal(1, err.line);
    /* Fixed, but within the interval the kept error still answers. */
    write_file(p, path, "https://a.example\n");
    memset(&err, 0, sizeof(err));
    assert_int_not_equal(APR_SUCCESS,
                         cors_list_cache_get(c, path, 0, now, check, &l, &err));
    assert_int_equal(1, err.line);
    assert_int_equal(APR_SUCCESS,
                     cors_list_cache_get(c, path, 0,
                                         now + check + apr_time_from_sec(1),
                                         check, &l, &err));
    unlink(path);
    rmdir(dir);
}

/* A path in dir, made in p. */
static const char *in_dir(apr_pool_t *p, const char *dir, const char *name)
{
    return apr_pstrcat(p, dir, "/", name, NULL);
}

/* Replace path (a file or a directory) by a symbolic link to target. */
static void swap_for_link(apr_pool_t *p, const char *path, const char *target)
{
    const char *tmp = apr_pstrcat(p, path, ".link", NULL);

    assert_int_equal(0, symlink(target, tmp));
    if (rename(tmp, path) != 0) {
        /* rename() cannot put a link over a directory: move it away. */
        assert_int_equal(0, rename(path, apr_pstrcat(p, path, ".old", NULL)));
        assert_int_equal(0, rename(tmp, path));
    }
}

/*
 * .htaccess lists (under > 0): loaded, then the file, or a directory on
 * the way to it, swapped for a link to another site's list.  The reload
 * does not follow it (the glue's lstat check at .htaccess time came
 * before the swap), the list read before stays and the error says why.
 */
static void test_htaccess_list_follows_no_link(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *site = in_dir(p, dir, "site"), *other = in_dir(p, dir, "other");
    const char *paths[2];
    apr_size_t under = strlen(site) + 1;
    cors_list_cache_t *c;
    cors_list_t *l, *followed;
    cors_list_error_t err;
    cors_list_event_t ev;
    apr_time_t now = apr_time_now();
    int i;

    assert_int_equal(0, mkdir(site, 0755));
    assert_int_equal(0, mkdir(in_dir(p, site, "sub"), 0755));
    assert_int_equal(0, mkdir(other, 0755));
    write_file(p, in_dir(p, other, "origins.txt"), "https://secret.example\n");
    paths[0] = in_dir(p, site, "origins.txt");
    paths[1] = in_dir(p, site, "sub/origins.txt");
    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));
    for (i = 0; i < 2; i++) {
        write_file(p, paths[i], "https://own.example\n");
        assert_int_equal(APR_SUCCESS,
                         cors_list_cache_get(c, paths[i], under, now,
                                             test_check, &l, &err));
        assert_true(match(l, "https://own.example", now, &ev));
        if (i == 0) {
            swap_for_link(p, paths[0], in_dir(p, other, "origins.txt"));
        }
        else {
            swap_for_link(p, in_dir(p, site, "sub"), other);
        }
        now += test_check + apr_time_from_sec(1);
        assert_false(match(l, "https://secret.example", now, &ev));
        assert_true(ev.failed);
        assert_int_equal(CORS_LIST_ERR_LINK, ev.err.code);
        assert_true(match(l, "https://own.example", now, &ev));
        /* A new load (another child) refuses it too. */
        assert_int_not_equal(APR_SUCCESS,
                             cors_list_cache_get(c, paths[i], under - 1, now,
                                                 test_check, &l, &err));
        assert_int_equal(CORS_LIST_ERR_LINK, err.code);
        /* The configuration's lists (under == 0) follow links: another
         * entry for the same path. */
        assert_int_equal(APR_SUCCESS,
                         cors_list_cache_get(c, paths[i], 0, now, test_check,
                                             &followed, &err));
        assert_ptr_not_equal(l, followed);
        assert_true(match(followed, "https://secret.example", now, &ev));
    }

    /* Not a regular file: a FIFO would hold the thread in open(). */
    assert_int_equal(0, mkfifo(in_dir(p, site, "fifo.txt"), 0644));
    assert_int_not_equal(APR_SUCCESS,
                         cors_list_cache_get(c, in_dir(p, site, "fifo.txt"),
                                             under, now, test_check, &l, &err));
    assert_int_equal(CORS_LIST_ERR_NOT_FILE, err.code);

    assert_int_equal(0, system(apr_pstrcat(p, "rm -rf ", dir, NULL)));
}

/* Paths named at run time (.htaccess), even missing ones, fill at most
 * CORS_LIST_CACHE_MAX entries; the lists already kept still answer. */
static void test_cache_is_bounded(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *path = in_dir(p, dir, "origins.txt");
    apr_size_t under = strlen(dir) + 1;
    cors_list_cache_t *c;
    cors_list_t *l, *kept;
    cors_list_error_t err;
    cors_list_event_t ev;
    apr_time_t now = apr_time_now();
    int i;

    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));
    write_file(p, path, "https://own.example\n");
    assert_int_equal(APR_SUCCESS, cors_list_cache_get(c, path, under, now,
                                                      test_check, &kept, &err));
    for (i = 1; i < CORS_LIST_CACHE_MAX; i++) {
        assert_int_not_equal(APR_SUCCESS,
                             cors_list_cache_get(c,
                                                 apr_psprintf(p,
                                                              "%s/missing-%d",
                                                              dir, i),
                                                 under, now, test_check, &l,
                                                 &err));
        assert_int_equal(CORS_LIST_ERR_IO, err.code);
    }
    assert_int_not_equal(APR_SUCCESS,
                         cors_list_cache_get(c, in_dir(p, dir, "one-more"),
                                             under, now, test_check, &l, &err));
    assert_int_equal(CORS_LIST_ERR_FULL, err.code);
    assert_int_equal(APR_SUCCESS, cors_list_cache_get(c, path, under, now,
                                                      test_check, &l, &err));
    assert_ptr_equal(kept, l);
    assert_true(match(l, "https://own.example", now, &ev));
    unlink(path);
    rmdir(dir);
}

/* Written in place, the wrong way: what a reader finds between the
 * truncation and the last write() is not a list to use. */
static void write_in_place(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(0, fclose(f));
}

static void age_file(const char *path, int seconds)
{
    struct timeval tv[2];

    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= seconds;
    tv[1] = tv[0];
    assert_int_equal(0, utimes(path, tv));
}

/* docs/behaviour.md §7: no request sees an empty list, or a list cut
 * short, because of a bad write. */
static void test_unfinished_write_waits(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *path = apr_pstrcat(p, dir, "/inplace.txt", NULL);
    cors_list_cache_t *c;
    cors_list_t *l;
    cors_list_error_t err;
    cors_list_event_t ev;
    apr_time_t now = apr_time_now();
    apr_interval_time_t step;

    test_check = 5 * APR_USEC_PER_SEC;
    step = test_check + apr_time_from_sec(1);
    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));
    write_file(p, path, "https://a.example\nhttps://b.example\n");
    assert_int_equal(APR_SUCCESS, cors_list_cache_load(c, path, &l, &err));

    /* Truncated, nothing written yet: the list stays. */
    write_in_place(path, "");
    now += step;
    assert_true(match(l, "https://a.example", now, &ev));
    assert_false(ev.reloaded || ev.failed);

    /* Half written, the last origin cut short: the list stays. */
    write_in_place(path, "https://b.example\nhttps://a.exam");
    now += step;
    assert_true(match(l, "https://a.example", now, &ev));
    assert_false(match(l, "https://a.exam", now, &ev));
    assert_false(ev.reloaded || ev.failed);

    /* Left so (no newline at the end): used once it has kept still. */
    age_file(path, 10);
    now += step;
    assert_true(match(l, "https://a.exam", now, &ev));
    assert_true(ev.reloaded);
    assert_false(match(l, "https://a.example", now, &ev));

    /* A complete file is used at once, written in place or not. */
    write_in_place(path, "https://c.example\n");
    now += step;
    assert_true(match(l, "https://c.example", now, &ev));
    assert_true(ev.reloaded);

    /* Renamed over the list, a file is whole, its last newline or not. */
    write_file(p, path, "https://d.example");
    now += step;
    assert_true(match(l, "https://d.example", now, &ev));
    assert_true(ev.reloaded);

    unlink(path);
    rmdir(dir);
}

/*
 * Threads look up while the file is replaced many times and reloaded on
 * every look: every list the file ever held has a.example and never
 * z.example, so a lookup that misses the one or finds the other saw a
 * half-built or freed list; ASan checks that no freed list is read.
 */
struct race {
    cors_list_t *l;
    volatile int stop;
    int wrong;
    int lookups;
};

static void *APR_THREAD_FUNC race_reader(apr_thread_t *t, void *data)
{
    struct race *r = data;
    cors_list_event_t ev;

    while (!r->stop) {
        apr_time_t now = apr_time_now();
        if (!match(r->l, "https://a.example", now, &ev)
            || match(r->l, "https://z.example", now, &ev)) {
            r->wrong++;
        }
        r->lookups++;
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void test_reload_race(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = test_dir(p);
    const char *path = apr_pstrcat(p, dir, "/race.txt", NULL);
    cors_list_cache_t *c;
    cors_list_error_t err;
    struct race r[4];
    cors_list_info_t info;
    apr_thread_t *th[4];
    apr_status_t rv;
    int i, n;

    assert_int_equal(APR_SUCCESS, cors_list_cache_make(p, &c));
    write_file(p, path, "https://a.example\nhttps://b.example\n");
    memset(r, 0, sizeof(r));
    test_check = 0; /* every lookup looks at the file */
    assert_int_equal(APR_SUCCESS, cors_list_cache_load(c, path, &r[0].l, &err));
    for (i = 0; i < 4; i++) {
        r[i].l = r[0].l;
        assert_int_equal(APR_SUCCESS, apr_thread_create(&th[i], NULL,
                                                        race_reader, &r[i], p));
    }
    /* Each change waits (2 s at most) for a reader to pick it up, so the
     * count of reloads depends on the readers, not on how fast a loaded or
     * sanitized machine schedules them. */
    for (n = 0; n < 100; n++) {
        unsigned before, waited;

        cors_list_info(r[0].l, &info);
        before = info.reloads;
        write_file(p, path,
                   n % 2 ? "https://a.example\nhttps://b.example\n"
                         : "# c now\nhttps://c.example\nhttps://a.example\n");
        for (waited = 0; waited < 2000; waited++) {
            cors_list_info(r[0].l, &info);
            if (info.reloads != before) {
                break;
            }
            usleep(1000);
        }
    }
    for (i = 0; i < 4; i++) {
        r[i].stop = 1;
        apr_thread_join(&rv, th[i]);
        assert_int_equal(0, r[i].wrong);
        assert_true(r[i].lookups > 0);
    }
    cors_list_info(r[0].l, &info);
    assert_true(info.reloads >= 50);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* Sources in a policy's decision                                      */

static cors_source_answer_e stub_lookup(const cors_source_t *src,
                                        const cors_policy_t *pol,
                                        const char *value,
                                        const cors_origin_t *origin, void *ctx,
                                        apr_pool_t *p, const char **why)
{
    const char *answer = src->data;

    (void)origin;
    (void)p;
    (void)pol;
    if (ctx == NULL && strcmp(answer, "needs-request") == 0) {
        return CORS_SOURCE_ABSENT;
    }
    if (strcmp(answer, "down") == 0) {
        *why = "the database did not answer";
        return CORS_SOURCE_UNAVAILABLE;
    }
    return strcmp(value, answer) == 0 ? CORS_SOURCE_LISTED : CORS_SOURCE_ABSENT;
}

static cors_source_t *stub(apr_pool_t *p, const char *name, const char *answer)
{
    cors_source_t *s = apr_pcalloc(p, sizeof(*s));

    s->name = name;
    s->lookup = stub_lookup;
    s->data = (void *)answer;
    return s;
}

static void decide(apr_pool_t *p, const cors_policy_t *pol, const char *origin,
                   cors_decision_t *d)
{
    cors_request_t in = {"GET", origin, NULL, NULL, NULL};

    cors_policy_decide(p, pol, &in, (void *)"request", d);
}

static void test_sources_decide(void **state)
{
    apr_pool_t *p = *state;
    cors_policy_t *pol = cors_policy_make(p);
    cors_policy_t *child, *merged;
    cors_decision_t d;
    const cors_problem_t *warning;

    /* A source alone turns CORS on; its origins add up with the lines. */
    cors_policy_add_source(p, pol, stub(p, "/etc/cors.txt", "https://f.test"));
    assert_true(cors_policy_enabled(pol));
    assert_null(cors_policy_add_origin(p, pol, "https://c.test", &warning));
    cors_policy_add_source(p, pol, stub(p, "the database", "https://d.test"));

    decide(p, pol, "https://c.test", &d);
    assert_true(d.allowed);
    decide(p, pol, "https://f.test", &d);
    assert_true(d.allowed);
    decide(p, pol, "https://d.test", &d);
    assert_true(d.allowed);
    decide(p, pol, "https://x.test", &d);
    assert_false(d.allowed);
    assert_int_equal(CORS_REASON_ORIGIN_NOT_ALLOWED, d.reason);
    assert_string_equal("not in /etc/cors.txt nor in the database",
                        d.source_detail);
    /* Malformed origins never reach a source. */
    decide(p, pol, "https://X.test", &d);
    assert_int_equal(CORS_REASON_ORIGIN_MALFORMED, d.reason);
    assert_null(d.source_detail);

    /* A source that cannot answer refuses, and says so. */
    child = cors_policy_make(p);
    cors_policy_add_source(p, child, stub(p, "the database", "down"));
    merged = cors_policy_merge(p, pol, child);
    decide(p, merged, "https://x.test", &d);
    assert_false(d.allowed);
    assert_int_equal(CORS_REASON_SOURCE_UNAVAILABLE, d.reason);
    assert_string_equal("the database did not answer", d.source_detail);
    /* The child's own sources replace the inherited ones ... */
    decide(p, merged, "https://f.test", &d);
    assert_false(d.allowed);
    /* ... its inherited CORSAllowOrigin values stay. */
    decide(p, merged, "https://c.test", &d);
    assert_true(d.allowed);

    /* A list without prefix replaces the inherited sources; "+" keeps. */
    child = cors_policy_make(p);
    assert_null(cors_policy_add_origin(p, child, "https://e.test", &warning));
    merged = cors_policy_merge(p, pol, child);
    decide(p, merged, "https://f.test", &d);
    assert_false(d.allowed);
    assert_null(d.source_detail);
    child = cors_policy_make(p);
    assert_null(cors_policy_add_origin(p, child, "+https://e.test", &warning));
    merged = cors_policy_merge(p, pol, child);
    decide(p, merged, "https://f.test", &d);
    assert_true(d.allowed);

    /* "none" turns CORS off, sources included. */
    child = cors_policy_make(p);
    assert_null(cors_policy_add_origin(p, child, "none", &warning));
    assert_false(cors_policy_enabled(cors_policy_merge(p, pol, child)));

    /* DUMP_CORS names the sources. */
    assert_true(unit_contains_i(cors_policy_describe(p, pol, "", NULL),
                                "origin source: /etc/cors.txt"));
    /* A hint is worked out without a request: no lookups that need one. */
    child = cors_policy_make(p);
    cors_policy_add_source(p, child, stub(p, "db", "needs-request"));
    assert_null(cors_policy_hint(p, child, "https://www.x.test"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_matches),
        cmocka_unit_test(test_parse_long_line),
        cmocka_unit_test(test_load_and_reload),
        cmocka_unit_test(test_get_keeps_error),
        cmocka_unit_test(test_htaccess_list_follows_no_link),
        cmocka_unit_test(test_cache_is_bounded),
        cmocka_unit_test(test_unfinished_write_waits),
        cmocka_unit_test(test_reload_race),
        cmocka_unit_test(test_sources_decide),
    };

    return cmocka_run_group_tests_name("cors_list", tests, unit_setup,
                                       unit_teardown);
}
