/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cases_origin.h: case tables for src/cors_origin.h, kept apart from the
 * test so that fuzz harnesses can use the values as seeds.  Expected values
 * come from docs/behaviour.md §1-§2 and the comments in cors_origin.h, never
 * from the implementation.  Cases where neither says what must happen are
 * marked "reading:" in their desc.
 */

#ifndef CORS_CASES_ORIGIN_H
#define CORS_CASES_ORIGIN_H

#include "cors_origin.h"

/* ---- cors_origin_parse_request ------------------------------------- */

struct cors_origin_parse_case {
    const char *desc;
    const char *value; /**< NUL-terminated, may be NULL */
    apr_size_t buflen; /**< bytes of the literal when it holds a
                                 *   NUL (for fuzz seeds), else 0 */
    cors_origin_status_e status;
    const char *scheme; /**< expected on VALID */
    const char *host;
    int port;
};

#define OV CORS_ORIGIN_VALID
#define OO CORS_ORIGIN_OPAQUE
#define OM CORS_ORIGIN_MALFORMED

static const struct cors_origin_parse_case cors_origin_parse_cases[] = {
    /* What browsers send. */
    {"https host", "https://a.example", 0, OV, "https", "a.example", 0},
    {"http host with port", "http://localhost:8080", 0, OV, "http", "localhost",
     8080},
    {"IPv6 with port", "http://[::1]:8080", 0, OV, "http", "[::1]", 8080},
    {"IPv6 without port", "http://[::1]", 0, OV, "http", "[::1]", 0},
    {"IPv4", "http://127.0.0.1", 0, OV, "http", "127.0.0.1", 0},
    {"chrome extension", "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
     0, OV, "chrome-extension", "abcdefghijklmnopabcdefghijklmnop", 0},
    {"capacitor", "capacitor://localhost", 0, OV, "capacitor", "localhost", 0},
    {"tauri", "tauri://localhost", 0, OV, "tauri", "localhost", 0},
    {"https non-default port", "https://a.example:8443", 0, OV, "https",
     "a.example", 8443},
    {"port 1", "https://a.example:1", 0, OV, "https", "a.example", 1},
    {"port 65535", "https://a.example:65535", 0, OV, "https", "a.example",
     65535},
    {"http on 443 is not a default port", "http://a.example:443", 0, OV, "http",
     "a.example", 443},
    {"https on 80 is not a default port", "https://a.example:80", 0, OV,
     "https", "a.example", 80},
    {"punycode host", "https://xn--bcher-kva.example", 0, OV, "https",
     "xn--bcher-kva.example", 0},
    {"hyphen and digits", "https://a-1.b2.example", 0, OV, "https",
     "a-1.b2.example", 0},
    {"null is the opaque origin", "null", 0, OO, NULL, NULL, 0},
    /*
     * The API takes a NUL-terminated string: a buffer "https://a\0evil"
     * is read as "https://a", which is then a valid origin.  httpd's
     * header values are C strings too, so the bytes after the NUL never
     * reach the engine and can never be echoed.
     */
    {"embedded NUL: read up to the NUL as https://a", "https://a\0evil",
     sizeof("https://a\0evil") - 1, OV, "https", "a", 0},

    /* Anything else is malformed. */
    {"NULL", NULL, 0, OM, NULL, NULL, 0},
    {"empty", "", 0, OM, NULL, NULL, 0},
    {"uppercase scheme", "HTTPS://a.example", 0, OM, NULL, NULL, 0},
    {"mixed-case scheme", "Https://a.example", 0, OM, NULL, NULL, 0},
    {"uppercase host", "https://A.example", 0, OM, NULL, NULL, 0},
    {"uppercase host tail", "https://a.EXAMPLE", 0, OM, NULL, NULL, 0},
    {"trailing slash", "https://a.example/", 0, OM, NULL, NULL, 0},
    {"path", "https://a.example/path", 0, OM, NULL, NULL, 0},
    {"query", "https://a.example?q=1", 0, OM, NULL, NULL, 0},
    {"fragment", "https://a.example#f", 0, OM, NULL, NULL, 0},
    {"userinfo", "https://user@a.example", 0, OM, NULL, NULL, 0},
    {"userinfo with password", "https://user:pw@a.example", 0, OM, NULL, NULL,
     0},
    {"https default port", "https://a.example:443", 0, OM, NULL, NULL, 0},
    {"http default port", "http://a.example:80", 0, OM, NULL, NULL, 0},
    {"ws default port", "ws://a.example:80", 0, OM, NULL, NULL, 0},
    {"port 0", "https://a.example:0", 0, OM, NULL, NULL, 0},
    {"port 65536", "https://a.example:65536", 0, OM, NULL, NULL, 0},
    {"port 99999", "https://a.example:99999", 0, OM, NULL, NULL, 0},
    {"port overflowing int", "https://a.example:4294967297", 0, OM, NULL, NULL,
     0},
    {"port leading zero", "https://a.example:08080", 0, OM, NULL, NULL, 0},
    {"port 00", "https://a.example:00", 0, OM, NULL, NULL, 0},
    {"empty port", "https://a.example:", 0, OM, NULL, NULL, 0},
    {"port with sign", "https://a.example:+8080", 0, OM, NULL, NULL, 0},
    {"negative port", "https://a.example:-1", 0, OM, NULL, NULL, 0},
    {"port with letters", "https://a.example:80a", 0, OM, NULL, NULL, 0},
    {"two ports", "https://a.example:80:80", 0, OM, NULL, NULL, 0},
    {"leading space", " https://a.example", 0, OM, NULL, NULL, 0},
    {"trailing space", "https://a.example ", 0, OM, NULL, NULL, 0},
    {"leading tab", "\thttps://a.example", 0, OM, NULL, NULL, 0},
    {"space after scheme", "https:// a.example", 0, OM, NULL, NULL, 0},
    {"space in host", "https://a .example", 0, OM, NULL, NULL, 0},
    {"two values with comma", "https://a.example, https://b.example", 0, OM,
     NULL, NULL, 0},
    {"two values comma no space", "https://a.example,https://b.example", 0, OM,
     NULL, NULL, 0},
    {"two values with space", "https://a.example https://b.example", 0, OM,
     NULL, NULL, 0},
    {"CRLF and injected header", "https://a.example\r\nX-Evil: 1", 0, OM, NULL,
     NULL, 0},
    {"trailing CRLF", "https://a.example\r\n", 0, OM, NULL, NULL, 0},
    {"bare CR", "https://a.example\rx", 0, OM, NULL, NULL, 0},
    {"bare LF", "https://a.example\nx", 0, OM, NULL, NULL, 0},
    {"DEL byte", "https://a.example\x7f", 0, OM, NULL, NULL, 0},
    {"non-ASCII host (UTF-8)",
     "https://b\xc3\xbc"
     "cher.example",
     0, OM, NULL, NULL, 0},
    {"high byte at end", "https://a.example\x80", 0, OM, NULL, NULL, 0},
    {"null with trailing space", "null ", 0, OM, NULL, NULL, 0},
    {"NULL uppercase", "NULL", 0, OM, NULL, NULL, 0},
    {"Null capitalised", "Null", 0, OM, NULL, NULL, 0},
    {"scheme only", "https://", 0, OM, NULL, NULL, 0},
    {"no scheme", "://a.example", 0, OM, NULL, NULL, 0},
    {"missing colon", "https//a.example", 0, OM, NULL, NULL, 0},
    {"one slash", "https:/a.example", 0, OM, NULL, NULL, 0},
    {"no slashes", "https:a.example", 0, OM, NULL, NULL, 0},
    {"bare host", "a.example", 0, OM, NULL, NULL, 0},
    {"star", "*", 0, OM, NULL, NULL, 0},
    {"scheme starting with digit", "1http://a.example", 0, OM, NULL, NULL, 0},
    {"space in scheme", "ht tp://a.example", 0, OM, NULL, NULL, 0},
    {"IPv6 unclosed", "http://[::1", 0, OM, NULL, NULL, 0},
    {"IPv6 junk after bracket", "http://[::1]x", 0, OM, NULL, NULL, 0},
    {"IPv6 empty port", "http://[::1]:", 0, OM, NULL, NULL, 0},
    {"IPv6 without brackets", "http://::1", 0, OM, NULL, NULL, 0},
    {"port only, no host", "http://:8080", 0, OM, NULL, NULL, 0},
    /* IPv6 hosts only as the URL Standard serialises them: any other
     * spelling of an address never came from a browser. */
    {"IPv6 IPv4-mapped, hex", "http://[::ffff:7f00:1]", 0, OV, "http",
     "[::ffff:7f00:1]", 0},
    {"IPv6 ::1:2", "http://[::1:2]", 0, OV, "http", "[::1:2]", 0},
    {"IPv6 unspecified", "http://[::]", 0, OV, "http", "[::]", 0},
    {"IPv6 trailing run", "http://[1::]", 0, OV, "http", "[1::]", 0},
    {"IPv6 first of two equal runs",
     "http://[2001:db8::1:0:0:1]:8080", 0, OV, "http", "[2001:db8::1:0:0:1]",
     8080},
    {"IPv6 single zero piece not compressed", "http://[1:0:1:0:1:0:1:0]", 0,
     OV, "http", "[1:0:1:0:1:0:1:0]", 0},
    {"IPv6 dotted quad", "http://[::ffff:127.0.0.1]", 0, OM, NULL, NULL, 0},
    {"IPv6 IPv4-compatible dotted", "http://[::0.1.0.2]", 0, OM, NULL, NULL,
     0},
    {"IPv6 zeros not compressed", "http://[0:0:0:0:0:0:0:1]", 0, OM, NULL,
     NULL, 0},
    {"IPv6 run half compressed", "http://[0:0::1]", 0, OM, NULL, NULL, 0},
    {"IPv6 leading zero", "http://[::01]", 0, OM, NULL, NULL, 0},
    {"IPv6 second of two equal runs compressed",
     "http://[2001:db8:0:0:1::1]", 0, OM, NULL, NULL, 0},
    {"IPv6 single zero piece compressed", "http://[1:2:3:4:5:6:7::]", 0, OM,
     NULL, NULL, 0},
    {"IPv6 shorter run compressed", "http://[1::2:0:0:0:3]", 0, OM, NULL,
     NULL, 0},
    {"IPv6 not an address", "http://[::g]", 0, OM, NULL, NULL, 0},
    {"IPv6 too many pieces", "http://[1:2:3:4:5:6:7:8:9]", 0, OM, NULL, NULL,
     0},
};

