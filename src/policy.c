// SPDX-License-Identifier: GPL-2.0
/*
 * The restart policy: one state machine per driver domain, pure.  Every
 * function takes the time ("now", milliseconds of a monotonic clock) from
 * its caller and touches nothing but the struct policy it is given, so
 * the unit tests drive it with a fake clock, and the daemon keeps all I/O
 * (destroying, creating, logging) outside.
 *
 *   RUNNING --failure--> FAILED_DETECTED --step--> RESTARTING
 *                                          \-----> BACKOFF --deadline--/
 *                                           \----> GIVEN_UP
 *   RESTARTING --up (heartbeat, or created if no heartbeat)--> RUNNING
 *   RESTARTING --boot deadline, create failed--> FAILED_DETECTED
 *   any --operator restart--> RESTARTING, history forgotten
 *
 * Backoff: the first restart after a quiet window is immediate (that is
 * the case that matters for clients); the n-th one within the window
 * waits backoff-initial-ms << (n - 1), at most backoff-max-ms.  Once
 * max-restarts restarts lie within the window, the next failure gives up.
 */
#include <string.h>

#include "xldrvd.h"

static const char *const state_names[] = {
	[DD_RUNNING] = "running",
	[DD_FAILED_DETECTED] = "failed-detected",
	[DD_RESTARTING] = "restarting",
	[DD_BACKOFF] = "backoff",
	[DD_GIVEN_UP] = "given-up",
};

static const char *const reason_names[] = {
	[R_NONE] = "none",
	[R_CRASH] = "crash",
	[R_SHUTDOWN] = "shutdown",
	[R_DESTROYED] = "destroyed",
	[R_HANG] = "hang",
	[R_WATCHDOG] = "watchdog",
	[R_DEVICE_ERROR] = "device-error",
	[R_ABSENT] = "absent",
	[R_BOOT_TIMEOUT] = "boot-timeout",
	[R_CREATE_FAILED] = "create-failed",
	[R_OPERATOR] = "operator",
};

const char *policy_state_name(enum dd_state s)
{
	return (unsigned int)s <= DD_GIVEN_UP ? state_names[s] : "?";
}

const char *policy_reason_name(enum dd_reason r)
{
	return (unsigned int)r < R_NR ? reason_names[r] : "?";
}

