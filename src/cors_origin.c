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

#include <string.h>
#include <arpa/inet.h>

#include <apr_allocator.h>
#include <apr_lib.h>
#include <apr_strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <libpsl.h>

#include "cors_origin.h"

/** A wildcard or any-port pattern: scheme://[*.]host[:port|:*]. */
typedef struct cors_pattern_t {
    const char *text; /**< normalised, as shown to administrators */
    const char *scheme;
    apr_size_t scheme_len;
    const char *host; /**< the suffix after "*." when subdomains */
    apr_size_t host_len;
    int port;       /**< 0: scheme default, -1: any port */
    int subdomains; /**< "*." prefix: strict subdomains only */
} cors_pattern_t;

/*
 * A set of strings for the exact origins: open addressing with linear
 * probing, at most 3/4 full.  The strings are packed, without alignment,
 * into chunks of up to CORS_STRSET_CHUNK_MAX bytes, and a slot holds a
 * 32-bit reference into them (chunk << 16 | offset, plus one; 0 is an
 * empty slot).  10,000 origins of 27 bytes cost about 28 bytes of text and
 * 7 bytes of slot each; an apr_hash_t would add 40 bytes of entry and a
 * pointer-sized bucket per origin.  A large table lives in an allocator
 * node of its own, given back when the table doubles.
 */
#define CORS_STRSET_OWN_NODE_SLOTS 1024
#define CORS_STRSET_CHUNK_BITS 16
/* A full chunk and APR's node header fit in 64 KiB: the allocator rounds
 * nodes up to 4 KiB, and a chunk of exactly 64 KiB would take a node of
 * 68 KiB whose last page the next allocation touches. */
#define CORS_STRSET_CHUNK_MAX ((1u << CORS_STRSET_CHUNK_BITS) - 128)

typedef struct cors_strset_t {
    apr_uint32_t *slots; /**< 0: empty, else a reference + 1 */
    apr_uint32_t mask;   /**< number of slots - 1 (a power of 2) */
    apr_uint32_t count;
    char **chunks; /**< the packed strings */
    apr_uint32_t nchunks;
    apr_uint32_t chunks_max;
    apr_uint32_t used;         /**< bytes used in the last chunk */
    apr_uint32_t cap;          /**< the last chunk's size */
    apr_pool_t *pool;          /**< the set's pool */
    apr_memnode_t *table_node; /**< holds the current table, or NULL */
} cors_strset_t;

/* FNV-1a: short keys, no allocation, good enough spread for a probe. */
static apr_uint32_t cors_strhash(const char *s, apr_size_t len)
{
    apr_uint32_t h = 2166136261u;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    return h;
}

static cors_strset_t *cors_strset_make(apr_pool_t *p)
{
    cors_strset_t *set = apr_pcalloc(p, sizeof(*set));

    set->pool = p;
    set->mask = 7;
    set->slots = apr_pcalloc(p, 8 * sizeof(*set->slots));
    return set;
}

static const char *cors_strset_text(const cors_strset_t *set, apr_uint32_t ref)
{
    ref--;
    return set->chunks[ref >> CORS_STRSET_CHUNK_BITS]
           + (ref & ((1u << CORS_STRSET_CHUNK_BITS) - 1));
}

/* The string in slot i (0 <= i <= mask), or NULL when the slot is empty. */
static const char *cors_strset_at(const cors_strset_t *set, apr_uint32_t i)
{
    return set->slots[i] ? cors_strset_text(set, set->slots[i]) : NULL;
}

static const char *cors_strset_get(const cors_strset_t *set, const char *s,
                                   apr_size_t len)
{
    apr_uint32_t i = cors_strhash(s, len) & set->mask;

    for (; set->slots[i] != 0; i = (i + 1) & set->mask) {
        const char *key = cors_strset_text(set, set->slots[i]);

        if (strncmp(key, s, len) == 0 && key[len] == '\0') {
            return key;
        }
    }
    return NULL;
}

static void cors_strset_put(const cors_strset_t *set, apr_uint32_t *slots,
                            apr_uint32_t mask, apr_uint32_t ref)
{
    const char *s = cors_strset_text(set, ref);
    apr_uint32_t i = cors_strhash(s, strlen(s)) & mask;

    while (slots[i] != 0) {
        i = (i + 1) & mask;
    }
    slots[i] = ref;
}

/* Frees the set's current large table when the set's pool goes. */
static apr_status_t cors_strset_cleanup(void *data)
{
    cors_strset_t *set = data;

    if (set->table_node != NULL) {
        apr_allocator_free(apr_pool_allocator_get(set->pool), set->table_node);
        set->table_node = NULL;
    }
    return APR_SUCCESS;
}

/*
 * Double the table.  A large table is one node taken from the pool's
 * allocator and handed back when the table doubles again, so no outgrown
 * copy stays behind in the pool (the allocator reuses the node).
 */
static void cors_strset_grow(cors_strset_t *set)
{
    apr_uint32_t n = (set->mask + 1) * 2, i;
    apr_size_t size = n * sizeof(apr_uint32_t);
    apr_memnode_t *node = NULL;
    apr_uint32_t *slots;

    if (n >= CORS_STRSET_OWN_NODE_SLOTS) {
        node = apr_allocator_alloc(apr_pool_allocator_get(set->pool), size);
    }
    if (node != NULL) {
        slots = (apr_uint32_t *)node->first_avail;
        memset(slots, 0, size);
    }
    else {
        slots = apr_pcalloc(set->pool, size);
    }
    for (i = 0; i <= set->mask; i++) {
        if (set->slots[i] != 0) {
            cors_strset_put(set, slots, n - 1, set->slots[i]);
        }
    }
    if (set->table_node != NULL) {
        apr_allocator_free(apr_pool_allocator_get(set->pool), set->table_node);
    }
    else if (node != NULL) {
        apr_pool_cleanup_register(set->pool, set, cors_strset_cleanup,
                                  apr_pool_cleanup_null);
    }
    set->table_node = node;
    set->slots = slots;
    set->mask = n - 1;
}

/* Copy s into the chunks; its reference + 1, or 0 when the references
 * are used up (2^16 chunks, gigabytes of origins).  A string starts below
 * CORS_STRSET_CHUNK_MAX in its chunk, whatever its length. */
static apr_uint32_t cors_strset_store(cors_strset_t *set, const char *s,
                                      apr_size_t len)
{
    char *dst;

    if (set->nchunks == 0 || set->used + len + 1 > set->cap) {
        if (set->nchunks == (1u << (32 - CORS_STRSET_CHUNK_BITS))) {
            return 0;
        }
        if (set->nchunks == set->chunks_max) {
            apr_uint32_t max = set->chunks_max ? set->chunks_max * 2 : 4;
            char **chunks = apr_palloc(set->pool, max * sizeof(*chunks));

            if (set->nchunks > 0) {
                memcpy(chunks, set->chunks, set->nchunks * sizeof(*chunks));
            }
            set->chunks = chunks;
            set->chunks_max = max;
        }
        /* 128 bytes, doubling up to CORS_STRSET_CHUNK_MAX: a set of a
         * few origins (an .htaccess file's, made per request) stays small */
        set->cap = set->nchunks < 9 ? 128u << set->nchunks
                                    : CORS_STRSET_CHUNK_MAX;
        if (set->cap < len + 1) {
            /* a chunk of its own: the next string starts a new one */
            set->cap = (apr_uint32_t)len + 1;
        }
        set->chunks[set->nchunks++] = apr_palloc(set->pool, set->cap);
        set->used = 0;
    }
    dst = set->chunks[set->nchunks - 1] + set->used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    set->used += (apr_uint32_t)len + 1;
    return (((set->nchunks - 1) << CORS_STRSET_CHUNK_BITS)
            | (set->used - (apr_uint32_t)len - 1))
           + 1;
}

/*
 * Add a copy of s.  *kept is the set's copy (the one already there for a
 * duplicate); 1 when added, 0 when already there, -1 when the set is full.
 */
