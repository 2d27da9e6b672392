// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrvd's restart policy (src/policy.c) with a fake clock:
 * the time is whatever each call says.  Backoff doubling and its cap,
 * giving up after max-restarts in the window, the window sliding, hang
 * and boot-timeout detection, and the operator's restart bringing back a
 * domain given up.
 */
#include "check.h"
#include "policy.c"

static struct dd_conf conf(unsigned int max, uint64_t window_s,
			   uint64_t initial, uint64_t cap)
{
	struct dd_conf c = {
		.name = "dd",
		.config = "/etc/xen/dd.cfg",
		.restart = RESTART_ALWAYS,
		.max_restarts = max,
		.window_ms = window_s * 1000,
		.backoff_initial_ms = initial,
		.backoff_max_ms = cap,
		.heartbeat_timeout_ms = 10000,
		.boot_timeout_ms = 60000,
	};
	return c;
}

/* Fail at @t and follow the policy until it restarts; returns when. */
static uint64_t fail_and_restart(struct policy *p, const struct dd_conf *c,
				 uint64_t t, uint64_t *waited)
{
	enum policy_action a;

	CHECK(policy_failed(p, t, R_CRASH));
	CHECK_EQ(p->state, DD_FAILED_DETECTED);
	a = policy_step(p, c, t);
	if (a == ACT_RESTART) {
		*waited = 0;
		return t;
	}
	CHECK_EQ(a, ACT_BACKOFF);
	CHECK_EQ(p->state, DD_BACKOFF);
	*waited = p->deadline - t;
	CHECK_EQ(policy_next_deadline(p, c), p->deadline);
	/* Not a millisecond early. */
	CHECK_EQ(policy_step(p, c, p->deadline - 1), ACT_NONE);
	CHECK_EQ(p->state, DD_BACKOFF);
	t = p->deadline;
	CHECK_EQ(policy_step(p, c, t), ACT_RESTART);
	return t;
}

static void test_backoff(void)
{
	struct dd_conf c = conf(20, 3600, 1000, 8000);
	static const uint64_t want[] = { 0, 1000, 2000, 4000, 8000, 8000,
					 8000 };
	struct policy p;
	uint64_t t = 0, waited;
	unsigned int i;

	policy_init(&p, 0);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		t = fail_and_restart(&p, &c, t + 100, &waited);
		CHECK_EQ(waited, want[i]);
		CHECK_EQ(p.state, DD_RESTARTING);
		CHECK_EQ(p.total_restarts, i + 1);
		CHECK(policy_heartbeat(&p, &c, t + 50));
		CHECK_EQ(p.state, DD_RUNNING);
	}
	/* The doubling saturates instead of overflowing. */
	c = conf(100, 3600, 3600 * 1000, 24 * 3600 * 1000ULL);
	CHECK_EQ(policy_backoff(&c, 100), 24 * 3600 * 1000ULL);
	CHECK_EQ(policy_backoff(&c, 1), 3600 * 1000);
	CHECK_EQ(policy_backoff(&c, 0), 0);
	c = conf(100, 3600, 0, 0);
	CHECK_EQ(policy_backoff(&c, 50), 0);
}

static void test_give_up(void)
{
	struct dd_conf c = conf(3, 600, 0, 0);
	struct policy p;
	uint64_t t = 1000, waited;
	unsigned int i;

	policy_init(&p, t);
	for (i = 0; i < 3; i++) {
		t = fail_and_restart(&p, &c, t + 1000, &waited);
		CHECK_EQ(policy_up(&p, t + 500), 500);
	}
	CHECK(policy_failed(&p, t + 1000, R_DESTROYED));
	CHECK_EQ(policy_step(&p, &c, t + 1000), ACT_GIVE_UP);
	CHECK_EQ(p.state, DD_GIVEN_UP);
	CHECK_EQ(p.reason, R_DESTROYED);
	CHECK_EQ(p.total_restarts, 3);
	CHECK_EQ(p.total_failures, 4);
	/* Left alone: no timer, no action, later failures are old news. */
	CHECK_EQ(policy_next_deadline(&p, &c), 0);
	CHECK(!policy_failed(&p, t + 2000, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, t + 10000000), ACT_NONE);
	CHECK(!policy_heartbeat(&p, &c, t + 3000));
	CHECK_EQ(p.state, DD_GIVEN_UP);

	/* restart=never: the first failure gives up. */
	c.restart = RESTART_NEVER;
	policy_init(&p, 0);
	CHECK(policy_failed(&p, 5, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 5), ACT_GIVE_UP);
	/* max-restarts=0 does the same. */
	c = conf(0, 600, 0, 0);
	policy_init(&p, 0);
	CHECK(policy_failed(&p, 5, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 5), ACT_GIVE_UP);
}