int policy_state_from_name(const char *s, enum dd_state *out)
{
	unsigned int i;

	for (i = 0; i <= DD_GIVEN_UP; i++)
		if (!strcmp(s, state_names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

int policy_reason_from_name(const char *s, enum dd_reason *out)
{
	unsigned int i;

	for (i = 0; i < R_NR; i++)
		if (!strcmp(s, reason_names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

void policy_init(struct policy *p, uint64_t now)
{
	memset(p, 0, sizeof(*p));
	p->state = DD_RUNNING;
	p->since = now;
}

static void enter(struct policy *p, enum dd_state s, uint64_t now)
{
	p->state = s;
	p->since = now;
	p->deadline = 0;
}

/* Drop restarts that left the window: the window slides with time. */
static void prune(struct policy *p, const struct dd_conf *c, uint64_t now)
{
	unsigned int i = 0;

	while (i < p->nr_hist && p->hist[i] + c->window_ms <= now)
		i++;
	if (i) {
		memmove(p->hist, p->hist + i,
			(p->nr_hist - i) * sizeof(p->hist[0]));
		p->nr_hist -= i;
	}
}

unsigned int policy_in_window(struct policy *p, const struct dd_conf *c,
			      uint64_t now)
{
	prune(p, c, now);
	return p->nr_hist;
}

uint64_t policy_backoff(const struct dd_conf *c, unsigned int n)
{
	uint64_t d = c->backoff_initial_ms;

	if (n == 0)
		return 0;
	/* Shift step by step: a large n must saturate, not wrap. */
	while (--n && d < c->backoff_max_ms)
		d <<= 1;
	return d < c->backoff_max_ms ? d : c->backoff_max_ms;
}

static void record_restart(struct policy *p, const struct dd_conf *c,
			   uint64_t now)
{
	if (p->nr_hist == POLICY_MAX_RESTARTS) {
		memmove(p->hist, p->hist + 1,
			(p->nr_hist - 1) * sizeof(p->hist[0]));
		p->nr_hist--;
	}
	p->hist[p->nr_hist++] = now;
	p->total_restarts++;
	enter(p, DD_RESTARTING, now);
	p->deadline = now + c->boot_timeout_ms;
	p->hb_seen = false;
}

/*
 * A failure was detected.  Only a domain that runs, or is being brought
 * up, can fail: later reports of the same outage (libxl's death event
 * after @releaseDomain, say) change nothing.  Returns whether this was
 * news.
 */
bool policy_failed(struct policy *p, uint64_t now, enum dd_reason why)
{
	if (p->state != DD_RUNNING && p->state != DD_RESTARTING)
		return false;
	/* An outage lasts from its first detection until serving again. */
	if (p->state == DD_RUNNING)
		p->failed_at = now;
	p->reason = why;
	p->total_failures++;
	enter(p, DD_FAILED_DETECTED, now);
	return true;
}

enum policy_action policy_step(struct policy *p, const struct dd_conf *c,
			       uint64_t now)
{
	unsigned int n;
	uint64_t delay;

	switch (p->state) {
	case DD_RUNNING:
		if (c->heartbeat_timeout_ms && p->hb_seen &&
		    now - p->hb_last >= c->heartbeat_timeout_ms &&
		    policy_failed(p, now, R_HANG))
			return policy_step(p, c, now);
		return ACT_NONE;
	case DD_FAILED_DETECTED:
		n = policy_in_window(p, c, now);
		if (c->restart == RESTART_NEVER || n >= c->max_restarts) {
			enter(p, DD_GIVEN_UP, now);
			return ACT_GIVE_UP;
		}
		delay = policy_backoff(c, n);
		if (delay == 0) {
			record_restart(p, c, now);
			return ACT_RESTART;
		}
		enter(p, DD_BACKOFF, now);
		p->deadline = now + delay;
		return ACT_BACKOFF;
	case DD_BACKOFF:
		if (now < p->deadline)
			return ACT_NONE;
		record_restart(p, c, now);
		return ACT_RESTART;
	case DD_RESTARTING:
		if (p->deadline && now >= p->deadline &&
		    policy_failed(p, now, R_BOOT_TIMEOUT))
			return policy_step(p, c, now);
		return ACT_NONE;
	case DD_GIVEN_UP:
		return ACT_NONE;
	}
	return ACT_NONE;
}

/*
 * The domain's heartbeat changed.  Arms hang detection; while restarting
 * it means the mappers serve again.  Returns true in that case (the
 * caller logs "restarted in N ms").
 */
bool policy_heartbeat(struct policy *p, const struct dd_conf *c,
		      uint64_t now)
{
	(void)c;
	p->hb_last = now;
	p->hb_seen = true;
	if (p->state == DD_RESTARTING) {
		policy_up(p, now);
		return true;
	}
	return false;
}

/*
 * The new incarnation exists: its boot-timeout runs from now.  Destroying
 * the old one and waiting for its clients' stale frontends to go do not
 * count against the new one's boot.
 */
void policy_created(struct policy *p, const struct dd_conf *c, uint64_t now)
{
	if (p->state == DD_RESTARTING)
		p->deadline = now + c->boot_timeout_ms;
}

/*
 * xldrvd starts and finds the domain gone, while the state it saved (this
 * boot) says a failure of it was being handled: detected, or waiting out
 * a backoff.  The same outage goes on, and the policy decides again from
 * the saved restart history: a restarted xldrvd skips no backoff and no
 * give-up.  Its reason is the one state_load() put back.
 */
void policy_resume_failure(struct policy *p, uint64_t now)
{
	p->failed_at = now;
	enter(p, DD_FAILED_DETECTED, now);
}

/* The restarted domain serves: back to RUNNING.  Returns the outage. */
uint64_t policy_up(struct policy *p, uint64_t now)
{
	if (p->state != DD_RESTARTING)
		return 0;
	enter(p, DD_RUNNING, now);
	p->last_restart_ms = now - p->failed_at;
	p->hb_last = now;
	return p->last_restart_ms;
}

/*
 * `xldrv-ctl restart`: the operator's word overrides the policy and its
 * history, which is how a GIVEN_UP domain is brought back.
 */
enum policy_action policy_operator_restart(struct policy *p,
					   const struct dd_conf *c,
					   uint64_t now)
{
	p->nr_hist = 0;
	p->reason = R_OPERATOR;
	p->failed_at = now;
	record_restart(p, c, now);
	return ACT_RESTART;
}

/*
 * xldrvd starts and the domain is not running: start it.  A first start
 * is no failure and no restart; it neither counts against max-restarts
 * nor shows in the totals, so that the policy limits what the domain does,
 * not how often xldrvd was started.  Boot timeout and first beat apply
 * as after a restart.
 */
enum policy_action policy_start(struct policy *p, const struct dd_conf *c,
				uint64_t now)
{
	p->reason = R_ABSENT;
	p->failed_at = now;
	enter(p, DD_RESTARTING, now);
	p->deadline = now + c->boot_timeout_ms;
	p->hb_seen = false;
	return ACT_RESTART;
}

/* When policy_step() must run next, 0 for never (no timer). */
uint64_t policy_next_deadline(const struct policy *p,
			      const struct dd_conf *c)
{
	switch (p->state) {
	case DD_RUNNING:
		if (c->heartbeat_timeout_ms && p->hb_seen)
			return p->hb_last + c->heartbeat_timeout_ms;
		return 0;
	case DD_FAILED_DETECTED:
		return p->since;
	case DD_BACKOFF:
	case DD_RESTARTING:
		return p->deadline;
	case DD_GIVEN_UP:
		break;
	}
	return 0;
}