static int cors_strset_add(cors_strset_t *set, const char *s, const char **kept)
{
    apr_size_t len = strlen(s);
    apr_uint32_t ref;

    if ((*kept = cors_strset_get(set, s, len)) != NULL) {
        return 0;
    }
    if ((set->count + 1) * 4 > (set->mask + 1) * 3) {
        cors_strset_grow(set);
    }
    if ((ref = cors_strset_store(set, s, len)) == 0) {
        return -1;
    }
    cors_strset_put(set, set->slots, set->mask, ref);
    set->count++;
    *kept = cors_strset_text(set, ref);
    return 1;
}

/*
 * A section's "-" values are exclusions: an excluded origin is refused in
 * the scope even where an inherited wildcard, pattern, regex or "*" would
 * allow it, and an excluded wildcard excludes every origin it covers.
 * Within one section an exclusion wins over the section's own values; a
 * more specific section that lists the origin again (or a wildcard that
 * covers it) allows it again.
 */
struct cors_origin_set_t {
    cors_strset_t *exact;         /**< normalised origins */
    apr_array_header_t *patterns; /**< cors_pattern_t */
    int any;
    int null;
    cors_strset_t *rm_exact;         /**< excluded origins */
    apr_array_header_t *rm_patterns; /**< excluded wildcards */
    int rm_any;                      /**< "-*": drops an inherited "*" */
    int rm_null;                     /**< "-null": excludes the opaque origin */
    int replace;                     /**< replaces the inherited list */
    const char *public_suffix;       /**< first wildcard over a public suffix */
    /** exact origins that the set's own exclusions leave allowed */
    apr_uint32_t exact_kept;
    /** patterns not removed as themselves by the set's own exclusions */
    int patterns_kept;
    const char *insecure; /**< first http:// entry off this machine */
    apr_pool_t *scratch;  /**< for parsing one value at a time */
};

/*
 * A scope: one section's set over the scope it inherits.  What a merged
 * node derives is computed once, when httpd merges, from its own set and
 * its parent's derived values, never by walking the removals: a section
 * with 5,000 "-" values costs a merge what a section with one does.
 */
struct cors_origins_t {
    const cors_origin_set_t *own;
    const cors_origins_t *parent; /**< NULL when own replaces */
    int any;                      /**< "*" holds (no "-*" below it) */
    int null;                     /**< "null" is listed and not excluded */
    int listed;                   /**< at least one origin may be allowed */
    int excludes;                 /**< an exclusion somewhere in the chain */
    int patterns_left;            /**< a wildcard not removed as itself */
    /** a lower bound of the exact origins the chain still allows */
    apr_uint32_t exact_min;
    const char *public_suffix; /**< a wildcard over a public suffix */
};

struct cors_regex_t {
    const char *source;
    pcre2_code *code;
    pcre2_match_context *limits; /**< read-only once compiled */
    const char *canary;          /**< a canary origin it matches, or NULL */
};

/*
 * Origins nobody lists: other schemes, hosts under the names reserved so
 * that they never resolve (RFC 2606, RFC 6761: .invalid, .test), and
 * addresses reserved for documentation (RFC 5737, RFC 3849), with and
 * without a port.  A pattern that matches one of them matches sites its
 * author never meant: it is a catch-all, such as ^https://[^/]+$ or ^.*$.
 * Opaque "null" is not among them: patterns are never asked about it.
 */
static const char *const cors_canaries[] = {
    "https://canary.invalid",       "http://canary.invalid",
    "https://mod-cors-canary.test", "https://a.b.canary.invalid:8443",
    "wss://canary.invalid",         "ftp://canary.invalid",
    "chrome-extension://canary",    "http://192.0.2.1",
    "https://198.51.100.7:8080",    "https://[2001:db8::1]",
};

/*
 * Bounds on one match, so that a pattern with nested quantifiers (easy to
 * write: ^https://(\w+\.?)+\.example\.org$) cannot be made to backtrack
 * for milliseconds by an Origin any client chooses.  A sane pattern needs
 * a few hundred steps for a 1,024-byte Origin; hitting the limit refuses.
 */
#define CORS_REGEX_MATCH_LIMIT 100000
#define CORS_REGEX_DEPTH_LIMIT 10000

int cors_origin_default_port(const char *scheme, apr_size_t len)
{
    if (len == 4 && memcmp(scheme, "http", 4) == 0) {
        return 80;
    }
    if (len == 5 && memcmp(scheme, "https", 5) == 0) {
        return 443;
    }
    if (len == 2 && memcmp(scheme, "ws", 2) == 0) {
        return 80;
    }
    if (len == 3 && memcmp(scheme, "wss", 3) == 0) {
        return 443;
    }
    if (len == 3 && memcmp(scheme, "ftp", 3) == 0) {
        return 21;
    }
    return 0;
}

/*
 * Character classes of the origin grammar, one lookup per byte on the
 * request path (generated from the rules each bit names; bytes >= 0x80 are
 * in no class).
 */
#define CORS_C_SCHEME_FIRST 0x01 /* a-z */
#define CORS_C_SCHEME 0x02       /* a-z 0-9 + - . */
#define CORS_C_HOST 0x04         /* a-z 0-9 - . _ */
#define CORS_C_IPV6 0x08         /* 0-9 a-f : . */

static const unsigned char cors_char_class[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x06, 0x0e, 0x00,
    0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x08, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x07, 0x07, 0x07, 0x07, 0x07,
    0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07,
    0x07, 0x07, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

static int cors_is_scheme_char(unsigned char c, int first)
{
    return cors_char_class[c] & (first ? CORS_C_SCHEME_FIRST : CORS_C_SCHEME);
}

static int cors_is_host_char(unsigned char c)
{
    return cors_char_class[c] & CORS_C_HOST;
}

static int cors_is_ipv6_char(unsigned char c)
{
    return cors_char_class[c] & CORS_C_IPV6;
}

/* Labels must not be empty: "a..b" and ".a" are no hosts a browser sends. */
static int cors_host_labels_ok(const char *host, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || host[0] == '.') {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if (host[i] == '.' && host[i - 1] == '.') {
            return 0;
        }
    }
    return 1;
}

/* Longest IPv6 address as the URL Standard writes it, with its NUL. */
#define CORS_IPV6_TEXT_MAX 40

/*
 * The URL Standard's IPv6 serializer, which is how browsers write an
 * origin's IPv6 host: eight pieces in lowercase hexadecimal without
 * leading zeros, the first of the longest runs of two or more zero pieces
 * written "::", and never a dotted quad (inet_ntop writes ::ffff:7f00:1 as
 * ::ffff:127.0.0.1, a form no browser sends).  out holds
 * CORS_IPV6_TEXT_MAX bytes; returns the length written.
 */
static apr_size_t cors_ipv6_serialize(const unsigned char addr[16], char *out)
{
    static const char hex[] = "0123456789abcdef";
    int compress = -1, best = 1, i, run;
    int ignore0 = 0;
    char *o = out;

    for (i = 0; i<8; i += run> 0 ? run : 1) {
        for (run = 0; i + run < 8 && addr[2 * (i + run)] == 0
                      && addr[2 * (i + run) + 1] == 0;
             run++) {
        }
        if (run > best) {
            best = run;
            compress = i;
        }
    }
    for (i = 0; i < 8; i++) {
        unsigned piece = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
        int shift, started = 0;

        if (ignore0 && piece == 0) {
            continue;
        }
        ignore0 = 0;
        if (i == compress) {
            if (i == 0) {
                *o++ = ':';
            }
            *o++ = ':';
            ignore0 = 1;
            continue;
        }
        for (shift = 12; shift >= 0; shift -= 4) {
            unsigned nibble = (piece >> shift) & 0xf;

            if (nibble != 0 || started || shift == 0) {
                *o++ = hex[nibble];
                started = 1;
            }
        }
        if (i != 7) {
            *o++ = ':';
        }
    }
    *o = '\0';
    return (apr_size_t)(o - out);
}

/*
 * Parse the text between an IPv6 host's brackets (len bytes) and write
 * it as the URL Standard serialises it; 0 when it is no IPv6 address.
 */
