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
 * mod_cors: counters per virtual host, in shared memory, and their
 * section of mod_status' server-status page.
 */

#include "mod_cors.h"

#include "apr_atomic.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "mod_status.h"

/* Per-module log levels (LogLevel cors:debug) need the module index. */
APLOG_USE_MODULE(cors);

static const char *const cors_counter_names[CORS_COUNTERS] =
    {"Allowed",
     "Refused",
     "PreflightsAllowed",
     "PreflightsRefused",
     "MalformedOrigins",
     "ListReloads",
     "ListReloadFailures",
     "DBCacheHits",
     "DBCacheMisses",
     "DBQueries",
     "DBErrors",
     "DBOverBudget"};

void cors_count_event(server_rec *s, cors_counter_e which)
{
    cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                     &cors_module);

    if (sconf->counters != NULL) {
        apr_atomic_inc32(&sconf->counters[which]);
    }
}

void cors_count(request_rec *r, const cors_decision_t *d)
{
    cors_server_conf_t *sconf = ap_get_module_config(r->server->module_config,
                                                     &cors_module);

    if (sconf->counters == NULL || d->kind == CORS_KIND_NO_ORIGIN) {
        return;
    }
    if (d->kind == CORS_KIND_PREFLIGHT) {
        apr_atomic_inc32(
            &sconf->counters[d->allowed ? CORS_COUNT_PREFLIGHT_ALLOWED
                                        : CORS_COUNT_PREFLIGHT_DENIED]);
    }
    else {
        apr_atomic_inc32(&sconf->counters[d->allowed ? CORS_COUNT_ALLOWED
                                                     : CORS_COUNT_DENIED]);
    }
    if (d->reason == CORS_REASON_ORIGIN_MALFORMED) {
        apr_atomic_inc32(&sconf->counters[CORS_COUNT_MALFORMED]);
    }
}

/* --------------------------------------------------------------------- */
/* Counters for mod_status                                                */

/*
 * One anonymous shared segment per configuration, created before the
 * children are forked, so every child of every MPM adds to the same
 * counters; a restart starts them again, as mod_status' own do.
 */
apr_status_t cors_counters_create(apr_pool_t *pconf, server_rec *s)
{
    apr_shm_t *shm;
    apr_size_t nservers = 0, size;
    volatile apr_uint32_t *base;
    server_rec *v;
    apr_status_t rv;

    for (v = s; v != NULL; v = v->next) {
        nservers++;
    }
    size = nservers * CORS_COUNTERS * sizeof(apr_uint32_t);
    rv = apr_shm_create(&shm, size, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     CORS_LOGNO(0006) "no shared memory for the server-status "
                                      "counters; "
                                      "CORS works, uncounted");
        return rv;
    }
    base = apr_shm_baseaddr_get(shm);
    memset((void *)base, 0, size);
    for (v = s; v != NULL; v = v->next) {
        cors_server_conf_t *sconf = ap_get_module_config(v->module_config,
                                                         &cors_module);

        sconf->counters = base;
        base += CORS_COUNTERS;
    }
    return APR_SUCCESS;
}

int cors_status_hook(request_rec *r, int flags)
{
    server_rec *s;
    int i;

    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr />\n<h2>mod_cors</h2>\n<table border=\"1\">"
                 "<tr><th>Server</th>",
                 r);
        for (i = 0; i < CORS_COUNTERS; i++) {
            ap_rprintf(r, "<th>%s</th>", cors_counter_names[i]);
        }
        ap_rputs("</tr>\n", r);
    }
    for (s = ap_server_conf; s != NULL; s = s->next) {
        cors_server_conf_t *sconf = ap_get_module_config(s->module_config,
                                                         &cors_module);
        const char *name = cors_server_label(r->pool, s);

        if (sconf->counters == NULL) {
            continue;
        }
        if (flags & AP_STATUS_SHORT) {
            for (i = 0; i < CORS_COUNTERS; i++) {
                ap_rprintf(r, "CORS%s[%s]: %u\n", cors_counter_names[i], name,
                           (unsigned)sconf->counters[i]);
            }
            continue;
        }
        ap_rprintf(r, "<tr><td>%s</td>", ap_escape_html(r->pool, name));
        for (i = 0; i < CORS_COUNTERS; i++) {
            ap_rprintf(r, "<td>%u</td>", (unsigned)sconf->counters[i]);
        }
        ap_rputs("</tr>\n", r);
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</table>\n", r);
    }
    return OK;
}
