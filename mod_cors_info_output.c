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
 * mod_cors: the cors-policy handler's output.  What mod_cors_info.c found
 * out for one URL (the policy's rows with their sources, the decisions and
 * the headers they send), written as text, HTML or JSON.  Every value that
 * comes from the client or the configuration is escaped for the format.
 */

#include "mod_cors.h"
#include "mod_cors_info.h"

#include "apr_strings.h"

#include "http_protocol.h"

/* --------------------------------------------------------------------- */
/* Escaping                                                               */

/* A JSON string literal, quotes included. */
static const char *cors_json_str(apr_pool_t *p, const char *s)
{
    apr_size_t n = 2;
    const unsigned char *c;
    char *out, *o;

    if (s == NULL) {
        return "null";
    }
    for (c = (const unsigned char *)s; *c; c++) {
        n += (*c < 0x20 || *c == '"' || *c == '\\' || *c == '<' || *c == '>'
              || *c == '&' || *c == 0x7f)
                 ? 6
                 : 1;
    }
    o = out = apr_palloc(p, n + 1);
    *o++ = '"';
    for (c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c == '"' || *c == '\\' || *c == '<' || *c == '>'
            || *c == '&' || *c == 0x7f) {
            apr_snprintf(o, 7, "\\u%04x", (unsigned)*c);
            o += 6;
        }
        else {
            *o++ = (char)*c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Text for the chosen format: HTML-escaped, or control bytes made visible
 * in plain text (a URL or Origin from the client may carry any byte). */
static const char *cors_info_esc(apr_pool_t *p, cors_fmt_e fmt, const char *s)
{
    if (s == NULL) {
        return "";
    }
    if (fmt == CORS_FMT_HTML) {
        return ap_escape_html(p, s);
    }
    else {
        const unsigned char *c;
        apr_size_t n = 0;
        char *out, *o;

        for (c = (const unsigned char *)s; *c; c++) {
            n += (*c < 0x20 || *c == 0x7f) ? 4 : 1;
        }
        o = out = apr_palloc(p, n + 1);
        for (c = (const unsigned char *)s; *c; c++) {
            if (*c < 0x20 || *c == 0x7f) {
                apr_snprintf(o, 5, "\\x%02x", (unsigned)*c);
                o += 4;
            }
            else {
                *o++ = (char)*c;
            }
        }
        *o = '\0';
        return out;
    }
}

/* --------------------------------------------------------------------- */
/* The formats                                                            */

static const char *cors_info_verdict(apr_pool_t *p,
                                     const cors_info_decision_t *dec)
{
    if (dec->policy == NULL || !cors_policy_enabled(dec->policy)) {
        return "no CORS headers: CORS is off for this URL";
    }
    if (dec->d.allowed) {
        return dec->d.kind == CORS_KIND_PREFLIGHT
                   ? apr_psprintf(p, "allowed, answered %d", dec->d.status)
                   : "allowed";
    }
    if (dec->d.kind == CORS_KIND_PREFLIGHT) {
        return apr_psprintf(p, "refused, answered %d", dec->d.status);
    }
    return "refused";
}

static void cors_info_text(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rprintf(r, "mod_cors: the policy of %s\nserver: %s\n",
               cors_info_esc(p, in->fmt, in->path),
               cors_info_esc(p, in->fmt, in->server));
    ap_rprintf(r,
               "lookup: %s %s -> status %d (httpd's own lookup: sections, "
               ".htaccess, <If>, RewriteRules)\n",
               cors_info_esc(p, in->fmt, in->method),
               cors_info_esc(p, in->fmt, in->path), in->lookup_status);
    if (in->filename != NULL) {
        ap_rprintf(r, "file: %s\n", cors_info_esc(p, in->fmt, in->filename));
    }
    ap_rputs("\npolicy (value, and where it was set):\n", r);
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r, "  %s: %s%s%s\n", row->name,
                   cors_info_esc(p, in->fmt, row->value),
                   row->source ? "    <- " : "",
                   row->source ? cors_info_esc(p, in->fmt, row->source) : "");
    }
    if (in->origin == NULL) {
        ap_rputs("\n(add &origin=https://... and &method=..., &headers=... "
                 "to see the decision)\n",
                 r);
        return;
    }
    ap_rprintf(r, "\nrequest: %s from Origin %s%s%s\n",
               cors_info_esc(p, in->fmt, in->method),
               cors_info_esc(p, in->fmt, in->origin),
               in->headers ? " with headers " : "",
               in->headers ? cors_info_esc(p, in->fmt, in->headers) : "");
    for (k = 0; k < in->ndecisions; k++) {
        const cors_info_decision_t *dec = &in->decisions[k];
        apr_size_t h;
        const char *name, *v;

        ap_rprintf(r, "%s %s: %s\n", dec->what, dec->method,
                   cors_info_verdict(p, dec));
        if (dec->reason != NULL) {
            ap_rprintf(r, "  reason: %s\n",
                       cors_info_esc(p, in->fmt, dec->reason));
        }
        if (dec->hint != NULL) {
            ap_rprintf(r, "  hint: %s\n", cors_info_esc(p, in->fmt, dec->hint));
        }
        if (dec->lookup_status != HTTP_OK) {
            ap_rprintf(r, "  (the %s lookup ended with status %d)\n",
                       dec->method, dec->lookup_status);
        }
        for (h = 0; cors_decision_header(&dec->d, h, &name, &v); h++) {
            if (v != NULL) {
                ap_rprintf(r, "  %s: %s\n", name, cors_info_esc(p, in->fmt, v));
            }
        }
    }
}