static apr_size_t cors_ipv6_canonical(const char *s, apr_size_t len, char *out)
{
    char buf[64];
    unsigned char addr[16];

    if (len == 0 || len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET6, buf, addr) != 1) {
        return 0;
    }
    return cors_ipv6_serialize(addr, out);
}

/*
 * Fetch "ASCII serialization of an origin": scheme "://" host [":" port],
 * the host already lowercased and IDNA-encoded by the URL parser, the port
 * omitted when it is the scheme's default.  Any other spelling did not come
 * from a browser, so it is refused rather than normalised: normalising
 * would let a hostile client pick which configured origin it matches.
 */
cors_origin_status_e cors_origin_parse_request(const char *value,
                                               cors_origin_t *out)
{
    apr_size_t len, i, start;

    if (value == NULL) {
        return CORS_ORIGIN_MALFORMED;
    }
    len = strnlen(value, CORS_ORIGIN_MAX_LEN + 1);
    if (len > CORS_ORIGIN_MAX_LEN || len == 0) {
        return CORS_ORIGIN_MALFORMED;
    }
    if (len == 4 && memcmp(value, "null", 4) == 0) {
        return CORS_ORIGIN_OPAQUE;
    }
    for (i = 0; i < len && cors_is_scheme_char((unsigned char)value[i], i == 0);
         i++) {
    }
    if (i == 0 || len - i < 3 || memcmp(value + i, "://", 3) != 0) {
        return CORS_ORIGIN_MALFORMED;
    }
    out->scheme = value;
    out->scheme_len = i;
    i += 3;
    start = i;
    if (i < len && value[i] == '[') {
        for (i++; i < len && cors_is_ipv6_char((unsigned char)value[i]); i++) {
        }
        if (i >= len || value[i] != ']' || i - start < 3
            || memchr(value + start, ':', i - start) == NULL) {
            return CORS_ORIGIN_MALFORMED;
        }
        /* Only the browser's own spelling: "[0::1]" or a dotted quad
         * would be a second name for an address the set is keyed on. */
        {
            char canon[CORS_IPV6_TEXT_MAX];
            apr_size_t n = cors_ipv6_canonical(value + start + 1, i - start - 1,
                                               canon);

            if (n == 0 || n != i - start - 1
                || memcmp(canon, value + start + 1, n) != 0) {
                return CORS_ORIGIN_MALFORMED;
            }
        }
        i++;
    }
    else {
        /* Labels must not be empty ("a..b", ".a"): checked in the scan. */
        for (; i < len && cors_is_host_char((unsigned char)value[i]); i++) {
            if (value[i] == '.' && (i == start || value[i - 1] == '.')) {
                return CORS_ORIGIN_MALFORMED;
            }
        }
        if (i == start) {
            return CORS_ORIGIN_MALFORMED;
        }
    }
    out->host = value + start;
    out->host_len = i - start;
    out->port = 0;
    if (i < len && value[i] == ':') {
        int port = 0;
        apr_size_t digits = 0;

        for (i++; i < len && value[i] >= '0' && value[i] <= '9'; i++) {
            if (++digits > 5) {
                return CORS_ORIGIN_MALFORMED;
            }
            port = port * 10 + (value[i] - '0');
        }
        if (digits == 0 || value[i - digits] == '0' || port > 65535
            || port == cors_origin_default_port(out->scheme, out->scheme_len)) {
            return CORS_ORIGIN_MALFORMED;
        }
        out->port = port;
    }
    return i == len ? CORS_ORIGIN_VALID : CORS_ORIGIN_MALFORMED;
}

cors_origin_set_t *cors_origin_set_make(apr_pool_t *p)
{
    cors_origin_set_t *set = apr_pcalloc(p, sizeof(*set));

    set->exact = cors_strset_make(p);
    set->patterns = apr_array_make(p, 2, sizeof(cors_pattern_t));
    set->rm_exact = cors_strset_make(p);
    set->rm_patterns = apr_array_make(p, 1, sizeof(cors_pattern_t));
    return set;
}

/** A configured value taken apart, before it becomes an entry. */
typedef struct cors_origin_conf_t {
    const char *scheme; /**< lowercased */
    const char *host;   /**< lowercased, IPv6 bracketed and canonical */
    int port;           /**< 0 default, -1 "*" */
    int subdomains;
    const char *text; /**< normalised text */
} cors_origin_conf_t;

static const char *cors_origin_text(apr_pool_t *p, const cors_origin_conf_t *o)
{
    const char *prefix = o->subdomains ? "*." : "";

    if (o->port == -1) {
        return apr_pstrcat(p, o->scheme, "://", prefix, o->host, ":*", NULL);
    }
    if (o->port > 0) {
        return apr_psprintf(p, "%s://%s%s:%d", o->scheme, prefix, o->host,
                            o->port);
    }
    return apr_pstrcat(p, o->scheme, "://", prefix, o->host, NULL);
}

static int cors_has_non_ascii(const char *s, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            return 1;
        }
    }
    return 0;
}

static const cors_problem_t *cors_origin_conf_parse(apr_pool_t *p,
                                                    const char *value,
                                                    cors_origin_conf_t *o);

/* A problem with a configured origin value, allocated from p. */
#define CORS_PROBLEM(kind, hint, detail)                                       \
    cors_problem_make(p, (kind), value, (hint), (detail))

/* The origin text of a scheme and an authority, normalised when it parses. */
static const char *cors_origin_meant(apr_pool_t *p, const char *scheme,
                                     const char *auth, apr_size_t len)
{
    const char *meant = apr_pstrcat(p, scheme, "://",
                                    apr_pstrmemdup(p, auth, len), NULL);
    cors_origin_conf_t fixed;

    return cors_origin_conf_parse(p, meant, &fixed) == NULL ? fixed.text
                                                            : meant;
}

/* The scheme, lowercased into o->scheme; value has "://" at sep. */
static const cors_problem_t *cors_conf_scheme(apr_pool_t *p, const char *value,
                                              const char *sep,
                                              cors_origin_conf_t *o)
{
    char *scheme = apr_pstrmemdup(p, value, (apr_size_t)(sep - value));
    apr_size_t i;

    for (i = 0; scheme[i]; i++) {
        scheme[i] = (char)apr_tolower(scheme[i]);
        if (!cors_is_scheme_char((unsigned char)scheme[i], i == 0)) {
            return CORS_PROBLEM(CORS_ERR_ORIGIN_SCHEME, NULL, scheme);
        }
    }
    o->scheme = scheme;
    return NULL;
}

/*
 * What an origin cannot have after or before its host: a path, query,
 * fragment or trailing slash (end points at it), or userinfo.  The hint is
 * the origin without it.
 */
static const cors_problem_t *cors_conf_extras(apr_pool_t *p, const char *value,
                                              const char *scheme,
                                              const char *auth, const char *end)
{
    const char *at;

    if (*end != '\0') {
        cors_problem_e kind = *end == '?'      ? CORS_ERR_ORIGIN_QUERY
                              : *end == '#'    ? CORS_ERR_ORIGIN_FRAGMENT
                              : end[1] == '\0' ? CORS_ERR_ORIGIN_TRAILING_SLASH
                                               : CORS_ERR_ORIGIN_PATH;

        return CORS_PROBLEM(kind,
                            cors_origin_meant(p, scheme, auth,
                                              (apr_size_t)(end - auth)),
                            NULL);
    }
    at = memchr(auth, '@', (apr_size_t)(end - auth));
    if (at != NULL) {
        at = strrchr(auth, '@') + 1;
        return CORS_PROBLEM(CORS_ERR_ORIGIN_USERINFO,
                            cors_origin_meant(p, scheme, at, strlen(at)), NULL);
    }
    return NULL;
}

/* An IPv6 host "[...]": bracketed and canonical in o->host. */
static const cors_problem_t *cors_conf_ipv6(apr_pool_t *p, const char *value,
                                            const char *auth,
                                            const char **hostend,
                                            cors_origin_conf_t *o)
{
    char buf[CORS_IPV6_TEXT_MAX];
    const char *close = strchr(auth, ']');

    if (close == NULL) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_IPV6_OPEN, NULL, NULL);
    }
    if (cors_ipv6_canonical(auth + 1, (apr_size_t)(close - auth - 1), buf)
        == 0) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_IPV6, NULL,
                            apr_pstrmemdup(p, auth + 1,
                                           (apr_size_t)(close - auth - 1)));
    }
    o->host = apr_pstrcat(p, "[", buf, "]", NULL);
    *hostend = close + 1;
    return NULL;
}

