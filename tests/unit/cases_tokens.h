/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cases_tokens.h: case tables for src/cors_tokens.h (usable as fuzz
 * seeds).  Expected values come from docs/behaviour.md and cors_tokens.h.
 */

#ifndef CORS_CASES_TOKENS_H
#define CORS_CASES_TOKENS_H

#include "cors_tokens.h"

/* ---- cors_is_token ---------------------------------------------------- */

struct cors_token_case {
    const char *desc;
    const char *s;
    apr_size_t len;
    int token;
};

#define TOK(d, s, t) {d, s, sizeof(s) - 1, t}

static const struct cors_token_case cors_token_cases[] = {
    TOK("method", "GET", 1),
    TOK("lowercase method", "patch", 1),
    TOK("header name", "x-foo", 1),
    TOK("every tchar punctuation", "!#$%&'*+-.^_`|~", 1),
    TOK("digits", "0123456789", 1),
    TOK("single star", "*", 1),
    TOK("empty", "", 0),
    TOK("space inside", "A B", 0),
    TOK("comma", "GET,POST", 0),
    TOK("leading space", " GET", 0),
    TOK("trailing space", "GET ", 0),
    TOK("tab", "GE\tT", 0),
    TOK("colon", "x:y", 0),
    TOK("semicolon", "x;y", 0),
    TOK("slash", "x/y", 0),
    TOK("double quote", "x\"y", 0),
    TOK("parentheses", "x(y)", 0),
    TOK("braces", "x{y}", 0),
    TOK("brackets", "x[y]", 0),
    TOK("at", "x@y", 0),
    TOK("equals", "x=y", 0),
    TOK("question mark", "x?y", 0),
    TOK("backslash", "x\\y", 0),
    TOK("less than", "x<y", 0),
    TOK("CR LF", "x\r\ny", 0),
    TOK("DEL", "x\x7fy", 0),
    TOK("non-ASCII (UTF-8)", "G\xc3\x89T", 0),
    TOK("high byte", "\x80", 0),
    TOK("embedded NUL within len", "a\0b", 0),
    {"len honoured: GET cut to GE", "GET", 2, 1},
    {"len honoured: token before the space", "GET POST", 3, 1},
    {"len 0 of a non-empty string", "GET", 0, 0},
};

#undef TOK

/* ---- cors_tokens_add -------------------------------------------------- */

#define CORS_CASE_MAX_TOKENS 6

struct cors_tokens_add_case {
    const char *desc;
    cors_tokens_kind_e kind;
    const char *values[CORS_CASE_MAX_TOKENS];   /**< added in order */
    int ok;                     /**< every value accepted */
    const char *bad;            /**< when !ok: the value the message names */
    int any;
    const char *joined;         /**< expected joined (when ok) */
    const char *has[CORS_CASE_MAX_TOKENS];      /**< cors_tokens_has true */
    const char *hasnt[CORS_CASE_MAX_TOKENS];    /**< cors_tokens_has false */
};

#define TM CORS_TOKENS_METHODS
#define TH CORS_TOKENS_HEADERS