static void test_window_slides(void)
{
	struct dd_conf c = conf(2, 100, 1000, 1000);
	struct policy p, q;
	uint64_t waited;

	policy_init(&p, 0);
	fail_and_restart(&p, &c, 0, &waited);		/* restart at 0 */
	policy_up(&p, 10);
	fail_and_restart(&p, &c, 10000, &waited);	/* at 11000 */
	CHECK_EQ(waited, 1000);
	policy_up(&p, 12000);
	CHECK_EQ(policy_in_window(&p, &c, 12000), 2);
	q = p;

	/* Both restarts in the window: give up. */
	CHECK(policy_failed(&p, 99999, R_HANG));
	CHECK_EQ(policy_step(&p, &c, 99999), ACT_GIVE_UP);

	/* The first one has left the window: restart, with less backoff. */
	CHECK_EQ(policy_in_window(&q, &c, 100000), 1);
	CHECK(policy_failed(&q, 100000, R_HANG));
	CHECK_EQ(policy_step(&q, &c, 100000), ACT_BACKOFF);
	CHECK_EQ(q.deadline, 101000);
	/* Both left it: immediate again. */
	policy_init(&p, 0);
	p.hist[0] = 0;
	p.hist[1] = 11000;
	p.nr_hist = 2;
	CHECK(policy_failed(&p, 111000, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 111000), ACT_RESTART);
	CHECK_EQ(p.nr_hist, 1);
}

static void test_operator_restart(void)
{
	struct dd_conf c = conf(1, 600, 0, 0);
	struct policy p;
	uint64_t waited;

	policy_init(&p, 0);
	fail_and_restart(&p, &c, 0, &waited);
	policy_up(&p, 1);
	CHECK(policy_failed(&p, 2, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 2), ACT_GIVE_UP);

	CHECK_EQ(policy_operator_restart(&p, &c, 100), ACT_RESTART);
	CHECK_EQ(p.state, DD_RESTARTING);
	CHECK_EQ(p.reason, R_OPERATOR);
	CHECK_EQ(policy_in_window(&p, &c, 100), 1);
	CHECK(policy_heartbeat(&p, &c, 350));
	CHECK_EQ(p.state, DD_RUNNING);
	CHECK_EQ(p.last_restart_ms, 250);
	CHECK_EQ(p.total_restarts, 2);
	/* The operator's restart counts: the next failure gives up. */
	CHECK(policy_failed(&p, 400, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 400), ACT_GIVE_UP);
}

/* An absent domain started by xldrvd is no restart and uses no budget. */
static void test_first_start(void)
{
	struct dd_conf c = conf(1, 600, 0, 0);
	struct policy p;
	uint64_t waited;

	policy_init(&p, 0);
	CHECK_EQ(policy_start(&p, &c, 10), ACT_RESTART);
	CHECK_EQ(p.state, DD_RESTARTING);
	CHECK_EQ(p.reason, R_ABSENT);
	CHECK_EQ(policy_in_window(&p, &c, 10), 0);
	CHECK(policy_heartbeat(&p, &c, 40));
	CHECK_EQ(p.state, DD_RUNNING);
	CHECK_EQ(p.total_restarts, 0);
	CHECK_EQ(p.total_failures, 0);
	/* max-restarts 1: the first failure still gets its restart. */
	fail_and_restart(&p, &c, 100, &waited);
	CHECK_EQ(p.total_restarts, 1);
	/* A first start that never beats fails like a restart would. */
	policy_init(&p, 0);
	policy_start(&p, &c, 0);
	CHECK_EQ(policy_step(&p, &c, c.boot_timeout_ms - 1), ACT_NONE);
	CHECK_EQ(policy_step(&p, &c, c.boot_timeout_ms), ACT_RESTART);
	CHECK_EQ(p.reason, R_BOOT_TIMEOUT);
}