/* A host name, possibly after "*.": lowercased in o->host. */
static const cors_problem_t *cors_conf_host(apr_pool_t *p, const char *value,
                                            const char *auth,
                                            const char **hostend,
                                            cors_origin_conf_t *o)
{
    char *host;
    apr_size_t i;

    *hostend = auth + strcspn(auth, ":");
    if (*hostend - auth >= 2 && auth[0] == '*' && auth[1] == '.') {
        o->subdomains = 1;
        auth += 2;
    }
    host = apr_pstrmemdup(p, auth, (apr_size_t)(*hostend - auth));
    for (i = 0; host[i]; i++) {
        host[i] = (char)apr_tolower(host[i]);
        if (!cors_is_host_char((unsigned char)host[i])) {
            return CORS_PROBLEM(host[i] == '*' ? CORS_ERR_ORIGIN_STAR_PLACE
                                               : CORS_ERR_ORIGIN_HOST_CHAR,
                                NULL, NULL);
        }
    }
    if (host[0] == '\0') {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_NO_HOST, NULL, NULL);
    }
    if (!cors_host_labels_ok(host, i) || (i > 1 && host[i - 1] == '.')) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_EMPTY_LABEL, NULL, NULL);
    }
    o->host = host;
    return NULL;
}

/* What follows the host: nothing, ":*" or ":port" (a default one dropped). */
static const cors_problem_t *cors_conf_port(apr_pool_t *p, const char *value,
                                            const char *hostend,
                                            cors_origin_conf_t *o)
{
    const char *port = hostend + 1;
    apr_size_t len;
    apr_int64_t n;

    if (*hostend == '\0') {
        return NULL;
    }
    if (*hostend != ':') {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_AFTER_HOST, NULL, NULL);
    }
    /* only now: without a port, hostend + 1 is past the value's end */
    len = strlen(port);
    if (strcmp(port, "*") == 0) {
        o->port = -1;
        return NULL;
    }
    if (len == 0 || len > 5 || strspn(port, "0123456789") != len
        || (n = apr_atoi64(port)) < 1 || n > 65535) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_PORT, NULL, NULL);
    }
    o->port = (int)n;
    if (o->port == cors_origin_default_port(o->scheme, strlen(o->scheme))) {
        o->port = 0;
    }
    return NULL;
}

/*
 * A value without "://": an origin written without its scheme, as in
 * "*.example.com" or "app.example.com", gets "https://" proposed when that
 * makes an origin.
 */
static const cors_problem_t *cors_conf_no_scheme(apr_pool_t *p,
                                                 const char *value)
{
    cors_origin_conf_t fixed;
    const char *meant = apr_pstrcat(p, "https://", value, NULL);

    return CORS_PROBLEM(CORS_ERR_ORIGIN_NO_SCHEME,
                        strstr(value, ":/") == NULL
                                && cors_origin_conf_parse(p, meant, &fixed)
                                       == NULL
                            ? fixed.text
                            : NULL,
                        NULL);
}

/*
 * Parse an administrator's origin or pattern.  Unlike a request's Origin,
 * case and default ports are forgiven and normalised; what cannot be an
 * origin at all (a path, a query, userinfo) is an error that says which
 * origin was probably meant.
 */
static const cors_problem_t *cors_origin_conf_parse(apr_pool_t *p,
                                                    const char *value,
                                                    cors_origin_conf_t *o)
{
    const char *sep = strstr(value, "://");
    const char *auth, *end, *hostend = NULL;
    const cors_problem_t *pr;

    memset(o, 0, sizeof(*o));
    if (sep == NULL || sep == value) {
        return cors_conf_no_scheme(p, value);
    }
    if ((pr = cors_conf_scheme(p, value, sep, o)) != NULL) {
        return pr;
    }
    auth = sep + 3;
    end = auth + strcspn(auth, "/?#");
    if ((pr = cors_conf_extras(p, value, o->scheme, auth, end)) != NULL) {
        return pr;
    }
    if (cors_has_non_ascii(auth, (apr_size_t)(end - auth))) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_NON_ASCII, NULL, NULL);
    }
    pr = *auth == '[' ? cors_conf_ipv6(p, value, auth, &hostend, o)
                      : cors_conf_host(p, value, auth, &hostend, o);
    if (pr == NULL) {
        pr = cors_conf_port(p, value, hostend, o);
    }
    if (pr == NULL) {
        o->text = cors_origin_text(p, o);
    }
    return pr;
}