#undef OV
#undef OO
#undef OM

/* ---- cors_origin_default_port --------------------------------------- */

struct cors_default_port_case {
    const char *desc;
    const char *scheme;
    apr_size_t len;
    int port;
};

static const struct cors_default_port_case cors_default_port_cases[] = {
    {"http", "http", 4, 80},
    {"https", "https", 5, 443},
    {"ws", "ws", 2, 80},
    {"wss", "wss", 3, 443},
    {"ftp", "ftp", 3, 21},
    {"chrome-extension has none", "chrome-extension", 16, 0},
    {"capacitor has none", "capacitor", 9, 0},
    {"length is honoured: https cut to http", "https", 4, 80},
    {"length is honoured: http cut to htt", "http", 3, 0},
    {"httpx", "httpx", 5, 0},
    {"empty", "", 0, 0},
};

/* ---- IPv6 hosts as the URL Standard serialises them ----------------- */

/*
 * Configured IPv6 origins and the one form they are stored in: the URL
 * Standard's IPv6 serializer (https://url.spec.whatwg.org/#concept-ipv6-
 * serializer), which is what browsers send: lowercase hexadecimal without
 * leading zeros, the first longest run of two or more zero pieces written
 * "::", never a dotted quad.
 */
struct cors_ipv6_case {
    const char *desc;
    const char *configured;
    const char *normalised;
};

