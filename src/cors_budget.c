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
 * cors_budget.c: budgets shared between processes, by compare-and-swap on
 * one word, so that a process that dies holding nothing leaves nothing
 * locked.
 */

#include <apr_atomic.h>

#include "cors_budget.h"

int cors_budget_take(cors_budget_t *b, apr_uint32_t now, apr_uint32_t limit)
{
    for (;;) {
        apr_uint64_t old = apr_atomic_read64(&b->state);
        apr_uint32_t second = (apr_uint32_t)(old >> 32);
        apr_uint32_t used = (apr_uint32_t)old;
        apr_uint64_t next;

        if (second != now) {
            /* A new second (or a clock stepped back): a full budget. */
            used = 0;
        }
        if (used >= limit) {
            return 0;
        }
        next = ((apr_uint64_t)now << 32) | (used + 1);
        if (apr_atomic_cas64(&b->state, next, old) == old) {
            return 1;
        }
    }
}

int cors_once_per(volatile apr_uint32_t *stamp, apr_uint32_t now,
                  apr_uint32_t interval)
{
    apr_uint32_t last = apr_atomic_read32(stamp);

    /* 0 is "never": the first event always acts. */
    if (last != 0 && now - last < interval) {
        return 0;
    }
    return apr_atomic_cas32(stamp, now, last) == last;
}