static const struct cors_tokens_add_case cors_tokens_add_cases[] = {
    {"one method", TM, {"PUT"}, 1, NULL, 0, "PUT", {"PUT"},
     {"put", "GET"}},
    {"methods keep their case", TM, {"PATCH"}, 1, NULL, 0, "PATCH",
     {"PATCH"}, {"patch", "Patch"}},
    {"PATCH and patch are distinct", TM, {"PATCH", "patch"}, 1, NULL, 0,
     "PATCH, patch", {"PATCH", "patch"}, {"PaTcH"}},
    {"several methods joined in order", TM, {"PUT", "DELETE", "PATCH"}, 1,
     NULL, 0, "PUT, DELETE, PATCH", {"PUT", "DELETE", "PATCH"}, {"GET"}},
    {"star sets any", TM, {"*"}, 1, NULL, 1, "*", {NULL}, {NULL}},
    {"comma-joined method refused", TM, {"GET,POST"}, 0, "GET,POST", 0,
     NULL, {NULL}, {NULL}},
    {"empty method refused", TM, {""}, 0, NULL, 0, NULL, {NULL}, {NULL}},
    {"method with space refused", TM, {"A B"}, 0, "A B", 0, NULL, {NULL},
     {NULL}},
    {"non-ASCII method refused", TM, {"G\xc3\x89T"}, 0, "G\xc3\x89T", 0,
     NULL, {NULL}, {NULL}},
    {"bad value after a good one", TM, {"PUT", "DE LETE"}, 0, "DE LETE", 0,
     NULL, {NULL}, {NULL}},
    /*
     * cors_tokens.h: the set is lowercased (lookups case-insensitive),
     * names and joined keep the configured spelling.
     */
    {"header found in any case, spelling kept", TH, {"X-Foo"}, 1, NULL, 0,
     "X-Foo", {"x-foo", "X-FOO", "X-Foo"}, {"x-bar"}},
    {"headers joined as configured, in order", TH,
     {"Content-Type", "X-Requested-With"}, 1, NULL, 0,
     "Content-Type, X-Requested-With",
     {"content-type", "X-REQUESTED-WITH"}, {"x-foo"}},
    {"Authorization listed", TH, {"Authorization"}, 1, NULL, 0,
     "Authorization", {"authorization", "AUTHORIZATION"}, {NULL}},
    {"header star sets any", TH, {"*"}, 1, NULL, 1, "*", {NULL}, {NULL}},
    {"reading: same header twice is listed once, first spelling", TH,
     {"X-Foo", "x-foo"}, 1, NULL, 0, "X-Foo", {"x-foo"}, {NULL}},
    {"header with colon refused", TH, {"X-Foo:"}, 0, "X-Foo:", 0, NULL,
     {NULL}, {NULL}},
    {"header with space refused", TH, {"X Foo"}, 0, "X Foo", 0, NULL,
     {NULL}, {NULL}},
    {"header list refused", TH, {"x-a,x-b"}, 0, "x-a,x-b", 0, NULL, {NULL},
     {NULL}},
    {"empty header refused", TH, {""}, 0, NULL, 0, NULL, {NULL}, {NULL}},
    {"non-ASCII header refused", TH, {"x-\xc3\xa9t\xc3\xa9"}, 0,
     "x-\xc3\xa9t\xc3\xa9", 0, NULL, {NULL}, {NULL}},
};

#undef TM
#undef TH

/* ---- cors_request_headers_parse --------------------------------------- */

#define CORS_CASE_MAX_NAMES 6

struct cors_acrh_case {
    const char *desc;
    const char *value;          /**< NULL allowed */
    cors_list_status_e status;
    int nnames;                 /**< expected count on OK, -1: unchecked */
    const char *names[CORS_CASE_MAX_NAMES];
};

#define LOK CORS_LIST_OK
#define LBAD CORS_LIST_MALFORMED

/* 16 empty elements between a and b (17 commas), and 17 (18 commas). */
#define COMMAS_16 ",,,,,,,,,,,,,,,,,"
#define COMMAS_17 ",,,,,,,,,,,,,,,,,,"