static const struct cors_ipv6_case cors_ipv6_cases[] = {
    {"loopback", "http://[::1]", "http://[::1]"},
    {"loopback, zeros written out", "http://[0:0:0:0:0:0:0:1]",
     "http://[::1]"},
    {"URL Standard example [0:0::1]", "https://[0:0::1]", "https://[::1]"},
    {"unspecified", "http://[::]", "http://[::]"},
    {"URL Standard example [1:0::]", "http://[1:0::]", "http://[1::]"},
    {"IPv4-mapped, hex, kept", "http://[::ffff:7f00:1]",
     "http://[::ffff:7f00:1]"},
    {"IPv4-mapped, dotted, to hex", "http://[::ffff:127.0.0.1]",
     "http://[::ffff:7f00:1]"},
    {"IPv4-mapped, dotted, with port", "http://[::FFFF:127.0.0.1]:8080",
     "http://[::ffff:7f00:1]:8080"},
    {"::1:2 kept", "http://[::1:2]", "http://[::1:2]"},
    {"IPv4-compatible dotted to hex", "http://[::0.1.0.2]", "http://[::1:2]"},
    {"URL Standard example [::127.0.0.1]", "http://[::127.0.0.1]",
     "http://[::7f00:1]"},
    {"NAT64 with embedded IPv4", "https://[64:ff9b::192.0.2.33]",
     "https://[64:ff9b::c000:221]"},
    {"uppercase and leading zeros",
     "https://[2001:0DB8:0000:0000:0000:0000:0000:0001]",
     "https://[2001:db8::1]"},
    {"first of two equal runs", "http://[2001:db8:0:0:1:0:0:1]",
     "http://[2001:db8::1:0:0:1]"},
    {"longer run wins over an earlier one", "http://[1:0:0:2:0:0:0:3]",
     "http://[1:0:0:2::3]"},
    {"a single zero piece is never compressed", "http://[1:2:3:4:5:6:7:0]",
     "http://[1:2:3:4:5:6:7:0]"},
    {"no zero at all", "http://[1:2:3:4:5:6:7:8]", "http://[1:2:3:4:5:6:7:8]"},
    {"trailing run", "http://[1:2:3:4:5:6:0:0]", "http://[1:2:3:4:5:6::]"},
    {"leading run", "http://[0:0:3:4:5:6:7:8]", "http://[::3:4:5:6:7:8]"},
    {"IPv4-mapped 0.0.0.0", "http://[::ffff:0.0.0.0]", "http://[::ffff:0:0]"},
    {"default port dropped", "https://[::1]:443", "https://[::1]"},
};

/* ---- cors_origin_set_add -------------------------------------------- */

/* warning expectations besides a CORS_WARN_* kind */
#define W_NONE CORS_PROBLEM_NONE /* *warning stays NULL */
#define W_ANY (-1)               /* not checked */

#define OK CORS_PROBLEM_NONE

/*
 * Each value is added to a fresh set.  An error is asserted by its kind,
 * the value it names (the value as given) and the hint (the origin probably
 * meant, exactly); the words are the glue's (test_100 in the integration
 * tests checks them).
 */
struct cors_origin_add_case {
    const char *desc;
    const char *value;
    int credentials;
    int kind;         /**< OK, or the CORS_ERR_* expected */
    int warning;      /**< W_NONE, W_ANY or the CORS_WARN_* expected */
    const char *hint; /**< expected hint of the error, or NULL */
};

