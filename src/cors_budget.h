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
 * cors_budget.h: limits shared by every process of a server, kept in
 * shared memory and changed with atomic operations only (no lock): a
 * number of events per second (database queries), and "once per interval"
 * (an error logged).
 */

#ifndef CORS_BUDGET_H
#define CORS_BUDGET_H

#include "cors.h"

/** At most a number of events per second; lives in shared memory. */
typedef struct cors_budget_t {
    /** the current second (high 32 bits) and the events in it (low) */
    volatile apr_uint64_t state;
} cors_budget_t;

/**
 * Take one event from the budget of second now (seconds since the epoch):
 * 1 if fewer than limit were taken in that second, else 0.  Exact across
 * processes and threads: never more than limit in one second.
 */
int cors_budget_take(cors_budget_t *b, apr_uint32_t now, apr_uint32_t limit);

/**
 * Whether the caller is the one, among every process, to act at second
 * now: 1 at most once per interval seconds for one stamp.
 */
int cors_once_per(volatile apr_uint32_t *stamp, apr_uint32_t now,
                  apr_uint32_t interval);

#endif /* CORS_BUDGET_H */
