/* Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * test_budget.c: unit tests of src/cors_budget.h, the database query
 * budget per second and "log once per interval", alone and under threads.
 */

#include <apr_thread_proc.h>

#include "unit_util.h"
#include "cors_budget.h"

static void test_budget_per_second(void **state)
{
    cors_budget_t b = {0};
    int i, taken = 0;

    (void)state;
    for (i = 0; i < 100; i++) {
        taken += cors_budget_take(&b, 1000, 10);
    }
    assert_int_equal(10, taken);
    /* the next second starts full again */
    assert_true(cors_budget_take(&b, 1001, 10));
    /* a limit of 0 takes nothing */
    assert_false(cors_budget_take(&b, 1002, 0));
    /* a clock stepped back is another second, not a frozen budget */
    assert_true(cors_budget_take(&b, 999, 10));
}

struct takers {
    cors_budget_t *b;
    int taken;
};

static void *APR_THREAD_FUNC taker(apr_thread_t *t, void *data)
{
    struct takers *k = data;
    int i;

    for (i = 0; i < 100000; i++) {
        k->taken += cors_budget_take(k->b, 77, 500);
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* Never more than the limit, however many take at once. */
static void test_budget_threads(void **state)
{
    apr_pool_t *p = *state;
    cors_budget_t b = {0};
    struct takers k[4];
    apr_thread_t *th[4];
    apr_status_t rv;
    int i, total = 0;

    for (i = 0; i < 4; i++) {
        k[i].b = &b;
        k[i].taken = 0;
        assert_int_equal(APR_SUCCESS,
                         apr_thread_create(&th[i], NULL, taker, &k[i], p));
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, th[i]);
        total += k[i].taken;
    }
    assert_int_equal(500, total);
}

static void test_once_per(void **state)
{
    volatile apr_uint32_t stamp = 0;

    (void)state;
    assert_true(cors_once_per(&stamp, 5000, 10));
    assert_false(cors_once_per(&stamp, 5000, 10));
    assert_false(cors_once_per(&stamp, 5009, 10));
    assert_true(cors_once_per(&stamp, 5010, 10));
    assert_false(cors_once_per(&stamp, 5011, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_per_second),
        cmocka_unit_test(test_budget_threads),
        cmocka_unit_test(test_once_per),
    };

    return cmocka_run_group_tests_name("cors_budget", tests, unit_setup,
                                       unit_teardown);
}