static int cors_is_public_suffix(const char *host)
{
    const psl_ctx_t *psl = psl_builtin();

    return psl != NULL
           && psl_is_public_suffix2(psl, host,
                                    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

/*
 * A wildcard over a top-level label is refused; one over another public
 * suffix sets *public_suffix (the credentials rule then decides).
 */
static const cors_problem_t *cors_origin_conf_check(apr_pool_t *p,
                                                    const char *value,
                                                    const cors_origin_conf_t *o,
                                                    int *public_suffix)
{
    *public_suffix = 0;
    if (!o->subdomains || strcmp(o->host, "localhost") == 0) {
        return NULL;
    }
    if (strchr(o->host, '.') == NULL) {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_TLD, NULL, apr_pstrdup(p, o->host));
    }
    *public_suffix = cors_is_public_suffix(o->host);
    return NULL;
}

static void cors_pattern_fill(cors_pattern_t *pat, const cors_origin_conf_t *o)
{
    pat->text = o->text;
    pat->scheme = o->scheme;
    pat->scheme_len = strlen(o->scheme);
    pat->host = o->host;
    pat->host_len = strlen(o->host);
    pat->port = o->port;
    pat->subdomains = o->subdomains;
}

/*
 * A page served over plain http can be rewritten by anyone on its network,
 * who then speaks with the user's credentials.  Loopback hosts are exempt:
 * browsers treat them as potentially trustworthy, and that is where
 * development happens.
 */
static int cors_origin_conf_is_insecure(const cors_origin_conf_t *o)
{
    apr_size_t len = strlen(o->host);

    if (strcmp(o->scheme, "http") != 0 && strcmp(o->scheme, "ws") != 0) {
        return 0;
    }
    return !(strcmp(o->host, "localhost") == 0
             || (len > 10 && strcmp(o->host + len - 10, ".localhost") == 0)
             || strncmp(o->host, "127.", 4) == 0
             || strcmp(o->host, "[::1]") == 0);
}

const cors_problem_t *cors_origin_set_insecure_warning(
    apr_pool_t *p, const cors_origin_set_t *set)
{
    return set != NULL && set->insecure != NULL
               ? cors_problem_make(p, CORS_WARN_INSECURE, set->insecure, NULL,
                                   NULL)
               : NULL;
}

const char *cors_origins_insecure(const cors_origins_t *o)
{
    for (; o != NULL; o = o->parent) {
        if (o->own->insecure != NULL) {
            return o->own->insecure;
        }
    }
    return NULL;
}

static int cors_patterns_match(const apr_array_header_t *arr,
                               const cors_origin_t *origin);

static int cors_patterns_have_text(const apr_array_header_t *arr,
                                   const char *text)
{
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(arr, i, cors_pattern_t).text, text) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Whether one of the set's excluded wildcards covers an exact origin. */
static int cors_set_pattern_excludes(const cors_origin_set_t *set,
                                     const char *key)
{
    cors_origin_t origin;

    return set->rm_patterns->nelts > 0
           && cors_origin_parse_request(key, &origin) == CORS_ORIGIN_VALID
           && cors_patterns_match(set->rm_patterns, &origin);
}

/* Whether the set's own exclusions take an exact origin of the set. */
static int cors_set_excludes_exact(const cors_origin_set_t *set,
                                   const char *key)
{
    return cors_strset_get(set->rm_exact, key, strlen(key)) != NULL
           || cors_set_pattern_excludes(set, key);
}

/* Keep exact_kept right after one new exact value (key is the set's copy). */
static void cors_set_count_exact(cors_origin_set_t *set, const char *key,
                                 int removed)
{
    if (!removed) {
        if (!cors_set_excludes_exact(set, key)) {
            set->exact_kept++;
        }
    }
    else if (cors_strset_get(set->exact, key, strlen(key)) != NULL
             && !cors_set_pattern_excludes(set, key)) {
        /* it was counted as kept; now it is excluded */
        set->exact_kept--;
    }
}

/* exact_kept and patterns_kept from scratch (after an excluded wildcard). */
static void cors_set_recount(cors_origin_set_t *set)
{
    apr_uint32_t u;
    int i;

    set->exact_kept = 0;
    for (u = 0; u <= set->exact->mask; u++) {
        const char *key = cors_strset_at(set->exact, u);

        if (key != NULL && !cors_set_excludes_exact(set, key)) {
            set->exact_kept++;
        }
    }
    set->patterns_kept = 0;
    for (i = 0; i < set->patterns->nelts; i++) {
        if (!cors_patterns_have_text(set->rm_patterns,
                                     APR_ARRAY_IDX(set->patterns, i,
                                                   cors_pattern_t)
                                         .text)) {
            set->patterns_kept++;
        }
    }
}

/* The suffix of a wildcard's text: what follows "*.", without a port. */
static const char *cors_wildcard_suffix(apr_pool_t *p, const char *text)
{
    const char *s = strstr(text, "*.");

    s = s != NULL ? s + 2 : text;
    return apr_pstrmemdup(p, s, strcspn(s, ":"));
}

/*
 * Credentials cannot go with "*" (browsers refuse it on credentialed
 * requests), "null" (any sandboxed page sends it), a wildcard over a public
 * suffix (anyone can register a site there), a pattern that matches an
 * origin nobody lists (it lets nearly any site in), nor exposed headers
 * "*" (browsers read it as a header named "*").  The one statement of that
 * rule: for one value, a section or a merged scope.
 */
const cors_problem_t *cors_credentials_clash(apr_pool_t *p,
                                             const cors_cred_facts_t *f)
{
    if (f->any) {
        return cors_problem_make(p, CORS_ERR_CRED_ANY, "*", NULL, NULL);
    }
    if (f->null) {
        return cors_problem_make(p, CORS_ERR_CRED_NULL, "null", NULL, NULL);
    }
    if (f->public_suffix != NULL) {
        return cors_problem_make(p, CORS_ERR_CRED_PUBLIC_SUFFIX,
                                 f->public_suffix, NULL,
                                 cors_wildcard_suffix(p, f->public_suffix));
    }
    if (f->catch_all != NULL) {
        return cors_problem_make(p, CORS_ERR_CRED_CATCH_ALL, f->catch_all, NULL,
                                 f->canary);
    }
    if (f->expose_any) {
        return cors_problem_make(p, CORS_ERR_CRED_EXPOSE_ANY, "*", NULL, NULL);
    }
    return NULL;
}

/* "none": the section allows nothing and replaces what it inherits. */
static void cors_origin_set_none(apr_pool_t *p, cors_origin_set_t *set)
{
    set->exact = cors_strset_make(p);
    apr_array_clear(set->patterns);
    set->rm_exact = cors_strset_make(p);
    apr_array_clear(set->rm_patterns);
    set->any = set->null = 0;
    set->rm_any = set->rm_null = 0;
    set->public_suffix = NULL;
    set->exact_kept = 0;
    set->patterns_kept = 0;
    set->replace = 1;
}

/*
 * "*" and "null" (v, without its prefix): flags of the set.  Returns 1 when
 * v was one of them, with *pr the problem if any.
 */
static int cors_origin_set_keyword(apr_pool_t *p, cors_origin_set_t *set,
                                   const char *value, const char *v, int remove,
                                   int credentials, const cors_problem_t **pr,
                                   const cors_problem_t **warning)
{
    cors_cred_facts_t f = {0};

    if (strcmp(v, "*") != 0 && strcasecmp(v, "null") != 0) {
        return 0;
    }
    f.any = *v == '*';
    f.null = !f.any;
    if (remove) {
        set->rm_any |= f.any;
        set->rm_null |= f.null;
        return 1;
    }
    if (credentials && (*pr = cors_credentials_clash(p, &f)) != NULL) {
        ((cors_problem_t *)*pr)->value = value;
        return 1;
    }
    set->any |= f.any;
    set->null |= f.null;
    if (f.null) {
        *warning = CORS_PROBLEM(CORS_WARN_NULL, NULL, NULL);
    }
    return 1;
}

/* Parse v (value without its prefix) in the set's scratch pool. */
static const cors_problem_t *cors_origin_set_parse(apr_pool_t *p,
                                                   cors_origin_set_t *set,
                                                   const char *value,
                                                   const char *v,
                                                   cors_origin_conf_t *o)
{
    const cors_problem_t *pr;

    /* Parse in a scratch pool and keep only what the set holds: a list of
     * 10,000 origins would otherwise keep every intermediate copy.  A
     * problem is rare: it is made again from p, to outlive the scratch. */
    if (set->scratch == NULL) {
        apr_pool_create(&set->scratch, p);
    }
    else {
        apr_pool_clear(set->scratch);
    }
    if (*v == '\0') {
        return CORS_PROBLEM(CORS_ERR_ORIGIN_EMPTY, NULL, NULL);
    }
    if (strchr(v, ',') != NULL) {
        return CORS_PROBLEM(CORS_ERR_COMMA, NULL, "origin");
    }
    if (cors_origin_conf_parse(set->scratch, v, o) == NULL) {
        return NULL;
    }
    pr = cors_origin_conf_parse(p, v, o);
    ((cors_problem_t *)pr)->value = value;
    return pr;
}

/* Keep a parsed value: exact origins in the packed set, patterns apart. */
static const cors_problem_t *cors_origin_set_keep(apr_pool_t *p,
                                                  cors_origin_set_t *set,
                                                  const char *value,
                                                  cors_origin_conf_t *o,
                                                  int remove, int public_suffix)
{
    apr_array_header_t *arr = remove ? set->rm_patterns : set->patterns;

    if (!o->subdomains && o->port != -1) {
        /* the set keeps its own packed copy of the text */
        int added = cors_strset_add(remove ? set->rm_exact : set->exact,
                                    o->text, &o->text);

        if (added < 0) {
            return CORS_PROBLEM(CORS_ERR_ORIGIN_TOO_MANY, NULL, NULL);
        }
        if (added > 0) {
            cors_set_count_exact(set, o->text, remove);
        }
        return NULL;
    }
    o->text = apr_pstrdup(p, o->text);
    o->scheme = apr_pstrdup(p, o->scheme);
    o->host = apr_pstrdup(p, o->host);
    cors_pattern_fill(&APR_ARRAY_PUSH(arr, cors_pattern_t), o);
    if (public_suffix && set->public_suffix == NULL) {
        set->public_suffix = o->text;
    }
    if (remove) {
        /* rare, and at configuration time: count again */
        cors_set_recount(set);
    }
    else if (!cors_patterns_have_text(set->rm_patterns, o->text)) {
        set->patterns_kept++;
    }
    return NULL;
}

const cors_problem_t *cors_origin_set_add(apr_pool_t *p, cors_origin_set_t *set,
                                          const char *value, int credentials,
                                          const cors_problem_t **warning)
{
    cors_origin_conf_t o;
    const cors_problem_t *pr = NULL;
    int remove = *value == '-', public_suffix = 0;
    const char *v = value + (*value == '+' || *value == '-');

    *warning = NULL;
    if (v == value && strcasecmp(v, "none") == 0) {
        cors_origin_set_none(p, set);
        return NULL;
    }
    set->replace |= v == value;
    if (cors_origin_set_keyword(p, set, value, v, remove, credentials, &pr,
                                warning)) {
        return pr;
    }
    if ((pr = cors_origin_set_parse(p, set, value, v, &o)) != NULL
        || (!remove
            && (pr = cors_origin_conf_check(p, value, &o, &public_suffix))
                   != NULL)) {
        return pr;
    }
    if (public_suffix && !remove) {
        cors_cred_facts_t f = {0};

        f.public_suffix = o.text;
        if (credentials) {
            pr = cors_credentials_clash(p, &f);
            ((cors_problem_t *)pr)->value = value;
            return pr;
        }
        *warning = CORS_PROBLEM(CORS_WARN_PUBLIC_SUFFIX, NULL,
                                apr_pstrdup(p, o.host));
    }
    if ((pr = cors_origin_set_keep(p, set, value, &o, remove,
                                   public_suffix && !remove))
        != NULL) {
        return pr;
    }
    if (!remove && cors_origin_conf_is_insecure(&o)) {
        if (set->insecure == NULL) {
            set->insecure = o.text;
        }
        if (credentials && *warning == NULL) {
            *warning = cors_problem_make(p, CORS_WARN_INSECURE, o.text, NULL,
                                         NULL);
        }
    }
    return NULL;
}

void cors_origin_set_cred_facts(const cors_origin_set_t *set,
                                cors_cred_facts_t *f)
{
    memset(f, 0, sizeof(*f));
    if (set != NULL) {
        f->any = set->any;
        f->null = set->null;
        f->public_suffix = set->public_suffix;
    }
}

void cors_origins_cred_facts(const cors_origins_t *o, cors_cred_facts_t *f)
{
    memset(f, 0, sizeof(*f));
    f->any = cors_origins_allow_any(o);
    f->null = cors_origins_allow_null(o);
    f->public_suffix = cors_origins_public_suffix_wildcard(o);
}

static int cors_patterns_match(const apr_array_header_t *arr,
                               const cors_origin_t *origin)
{
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const cors_pattern_t *pat = &APR_ARRAY_IDX(arr, i, cors_pattern_t);

        if (pat->scheme_len != origin->scheme_len
            || memcmp(pat->scheme, origin->scheme, pat->scheme_len) != 0
            || (pat->port != -1 && pat->port != origin->port)) {
            continue;
        }
        if (!pat->subdomains) {
            if (pat->host_len == origin->host_len
                && memcmp(pat->host, origin->host, pat->host_len) == 0) {
                return 1;
            }
        }
        else if (origin->host_len > pat->host_len + 1
                 && memcmp(origin->host + origin->host_len - pat->host_len,
                           pat->host, pat->host_len)
                        == 0
                 && origin->host[origin->host_len - pat->host_len - 1] == '.') {
            return 1;
        }
    }
    return 0;
}