static const struct cors_origin_add_case cors_origin_add_cases[] = {
    {"plain origin", "https://app.example.com", 0, OK, W_NONE, NULL},
    {"origin with credentials", "https://app.example.com", 1, OK, W_NONE,
     NULL},
    {"uppercase and default port", "HTTPS://APP.Example.COM:443", 0, OK,
     W_NONE, NULL},
    {"non-default port", "https://app.example.com:8443", 0, OK, W_NONE, NULL},
    {"IPv6", "http://[::1]:8080", 0, OK, W_NONE, NULL},
    {"chrome extension", "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
     0, OK, W_NONE, NULL},
    {"capacitor", "capacitor://localhost", 0, OK, W_NONE, NULL},
    {"tauri", "tauri://localhost", 0, OK, W_NONE, NULL},
    {"plus prefix", "+https://app.example.com", 0, OK, W_NONE, NULL},
    {"minus prefix", "-https://app.example.com", 0, OK, W_NONE, NULL},
    {"trailing slash: hint without it", "https://app.example.com/", 0,
     CORS_ERR_ORIGIN_TRAILING_SLASH, W_ANY, "https://app.example.com"},
    {"path: hint without it", "https://app.example.com/api/v1", 0,
     CORS_ERR_ORIGIN_PATH, W_ANY, "https://app.example.com"},
    {"query: hint without it", "https://app.example.com?x=1", 0,
     CORS_ERR_ORIGIN_QUERY, W_ANY, "https://app.example.com"},
    {"fragment: hint without it", "https://app.example.com#top", 0,
     CORS_ERR_ORIGIN_FRAGMENT, W_ANY, "https://app.example.com"},
    {"userinfo: hint without it", "https://user@app.example.com", 0,
     CORS_ERR_ORIGIN_USERINFO, W_ANY, "https://app.example.com"},
    {"userinfo with password and port", "https://u:pw@a.example:8443", 0,
     CORS_ERR_ORIGIN_USERINFO, W_ANY, "https://a.example:8443"},
    {"path with port keeps the port in the hint",
     "https://app.example.com:8443/x", 0, CORS_ERR_ORIGIN_PATH, W_ANY,
     "https://app.example.com:8443"},
    {"path: the hint is normalised", "HTTPS://App.Example.com:443/x", 0,
     CORS_ERR_ORIGIN_PATH, W_ANY, "https://app.example.com"},
    {"non-ASCII host",
     "https://b\xc3\xbc"
     "cher.example",
     0, CORS_ERR_ORIGIN_NON_ASCII, W_ANY, NULL},
    {"missing host", "https://", 0, CORS_ERR_ORIGIN_NO_HOST, W_ANY, NULL},
    {"missing scheme: https:// proposed", "app.example.com", 0,
     CORS_ERR_ORIGIN_NO_SCHEME, W_ANY, "https://app.example.com"},
    {"wildcard without scheme: https:// proposed", "*.example.com", 0,
     CORS_ERR_ORIGIN_NO_SCHEME, W_ANY, "https://*.example.com"},
    {"no scheme, nothing to propose", "a b", 0, CORS_ERR_ORIGIN_NO_SCHEME,
     W_ANY, NULL},
    {"invalid scheme", "ht!tp://a.example", 0, CORS_ERR_ORIGIN_SCHEME, W_ANY,
     NULL},
    {"comma after a value", "https://a.example.com,", 0, CORS_ERR_COMMA, W_ANY,
     NULL},
    {"two values joined by a comma", "https://a.example,https://b.example", 0,
     CORS_ERR_COMMA, W_ANY, NULL},
    {"empty value", "", 0, CORS_ERR_ORIGIN_EMPTY, W_ANY, NULL},
    {"a lone plus", "+", 0, CORS_ERR_ORIGIN_EMPTY, W_ANY, NULL},
    {"a lone minus", "-", 0, CORS_ERR_ORIGIN_EMPTY, W_ANY, NULL},
    {"port 0", "https://app.example.com:0", 0, CORS_ERR_ORIGIN_PORT, W_ANY,
     NULL},
    {"port 65536", "https://app.example.com:65536", 0, CORS_ERR_ORIGIN_PORT,
     W_ANY, NULL},
    {"port 99999", "https://app.example.com:99999", 0, CORS_ERR_ORIGIN_PORT,
     W_ANY, NULL},
    {"port not a number", "https://app.example.com:http", 0,
     CORS_ERR_ORIGIN_PORT, W_ANY, NULL},
    {"empty port", "https://app.example.com:", 0, CORS_ERR_ORIGIN_PORT, W_ANY,
     NULL},
    {"IPv6 unterminated", "http://[::1", 0, CORS_ERR_ORIGIN_IPV6_OPEN, W_ANY,
     NULL},
    {"IPv6 invalid", "http://[::g]", 0, CORS_ERR_ORIGIN_IPV6, W_ANY, NULL},
    {"junk after an IPv6 host", "http://[::1]x", 0, CORS_ERR_ORIGIN_AFTER_HOST,
     W_ANY, NULL},
    {"invalid host character", "https://a_b!.example", 0,
     CORS_ERR_ORIGIN_HOST_CHAR, W_ANY, NULL},
    {"empty label", "https://a..example", 0, CORS_ERR_ORIGIN_EMPTY_LABEL,
     W_ANY, NULL},
    {"wildcard subdomains", "https://*.example.com", 0, OK, W_NONE, NULL},
    {"wildcard subdomains with credentials", "https://*.example.com", 1, OK,
     W_NONE, NULL},
    {"wildcard over a TLD", "https://*.com", 0, CORS_ERR_ORIGIN_TLD, W_ANY,
     NULL},
    {"wildcard over a TLD with credentials", "https://*.com", 1,
     CORS_ERR_ORIGIN_TLD, W_ANY, NULL},
    {"wildcard over localhost", "http://*.localhost", 0, OK, W_ANY, NULL},
    {"any port on localhost", "http://localhost:*", 0, OK, W_ANY, NULL},
    {"public suffix wildcard with credentials", "https://*.co.uk", 1,
     CORS_ERR_CRED_PUBLIC_SUFFIX, W_ANY, NULL},
    {"public suffix wildcard warns", "https://*.co.uk", 0, OK,
     CORS_WARN_PUBLIC_SUFFIX, NULL},
    {"github.io wildcard with credentials", "https://*.github.io", 1,
     CORS_ERR_CRED_PUBLIC_SUFFIX, W_ANY, NULL},
    {"github.io wildcard warns", "https://*.github.io", 0, OK,
     CORS_WARN_PUBLIC_SUFFIX, NULL},
    {"removing a public suffix wildcard does not warn", "-https://*.co.uk", 0,
     OK, W_NONE, NULL},
    {"wildcard not leftmost", "https://a.*.example.com", 0,
     CORS_ERR_ORIGIN_STAR_PLACE, W_ANY, NULL},
    {"wildcard without dot", "https://*example.com", 0,
     CORS_ERR_ORIGIN_STAR_PLACE, W_ANY, NULL},
    {"plain http with credentials warns", "http://app.example.com", 1, OK,
     CORS_WARN_INSECURE, NULL},
    {"plain http without credentials", "http://app.example.com", 0, OK, W_NONE,
     NULL},
    {"plain http on loopback with credentials", "http://localhost:3000", 1, OK,
     W_NONE, NULL},
    {"star", "*", 0, OK, W_NONE, NULL},
    {"star with credentials", "*", 1, CORS_ERR_CRED_ANY, W_ANY, NULL},
    {"minus star with credentials", "-*", 1, OK, W_NONE, NULL},
    {"null warns", "null", 0, OK, CORS_WARN_NULL, NULL},
    {"null with credentials", "null", 1, CORS_ERR_CRED_NULL, W_ANY, NULL},
    {"plus null with credentials", "+null", 1, CORS_ERR_CRED_NULL, W_ANY, NULL},
    {"none", "none", 0, OK, W_NONE, NULL},
    {"none with credentials", "none", 1, OK, W_NONE, NULL},
};

