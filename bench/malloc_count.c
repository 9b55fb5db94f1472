/*
 * malloc_count.c: an LD_PRELOAD library that counts heap allocations
 * (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) of the
 * whole process into a small shared file, so that bench/run.py can read
 * the counters before and after N requests to a running `apache2 -X`.
 *
 *   MALLOC_COUNT_FILE=/tmp/x LD_PRELOAD=./malloc_count.so apache2 -X ...
 *
 * The file holds one unsigned 64-bit counter (allocation calls).  glibc's
 * __libc_* entry points do the work, so no dlsym (which itself allocates)
 * is needed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static volatile uint64_t *counter;

__attribute__((constructor)) static void malloc_count_init(void)
{
    const char *path = getenv("MALLOC_COUNT_FILE");
    int fd;
    void *m;

    if (path == NULL || (fd = open(path, O_RDWR | O_CREAT, 0644)) < 0) {
        return;
    }
    if (ftruncate(fd, 4096) == 0) {
        m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) {
            counter = m;
        }
    }
    close(fd);
}

static void count(void)
{
    if (counter != NULL) {
        __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
    }
}

void *malloc(size_t n)
{
    count();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    count();
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    count();
    return __libc_realloc(p, n);
}

void *memalign(size_t a, size_t n)
{
    count();
    return __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
    count();
    return __libc_memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
    void *p;

    count();
    p = __libc_memalign(a, n);
    if (p == NULL) {
        return 12; /* ENOMEM */
    }
    *out = p;
    return 0;
}