/*
 * Walk from the most specific section outwards; the first section that
 * names the origin decides: its exclusion refuses (an exclusion wins in
 * its own section), its origin or wildcard allows.  "*" and "null" are
 * not looked up here but through the flags, after the walk, so that an
 * exclusion anywhere in the chain wins over them.  origin NULL stands for
 * the opaque origin "null".  The request's Origin was validated strictly,
 * so it is already in the normalised form the exact tables are keyed on:
 * each section costs two hash probes, however many values it has.
 */
cors_match_e cors_origins_lookup(const cors_origins_t *o, const char *value,
                                 const cors_origin_t *origin)
{
    apr_size_t len = origin != NULL ? strlen(value) : 0;

    for (; o != NULL; o = o->parent) {
        const cors_origin_set_t *own = o->own;

        if (origin == NULL) {
            if (own->rm_null) {
                return CORS_MATCH_EXCLUDED;
            }
            if (own->null) {
                return CORS_MATCH_ALLOWED;
            }
            continue;
        }
        if ((own->rm_exact->count > 0
             && cors_strset_get(own->rm_exact, value, len) != NULL)
            || cors_patterns_match(own->rm_patterns, origin)) {
            return CORS_MATCH_EXCLUDED;
        }
        if ((own->exact->count > 0
             && cors_strset_get(own->exact, value, len) != NULL)
            || cors_patterns_match(own->patterns, origin)) {
            return CORS_MATCH_ALLOWED;
        }
    }
    return CORS_MATCH_NONE;
}

int cors_origins_match(const cors_origins_t *o, const char *value,
                       const cors_origin_t *origin)
{
    return cors_origins_lookup(o, value, origin) == CORS_MATCH_ALLOWED;
}

static int cors_set_excludes(const cors_origin_set_t *s)
{
    return s->rm_exact->count > 0 || s->rm_patterns->nelts > 0 || s->rm_null;
}

/*
 * A section's own scope reads its set directly, so that adding 10,000
 * origins one by one does not leave 10,000 stale scope nodes behind; only
 * merged scopes (a set over an inherited chain) keep what they derive.
 */
const cors_origins_t *cors_origins_make(apr_pool_t *p,
                                        const cors_origin_set_t *set)
{
    cors_origins_t *o = apr_pcalloc(p, sizeof(*o));

    o->own = set;
    return o;
}

int cors_origins_allow_any(const cors_origins_t *o)
{
    return o != NULL && (o->parent ? o->any : o->own->any && !o->own->rm_any);
}

int cors_origins_allow_null(const cors_origins_t *o)
{
    return o != NULL
           && (o->parent ? o->null : o->own->null && !o->own->rm_null);
}

int cors_origins_excludes(const cors_origins_t *o)
{
    return o != NULL && (o->parent ? o->excludes : cors_set_excludes(o->own));
}

const char *cors_origins_public_suffix_wildcard(const cors_origins_t *o)
{
    if (o == NULL) {
        return NULL;
    }
    return o->parent ? o->public_suffix : o->own->public_suffix;
}


static apr_uint32_t cors_origins_exact_min(const cors_origins_t *o)
{
    return o->parent ? o->exact_min : o->own->exact_kept;
}

static int cors_origins_patterns_left(const cors_origins_t *o)
{
    return o->parent ? o->patterns_left : o->own->patterns_kept > 0;
}

int cors_origins_any_listed(const cors_origins_t *o)
{
    if (o == NULL) {
        return 0;
    }
    if (o->parent != NULL) {
        return o->listed;
    }
    return cors_origins_allow_any(o) || cors_origins_allow_null(o)
           || o->own->exact_kept > 0 || o->own->patterns_kept > 0;
}

/*
 * Whether a wildcard of the chain below o survives the exclusions above
 * it; only a wildcard removed as itself (the same text) counts as gone.
 */
static int cors_origins_pattern_survives(const cors_origins_t *o)
{
    const cors_origins_t *layer, *above;
    int i;

    for (layer = o->parent; layer != NULL; layer = layer->parent) {
        for (i = 0; i < layer->own->patterns->nelts; i++) {
            const char *text =
                APR_ARRAY_IDX(layer->own->patterns, i, cors_pattern_t).text;

            for (above = o; above != layer->parent; above = above->parent) {
                if (cors_patterns_have_text(above->own->rm_patterns, text)) {
                    break;
                }
            }
            if (above == layer->parent) {
                return 1;
            }
        }
    }
    return 0;
}

/*
 * Whether an exact origin inherited by o is still allowed in o.  Asked
 * only when the cheap bounds cannot tell: when o's exclusions may have
 * taken every origin it inherits (as many removals as inherited origins,
 * or an excluded wildcard).  Stops at the first origin still allowed.
 */
static int cors_origins_exact_survives(const cors_origins_t *o)
{
    const cors_origins_t *layer;

    for (layer = o->parent; layer != NULL; layer = layer->parent) {
        const cors_strset_t *set = layer->own->exact;
        apr_uint32_t u;

        for (u = 0; set->count > 0 && u <= set->mask; u++) {
            const char *key = cors_strset_at(set, u);
            cors_origin_t origin;

            /* most often the section removed it by name: one probe */
            if (key == NULL
                || cors_strset_get(o->own->rm_exact, key, strlen(key))
                       != NULL) {
                continue;
            }
            if (cors_origin_parse_request(key, &origin) != CORS_ORIGIN_VALID
                || cors_origins_lookup(o, key, &origin) == CORS_MATCH_ALLOWED) {
                return 1;
            }
        }
    }
    return 0;
}