#undef OK

/* ---- cors_origins_match on configured values ------------------------ */

#define CORS_CASE_MAX_VALUES 6

struct cors_origin_match_case {
    const char *desc;
    const char *config[CORS_CASE_MAX_VALUES]; /**< NULL-terminated */
    const char *request;                      /**< a valid request Origin */
    int match;
};

static const struct cors_origin_match_case cors_origin_match_cases[] = {
    {"exact", {"https://a.example"}, "https://a.example", 1},
    {"exact: other host", {"https://a.example"}, "https://b.example", 0},
    {"exact: other scheme", {"https://a.example"}, "http://a.example", 0},
    {"exact: other port", {"https://a.example"}, "https://a.example:8443", 0},
    {"exact: suffix is not a match",
     {"https://a.example"},
     "https://a.example.evil.net",
     0},
    {"exact: prefix is not a match",
     {"https://a.example"},
     "https://xa.example",
     0},
    {"normalised: case and default port",
     {"HTTPS://APP.Example.COM:443"},
     "https://app.example.com",
     1},
    {"normalised: http default port",
     {"http://app.example.com:80"},
     "http://app.example.com",
     1},
    {"https on port 80 is kept",
     {"https://app.example.com:80"},
     "https://app.example.com",
     0},
    {"https on port 80 matches :80",
     {"https://app.example.com:80"},
     "https://app.example.com:80",
     1},
    {"IPv6 with port", {"http://[::1]:8080"}, "http://[::1]:8080", 1},
    {"IPv6 uppercase hex is lowercased",
     {"http://[::ABCD]"},
     "http://[::abcd]",
     1},
    {"chrome extension",
     {"chrome-extension://abcdefghijklmnopabcdefghijklmnop"},
     "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
     1},
    {"capacitor", {"capacitor://localhost"}, "capacitor://localhost", 1},
    {"second of several",
     {"https://a.example", "https://b.example", "https://c.example"},
     "https://b.example",
     1},
    {"wildcard: one level",
     {"https://*.example.com"},
     "https://a.example.com",
     1},
    {"wildcard: two levels",
     {"https://*.example.com"},
     "https://x.y.example.com",
     1},
    {"wildcard: not the apex",
     {"https://*.example.com"},
     "https://example.com",
     0},
    {"wildcard: not a longer label",
     {"https://*.example.com"},
     "https://evilexample.com",
     0},
    {"wildcard: not another scheme",
     {"https://*.example.com"},
     "http://a.example.com",
     0},
    {"wildcard: not another port",
     {"https://*.example.com"},
     "https://a.example.com:8443",
     0},
    {"wildcard: not as a prefix",
     {"https://*.example.com"},
     "https://a.example.com.evil.net",
     0},
    {"wildcard with port",
     {"https://*.example.com:8443"},
     "https://a.example.com:8443",
     1},
    {"wildcard with port: not without",
     {"https://*.example.com:8443"},
     "https://a.example.com",
     0},
    {"uppercase wildcard normalised",
     {"HTTPS://*.Example.COM"},
     "https://a.example.com",
     1},
    {"localhost wildcard", {"http://*.localhost"}, "http://app.localhost", 1},
    {"localhost wildcard: not localhost",
     {"http://*.localhost"},
     "http://localhost",
     0},
    {"any port: a port", {"http://localhost:*"}, "http://localhost:3000", 1},
    {"any port: no port", {"http://localhost:*"}, "http://localhost", 1},
    {"any port: other scheme",
     {"http://localhost:*"},
     "https://localhost:3000",
     0},
    {"any port: other host",
     {"http://localhost:*"},
     "http://localhost.evil:3000",
     0},
    {"wildcard host and any port",
     {"http://*.localhost:*"},
     "http://a.localhost:5173",
     1},
    {"public suffix wildcard without credentials",
     {"https://*.github.io"},
     "https://me.github.io",
     1},
    {"none lists nothing", {"none"}, "https://a.example", 0},
};