static void test_heartbeat_and_boot(void)
{
	struct dd_conf c = conf(5, 600, 0, 0);
	struct policy p;

	policy_init(&p, 0);
	/* No beat seen yet: no hang detection (mappers not loaded). */
	CHECK_EQ(policy_step(&p, &c, 1000000), ACT_NONE);
	CHECK_EQ(policy_next_deadline(&p, &c), 0);
	CHECK(!policy_heartbeat(&p, &c, 1000000));
	CHECK_EQ(policy_next_deadline(&p, &c), 1010000);
	CHECK_EQ(policy_step(&p, &c, 1009999), ACT_NONE);
	CHECK_EQ(policy_step(&p, &c, 1010000), ACT_RESTART);
	CHECK_EQ(p.reason, R_HANG);
	CHECK_EQ(p.total_failures, 1);
	CHECK_EQ(p.failed_at, 1010000);
	/* Restarted, no first beat: boot timeout, a failure of its own. */
	CHECK_EQ(policy_next_deadline(&p, &c), 1070000);
	CHECK_EQ(policy_step(&p, &c, 1069999), ACT_NONE);
	CHECK_EQ(policy_step(&p, &c, 1070000), ACT_RESTART);
	CHECK_EQ(p.reason, R_BOOT_TIMEOUT);
	CHECK_EQ(p.total_failures, 2);
	/* The outage counts from its first detection. */
	CHECK_EQ(p.failed_at, 1010000);
	/* Create failed while restarting: same outage, policy again. */
	CHECK(policy_failed(&p, 1071000, R_CREATE_FAILED));
	CHECK_EQ(policy_step(&p, &c, 1071000), ACT_RESTART);
	CHECK(policy_heartbeat(&p, &c, 1080000));
	CHECK_EQ(p.last_restart_ms, 70000);
	/* A heartbeat-less config: hang detection stays off. */
	c.heartbeat_timeout_ms = 0;
	CHECK_EQ(policy_step(&p, &c, 5000000), ACT_NONE);
}

/* boot-timeout counts from the new incarnation's creation. */
static void test_boot_from_creation(void)
{
	struct dd_conf c = conf(5, 600, 0, 0);
	struct policy p;

	policy_init(&p, 0);
	CHECK(policy_failed(&p, 1000, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, 1000), ACT_RESTART);
	CHECK_EQ(p.deadline, 61000);
	/* Destroy and stale frontends took 50 s; created now. */
	policy_created(&p, &c, 51000);
	CHECK_EQ(policy_next_deadline(&p, &c), 111000);
	CHECK_EQ(policy_step(&p, &c, 110999), ACT_NONE);
	CHECK_EQ(policy_step(&p, &c, 111000), ACT_RESTART);
	CHECK_EQ(p.reason, R_BOOT_TIMEOUT);
	/* Only while restarting: a running domain has no boot deadline. */
	CHECK(policy_heartbeat(&p, &c, 120000));
	policy_created(&p, &c, 130000);
	CHECK_EQ(p.deadline, 0);
}

/*
 * A failure found again by a restarted xldrvd: the saved history decides,
 * so the backoff is not skipped and the give-up still comes.
 */
static void test_resume_failure(void)
{
	struct dd_conf c = conf(2, 600, 1000, 8000);
	struct policy p;
	uint64_t t, waited;

	policy_init(&p, 0);
	t = fail_and_restart(&p, &c, 100, &waited);
	CHECK_EQ(waited, 0);
	CHECK(policy_heartbeat(&p, &c, t + 10));
	CHECK(policy_failed(&p, t + 20, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, t + 20), ACT_BACKOFF);
	/* xldrvd restarts here; the history (1 restart) was saved. */
	p.state = DD_RUNNING;
	p.reason = R_WATCHDOG;		/* as state_load() put it back */
	policy_resume_failure(&p, t + 500);
	CHECK_EQ(p.state, DD_FAILED_DETECTED);
	CHECK_EQ(p.reason, R_WATCHDOG);
	CHECK_EQ(p.failed_at, t + 500);
	CHECK_EQ(p.total_failures, 2);		/* the same outage */
	CHECK_EQ(policy_step(&p, &c, t + 500), ACT_BACKOFF);
	CHECK_EQ(p.deadline, t + 1500);
	CHECK_EQ(policy_step(&p, &c, t + 1500), ACT_RESTART);
	CHECK_EQ(p.nr_hist, 2);
	/* The next failure gives up: max-restarts 2 in the window. */
	CHECK(policy_failed(&p, t + 2000, R_CRASH));
	CHECK_EQ(policy_step(&p, &c, t + 2000), ACT_GIVE_UP);
}

static void test_names(void)
{
	enum dd_reason r;
	enum dd_state s;
	unsigned int i;

	for (i = 0; i <= DD_GIVEN_UP; i++) {
		CHECK_EQ(policy_state_from_name(policy_state_name(i), &s), 0);
		CHECK_EQ(s, i);
	}
	for (i = 0; i < R_NR; i++) {
		CHECK_EQ(policy_reason_from_name(policy_reason_name(i), &r),
			 0);
		CHECK_EQ(r, i);
	}
	CHECK(policy_state_from_name("bogus", &s) < 0);
	CHECK(!strcmp(policy_state_name(99), "?"));
}

int main(void)
{
	test_backoff();
	test_give_up();
	test_window_slides();
	test_operator_restart();
	test_first_start();
	test_heartbeat_and_boot();
	test_boot_from_creation();
	test_resume_failure();
	test_names();
	return check_done("xldrvd_policy_test");
}
