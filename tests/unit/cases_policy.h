/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cases_policy.h: case tables for src/cors_policy.h.  A policy is written
 * as configuration lines, one directive per line, sections separated by
 * "--" (each merged over the ones before it with cors_policy_merge):
 *
 *   origin V...    cors_policy_add_origin, once per space-separated value
 *   methods V...   cors_policy_add_method, per value
 *   headers V...   cors_policy_add_allow_header, per value
 *   expose V...    cors_policy_add_expose_header, per value
 *   regex P        cors_policy_add_origin_regex (rest of the line)
 *   credentials on|off, maxage V, preflight V, status V, upstream V
 *                  the setters, with the rest of the line as the value
 *   pna on, debug on, shadow on
 *                  the fields private_network, debug_header, shadow,
 *                  which have no setter in cors_policy.h
 *
 * Expected decisions come from docs/behaviour.md §1-§4 and the comments of
 * cors_policy.h.  Cases whose expectation is only this file's reading of
 * a silent contract say "reading:" in their desc; fields neither document
 * decides are NOCHECK.
 */

#ifndef CORS_CASES_POLICY_H
#define CORS_CASES_POLICY_H

#include "cors_policy.h"

#ifndef NOCHECK
#define NOCHECK ((const char *)0) /* harnesses without unit_util.h */
#define NONNULL ((const char *)0)
#define NOCHECK_INT (-999)
#endif

/* ---- policies ---------------------------------------------------------- */

typedef const char *const cors_setup_t[];

#define OA "https://a.example"

static cors_setup_t P_NONE = {NULL};
static cors_setup_t P_A = {"origin " OA, NULL};
static cors_setup_t P_AB = {"origin " OA " https://b.example", NULL};
static cors_setup_t P_CRED = {"origin " OA, "credentials on",
                              "expose X-Foo X-Bar", NULL};
static cors_setup_t P_EXPOSE = {"origin " OA, "expose X-Foo", NULL};
static cors_setup_t P_STAR = {"origin *", NULL};
/* Exclusions win over "*", an inherited regex and wildcards. */
static cors_setup_t P_STAR_MINUS = {"origin *", "--",
                                    "origin -https://evil.example.net", NULL};
static cors_setup_t P_STAR_MINUS_SAME = {
    "origin * -https://evil.example.net", NULL};
static cors_setup_t P_STAR_MINUS_NULL = {"origin *", "--", "origin -null",
                                         NULL};
static cors_setup_t P_RE_MINUS = {
    "regex ^https://pr-[0-9]+\\.preview\\.example\\.com$",
    "credentials on", "--", "origin -https://pr-13.preview.example.com", NULL};
static cors_setup_t P_WILD_MINUS = {"origin https://*.example.com",
                                    "credentials on", "--",
                                    "origin -https://old.example.com", NULL};
/* "*" where the response depends on the Origin after all: Vary: Origin. */
static cors_setup_t P_STAR_KEEP = {"origin *", "upstream keep", NULL};
static cors_setup_t P_STAR_DEBUG = {"origin *", "debug on", NULL};
static cors_setup_t P_STAR_KEEP_INHERITED = {"upstream keep", "--",
                                             "origin *", NULL};
static cors_setup_t P_PATCH = {"origin " OA, "methods PATCH", NULL};
static cors_setup_t P_MSTAR = {"origin " OA, "methods *", NULL};
static cors_setup_t P_HSTAR = {"origin " OA, "headers *", NULL};
static cors_setup_t P_AUTH = {"origin " OA, "headers Authorization", NULL};
static cors_setup_t P_CT = {"origin " OA, "headers Content-Type X-Foo", NULL};
static cors_setup_t P_WILD = {"origin https://*.example.com", NULL};
static cors_setup_t P_LOCAL = {"origin http://localhost:*", NULL};
static cors_setup_t P_RE =
    {"regex ^https://pr-[0-9]+\\.preview\\.example\\.com$", NULL};
static cors_setup_t P_NULL = {"origin null", NULL};
static cors_setup_t P_S200 = {"origin " OA, "status 200", NULL};
static cors_setup_t P_MA0 = {"origin " OA, "maxage 0", NULL};
static cors_setup_t P_MA600 = {"origin " OA, "maxage 600", NULL};
static cors_setup_t P_PNA = {"origin " OA, "pna on", NULL};
static cors_setup_t P_DEBUG = {"origin " OA, "debug on", NULL};
static cors_setup_t P_CONTINUE = {"origin " OA, "preflight continue", NULL};
static cors_setup_t P_INHERIT = {"origin " OA, "credentials on", "--",
                                 "origin +https://b.example", NULL};
static cors_setup_t P_REPLACE = {"origin " OA, "--", "origin https://b.example",
                                 NULL};
static cors_setup_t P_X_STAR = {"origin " OA, "credentials on", "--",
                                "origin *", NULL};