/* ---- inheritance: cors_origins_merge -------------------------------- */

#define CORS_CASE_MAX_LEVELS 3

struct cors_origin_merge_case {
    const char *desc;
    /** one set per level, outermost first; a level {NULL} is absent */
    const char *levels[CORS_CASE_MAX_LEVELS][CORS_CASE_MAX_VALUES];
    const char *yes[CORS_CASE_MAX_VALUES]; /**< must match */
    const char *no[CORS_CASE_MAX_VALUES];  /**< must not match */
};

#define OA "https://a.example"
#define OB "https://b.example"
#define OC "https://c.example"

static const struct cors_origin_merge_case cors_origin_merge_cases[] = {
    {"no prefix replaces", {{OA, OB}, {OC}}, {OC}, {OA, OB}},
    {"plus adds", {{OA, OB}, {"+" OC}}, {OA, OB, OC}, {NULL}},
    {"minus removes", {{OA, OB}, {"-" OA}}, {OB}, {OA, OC}},
    {"plus and minus together", {{OA, OB}, {"+" OC, "-" OA}}, {OB, OC}, {OA}},
    {"minus of an absent value is harmless", {{OA}, {"-" OC}}, {OA}, {OC}},
    {"minus with other spelling of the same origin",
     {{OA}, {"-HTTPS://A.EXAMPLE:443"}},
     {NULL},
     {OA}},
    {"minus removes an inherited wildcard",
     {{"https://*.example.com", OB}, {"-https://*.example.com"}},
     {OB},
     {"https://x.example.com"}},
    {"three levels: plus then minus", {{OA}, {"+" OB}, {"-" OA}}, {OB}, {OA}},
    {"three levels: plus, plus",
     {{OA}, {"+" OB}, {"+" OC}},
     {OA, OB, OC},
     {NULL}},
    {"three levels: replace in the middle",
     {{OA}, {OB}, {"+" OC}},
     {OB, OC},
     {OA}},
    {"none resets what was inherited", {{OA, OB}, {"none"}}, {NULL}, {OA, OB}},
    {"plus over none over a list",
     {{OA, OB}, {"none"}, {"+" OC}},
     {OC},
     {OA, OB}},
    {"plus over minus-all over a list",
     {{OA, OB}, {"-" OA, "-" OB}, {"+" OC}},
     {OC},
     {OA, OB}},
    {"plus over plus over a list",
     {{OA}, {"+" OB}, {"+" OC}},
     {OA, OB, OC},
     {NULL}},
    {"plus over nothing", {{"+" OC}}, {OC}, {OA}},
    {"several lines in one section add up", {{OA}, {OB, OC}}, {OB, OC}, {OA}},
    /* A removal is an exclusion (docs/behaviour.md §1): it wins over an
     * inherited wildcard and, within its section, over the section's own
     * values; a more specific section that names the origin again (or a
     * wildcard covering it) allows it again. */
    {"minus excludes from an inherited wildcard",
     {{"https://*.example.com"}, {"-https://old.example.com"}},
     {"https://new.example.com"},
     {"https://old.example.com"}},
    {"minus a wildcard excludes inherited origins it covers",
     {{"https://x.example.com", OB}, {"-https://*.example.com"}},
     {OB},
     {"https://x.example.com", "https://y.example.com"}},
    {"minus a narrower wildcard under a wider one",
     {{"https://*.example.com"}, {"-https://*.old.example.com"}},
     {"https://new.example.com", "https://old.example.com"},
     {"https://a.old.example.com"}},
    {"minus wins over a wildcard of the same section",
     {{"https://*.example.com", "-https://old.example.com"}},
     {"https://new.example.com"},
     {"https://old.example.com"}},
    {"minus wins over the same origin in its section",
     {{OA, OB, "-" OA}},
     {OB},
     {OA}},
    {"an exclusion holds below a section adding something else",
     {{"https://*.example.com"}, {"-https://old.example.com"}, {"+" OC}},
     {OC, "https://new.example.com"},
     {"https://old.example.com"}},
    {"a more specific plus lists it again",
     {{OA, OB}, {"-" OA}, {"+" OA}},
     {OA, OB},
     {OC}},
    {"a more specific list replaces the exclusions too",
     {{OA}, {"-" OA}, {OA}},
     {OA},
     {OB}},
    {"minus with any port excluded",
     {{"http://localhost:*"}, {"-http://localhost:8080"}},
     {"http://localhost:3000", "http://localhost"},
     {"http://localhost:8080"}},
};

/* ---- flags: any_listed, allow_any, allow_null, public suffix -------- */

struct cors_origin_flags_case {
    const char *desc;
    const char *levels[CORS_CASE_MAX_LEVELS][CORS_CASE_MAX_VALUES];
    int any_listed;
    int allow_any;
    int allow_null;
    int public_suffix_wildcard;
};