/*
 * Derive what a node allows once its parent is known, from the parent's
 * derived values and the node's own set.  Each removal takes at most one
 * inherited exact origin, so an exact lower bound carries down the chain
 * without looking at the removals one by one; only a scope whose removals
 * may have taken everything it inherits looks further (and stops at the
 * first origin left).  Removing the last origin turns CORS off there.
 */
static void cors_origins_derive(cors_origins_t *o)
{
    const cors_origin_set_t *own = o->own;
    const cors_origins_t *base = o->parent;
    apr_uint32_t base_min = cors_origins_exact_min(base);
    apr_uint32_t removed = own->rm_exact->count;

    o->any = !own->rm_any && (own->any || cors_origins_allow_any(base));
    o->null = !own->rm_null && (own->null || cors_origins_allow_null(base));
    o->excludes = cors_set_excludes(own) || cors_origins_excludes(base);
    o->public_suffix = own->public_suffix
                           ? own->public_suffix
                           : cors_origins_public_suffix_wildcard(base);
    o->exact_min = own->exact_kept;
    if (own->rm_patterns->nelts == 0 && base_min > removed
        && base_min - removed > o->exact_min) {
        o->exact_min = base_min - removed;
    }
    o->patterns_left = own->patterns_kept > 0
                       || (cors_origins_patterns_left(base)
                           && (own->rm_patterns->nelts == 0
                               || cors_origins_pattern_survives(o)));
    o->listed = o->any || o->null || o->exact_min > 0 || o->patterns_left;
    if (!o->listed && cors_origins_exact_survives(o)) {
        o->exact_min = 1;
        o->listed = 1;
    }
}

static const cors_origins_t *cors_origins_graft(apr_pool_t *p,
                                                const cors_origins_t *base,
                                                const cors_origins_t *add)
{
    cors_origins_t *o;

    if (add == NULL || add->own->replace) {
        /* The end of add's chain, or a list that replaces what is above. */
        return add == NULL ? base : add;
    }
    o = apr_palloc(p, sizeof(*o));
    o->own = add->own;
    o->parent = cors_origins_graft(p, base, add->parent);
    cors_origins_derive(o);
    return o;
}

/*
 * httpd merges in two shapes: an accumulated scope with one more section
 * (the directory walk, .htaccess), and the location walk's sections merged
 * among themselves first, then over the accumulated scope.  So add may be a
 * chain itself: its "+"/"-" sections are copied on top of base until a
 * section that replaces the list (which makes base irrelevant).  Chains are
 * as deep as sections are nested, so this is a few small nodes.
 */
const cors_origins_t *cors_origins_merge(apr_pool_t *p,
                                         const cors_origins_t *base,
                                         const cors_origins_t *add)
{
    if (add == NULL) {
        return base;
    }
    if (base == NULL) {
        return add;
    }
    return cors_origins_graft(p, base, add);
}

const char *cors_origins_find_host(apr_pool_t *p, const cors_origins_t *o,
                                   const char *scheme, const char *host)
{
    const char *prefix = apr_pstrcat(p, scheme, "://", host, NULL);
    apr_size_t len = strlen(prefix);

    for (; o != NULL; o = o->parent) {
        const cors_strset_t *set = o->own->exact;
        apr_uint32_t i;

        for (i = 0; i <= set->mask; i++) {
            const char *key = cors_strset_at(set, i);

            if (key != NULL && strncmp(key, prefix, len) == 0
                && (key[len] == '\0' || key[len] == ':')) {
                return key;
            }
        }
    }
    return NULL;
}

static void cors_describe_set(apr_pool_t *p, const cors_origin_set_t *s,
                              apr_array_header_t *arr)
{
    apr_uint32_t u;
    int i;

    if (s->any) {
        APR_ARRAY_PUSH(arr, const char *) = "*";
    }
    if (s->null) {
        APR_ARRAY_PUSH(arr, const char *) = "null";
    }
    for (u = 0; u <= s->exact->mask; u++) {
        const char *key = cors_strset_at(s->exact, u);

        if (key != NULL) {
            APR_ARRAY_PUSH(arr, const char *) = key;
        }
    }
    for (i = 0; i < s->patterns->nelts; i++) {
        APR_ARRAY_PUSH(arr, const char *) =
            APR_ARRAY_IDX(s->patterns, i, cors_pattern_t).text;
    }
    if (s->rm_any) {
        APR_ARRAY_PUSH(arr, const char *) = "-*";
    }
    if (s->rm_null) {
        APR_ARRAY_PUSH(arr, const char *) = "-null";
    }
    for (u = 0; u <= s->rm_exact->mask; u++) {
        const char *key = cors_strset_at(s->rm_exact, u);

        if (key != NULL) {
            APR_ARRAY_PUSH(arr, const char *) = apr_pstrcat(p, "-", key, NULL);
        }
    }
    for (i = 0; i < s->rm_patterns->nelts; i++) {
        APR_ARRAY_PUSH(arr, const char *) =
            apr_pstrcat(p, "-",
                        APR_ARRAY_IDX(s->rm_patterns, i, cors_pattern_t).text,
                        NULL);
    }
}

void cors_origins_describe(apr_pool_t *p, const cors_origins_t *o,
                           apr_array_header_t *arr)
{
    for (; o != NULL; o = o->parent) {
        cors_describe_set(p, o->own, arr);
    }
}

static apr_status_t cors_regex_cleanup(void *data)
{
    cors_regex_t *re = data;

    pcre2_match_context_free(re->limits);
    pcre2_code_free(re->code);
    return APR_SUCCESS;
}

/* Whether the last character is a "$" that is not escaped. */
static int cors_ends_with_anchor(const char *s, apr_size_t len)
{
    apr_size_t backslashes = 0;

    if (len < 2 || s[len - 1] != '$') {
        return 0;
    }
    while (backslashes < len - 1 && s[len - 2 - backslashes] == '\\') {
        backslashes++;
    }
    return backslashes % 2 == 0;
}

/* How each byte of a pattern reads, for the checks on "." below. */
#define CORS_RE_LITERAL 0 /* a character that matches itself */
#define CORS_RE_OTHER 1   /* an escape, a class, syntax */
#define CORS_RE_DOT 2     /* an unescaped "." outside a class: any byte */

/*
 * Classify the bytes of a pattern: backslash escapes and \Q...\E quotes,
 * character classes (a "]" right after "[" or "[^" belongs to the class),
 * and the rest.  Only a bare "." and literal characters matter here.
 */
static unsigned char *cors_regex_classify(apr_pool_t *p, const char *s,
                                          apr_size_t len)
{
    unsigned char *kind = apr_palloc(p, len + 1);
    apr_size_t i = 0;

    while (i < len) {
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == 'Q') {
            const char *e = strstr(s + i + 2, "\\E");
            apr_size_t stop = e ? (apr_size_t)(e - s) + 2 : len;

            memset(kind + i, CORS_RE_OTHER, stop - i);
            i = stop;
        }
        else if (s[i] == '\\') {
            kind[i++] = CORS_RE_OTHER;
            if (i < len) {
                kind[i++] = CORS_RE_OTHER;
            }
        }
        else if (s[i] == '[') {
            apr_size_t j = i + 1;

            j += j < len && s[j] == '^';
            j += j < len && s[j] == ']';
            while (j < len && s[j] != ']') {
                j += s[j] == '\\' && j + 1 < len ? 2 : 1;
            }
            j = j < len ? j + 1 : len;
            memset(kind + i, CORS_RE_OTHER, j - i);
            i = j;
        }
        else {
            kind[i] = s[i] == '.'                  ? CORS_RE_DOT
                      : strchr("^$|()*+?{}", s[i]) ? CORS_RE_OTHER
                                                   : CORS_RE_LITERAL;
            i++;
        }
    }
    kind[len] = CORS_RE_OTHER;
    return kind;
}