static cors_setup_t P_X_NULL = {"origin " OA, "credentials on", "--",
                                "origin +null", NULL};
static cors_setup_t P_X_ACEH = {"origin " OA, "credentials on", "--",
                                "expose *", NULL};
static cors_setup_t P_X_PSW = {"origin " OA, "credentials on", "--",
                               "origin +https://*.co.uk", NULL};
static cors_setup_t P_X_CRED = {"origin *", "--", "credentials on", NULL};
/* A section naming its own origins does not keep inherited patterns. */
static cors_setup_t P_RE_REPLACED =
    {"regex ^https://pr-[0-9]+\\.preview\\.example\\.com$", "--",
     "origin https://admin.example.com", NULL};
static cors_setup_t P_RE_PLUS =
    {"regex ^https://pr-[0-9]+\\.preview\\.example\\.com$", "--",
     "origin +https://admin.example.com", NULL};

/* ---- cors_policy_decide ----------------------------------------------- */

#define VO "Origin"
#define VP                                                                     \
    "Origin, Access-Control-Request-Method, "                                  \
    "Access-Control-Request-Headers"
#define VPN VP ", Access-Control-Request-Private-Network"

#define K_NO CORS_KIND_NO_ORIGIN
#define K_ACT CORS_KIND_ACTUAL
#define K_PRE CORS_KIND_PREFLIGHT

/** What a decision must hold; NULL strings mean "not sent". */
struct cors_decide_want {
    int kind;
    int allowed;
    int reason;
    const char *env;
    const char *allow_origin;
    const char *allow_credentials;
    const char *expose_headers; /**< compared ignoring case */
    const char *allow_methods;
    const char *allow_headers;
    const char *max_age;
    const char *allow_private_network;
    const char *vary;
    int status; /**< checked for preflights only */
};

struct cors_decide_case {
    const char *desc;
    const char *const *setup;
    cors_request_t in; /**< method, origin, acrm, acrh, acrpn */
    struct cors_decide_want want;
};

#define R_NONE CORS_REASON_NONE
#define R_MAL CORS_REASON_ORIGIN_MALFORMED
#define R_ORIG CORS_REASON_ORIGIN_NOT_ALLOWED
#define R_NULL CORS_REASON_NULL_NOT_ALLOWED
#define R_MMAL CORS_REASON_METHOD_MALFORMED
#define R_METH CORS_REASON_METHOD_NOT_ALLOWED
#define R_HMAL CORS_REASON_HEADERS_MALFORMED
#define R_HEAD CORS_REASON_HEADER_NOT_ALLOWED
#define R_CONF CORS_REASON_POLICY_CONFLICT
#define R_EXCL CORS_REASON_ORIGIN_EXCLUDED

/* An allowed actual request from origin o: only ACAO and Vary. */
#define ACT_OK(o)                                                              \
    {                                                                          \
        .kind = K_ACT, .allowed = 1, .reason = R_NONE, .env = "allowed",       \
        .allow_origin = o, .vary = VO                                          \
    }
/* A refused actual request: nothing but Vary. */
#define ACT_NO(r)                                                              \
    {                                                                          \
        .kind = K_ACT, .allowed = 0, .reason = r, .env = "denied", .vary = VO  \
    }
/* An allowed preflight with the default max-age and status. */
#define PRE_OK(o, m, h)                                                        \
    {                                                                          \
        .kind = K_PRE, .allowed = 1, .reason = R_NONE,                         \
        .env = "preflight-allowed", .allow_origin = o, .allow_methods = m,     \
        .allow_headers = h, .max_age = "7200", .vary = VP, .status = 204       \
    }
/* A refused preflight: 403, nothing but Vary. */
#define PRE_NO(r)                                                              \
    {                                                                          \
        .kind = K_PRE, .allowed = 0, .reason = r, .env = "preflight-denied",   \
        .vary = VP, .status = 403                                              \
    }

#define GET(o)                                                                 \
    {                                                                          \
        "GET", o, NULL, NULL, NULL                                             \
    }
#define PRE(o, m, h)                                                           \
    {                                                                          \
        "OPTIONS", o, m, h, NULL                                               \
    }