static const struct cors_origin_flags_case cors_origin_flags_cases[] = {
    {"one origin", {{OA}}, 1, 0, 0, 0},
    {"star", {{"*"}}, 1, 1, 0, 0},
    {"null", {{"null"}}, 1, 0, 1, 0},
    {"none", {{"none"}}, 0, 0, 0, 0},
    {"wildcard", {{"https://*.example.com"}}, 1, 0, 0, 0},
    {"public suffix wildcard", {{"https://*.co.uk"}}, 1, 0, 0, 1},
    {"github.io wildcard", {{"https://*.github.io"}}, 1, 0, 0, 1},
    {"star inherited through plus", {{"*"}, {"+" OA}}, 1, 1, 0, 0},
    {"star replaced", {{"*"}, {OA}}, 1, 0, 0, 0},
    {"minus star removes inherited star", {{"*"}, {"-*"}}, 0, 0, 0, 0},
    {"minus star keeps the rest", {{"*", OA}, {"-*"}}, 1, 0, 0, 0},
    {"null replaced", {{"null"}, {OA}}, 1, 0, 0, 0},
    {"minus null", {{"null", OA}, {"-null"}}, 1, 0, 0, 0},
    {"none over star", {{"*"}, {"none"}}, 0, 0, 0, 0},
    {"minus the only origin", {{OA}, {"-" OA}}, 0, 0, 0, 0},
    {"regression: minus one origin under a wildcard keeps CORS on",
     {{"https://*.example.com"}, {"-https://old.example.com"}},
     1,
     0,
     0,
     0},
    {"regression: minus a pattern not inherited keeps CORS on",
     {{"https://*.example.com"}, {"-https://*.other.test"}},
     1,
     0,
     0,
     0},
    {"minus the only pattern",
     {{"https://*.example.com"}, {"-https://*.example.com"}},
     0,
     0,
     0,
     0},
    {"every inherited origin removed, over two sections",
     {{OA, OB}, {"-" OA}, {"-" OB}},
     0,
     0,
     0,
     0},
    {"removed, then listed again", {{OA}, {"-" OA}, {"+" OA}}, 1, 0, 0, 0},
    {"an excluded wildcard takes the inherited origins it covers",
     {{"https://x.example.com"}, {"-https://*.example.com"}},
     0,
     0,
     0,
     0},
    {"an excluded wildcard leaves the others",
     {{"https://x.example.com", OB}, {"-https://*.example.com"}},
     1,
     0,
     0,
     0},
    {"an origin and its removal in one section", {{OA, "-" OA}}, 0, 0, 0, 0},
    {"star with an exclusion stays on", {{"*"}, {"-" OA}}, 1, 1, 0, 0},
    {"star with an exclusion in its own section", {{"*", "-" OA}}, 1, 1, 0, 0},
    {"null excluded", {{"null"}, {"-null"}}, 0, 0, 0, 0},
    {"star, null excluded", {{"*"}, {"-null"}}, 1, 1, 0, 0},
    {"more removals than origins, one left",
     {{OA, OB}, {"-" OA, "-" OC, "-https://d.example"}},
     1,
     0,
     0,
     0},
    {"public suffix wildcard inherited",
     {{"https://*.co.uk"}, {"+" OA}},
     1,
     0,
     0,
     1},
};

/* ---- cors_regex_compile / match ------------------------------------- */

struct cors_regex_case {
    const char *desc;
    const char *pattern;
    int kind; /**< CORS_PROBLEM_NONE or the CORS_ERR_REGEX_* expected */
    const char *yes[CORS_CASE_MAX_VALUES];
    const char *no[CORS_CASE_MAX_VALUES];
};

static const struct cors_regex_case cors_regex_cases[] = {
    {"anchored preview pattern",
     "^https://pr-[0-9]+\\.preview\\.example\\.com$",
     CORS_PROBLEM_NONE,
     {"https://pr-1.preview.example.com", "https://pr-42.preview.example.com"},
     {"https://pr-.preview.example.com",
      "https://pr-1.preview.example.com.evil.net",
      "xhttps://pr-1.preview.example.com", "https://pr-1.preview.example.com/",
      "https://pr-1.preview.example.com\n"}},
    {"anchored with alternation in a group",
     "^https://(a|b)\\.example$",
     CORS_PROBLEM_NONE,
     {"https://a.example", "https://b.example"},
     {"https://c.example", "https://a.example.evil"}},
    {"unanchored is refused",
     "example\\.com",
     CORS_ERR_REGEX_UNANCHORED,
     {NULL},
     {NULL}},
    {"missing $ is refused",
     "^https://a\\.example\\.com",
     CORS_ERR_REGEX_UNANCHORED,
     {NULL},
     {NULL}},
    {"missing ^ is refused",
     "https://a\\.example\\.com$",
     CORS_ERR_REGEX_UNANCHORED,
     {NULL},
     {NULL}},
    {"empty pattern is refused",
     "",
     CORS_ERR_REGEX_UNANCHORED,
     {NULL},
     {NULL}},
    {"invalid regex is refused",
     "^https://(a\\.example$",
     CORS_ERR_REGEX_SYNTAX,
     {NULL},
     {NULL}},
    {"invalid class is refused",
     "^https://[a-$",
     CORS_ERR_REGEX_SYNTAX,
     {NULL},
     {NULL}},
};

/*
 * Bare dots in CORSAllowOriginMatch (docs/behaviour.md §1): a '.'
 * between two literal host characters is refused and the message shows
 * the escaped pattern; a '.' followed by a quantifier means any characters
 * on purpose; another bare '.' is accepted with a warning.
 */