static const struct cors_acrh_case cors_acrh_cases[] = {
    {"NULL: no names", NULL, LOK, 0, {NULL}},
    {"empty: no names", "", LOK, 0, {NULL}},
    {"one name", "x-foo", LOK, 1, {"x-foo"}},
    {"Chrome's form", "content-type,x-foo", LOK, 2,
     {"content-type", "x-foo"}},
    {"lowercased", "X-Foo", LOK, 1, {"x-foo"}},
    {"lowercased list", "Content-Type,X-Requested-With", LOK, 2,
     {"content-type", "x-requested-with"}},
    {"comma space", "a, b", LOK, 2, {"a", "b"}},
    {"OWS around each element within budget", " a , b ", LOK, 2, {"a", "b"}},
    {"two spaces is the budget", "a,  b", LOK, 2, {"a", "b"}},
    {"two spaces before comma", "a  ,b", LOK, 2, {"a", "b"}},
    {"tab is OWS", "a,\tb", LOK, 2, {"a", "b"}},
    {"three spaces is over the budget", "a,   b", LBAD, -1, {NULL}},
    {"three spaces before comma", "a   ,b", LBAD, -1, {NULL}},
    {"three leading spaces", "   a", LBAD, -1, {NULL}},
    {"one empty element", "a,,b", LOK, 2, {"a", "b"}},
    {"empty element with OWS", "a, ,b", LOK, 2, {"a", "b"}},
    {"leading empty element", ",a", LOK, 1, {"a"}},
    {"trailing empty element", "a,", LOK, 1, {"a"}},
    {"CORS_EMPTY_ELEMENTS_BUDGET empty elements", "a" COMMAS_16 "b", LOK, 2,
     {"a", "b"}},
    {"one empty element over the budget", "a" COMMAS_17 "b", LBAD, -1,
     {NULL}},
    {"reading: only empty elements is no names", ",,,", LOK, 0, {NULL}},
    {"space inside an element", "a b", LBAD, -1, {NULL}},
    {"semicolon", "x-foo;bar", LBAD, -1, {NULL}},
    {"colon", "x-foo:", LBAD, -1, {NULL}},
    {"slash", "x/y", LBAD, -1, {NULL}},
    {"double quote", "\"x\"", LBAD, -1, {NULL}},
    {"non-ASCII", "x-\xc3\xa9", LBAD, -1, {NULL}},
    {"CR LF", "a\r\nb", LBAD, -1, {NULL}},
    {"bare LF", "a,\nb", LBAD, -1, {NULL}},
    {"bare CR", "a,\rb", LBAD, -1, {NULL}},
    {"vertical tab is not OWS", "a,\vb", LBAD, -1, {NULL}},
    {"DEL", "a\x7f", LBAD, -1, {NULL}},
};

#undef LOK
#undef LBAD

/* ---- cors_method_check (docs/behaviour.md §1, methods) ----------------- */

#define M_OK 0      /* accepted, no warning */
#define M_WARNS 1   /* accepted with a warning */
#define M_REFUSED 2 /* an error */

struct cors_method_check_case {
    const char *desc;
    const char *value;
    int outcome;         /**< M_* */
    const char *suggest; /**< the name proposed (the hint), or NULL */
};

static const struct cors_method_check_case cors_method_check_cases[] = {
    {"uppercase fetch method", "PUT", M_OK, NULL},
    {"lowercase put: fetch() sends PUT", "put", M_REFUSED, "PUT"},
    {"lowercase get", "get", M_REFUSED, "GET"},
    {"mixed-case Delete", "Delete", M_REFUSED, "DELETE"},
    {"lowercase options", "options", M_REFUSED, "OPTIONS"},
    {"lowercase head", "head", M_REFUSED, "HEAD"},
    {"lowercase post", "post", M_REFUSED, "POST"},
    {"PATCH", "PATCH", M_OK, NULL},
    {"patch stays patch in fetch(): accepted", "patch", M_OK, NULL},
    {"WebDAV PROPFIND", "PROPFIND", M_OK, NULL},
    {"WebDAV MKCOL", "MKCOL", M_OK, NULL},
    {"QUERY", "QUERY", M_OK, NULL},
    {"star", "*", M_OK, NULL},
    {"typo PSOT: warns, proposes POST", "PSOT", M_WARNS, "POST"},
    {"typo PACTH: warns, proposes PATCH", "PACTH", M_WARNS, "PATCH"},
    {"typo DELET: warns, proposes DELETE", "DELET", M_WARNS, "DELETE"},
    {"unknown name far from any: warns", "FROBNICATE", M_WARNS, NULL},
    {"long unknown name: warns",
     "A-VERY-LONG-METHOD-NAME-THAT-NOBODY-REGISTERED", M_WARNS, NULL},
};

#endif /* CORS_CASES_TOKENS_H */