static const struct cors_decide_case cors_decide_cases[] = {
    /* Not a CORS request. */
    {"no Origin",
     P_A,
     GET(NULL),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .vary = VO}},
    {"no Origin, POST",
     P_A,
     {"POST", NULL, NULL, NULL, NULL},
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .vary = VO}},
    {"no Origin, preflight-shaped OPTIONS",
     P_A,
     PRE(NULL, "PUT", "x-foo"),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .vary = NOCHECK}},
    {"no Origin under star: ACAO * and no Vary",
     P_STAR,
     GET(NULL),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = NOCHECK,
      .allow_origin = "*",
      .vary = NULL}},

    /* Allowed actual requests. */
    {"GET from allowed", P_A, GET(OA), ACT_OK(OA)},
    {"HEAD from allowed", P_A, {"HEAD", OA, NULL, NULL, NULL}, ACT_OK(OA)},
    {"POST from allowed", P_A, {"POST", OA, NULL, NULL, NULL}, ACT_OK(OA)},
    {"PUT actual from allowed: methods are a preflight matter",
     P_A,
     {"PUT", OA, NULL, NULL, NULL},
     ACT_OK(OA)},
    {"second of two origins", P_AB, GET("https://b.example"),
     ACT_OK("https://b.example")},
    {"OPTIONS without ACRM is an actual request",
     P_A,
     {"OPTIONS", OA, NULL, NULL, NULL},
     ACT_OK(OA)},
    {"reading: lowercase options + ACRM is not a preflight",
     P_A,
     {"options", OA, "GET", NULL, NULL},
     ACT_OK(OA)},
    {"malformed ACRH on an actual request is irrelevant",
     P_A,
     {"GET", OA, NULL, "a b;c", NULL},
     ACT_OK(OA)},
    {"credentials and expose headers",
     P_CRED,
     {"POST", OA, NULL, NULL, NULL},
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = OA,
      .allow_credentials = "true",
      .expose_headers = "X-Foo, X-Bar",
      .vary = VO}},
    {"expose headers without credentials",
     P_EXPOSE,
     GET(OA),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = OA,
      .expose_headers = "X-Foo",
      .vary = VO}},
    {"wildcard, one level", P_WILD, GET("https://a.example.com"),
     ACT_OK("https://a.example.com")},
    {"wildcard, two levels", P_WILD, GET("https://x.y.example.com"),
     ACT_OK("https://x.y.example.com")},
    {"wildcard apex refused", P_WILD, GET("https://example.com"),
     ACT_NO(R_ORIG)},
    {"wildcard lookalike refused", P_WILD, GET("https://evilexample.com"),
     ACT_NO(R_ORIG)},
    {"wildcard other scheme refused", P_WILD, GET("http://a.example.com"),
     ACT_NO(R_ORIG)},
    {"any port", P_LOCAL, GET("http://localhost:5173"),
     ACT_OK("http://localhost:5173")},
    {"any port: no port", P_LOCAL, GET("http://localhost"),
     ACT_OK("http://localhost")},
    {"regex match", P_RE, GET("https://pr-7.preview.example.com"),
     ACT_OK("https://pr-7.preview.example.com")},
    {"regex non-match", P_RE, GET("https://pr-7.preview.example.com.evil"),
     ACT_NO(R_ORIG)},
    {"null listed", P_NULL, GET("null"), ACT_OK("null")},
    {"inherited credentials with an added origin",
     P_INHERIT,
     GET("https://b.example"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "https://b.example",
      .allow_credentials = "true",
      .vary = VO}},
    {"inherited origin kept by +",
     P_INHERIT,
     GET(OA),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = OA,
      .allow_credentials = "true",
      .vary = VO}},
    {"inherited origin replaced", P_REPLACE, GET(OA), ACT_NO(R_ORIG)},

    /* Refused actual requests. */
    {"GET from other origin", P_A, GET("https://b.example"), ACT_NO(R_ORIG)},
    {"suffix of allowed origin", P_A, GET("https://a.example.evil.net"),
     ACT_NO(R_ORIG)},
    {"other port", P_A, GET("https://a.example:8443"), ACT_NO(R_ORIG)},
    {"refused with credentials: no ACAC", P_CRED, GET("https://b.example"),
     ACT_NO(R_ORIG)},
    {"null not listed", P_A, GET("null"), ACT_NO(R_NULL)},
    {"malformed: trailing slash", P_A, GET(OA "/"), ACT_NO(R_MAL)},
    {"malformed: uppercase even though config normalises", P_A,
     GET("HTTPS://A.EXAMPLE"), ACT_NO(R_MAL)},
    {"malformed: default port", P_A, GET(OA ":443"), ACT_NO(R_MAL)},
    {"malformed: two values", P_A, GET(OA ", https://b.example"),
     ACT_NO(R_MAL)},
    {"malformed: CRLF injection", P_A, GET(OA "\r\nSet-Cookie: x=1"),
     ACT_NO(R_MAL)},
    {"malformed: NULL uppercase", P_NULL, GET("NULL"), ACT_NO(R_MAL)},
    {"malformed: empty Origin", P_A, GET(""), ACT_NO(R_MAL)},

    /* The * policy. */
    {"star: any origin gets *",
     P_STAR,
     GET("https://x.test"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = NULL}},
    {"star + keep: the kept upstream headers may depend on Origin",
     P_STAR_KEEP,
     GET("https://evil.example.net"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = VO}},
    {"star + keep: Vary: Origin without Origin too",
     P_STAR_KEEP,
     GET(NULL),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .allow_origin = "*",
      .vary = VO}},
    {"star + keep inherited",
     P_STAR_KEEP_INHERITED,
     GET("https://evil.example.net"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = VO}},
    {"star + CORS-Debug: its value depends on Origin",
     P_STAR_DEBUG,
     GET("https://x.test"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = VO}},
    {"star + CORS-Debug: Vary: Origin without Origin too",
     P_STAR_DEBUG,
     GET(NULL),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .allow_origin = "*",
      .vary = VO}},
    {"star minus evil: evil refused",
     P_STAR_MINUS,
     GET("https://evil.example.net"),
     ACT_NO(R_EXCL)},
    {"star minus evil: others get *, varying on Origin",
     P_STAR_MINUS,
     GET("https://x.test"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = VO}},
    {"star minus evil: no Origin gets *, varying on Origin",
     P_STAR_MINUS,
     GET(NULL),
     {.kind = K_NO,
      .allowed = NOCHECK_INT,
      .reason = R_NONE,
      .env = "no-origin",
      .allow_origin = "*",
      .vary = VO}},
    {"star minus evil: malformed Origin gets * as under star",
     P_STAR_MINUS,
     GET("https://evil.example.net/"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = VO}},
    {"star minus evil: evil's preflight refused", P_STAR_MINUS,
     PRE("https://evil.example.net", "GET", NULL), PRE_NO(R_EXCL)},
    {"star minus evil: another preflight allowed", P_STAR_MINUS,
     PRE("https://x.test", "GET", NULL), PRE_OK("*", "GET", NULL)},
    {"star minus evil, one section: evil refused", P_STAR_MINUS_SAME,
     GET("https://evil.example.net"), ACT_NO(R_EXCL)},
    {"star minus evil, one section: preflight refused", P_STAR_MINUS_SAME,
     PRE("https://evil.example.net", "GET", NULL), PRE_NO(R_EXCL)},
    {"star minus null: null refused", P_STAR_MINUS_NULL, GET("null"),
     ACT_NO(R_EXCL)},
    {"star minus null: null's preflight refused", P_STAR_MINUS_NULL,
     PRE("null", "GET", NULL), PRE_NO(R_EXCL)},
    {"regex minus pr-13: pr-13 refused, credentials or not", P_RE_MINUS,
     GET("https://pr-13.preview.example.com"), ACT_NO(R_EXCL)},
    {"regex minus pr-13: pr-13's preflight refused", P_RE_MINUS,
     PRE("https://pr-13.preview.example.com", "GET", NULL), PRE_NO(R_EXCL)},
    {"regex minus pr-13: pr-14 allowed with credentials",
     P_RE_MINUS,
     GET("https://pr-14.preview.example.com"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "https://pr-14.preview.example.com",
      .allow_credentials = "true",
      .vary = VO}},
    {"wildcard minus old: old refused", P_WILD_MINUS,
     GET("https://old.example.com"), ACT_NO(R_EXCL)},
    {"wildcard minus old: new allowed",
     P_WILD_MINUS,
     GET("https://new.example.com"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "https://new.example.com",
      .allow_credentials = "true",
      .vary = VO}},
    {"star: malformed origin gets * and is not echoed",
     P_STAR,
     GET("https://x.test/evil"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = NULL}},
    {"regression: unprefixed origins drop inherited patterns", P_RE_REPLACED,
     GET("https://pr-1.preview.example.com"), ACT_NO(R_ORIG)},
    {"plus keeps inherited patterns", P_RE_PLUS,
     GET("https://pr-1.preview.example.com"),
     ACT_OK("https://pr-1.preview.example.com")},
    {"regression: preflight from null under star", P_STAR,
     PRE("null", "GET", NULL), PRE_OK("*", "GET", NULL)},
    {"star: null gets *",
     P_STAR,
     GET("null"),
     {.kind = K_ACT,
      .allowed = 1,
      .reason = R_NONE,
      .env = "allowed",
      .allow_origin = "*",
      .vary = NULL}},
    {"star: preflight allowed",
     P_STAR,
     PRE("https://x.test", "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = NONNULL,
      .allow_methods = "GET",
      .max_age = "7200",
      .vary = VP,
      .status = 204}},
    {"star: preflight with malformed origin refused", P_STAR,
     PRE("https://x.test/", "GET", NULL), PRE_NO(R_MAL)},
    {"star: preflight with CRLF origin refused", P_STAR,
     PRE("https://x.test\r\n", "GET", NULL), PRE_NO(R_MAL)},

    /* Preflights. */
    {"preflight GET, no headers", P_A, PRE(OA, "GET", NULL),
     PRE_OK(OA, "GET", NULL)},
    {"preflight POST, empty ACRH", P_A, PRE(OA, "POST", ""),
     PRE_OK(OA, "POST", NULL)},
    {"preflight HEAD", P_A, PRE(OA, "HEAD", NULL), PRE_OK(OA, "HEAD", NULL)},
    {"preflight PUT not configured", P_A, PRE(OA, "PUT", NULL), PRE_NO(R_METH)},
    {"preflight PATCH configured", P_PATCH, PRE(OA, "PATCH", NULL),
     PRE_OK(OA, "PATCH", NULL)},
    {"preflight GET still allowed with PATCH configured", P_PATCH,
     PRE(OA, "GET", NULL), PRE_OK(OA, "GET", NULL)},
    {"preflight patch refused when PATCH configured", P_PATCH,
     PRE(OA, "patch", NULL), PRE_NO(R_METH)},
    {"preflight DELETE under methods *", P_MSTAR, PRE(OA, "DELETE", NULL),
     PRE_OK(OA, "DELETE", NULL)},
    {"preflight malformed method", P_A, PRE(OA, "GET POST", NULL),
     PRE_NO(R_MMAL)},
    {"preflight method with CRLF", P_A, PRE(OA, "GET\r\nX: y", NULL),
     PRE_NO(R_MMAL)},
    {"reading: preflight with empty ACRM is malformed", P_A, PRE(OA, "", NULL),
     PRE_NO(R_MMAL)},
    {"preflight from other origin", P_A, PRE("https://b.example", "GET", NULL),
     PRE_NO(R_ORIG)},
    {"preflight from malformed origin", P_A, PRE(OA "/", "GET", NULL),
     PRE_NO(R_MAL)},
    {"preflight from unlisted null", P_A, PRE("null", "GET", NULL),
     PRE_NO(R_NULL)},
    {"preflight from listed null", P_NULL, PRE("null", "PUT", NULL),
     PRE_NO(R_METH)},
    {"preflight from listed null, GET", P_NULL, PRE("null", "GET", NULL),
     PRE_OK("null", "GET", NULL)},
    {"preflight Authorization refused under headers *", P_HSTAR,
     PRE(OA, "GET", "authorization"), PRE_NO(R_HEAD)},
    {"preflight Authorization among others under headers *", P_HSTAR,
     PRE(OA, "GET", "x-foo,authorization"), PRE_NO(R_HEAD)},
    {"preflight any other header under headers *", P_HSTAR,
     PRE(OA, "GET", "x-anything"), PRE_OK(OA, "GET", "x-anything")},
    {"preflight headers under headers *", P_HSTAR,
     PRE(OA, "POST", "x-foo,x-bar"), PRE_OK(OA, "POST", "x-foo, x-bar")},
    {"preflight Authorization listed", P_AUTH, PRE(OA, "GET", "authorization"),
     PRE_OK(OA, "GET", "authorization")},
    {"preflight Authorization listed, capitalised request", P_AUTH,
     PRE(OA, "GET", "Authorization"), PRE_OK(OA, "GET", "authorization")},
    {"safelisted headers always allowed", P_A,
     PRE(OA, "GET", "accept,accept-language,content-language"),
     PRE_OK(OA, "GET", "accept, accept-language, content-language")},
    {"content-type must be listed", P_A, PRE(OA, "POST", "content-type"),
     PRE_NO(R_HEAD)},
    {"content-type listed", P_CT, PRE(OA, "POST", "content-type,x-foo"),
     PRE_OK(OA, "POST", "content-type, x-foo")},
    {"requested headers lowercased, order kept", P_CT,
     PRE(OA, "POST", "X-Foo, Content-Type"),
     PRE_OK(OA, "POST", "x-foo, content-type")},
    {"unlisted header", P_CT, PRE(OA, "POST", "x-foo,x-bar"), PRE_NO(R_HEAD)},
    {"malformed ACRH", P_CT, PRE(OA, "POST", "x-foo;bar"), PRE_NO(R_HMAL)},
    {"ACRH over the OWS budget", P_CT, PRE(OA, "POST", "x-foo,   x-foo"),
     PRE_NO(R_HMAL)},
    {"ACRH with CRLF", P_CT, PRE(OA, "POST", "x-foo\r\nx: y"), PRE_NO(R_HMAL)},
    {"preflight with credentials",
     P_CRED,
     PRE(OA, "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_credentials = "true",
      .allow_methods = "GET",
      .max_age = "7200",
      .vary = VP,
      .status = 204}},
    {"refused preflight with credentials: no ACAC", P_CRED,
     PRE("https://b.example", "GET", NULL), PRE_NO(R_ORIG)},
    {"preflight status 200",
     P_S200,
     PRE(OA, "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_methods = "GET",
      .max_age = "7200",
      .vary = VP,
      .status = 200}},
    {"refused preflight is 403 even with status 200", P_S200,
     PRE(OA, "PUT", NULL), PRE_NO(R_METH)},
    {"max age 0 is sent",
     P_MA0,
     PRE(OA, "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_methods = "GET",
      .max_age = "0",
      .vary = VP,
      .status = 204}},
    {"max age 600",
     P_MA600,
     PRE(OA, "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_methods = "GET",
      .max_age = "600",
      .vary = VP,
      .status = 204}},
    {"preflight continue decides the same", P_CONTINUE, PRE(OA, "GET", NULL),
     PRE_OK(OA, "GET", NULL)},
    {"private network requested and enabled",
     P_PNA,
     {"OPTIONS", OA, "GET", NULL, "true"},
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_methods = "GET",
      .max_age = "7200",
      .allow_private_network = "true",
      .vary = VPN,
      .status = 204}},
    {"private network enabled, not requested",
     P_PNA,
     PRE(OA, "GET", NULL),
     {.kind = K_PRE,
      .allowed = 1,
      .reason = R_NONE,
      .env = "preflight-allowed",
      .allow_origin = OA,
      .allow_methods = "GET",
      .max_age = "7200",
      .vary = VPN,
      .status = 204}},
    {"reading: private network requested, not enabled",
     P_A,
     {"OPTIONS", OA, "GET", NULL, "true"},
     PRE_OK(OA, "GET", NULL)},
    {"debug header: failed only on method, 204 with what it earned",
     P_DEBUG,
     PRE(OA, "PUT", NULL),
     {.kind = K_PRE,
      .allowed = NOCHECK_INT,
      .reason = R_METH,
      .env = NOCHECK,
      .allow_origin = OA,
      .allow_methods = NULL,
      .max_age = NOCHECK,
      .vary = VP,
      .status = 204}},
    {"debug header: failed on origin is still 403", P_DEBUG,
     PRE("https://b.example", "GET", NULL), PRE_NO(R_ORIG)},

    /* Merged combinations no browser accepts fail closed. */
    {"conflict: inherited credentials + star, actual",
     P_X_STAR,
     GET("https://x.test"),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
    {"conflict: inherited credentials + star, preflight",
     P_X_STAR,
     PRE("https://x.test", "GET", NULL),
     {.kind = K_PRE,
      .allowed = 0,
      .reason = R_CONF,
      .env = "preflight-denied",
      .vary = NOCHECK,
      .status = 403}},
    {"conflict: inherited credentials + null",
     P_X_NULL,
     GET("null"),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
    {"conflict: even for a listed origin",
     P_X_NULL,
     GET(OA),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
    {"conflict: inherited credentials + expose *",
     P_X_ACEH,
     GET(OA),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
    {"conflict: inherited credentials + public suffix wildcard",
     P_X_PSW,
     GET("https://me.co.uk"),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
    {"conflict: inherited star + credentials",
     P_X_CRED,
     GET("https://x.test"),
     {.kind = K_ACT,
      .allowed = 0,
      .reason = R_CONF,
      .env = "denied",
      .vary = NOCHECK}},
};

#undef GET
#undef PRE

/* ---- setters ----------------------------------------------------------- */

struct cors_setter_case {
    const char *desc;
    const char *const *lines; /**< all but the last must succeed */
    int kind;          /**< the last line's problem: CORS_PROBLEM_NONE or a
                        *   CORS_ERR_* */
    const char *value; /**< the value the problem names (NOCHECK: any) */
};

static cors_setup_t S_MA0 = {"maxage 0", NULL};
static cors_setup_t S_MA86400 = {"maxage 86400", NULL};
static cors_setup_t S_MA86401 = {"maxage 86401", NULL};
static cors_setup_t S_MAM1 = {"maxage -1", NULL};
static cors_setup_t S_MAABC = {"maxage abc", NULL};
static cors_setup_t S_MASP = {"maxage 7200 ", NULL};
static cors_setup_t S_MAEMPTY = {"maxage ", NULL};
static cors_setup_t S_MAPLUS = {"maxage +5", NULL};
static cors_setup_t S_MABIG = {"maxage 99999999999999999999", NULL};
static cors_setup_t S_PFH = {"preflight handle", NULL};
static cors_setup_t S_PFC = {"preflight continue", NULL};
static cors_setup_t S_PFX = {"preflight foo", NULL};
static cors_setup_t S_ST204 = {"status 204", NULL};
static cors_setup_t S_ST200 = {"status 200", NULL};
static cors_setup_t S_ST201 = {"status 201", NULL};
static cors_setup_t S_STX = {"status abc", NULL};
static cors_setup_t S_UPR = {"upstream replace", NULL};
static cors_setup_t S_UPK = {"upstream keep", NULL};
static cors_setup_t S_UPX = {"upstream foo", NULL};
static cors_setup_t S_STAR_CRED = {"origin *", "credentials on", NULL};
static cors_setup_t S_CRED_STAR = {"credentials on", "origin *", NULL};
static cors_setup_t S_STAR_NOCRED = {"origin *", "credentials off", NULL};
static cors_setup_t S_NULL_CRED = {"origin null", "credentials on", NULL};
static cors_setup_t S_CRED_NULL = {"credentials on", "origin null", NULL};
static cors_setup_t S_PSW_CRED = {"origin https://*.co.uk", "credentials on",
                                  NULL};
static cors_setup_t S_CRED_PSW = {"credentials on", "origin https://*.co.uk",
                                  NULL};
static cors_setup_t S_ACEH_CRED = {"origin " OA, "expose *", "credentials on",
                                   NULL};
static cors_setup_t S_CRED_ACEH = {"origin " OA, "credentials on", "expose *",
                                   NULL};
static cors_setup_t S_CRED_A = {"credentials on", "origin " OA, NULL};
static cors_setup_t S_ORIGIN_BAD = {"origin https://a.example/", NULL};
static cors_setup_t S_METHOD_BAD = {"methods GET,POST", NULL};
static cors_setup_t S_HEADER_BAD = {"headers x(foo)", NULL};
static cors_setup_t S_EXPOSE_BAD = {"expose x-foo:", NULL};
static cors_setup_t S_REGEX_BAD = {"regex example\\.com", NULL};
static cors_setup_t S_REGEX_OK = {"regex ^https://a\\.example$", NULL};
static cors_setup_t S_METHOD_CASE = {"methods PUT put", NULL};
static cors_setup_t S_CATCH_CRED = {"credentials on", "regex ^https://[^/]+$",
                                    NULL};
static cors_setup_t S_CATCH_THEN_CRED = {"regex ^https://[^/]+$",
                                         "credentials on", NULL};
static cors_setup_t S_ORIGIN_COMMA = {"origin https://a.example,", NULL};
static cors_setup_t S_ORIGIN_NOSCHEME = {"origin *.example.com", NULL};
static cors_setup_t S_REGEX_DOT = {"regex ^https://a.example$", NULL};

static const struct cors_setter_case cors_setter_cases[] = {
    {"max age 0", S_MA0, CORS_PROBLEM_NONE, NULL},
    {"max age 86400", S_MA86400, CORS_PROBLEM_NONE, NULL},
    {"max age 86401", S_MA86401, CORS_ERR_MAX_AGE, "86401"},
    {"max age -1", S_MAM1, CORS_ERR_MAX_AGE, "-1"},
    {"max age abc", S_MAABC, CORS_ERR_MAX_AGE, "abc"},
    {"reading: max age with trailing space", S_MASP, CORS_ERR_MAX_AGE, NOCHECK},
    {"max age empty", S_MAEMPTY, CORS_ERR_MAX_AGE, ""},
    {"reading: max age with plus sign", S_MAPLUS, CORS_ERR_MAX_AGE, "+5"},
    {"max age overflowing", S_MABIG, CORS_ERR_MAX_AGE, "99999999999999999999"},
    {"preflight handle", S_PFH, CORS_PROBLEM_NONE, NULL},
    {"preflight continue", S_PFC, CORS_PROBLEM_NONE, NULL},
    {"preflight foo", S_PFX, CORS_ERR_KEYWORD, "foo"},
    {"status 204", S_ST204, CORS_PROBLEM_NONE, NULL},
    {"status 200", S_ST200, CORS_PROBLEM_NONE, NULL},
    {"status 201", S_ST201, CORS_ERR_KEYWORD, "201"},
    {"status abc", S_STX, CORS_ERR_KEYWORD, "abc"},
    {"upstream replace", S_UPR, CORS_PROBLEM_NONE, NULL},
    {"upstream keep", S_UPK, CORS_PROBLEM_NONE, NULL},
    {"upstream foo", S_UPX, CORS_ERR_KEYWORD, "foo"},
    {"star then credentials", S_STAR_CRED, CORS_ERR_CRED_ANY, "*"},
    {"credentials then star", S_CRED_STAR, CORS_ERR_CRED_ANY, "*"},
    {"star then credentials off", S_STAR_NOCRED, CORS_PROBLEM_NONE, NULL},
    {"null then credentials", S_NULL_CRED, CORS_ERR_CRED_NULL, "null"},
    {"credentials then null", S_CRED_NULL, CORS_ERR_CRED_NULL, "null"},
    {"public suffix wildcard then credentials", S_PSW_CRED, CORS_ERR_CRED_PUBLIC_SUFFIX, "https://*.co.uk"},
    {"credentials then public suffix wildcard", S_CRED_PSW, CORS_ERR_CRED_PUBLIC_SUFFIX, "https://*.co.uk"},
    {"reading: expose * then credentials", S_ACEH_CRED, CORS_ERR_CRED_EXPOSE_ANY, "*"},
    {"credentials then expose *", S_CRED_ACEH, CORS_ERR_CRED_EXPOSE_ANY, "*"},
    {"credentials then an origin", S_CRED_A, CORS_PROBLEM_NONE, NULL},
    {"origin with slash", S_ORIGIN_BAD, CORS_ERR_ORIGIN_TRAILING_SLASH, "https://a.example/"},
    {"method list", S_METHOD_BAD, CORS_ERR_COMMA, "GET,POST"},
    {"header with parentheses", S_HEADER_BAD, CORS_ERR_TOKEN, "x(foo)"},
    {"expose with colon", S_EXPOSE_BAD, CORS_ERR_TOKEN, "x-foo:"},
    {"unanchored regex", S_REGEX_BAD, CORS_ERR_REGEX_UNANCHORED, "example\\.com"},
    {"anchored regex", S_REGEX_OK, CORS_PROBLEM_NONE, NULL},
    {"credentials then a catch-all pattern", S_CATCH_CRED,
     CORS_ERR_CRED_CATCH_ALL, "^https://[^/]+$"},
    {"a catch-all pattern then credentials", S_CATCH_THEN_CRED,
     CORS_ERR_CRED_CATCH_ALL, "^https://[^/]+$"},
    {"methods put: fetch() sends PUT", S_METHOD_CASE, CORS_ERR_METHOD_CASE,
     "put"},
    {"origins joined by a comma", S_ORIGIN_COMMA, CORS_ERR_COMMA,
     "https://a.example,"},
    {"origin without a scheme", S_ORIGIN_NOSCHEME, CORS_ERR_ORIGIN_NO_SCHEME,
     "*.example.com"},
    {"regex with a dot between host characters", S_REGEX_DOT,
     CORS_ERR_REGEX_HOST_DOT, "^https://a.example$"},
};

/* ---- cors_policy_enabled / cors_policy_conflict ----------------------- */

struct cors_policy_flag_case {
    const char *desc;
    const char *const *setup;
    int enabled;
    int conflict; /**< cors_policy_conflict's kind, or CORS_PROBLEM_NONE */
};

static cors_setup_t E_NONE = {"origin none", NULL};
static cors_setup_t E_OVER_NONE = {"origin " OA, "--", "origin none", NULL};
static cors_setup_t E_INHERIT = {"origin " OA, "--", "methods PUT", NULL};
static cors_setup_t E_MINUS = {"origin " OA, "--", "origin -" OA, NULL};
static cors_setup_t E_NONE_THEN = {"origin none", "--", "origin +" OA, NULL};
static cors_setup_t E_REGEX_INHERIT = {"regex ^https://a\\.example$", "--",
                                       "methods PUT", NULL};
/* A catch-all pattern meeting credentials only through merging (an
 * .htaccess pattern under its parent's credentials, or the other way). */
static cors_setup_t E_CATCHALL_CRED = {"credentials on", "--",
                                       "regex ^https://[^/]+$", NULL};
static cors_setup_t E_CATCHALL_CRED2 = {"regex ^.*$", "--", "credentials on",
                                        NULL};
static cors_setup_t E_CATCHALL = {"regex ^https://[^/]+$", NULL};
static cors_setup_t E_PREVIEW_CRED = {
    "credentials on", "--",
    "regex ^https://pr-[0-9]+\\.preview\\.example\\.com$", NULL};

static const struct cors_policy_flag_case cors_policy_flag_cases[] = {
    {"nothing configured", P_NONE, 0, 0},
    {"one origin", P_A, 1, 0},
    {"star", P_STAR, 1, 0},
    {"null", P_NULL, 1, 0},
    {"regex only", P_RE, 1, 0},
    {"none", E_NONE, 0, 0},
    {"none over an origin", E_OVER_NONE, 0, 0},
    {"origin inherited by a section setting methods", E_INHERIT, 1, 0},
    {"regex inherited", E_REGEX_INHERIT, 1, 0},
    {"the only origin removed", E_MINUS, 0, 0},
    {"plus over none", E_NONE_THEN, 1, 0},
    {"credentials inherited, + origin", P_INHERIT, 1, 0},
    {"credentials inherited, star", P_X_STAR, 1, CORS_ERR_CRED_ANY},
    {"credentials inherited, + null", P_X_NULL, 1, CORS_ERR_CRED_NULL},
    {"credentials inherited, expose *", P_X_ACEH, 1, CORS_ERR_CRED_EXPOSE_ANY},
    {"credentials inherited, public suffix wildcard", P_X_PSW, 1, CORS_ERR_CRED_PUBLIC_SUFFIX},
    {"star inherited, credentials", P_X_CRED, 1, CORS_ERR_CRED_ANY},
    {"catch-all pattern under inherited credentials", E_CATCHALL_CRED, 1,
     CORS_ERR_CRED_CATCH_ALL},
    {"credentials over an inherited catch-all pattern", E_CATCHALL_CRED2, 1,
     CORS_ERR_CRED_CATCH_ALL},
    {"catch-all pattern without credentials", E_CATCHALL, 1,
     CORS_PROBLEM_NONE},
    {"real pattern under inherited credentials", E_PREVIEW_CRED, 1,
     CORS_PROBLEM_NONE},
};

#undef OA

#endif /* CORS_CASES_POLICY_H */