#define DOT_OK 0      /* accepted, no warning */
#define DOT_WARNS 1   /* accepted with a warning */
#define DOT_REFUSED 2 /* an error showing the form with [.] for the dots */

struct cors_regex_dot_case {
    const char *desc;
    const char *pattern;
    int outcome;         /**< DOT_* */
    const char *escaped; /**< DOT_REFUSED: the form the error suggests */
};

static const struct cors_regex_dot_case cors_regex_dot_cases[] = {
    {"look-alike: app.example.com", "^https://app.example.com$", DOT_REFUSED,
     "^https://app[.]example[.]com$"},
    {"look-alike: one dot of two escaped", "^https://app\\.example.com$",
     DOT_REFUSED, "^https://app\\.example[.]com$"},
    {"look-alike: in a group", "^https://(www\\.)?(example.com|a\\.test)$",
     DOT_REFUSED, "^https://(www\\.)?(example[.]com|a\\.test)$"},
    {"look-alike: IPv4 digits", "^http://127.0.0.1:[0-9]+$", DOT_REFUSED,
     "^http://127[.]0[.]0[.]1:[0-9]+$"},
    {"look-alike: hyphen and underscore", "^https://a-b.c_d\\.example$",
     DOT_REFUSED, "^https://a-b[.]c_d\\.example$"},
    {"escaped dots", "^https://app\\.example\\.com$", DOT_OK, NULL},
    {"class dots", "^https://app[.]example[.]com$", DOT_OK, NULL},
    {"dot inside a class with a bracket", "^https://[].a-z]+\\.example$",
     DOT_OK, NULL},
    {"quoted with \\Q...\\E", "^\\Qhttps://app.example.com\\E$", DOT_OK,
     NULL},
    {"any characters: .*", "^https://.*\\.example\\.com$", DOT_OK, NULL},
    {"any characters: .+ between host characters",
     "^https://a.+b\\.example$", DOT_OK, NULL},
    {"any one character on purpose: a class", "^https://app[^.]example\\.com$",
     DOT_OK, NULL},
    {"other bare dot warns: after a quantifier",
     "^https://pr-[0-9]+.preview\\.example\\.com$", DOT_WARNS, NULL},
    {"other bare dot warns: before a group close",
     "^https://(www.)?example\\.com$", DOT_WARNS, NULL},
    {"escaped backslash then a dot between host characters",
     "^https://a\\\\.b$", DOT_WARNS, NULL},
};

/*
 * Catch-all patterns: each is tried against canary origins nobody lists
 * (other schemes, .invalid and .test hosts, documentation addresses) when
 * it is compiled; canary is the one expected (NULL: none may match, the
 * pattern is a real allowlist).
 */
struct cors_regex_canary_case {
    const char *desc;
    const char *pattern;
    const char *canary;
};

static const struct cors_regex_canary_case cors_regex_canary_cases[] = {
    {"preview hosts", "^https://pr-[0-9]+\\.preview\\.example\\.com$", NULL},
    {"apex and subdomains", "^https://([a-z0-9-]+\\.)?example\\.com$", NULL},
    {"two TLDs", "^https://[a-z0-9-]+\\.example\\.(com|org)$", NULL},
    {"localhost, any port", "^https?://localhost(:[0-9]+)?$", NULL},
    {"loopback address", "^http://127\\.0\\.0\\.1(:[0-9]+)?$", NULL},
    {"IPv6 loopback", "^http://\\[::1\\](:[0-9]+)?$", NULL},
    {"Chrome extension ids", "^chrome-extension://[a-p]{32}$", NULL},
    {"two hosts, a port", "^https://(app|admin)\\.example\\.com(:8443)?$",
     NULL},
    {"capacitor", "^capacitor://localhost$", NULL},
    {"any subdomain, any depth", "^https://.*\\.example\\.com$", NULL},
    {"every https host", "^https://[^/]+$", "https://canary.invalid"},
    {"everything", "^.*$", "https://canary.invalid"},
    {"everything, at least one byte", "^.+$", "https://canary.invalid"},
    {"every http host", "^http://.*$", "http://canary.invalid"},
    {"every host of any scheme", "^[a-z-]+://[^/]+$",
     "https://canary.invalid"},
    {"any two-label host", "^https://[a-z0-9-]+\\.[a-z]+$",
     "https://canary.invalid"},
    {"any .test host", "^https://[a-z0-9.-]+\\.test$",
     "https://mod-cors-canary.test"},
    {"every IPv4 address", "^https?://[0-9.]+(:[0-9]+)?$", "http://192.0.2.1"},
    {"every IPv6 address", "^https://\\[[0-9a-f:]+\\]$",
     "https://[2001:db8::1]"},
    {"a catch-all hidden in an alternative",
     "^(https://a\\.example\\.com|https?://.+)$", "https://canary.invalid"},
    {"every wss host", "^wss://.+$", "wss://canary.invalid"},
    {"every extension", "^chrome-extension://.+$", "chrome-extension://canary"},
};

/*
 * "^a|b$" is anchored only in appearance: each alternative carries one
 * anchor.  Whether compile refuses it or wraps it, it must never match a
 * value that merely starts with the first alternative.
 */
#define CORS_REGEX_SNEAKY "^https://a\\.example|https://b\\.example$"
#define CORS_REGEX_SNEAKY_VICTIM "https://a.example.evil.net"

#undef OA
#undef OB
#undef OC

#endif /* CORS_CASES_ORIGIN_H */