static void cors_info_html(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rputs(DOCTYPE_HTML_4_01 "<html><head><title>mod_cors policy</title>"
                               "</head><body>\n",
             r);
    ap_rprintf(r, "<h1>mod_cors: the policy of <code>%s</code></h1>\n",
               cors_info_esc(p, CORS_FMT_HTML, in->path));
    ap_rprintf(r,
               "<p>Server: %s<br />\nLookup: <code>%s %s</code>, status %d "
               "(httpd's own lookup: sections, .htaccess, &lt;If&gt;, "
               "RewriteRules)",
               cors_info_esc(p, CORS_FMT_HTML, in->server),
               cors_info_esc(p, CORS_FMT_HTML, in->method),
               cors_info_esc(p, CORS_FMT_HTML, in->path), in->lookup_status);
    if (in->filename != NULL) {
        ap_rprintf(r, "<br />\nFile: <code>%s</code>",
                   cors_info_esc(p, CORS_FMT_HTML, in->filename));
    }
    ap_rputs("</p>\n<table border=\"1\"><tr><th>Field</th><th>Value</th>"
             "<th>Set at</th></tr>\n",
             r);
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r,
                   "<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n",
                   cors_info_esc(p, CORS_FMT_HTML, row->name),
                   cors_info_esc(p, CORS_FMT_HTML, row->value),
                   row->source  ? cors_info_esc(p, CORS_FMT_HTML, row->source)
                   : row->field ? "(default)"
                                : "");
    }
    ap_rputs("</table>\n", r);
    if (in->origin != NULL) {
        ap_rprintf(r, "<h2>%s from <code>%s</code>%s%s%s</h2>\n",
                   cors_info_esc(p, CORS_FMT_HTML, in->method),
                   cors_info_esc(p, CORS_FMT_HTML, in->origin),
                   in->headers ? " with headers <code>" : "",
                   in->headers ? cors_info_esc(p, CORS_FMT_HTML, in->headers)
                               : "",
                   in->headers ? "</code>" : "");
        for (k = 0; k < in->ndecisions; k++) {
            const cors_info_decision_t *dec = &in->decisions[k];
            apr_size_t h;
            const char *name, *v;

            ap_rprintf(r, "<h3>%s %s: %s</h3>\n<ul>\n", dec->what, dec->method,
                       cors_info_verdict(p, dec));
            if (dec->reason != NULL) {
                ap_rprintf(r, "<li>reason: %s</li>\n",
                           cors_info_esc(p, CORS_FMT_HTML, dec->reason));
            }
            if (dec->hint != NULL) {
                ap_rprintf(r, "<li>hint: %s</li>\n",
                           cors_info_esc(p, CORS_FMT_HTML, dec->hint));
            }
            for (h = 0; cors_decision_header(&dec->d, h, &name, &v); h++) {
                if (v != NULL) {
                    ap_rprintf(r, "<li><code>%s: %s</code></li>\n", name,
                               cors_info_esc(p, CORS_FMT_HTML, v));
                }
            }
            ap_rputs("</ul>\n", r);
        }
    }
    ap_rputs("</body></html>\n", r);
}