/* A literal character that can stand in a host: a letter, digit, - or _. */
static int cors_regex_host_literal(const char *s, const unsigned char *kind,
                                   apr_size_t i)
{
    return kind[i] == CORS_RE_LITERAL
           && (apr_isalnum(s[i]) || s[i] == '-' || s[i] == '_');
}

/*
 * A "." between two literal host characters ("app.example") is almost
 * always meant as a dot, and then matches "appxexample", a domain anyone
 * can register: that is refused.  A "." followed by a quantifier (".*",
 * ".+", ".?", ".{n}") means "any characters" on purpose, and a class
 * ("[a-z0-9-]", "[^.]") says "any one character" without ambiguity; any
 * other bare "." (as in "(www.)?") is accepted with a warning.
 */
static int cors_regex_dot_kind(const char *s, const unsigned char *kind,
                               apr_size_t i)
{
    if (i > 0 && cors_regex_host_literal(s, kind, i - 1)
        && cors_regex_host_literal(s, kind, i + 1)) {
        return 2;
    }
    return strchr("*+?{", s[i + 1]) != NULL && s[i + 1] != '\0' ? 0 : 1;
}

/*
 * Look for bare dots.  Returns 2 when one stands between host characters,
 * with *escaped the pattern with every such dot written "[.]" (not "\.":
 * httpd's error log doubles a backslash, so a suggestion with one would be
 * copied wrong from the log) and *example
 * "'a.b' also matches 'axb'" for the first one; 1 when there is only
 * another bare dot; 0 when there is none.
 */
static int cors_regex_bare_dots(apr_pool_t *p, const char *s,
                                const char **escaped, const char **example)
{
    apr_size_t len = strlen(s), i, first = len;
    unsigned char *kind = cors_regex_classify(p, s, len);
    char *out = apr_palloc(p, len * 3 + 1), *o = out;
    int worst = 0;

    for (i = 0; i < len; i++) {
        int k = kind[i] == CORS_RE_DOT ? cors_regex_dot_kind(s, kind, i) : 0;

        if (k == 2) {
            *o++ = '[';
            *o++ = '.';
            *o++ = ']';
            first = first == len ? i : first;
            worst = 2;
            continue;
        }
        *o++ = s[i];
        worst = k > worst ? k : worst;
    }
    *o = '\0';
    if (worst == 2) {
        apr_size_t a = first, b = first + 1;

        while (a > 0 && first - a < 24
               && cors_regex_host_literal(s, kind, a - 1)) {
            a--;
        }
        while (b < len && b - first < 24
               && cors_regex_host_literal(s, kind, b)) {
            b++;
        }
        *escaped = out;
        *example = apr_psprintf(p, "'%.*s' also matches '%.*sx%.*s'",
                                (int)(b - a), s + a, (int)(first - a), s + a,
                                (int)(b - first - 1), s + first + 1);
    }
    return worst;
}

/* The first canary origin re matches, or NULL; match data in a pool of
 * its own, freed at once (the regex may live in an .htaccess pool). */
static const char *cors_regex_find_canary(apr_pool_t *p, const cors_regex_t *re)
{
    apr_pool_t *scratch;
    const char *found = NULL;
    apr_size_t i;

    apr_pool_create(&scratch, p);
    for (i = 0;
         found == NULL && i < sizeof(cors_canaries) / sizeof(cors_canaries[0]);
         i++) {
        if (cors_regex_match(re, cors_canaries[i], strlen(cors_canaries[i]),
                             scratch)) {
            found = cors_canaries[i];
        }
    }
    apr_pool_destroy(scratch);
    return found;
}

/*
 * What is wrong with a pattern's text before PCRE2 sees it: no anchors, a
 * control byte no Origin can hold, a dot between host characters.  *dots
 * is what cors_regex_bare_dots() found.
 */
static const cors_problem_t *cors_regex_check_text(apr_pool_t *p,
                                                   const char *pattern,
                                                   int *dots)
{
    apr_size_t len = strlen(pattern), i;
    const char *escaped = NULL, *example = NULL;
    cors_problem_t *pr;

    *dots = 0;
    if (len == 0 || pattern[0] != '^' || !cors_ends_with_anchor(pattern, len)) {
        return cors_problem_make(p, CORS_ERR_REGEX_UNANCHORED, pattern, NULL,
                                 NULL);
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pattern[i];

        if (c < 0x20 || c == 0x7f) {
            pr = cors_problem_make(p, CORS_ERR_REGEX_CONTROL, pattern, NULL,
                                   apr_psprintf(p, "0x%02x", c));
            pr->offset = i;
            return pr;
        }
    }
    *dots = cors_regex_bare_dots(p, pattern, &escaped, &example);
    if (*dots == 2) {
        return cors_problem_make(p, CORS_ERR_REGEX_HOST_DOT, pattern, escaped,
                                 example);
    }
    return NULL;
}

/*
 * The pattern must say ^...$ itself, so that whoever reads the
 * configuration sees that it is anchored; it is also compiled with
 * PCRE2_ANCHORED | PCRE2_ENDANCHORED so that a top-level alternation such
 * as ^a|b$ cannot match a prefix or a suffix only.
 */
const cors_problem_t *cors_regex_compile(apr_pool_t *p, const char *pattern,
                                         cors_regex_t **out,
                                         const cors_problem_t **warning)
{
    const cors_problem_t *pr;
    cors_regex_t *re;
    int errcode, dots;
    PCRE2_SIZE erroffset;

    *warning = NULL;
    if ((pr = cors_regex_check_text(p, pattern, &dots)) != NULL) {
        return pr;
    }
    re = apr_pcalloc(p, sizeof(*re));
    re->source = apr_pstrdup(p, pattern);
    re->code = pcre2_compile((PCRE2_SPTR)pattern, strlen(pattern),
                             PCRE2_ANCHORED | PCRE2_ENDANCHORED
                                 | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF,
                             &errcode, &erroffset, NULL);
    if (re->code == NULL) {
        PCRE2_UCHAR msg[256];
        cors_problem_t *syntax;

        pcre2_get_error_message(errcode, msg, sizeof(msg));
        syntax = cors_problem_make(p, CORS_ERR_REGEX_SYNTAX, re->source, NULL,
                                   apr_pstrdup(p, (const char *)msg));
        syntax->offset = erroffset;
        return syntax;
    }
    re->limits = pcre2_match_context_create(NULL);
    apr_pool_cleanup_register(p, re, cors_regex_cleanup, apr_pool_cleanup_null);
    if (re->limits == NULL) {
        return cors_problem_make(p, CORS_ERR_REGEX_MEMORY, re->source, NULL,
                                 NULL);
    }
    pcre2_set_match_limit(re->limits, CORS_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->limits, CORS_REGEX_DEPTH_LIMIT);
    /* Without JIT support the interpreter is used: slower, still correct. */
    (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    re->canary = cors_regex_find_canary(p, re);
    if (dots == 1) {
        *warning = cors_problem_make(p, CORS_WARN_REGEX_DOT, re->source, NULL,
                                     NULL);
    }
    *out = re;
    return NULL;
}

const char *cors_regex_source(const cors_regex_t *re)
{
    return re->source;
}

const char *cors_regex_canary(const cors_regex_t *re)
{
    return re->canary;
}

static void *cors_pcre2_palloc(PCRE2_SIZE size, void *pool)
{
    return apr_palloc((apr_pool_t *)pool, size);
}

static void cors_pcre2_pfree(void *block, void *pool)
{
    /* Pool memory goes with the request. */
    (void)block;
    (void)pool;
}

int cors_regex_match(const cors_regex_t *re, const char *value, apr_size_t len,
                     apr_pool_t *scratch)
{
    pcre2_general_context *gctx;
    pcre2_match_data *md;

    gctx = pcre2_general_context_create(cors_pcre2_palloc, cors_pcre2_pfree,
                                        scratch);
    if (gctx == NULL) {
        return 0;
    }
    md = pcre2_match_data_create(1, gctx);
    if (md == NULL) {
        return 0;
    }
    /* PCRE2_ERROR_MATCHLIMIT and every other error refuse, too. */
    return pcre2_match(re->code, (PCRE2_SPTR)value, len, 0, 0, md, re->limits)
           >= 0;
}