static void cors_info_json(request_rec *r, const cors_info_t *in)
{
    apr_pool_t *p = r->pool;
    int i, k;

    ap_rprintf(r,
               "{\"url\": %s, \"server\": %s, \"lookup\": {\"method\": %s, "
               "\"status\": %d, \"filename\": %s},\n \"policy\": [",
               cors_json_str(p, in->path), cors_json_str(p, in->server),
               cors_json_str(p, in->method), in->lookup_status,
               cors_json_str(p, in->filename));
    for (i = 0; i < in->rows->nelts; i++) {
        const cors_info_row_t *row = &APR_ARRAY_IDX(in->rows, i,
                                                    cors_info_row_t);

        ap_rprintf(r, "%s\n  {\"field\": %s, \"value\": %s, \"source\": %s}",
                   i ? "," : "", cors_json_str(p, row->name),
                   cors_json_str(p, row->value), cors_json_str(p, row->source));
    }
    ap_rprintf(r,
               "],\n \"request\": {\"origin\": %s, \"method\": %s, "
               "\"headers\": %s},\n \"decisions\": [",
               cors_json_str(p, in->origin), cors_json_str(p, in->method),
               cors_json_str(p, in->headers));
    for (k = 0; in->origin != NULL && k < in->ndecisions; k++) {
        const cors_info_decision_t *dec = &in->decisions[k];
        int on = dec->policy != NULL && cors_policy_enabled(dec->policy);
        apr_size_t h;
        const char *name, *v;
        int n = 0;

        ap_rprintf(r,
                   "%s\n  {\"kind\": \"%s\", \"method\": %s, \"cors\": %s, "
                   "\"allowed\": %s, \"status\": %d, \"lookup_status\": %d, "
                   "\"reason\": %s, \"hint\": %s, \"headers\": {",
                   k ? "," : "", dec->what, cors_json_str(p, dec->method),
                   on ? "true" : "false",
                   on && dec->d.allowed ? "true" : "false",
                   dec->d.kind == CORS_KIND_PREFLIGHT ? dec->d.status : 0,
                   dec->lookup_status, cors_json_str(p, dec->reason),
                   cors_json_str(p, dec->hint));
        for (h = 0; on && cors_decision_header(&dec->d, h, &name, &v); h++) {
            if (v != NULL) {
                ap_rprintf(r, "%s%s: %s", n++ ? ", " : "",
                           cors_json_str(p, name), cors_json_str(p, v));
            }
        }
        ap_rputs("}}", r);
    }
    ap_rputs("]}\n", r);
}

int cors_info_usage(request_rec *r, cors_fmt_e fmt)
{
    static const char usage[] =
        "mod_cors: the effective CORS policy of one URL\n\n"
        "?url=/path                the policy, and where each value was set\n"
        "&origin=https://...       and what mod_cors decides for that Origin\n"
        "&method=PUT               the method the page uses (default GET)\n"
        "&headers=content-type,x   the request headers the page sets\n"
        "&format=text|html|json    default text\n";

    if (fmt == CORS_FMT_JSON) {
        ap_set_content_type(r, "application/json");
        ap_rprintf(r, "{\"error\": %s}\n",
                   cors_json_str(r->pool, "the parameter url is missing"));
    }
    else if (fmt == CORS_FMT_HTML) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rprintf(r,
                   DOCTYPE_HTML_4_01 "<html><body><pre>%s</pre></body>"
                                     "</html>\n",
                   ap_escape_html(r->pool, usage));
    }
    else {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        ap_rputs(usage, r);
    }
    return OK;
}

void cors_info_write(request_rec *r, const cors_info_t *in)
{
    if (in->fmt == CORS_FMT_JSON) {
        ap_set_content_type(r, "application/json");
        cors_info_json(r, in);
    }
    else if (in->fmt == CORS_FMT_HTML) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        cors_info_html(r, in);
    }
    else {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        cors_info_text(r, in);
    }
}
