// SPDX-License-Identifier: GPL-2.0
/*
 * xldrvd: supervises the driver domains named in xldrvd.conf and restarts
 * the ones that fail, by policy (policy.c).  One thread, one poll() loop
 * over: signals (signalfd), xenstore watches (xs.c), libxl's own fds and
 * timeouts (dom.c, through libxl_osevent_beforepoll/afterpoll), the
 * control socket (ctl.c), and the policy's timers.  Detection feeds the
 * policy; the policy's actions (restart, back off, give up) are carried
 * out here; every state change is saved (state.c).  See xldrvd(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xldrv/version.h>

#include "xldrvd.h"
#include "ctl.h"
#include "dom.h"
#include "replumb.h"

#define MAX_POLLFDS		256
#define MAX_WATCHES_PER_LOOP	256
#define INVALID_LOG_MS		10000
#define POLL_MAX_MS		60000
/* libxl gives up on a removal in 10 s; this is only the backstop. */
#define REMOVAL_WAIT_MS		30000
/*
 * libxl refuses a domid for LIBXL_DOMID_REUSE_TIMEOUT (60 s, internal to
 * libxl) after it destroyed a domain under it: asking for it sooner only
 * costs a create that fails.  Two seconds more for the gap between
 * libxl's clock and ours.
 */
#define DOMID_REUSE_MS		62000

struct daemon {
	struct conf conf;
	struct dd dd[XLDRVD_MAX_DD];
	unsigned int nr;
	struct xsc xs;
	struct ctl_server ctl;
	int sfd;
	bool quit;
	bool dirty;			/* state file to write */
	uint64_t started;
	unsigned long detected[R_NR];
};

/* For the log hook only: the events ring has no other way back in. */
static struct daemon *the_daemon;

static void dd_step(struct daemon *D, struct dd *d, uint64_t now);

static unsigned int dd_index(struct daemon *D, struct dd *d)
{
	return (unsigned int)(d - D->dd);
}

static void token(char *buf, size_t size, const char *kind, unsigned int i,
		  uint32_t domid)
{
	snprintf(buf, size, "%s:%u:%" PRIu32, kind, i, domid);
}

/* Follow a new incarnation: libxl death events, heartbeat, errors. */
static void dd_attach(struct daemon *D, struct dd *d, uint32_t domid)
{
	unsigned int i = dd_index(D, d);
	char tok[48];

	d->domid = domid;
	d->last_domid = domid;
	d->last_domid_this_boot = true;
	d->hb_baseline = false;
	if (dom_watch_death(domid, (uint64_t)i << 32 | domid, &d->death))
		log_msg(LOG_ERR, "%s: cannot watch domain %" PRIu32
			" death through libxl", d->conf->name, domid);
	token(tok, sizeof(tok), "hb", i, domid);
	if (xsc_watch_dom(&D->xs, domid, XLDRV_XS_HEARTBEAT, tok))
		log_msg(LOG_ERR, "%s: cannot watch the heartbeat",
			d->conf->name);
	token(tok, sizeof(tok), "err", i, domid);
	if (xsc_watch_dom(&D->xs, domid, XLDRV_XS_ERROR, tok))
		log_msg(LOG_ERR, "%s: cannot watch the error node",
			d->conf->name);
	d->watching = true;
}

static void dd_detach(struct daemon *D, struct dd *d)
{
	unsigned int i = dd_index(D, d);
	char tok[48];

	if (d->domid == XLDRVD_INVALID_DOMID)
		return;
	dom_unwatch_death(d->death);
	d->death = NULL;
	if (d->watching) {
		token(tok, sizeof(tok), "hb", i, d->domid);
		xsc_unwatch_dom(&D->xs, d->domid, XLDRV_XS_HEARTBEAT, tok);
		token(tok, sizeof(tok), "err", i, d->domid);
		xsc_unwatch_dom(&D->xs, d->domid, XLDRV_XS_ERROR, tok);
	}
	d->watching = false;
	d->domid = XLDRVD_INVALID_DOMID;
}

static void dd_fail(struct daemon *D, struct dd *d, enum dd_reason why,
		    const char *detail, uint64_t now)
{
	if (!policy_failed(&d->pol, now, why))
		return;
	D->detected[why]++;
	d->wall_failed = now_wall_ms();
	log_event(d->conf->name, "detected %s%s%s", policy_reason_name(why),
		  detail ? ": " : "", detail ? detail : "");
	D->dirty = true;
	dd_step(D, d, now);
}

static void create_now(struct daemon *D, struct dd *d, uint64_t now);

static void op_done(int rc, uint32_t domid, void *arg, int op)
{
	struct dd *d = arg;

	/* Handled after libxl returns: no libxl calls from its callback. */
	d->op = op;
	d->op_rc = rc;
	d->op_domid = domid;
}

static void destroyed_cb(int rc, uint32_t domid, void *arg)
{
	op_done(rc, domid, arg, OP_DESTROYED);
}

static void created_cb(int rc, uint32_t domid, void *arg)
{
	op_done(rc, domid, arg, OP_CREATED);
}

/* The domain serves again (or is up, when it has no heartbeat). */
static void dd_served(struct daemon *D, struct dd *d, uint64_t ms)
{
	if (!d->pol.total_restarts) {
		/* xldrvd's own first start of it: nothing was restarted. */
		log_event(d->conf->name, "started in %" PRIu64 " ms", ms);
		D->dirty = true;
		return;
	}
	d->wall_restarted = now_wall_ms();
	log_event(d->conf->name, "restarted in %" PRIu64 " ms", ms);
	D->dirty = true;
}

/*
 * Note the client devices that @old serves (re-plumbing, see replumb.c),
 * while libxl's record of them still names it as their backend.
 */
static void record_clients(struct daemon *D, struct dd *d, uint32_t old)
{
	int n = replumb_snapshot(&D->xs, &d->plan, d->conf->name, old);

	if (n < 0)
		log_msg(LOG_ERR, "%s: cannot list the client devices of domain "
			"%" PRIu32 " (%s); they will not be re-plumbed",
			d->conf->name, old, strerror(-n));
	else if (n > 0)
		log_event(d->conf->name, "%d client device(s) to re-plumb", n);
	D->dirty = true;
}

/*
 * The old incarnation is gone: its clients' stale frontends go before the
 * new one is created.  It may get the same domid, and must find no
 * backend nodes of the old one's; the devices are plugged in again once
 * it serves (dd_replumb).
 */
static void dd_gone(struct daemon *D, struct dd *d, uint64_t now)
{
	if (replumb_step(&d->plan, d->conf->name, XLDRVD_INVALID_DOMID))
		D->dirty = true;
	if (replumb_removal_pending(&d->plan)) {
		d->busy = true;
		d->removing = true;
		d->removing_since = now;
		return;
	}
	create_now(D, d, now);
}

/* ACT_RESTART: destroy what is left of the domain, then create it. */
static void start_restart(struct daemon *D, struct dd *d, uint64_t now)
{
	uint32_t old = d->domid;
	int reason, st;

	d->busy = true;
	if (old == XLDRVD_INVALID_DOMID && dom_find(d->conf->name, &old))
		old = XLDRVD_INVALID_DOMID;
	if (old != XLDRVD_INVALID_DOMID)
		record_clients(D, d, old);
	else if (d->last_domid != XLDRVD_INVALID_DOMID &&
		 d->last_domid_this_boot)
		/* It died while xldrvd was not looking; its clients did not. */
		record_clients(D, d, d->last_domid);
	dd_detach(D, d);
	if (old != XLDRVD_INVALID_DOMID) {
		st = dom_state(old, &reason);
		if (st != DOM_GONE) {
			if (!dom_destroy(old, d->conf->libxl_timeout_ms,
					 destroyed_cb, d))
				return;
			log_msg(LOG_ERR, "%s: cannot destroy domain %" PRIu32,
				d->conf->name, old);
		}
	}
	dd_gone(D, d, now);
}

/*
 * Is dom0's pciback done with @domid, which @d ran under and is gone?
 * Its kernel device for it (pci-DOMID-0 on the xen-backend bus) must be
 * gone.  The xenstore directory libxl made for it is left behind by a
 * destroy (`xl destroy`'s too), and a domain created under that domid
 * again would find it and get no PCI devices: it is removed here.
 */
static bool pciback_free(struct daemon *D, struct dd *d, uint32_t domid)
{
	char rel[32], dev[64];
	int rc, reason;

	if (dom_state(domid, &reason) != DOM_GONE)
		return false;
	snprintf(dev, sizeof(dev), "/sys/bus/xen-backend/devices/pci-%"
		 PRIu32 "-0", domid);
	if (!access(dev, F_OK))
		return false;
	snprintf(rel, sizeof(rel), "backend/pci/%" PRIu32, domid);
	rc = xsc_dom0_has(&D->xs, rel);
	if (rc > 0)
		rc = xsc_dom0_rm(&D->xs, rel);
	else if (rc == 0)
		return true;
	if (rc) {
		log_msg(LOG_WARNING, "%s: dom0's %s: %s", d->conf->name, rel,
			strerror(-rc));
		return false;
	}
	log_msg(LOG_INFO, "%s: removed pciback's directory for domid %"
		PRIu32 ", gone", d->conf->name, domid);
	return true;
}

/*
 * @domid, which @d ran under, is gone as of @now: libxl's minute starts.
 * Saved, so that an xldrvd restarted within that minute knows it too.
 */
static void dd_retired(struct daemon *D, struct dd *d, uint32_t domid,
		       uint64_t now)
{
	d->retired_domid = domid;
	d->retired_ms = now;
	D->dirty = true;
}

/*
 * @d's domain @domid is gone.  Nothing of it is followed any longer, and
 * its domid is no longer @d's: Xen may give it to another domain, which
 * a later restart of @d (after a backoff, or the operator's, of a domain
 * given up) must not take for @d's and destroy.  The clients it served
 * are still known by last_domid.
 */
static void dd_dead(struct daemon *D, struct dd *d, uint32_t domid,
		    uint64_t now)
{
	dd_retired(D, d, domid, now);
	dd_detach(D, d);
}

static void create_now(struct daemon *D, struct dd *d, uint64_t now)
{
	uint32_t want = d->create_any_domid ? XLDRVD_INVALID_DOMID :
			d->last_domid;
	char err[512];

	if (want == 0)
		want = XLDRVD_INVALID_DOMID;
	if (want != XLDRVD_INVALID_DOMID && want == d->retired_domid &&
	    now - d->retired_ms < DOMID_REUSE_MS) {
		log_msg(LOG_NOTICE, "%s: domid %" PRIu32 " gone %" PRIu64
			" s ago, and libxl lends a domid again only after a "
			"minute; creating with any domid", d->conf->name,
			want, (now - d->retired_ms) / 1000);
		/* Its pciback directory need not wait for the reuse. */
		pciback_free(D, d, want);
		want = XLDRVD_INVALID_DOMID;
	} else if (want != XLDRVD_INVALID_DOMID &&
		   !pciback_free(D, d, want)) {
		log_msg(LOG_NOTICE, "%s: domid %" PRIu32 " still in use, or "
			"held by pciback; creating with any domid",
			d->conf->name, want);
		want = XLDRVD_INVALID_DOMID;
	}
	d->busy = true;
	err[0] = '\0';
	if (dom_create(d->conf->config, d->conf->name, want,
		       d->conf->libxl_timeout_ms, created_cb, d, err,
		       sizeof(err))) {
		d->busy = false;
		log_msg(LOG_ERR, "%s: %s", d->conf->name, err);
		dd_fail(D, d, R_CREATE_FAILED, err, now);
	}
}

/* A destroy or create of @d finished: go on from there. */
static void dd_op(struct daemon *D, struct dd *d, uint64_t now)
{
	int op = d->op;
	uint64_t ms;

	d->op = OP_NONE;
	if (op == OP_DESTROYED) {
		/*
		 * A create fails, and counts, while what is left of the
		 * old incarnation still holds its name or devices.
		 */
		if (d->op_rc == -ETIMEDOUT)
			log_event(d->conf->name, "destroying domain %" PRIu32
				  ": libxl did not finish in %" PRIu64 " s; "
				  "killed, creating anyway", d->op_domid,
				  d->conf->libxl_timeout_ms / 1000);
		else if (d->op_rc)
			log_msg(LOG_WARNING, "%s: destroying domain %" PRIu32
				" failed; creating anyway", d->conf->name,
				d->op_domid);
		dd_retired(D, d, d->op_domid, now);
		dd_gone(D, d, now);
		return;
	}
	d->busy = false;
	if (d->op_rc == -ETIMEDOUT) {
		/*
		 * No retry with any domid: what libxl built is still there
		 * under the name.  The next restart destroys it.
		 */
		log_event(d->conf->name, "creating it: libxl did not finish "
			  "in %" PRIu64 " s; killed",
			  d->conf->libxl_timeout_ms / 1000);
		d->create_any_domid = false;
		dd_fail(D, d, R_CREATE_FAILED, "libxl timed out", now);
		return;
	}
	if (d->op_rc) {
		if (!d->create_any_domid &&
		    d->last_domid != XLDRVD_INVALID_DOMID) {
			/* Xen may hold a domid back for a while after use. */
			log_msg(LOG_NOTICE, "%s: domid %" PRIu32 " not "
				"available; creating with any domid",
				d->conf->name, d->last_domid);
			d->create_any_domid = true;
			create_now(D, d, now);
			return;
		}
		d->create_any_domid = false;
		dd_fail(D, d, R_CREATE_FAILED, "libxl_domain_create_new",
			now);
		return;
	}
	d->create_any_domid = false;
	log_event(d->conf->name, "created as domid %" PRIu32, d->op_domid);
	policy_created(&d->pol, d->conf, now);
	dd_attach(D, d, d->op_domid);
	D->dirty = true;
	/* Without a heartbeat, being up is all that can be known. */
	if (!d->conf->heartbeat_timeout_ms) {
		ms = policy_up(&d->pol, now);
		dd_served(D, d, ms);
	}
}

/* Run the policy of @d at @now and carry out what it decides. */
static void dd_step(struct daemon *D, struct dd *d, uint64_t now)
{
	unsigned long failures = d->pol.total_failures;
	enum policy_action act;
	unsigned int n;

	if (d->busy)
		return;
	act = policy_step(&d->pol, d->conf, now);
	if (d->pol.total_failures != failures) {
		/* The policy found it (hang, boot timeout). */
		D->detected[d->pol.reason]++;
		d->wall_failed = now_wall_ms();
		log_event(d->conf->name, "detected %s",
			  policy_reason_name(d->pol.reason));
	}
	switch (act) {
	case ACT_NONE:
		return;
	case ACT_BACKOFF:
		log_event(d->conf->name, "restart in %" PRIu64 " ms (backoff)",
			  d->pol.deadline - now);
		break;
	case ACT_GIVE_UP:
		n = policy_in_window(&d->pol, d->conf, now);
		if (d->conf->restart == RESTART_NEVER)
			log_event(d->conf->name, "given up (restart=never)");
		else
			log_event(d->conf->name, "given up after %u restarts "
				  "in %" PRIu64 " s", n, n ? (now -
				  d->pol.hist[0]) / 1000 : 0);
		break;
	case ACT_RESTART:
		log_event(d->conf->name, "restarting");
		start_restart(D, d, now);
		break;
	}
	D->dirty = true;
}

/*
 * Carry the re-plumbing plan of @d on: stale frontends out while a
 * restart waits for that (dd_gone), then create; restart-aware
 * frontends' backends moved once the new incarnation exists, other
 * devices in again once it serves (running, heartbeat seen, nothing under
 * way).
 */
static void dd_replumb(struct daemon *D, struct dd *d, uint64_t now)
{
	if (d->removing) {
		if (replumb_step(&d->plan, d->conf->name,
				 XLDRVD_INVALID_DOMID))
			D->dirty = true;
		if (!replumb_removal_pending(&d->plan)) {
			d->removing = false;
			create_now(D, d, now);
		} else if (now - d->removing_since >= REMOVAL_WAIT_MS) {
			log_msg(LOG_WARNING, "%s: stale client frontends "
				"not removed in %d s; creating anyway",
				d->conf->name, REMOVAL_WAIT_MS / 1000);
			d->removing = false;
			create_now(D, d, now);
		}
		return;
	}
	if (!d->plan.n || d->busy || d->domid == XLDRVD_INVALID_DOMID)
		return;
	if (d->pol.state == DD_RUNNING) {
		if (replumb_step(&d->plan, d->conf->name, d->domid))
			D->dirty = true;
	} else if (d->pol.state == DD_RESTARTING) {
		if (replumb_step_booting(&d->plan, d->conf->name, d->domid))
			D->dirty = true;
	}
}

static void dd_invalid(struct daemon *D, struct dd *d, const char *what,
		       uint64_t now)
{
	d->invalid++;
	D->xs.invalid++;
	if (d->invalid_logged && now - d->invalid_logged < INVALID_LOG_MS)
		return;
	d->invalid_logged = now;
	log_event(d->conf->name, "refused %s from domid %" PRIu32
		  " (%lu so far)", what, d->domid, d->invalid);
}

static void on_heartbeat(struct daemon *D, struct dd *d, uint64_t now)
{
	size_t len = 0;
	uint64_t v;
	char *val;
	int err;

	val = xsc_read_dom(&D->xs, d->domid, XLDRV_XS_HEARTBEAT,
			   XLDRV_XS_VALUE_MAX, &len, &err);
	if (!val) {
		if (err == -ENOENT) {
			/* Not written yet: its first value is a beat. */
			d->hb_baseline = true;
			d->hb_value = UINT64_MAX;
		} else if (err != -EIO) {
			dd_invalid(D, d, "an oversized heartbeat", now);
		}
		return;
	}
	err = xsv_parse_counter(val, len, &v);
	free(val);
	if (err) {
		dd_invalid(D, d, "a malformed heartbeat", now);
		return;
	}
	if (!d->hb_baseline) {
		/* What was there before we looked proves nothing. */
		d->hb_baseline = true;
		d->hb_value = v;
		return;
	}
	if (v == d->hb_value)
		return;
	d->hb_value = v;
	if (policy_heartbeat(&d->pol, d->conf, now))
		dd_served(D, d, d->pol.last_restart_ms);
}

static void on_error_node(struct daemon *D, struct dd *d, uint64_t now)
{
	char dev[XLDRV_XS_DEVICE_MAX + 1], reason[XLDRV_XS_ERROR_MAX + 1];
	char detail[XLDRV_XS_DEVICE_MAX + XLDRV_XS_ERROR_MAX + 8];
	size_t len = 0;
	char *val;
	int err;

	val = xsc_read_dom(&D->xs, d->domid, XLDRV_XS_ERROR,
			   XLDRV_XS_VALUE_MAX, &len, &err);
	if (!val) {
		if (err != -ENOENT && err != -EIO)
			dd_invalid(D, d, "an oversized error report", now);
		return;
	}
	if (len == 0) {
		free(val);
		return;
	}
	err = xsv_parse_error(val, len, dev, sizeof(dev), reason,
			      sizeof(reason));
	free(val);
	if (err) {
		dd_invalid(D, d, "a malformed error report", now);
		return;
	}
	snprintf(detail, sizeof(detail), "%s: %s", dev, reason);
	snprintf(d->last_error, sizeof(d->last_error), "%s", detail);
	/* Reported once: the node goes with this incarnation anyway. */
	xsc_rm_dom(&D->xs, d->domid, XLDRV_XS_ERROR);
	dd_fail(D, d, R_DEVICE_ERROR, detail, now);
}

/* @releaseDomain: some domain died; see which of ours are gone. */
static void on_release(struct daemon *D, uint64_t now)
{
	unsigned int i;
	int st, reason;

	for (i = 0; i < D->nr; i++) {
		struct dd *d = &D->dd[i];

		if (d->busy || d->domid == XLDRVD_INVALID_DOMID)
			continue;
		reason = R_SHUTDOWN;
		st = dom_state(d->domid, &reason);
		if (st == DOM_GONE) {
			dd_dead(D, d, d->domid, now);
			dd_fail(D, d, R_DESTROYED, NULL, now);
		} else if (st == DOM_SHUTDOWN) {
			dd_fail(D, d, reason, NULL, now);
		}
	}
}

/* "hb:I:DOMID" and "err:I:DOMID": our tokens, parsed strictly anyway. */
static struct dd *token_dd(struct daemon *D, const char *tok,
			   const char *kind)
{
	size_t k = strlen(kind);
	unsigned long i, domid;
	char *end;

	if (strncmp(tok, kind, k) || tok[k] != ':')
		return NULL;
	i = strtoul(tok + k + 1, &end, 10);
	if (*end != ':' || i >= D->nr)
		return NULL;
	domid = strtoul(end + 1, &end, 10);
	if (*end || D->dd[i].domid != domid)
		return NULL;	/* a former incarnation's */
	return &D->dd[i];
}

static void on_watches(struct daemon *D, uint64_t now)
{
	char path[XLDRVD_PATH_MAX], tok[64], want[XLDRVD_PATH_MAX];
	unsigned int n;
	struct dd *d;
	int rc;

	/* Bounded per loop: a flood of watch events cannot starve the rest. */
	for (n = 0; n < MAX_WATCHES_PER_LOOP; n++) {
		rc = xsc_next_watch(&D->xs, path, sizeof(path), tok,
				    sizeof(tok));
		if (rc == 0)
			break;
		if (rc < 0)
			continue;
		if (!strcmp(tok, "rel")) {
			on_release(D, now);
			continue;
		}
		d = token_dd(D, tok, "hb");
		if (d) {
			xsv_dom_path(want, sizeof(want), d->domid,
				     XLDRV_XS_HEARTBEAT);
			/* A child the domain made under the node: not ours. */
			if (!strcmp(path, want))
				on_heartbeat(D, d, now);
			else
				dd_invalid(D, d, "a node under heartbeat",
					   now);
			continue;
		}
		d = token_dd(D, tok, "err");
		if (d) {
			xsv_dom_path(want, sizeof(want), d->domid,
				     XLDRV_XS_ERROR);
			if (!strcmp(path, want))
				on_error_node(D, d, now);
			else
				dd_invalid(D, d, "a node under error", now);
		}
	}
}

static void on_libxl_events(struct daemon *D, uint64_t now)
{
	struct dom_event ev;
	unsigned int i;

	while (dom_next_event(&ev) > 0) {
		i = (unsigned int)(ev.user >> 32);
		if (ev.type == DOM_EV_OTHER || i >= D->nr ||
		    D->dd[i].domid != (uint32_t)ev.user ||
		    D->dd[i].busy)
			continue;
		if (ev.type == DOM_EV_DEATH)
			dd_dead(D, &D->dd[i], ev.domid, now);
		dd_fail(D, &D->dd[i], ev.reason, NULL, now);
	}
}

/* The control requests (include/xldrv/ctl.h). */
static void put_status(struct ctl_buf *b, struct dd *d, uint64_t now)
{
	const struct policy *p = &d->pol;
	uint64_t next = policy_next_deadline(p, d->conf);

	ctl_buf_put(b, "domain", "%s", d->conf->name);
	ctl_buf_put(b, "state", "%s", policy_state_name(p->state));
	if (d->domid != XLDRVD_INVALID_DOMID)
		ctl_buf_put(b, "domid", "%" PRIu32, d->domid);
	ctl_buf_put(b, "busy", "%d", d->busy);
	ctl_buf_put(b, "reason", "%s", policy_reason_name(p->reason));
	ctl_buf_put(b, "restarts", "%lu", p->total_restarts);
	ctl_buf_put(b, "failures", "%lu", p->total_failures);
	ctl_buf_put(b, "restarts-in-window", "%u",
		    policy_in_window(&d->pol, d->conf, now));
	ctl_buf_put(b, "max-restarts", "%u", d->conf->max_restarts);
	ctl_buf_put(b, "window-s", "%" PRIu64, d->conf->window_ms / 1000);
	if (d->wall_failed)
		ctl_buf_put(b, "last-failure-ms", "%" PRIu64,
			    d->wall_failed);
	if (d->wall_restarted)
		ctl_buf_put(b, "last-restarted-ms", "%" PRIu64,
			    d->wall_restarted);
	if (p->last_restart_ms)
		ctl_buf_put(b, "last-restart-duration-ms", "%" PRIu64,
			    p->last_restart_ms);
	if (p->hb_seen)
		ctl_buf_put(b, "heartbeat-age-ms", "%" PRIu64,
			    now - p->hb_last);
	if (next && p->state != DD_RUNNING)
		ctl_buf_put(b, "next-action-ms", "%" PRIu64,
			    next > now ? next - now : 0);
	if (d->last_error[0])
		ctl_buf_put(b, "last-error", "%s", d->last_error);
	ctl_buf_put(b, "invalid-values", "%lu", d->invalid);
	ctl_buf_put(b, "replumb-pending", "%u", d->plan.n);
	ctl_buf_put(b, "replumbed-last", "%u", d->plan.last_replumbed);
	ctl_buf_put(b, "replumb-failed-last", "%u", d->plan.last_failed);
	ctl_buf_put(b, "replumbed", "%lu", d->plan.replumbed);
	ctl_buf_put(b, "replumb-failed", "%lu", d->plan.failed);
	ctl_buf_put(b, "config", "%s", d->conf->config);
}

static struct dd *find_dd(struct daemon *D, const char *name)
{
	unsigned int i;

	for (i = 0; i < D->nr; i++)
		if (!strcmp(D->dd[i].conf->name, name))
			return &D->dd[i];
	return NULL;
}

static void ok(struct ctl_buf *b)
{
	ctl_buf_put(b, "error", "%d", XLDRV_CTL_E_OK);
	ctl_buf_put(b, "message", "ok");
}

static void fail(struct ctl_buf *b, int code, const char *msg)
{
	ctl_buf_put(b, "error", "%d", code);
	ctl_buf_put(b, "message", "%s", msg);
}

static int handle(void *arg, uint16_t type, const char *body, size_t len,
		  struct ctl_buf *b)
{
	struct daemon *D = arg;
	char name[XLDRVD_NAME_MAX], val[16];
	uint64_t now = now_mono_ms();
	unsigned long seq, total = 0, fails = 0, rp_ok = 0, rp_fail = 0;
	const struct log_event *e;
	unsigned int i;
	struct dd *d = NULL;
	int rc;

	rc = ctl_find(body, len, "domain", name, sizeof(name));
	if (rc < 0) {
		fail(b, XLDRV_CTL_E_NOENT, "no such driver domain");
		return 0;
	}
	if (rc > 0)
		d = find_dd(D, name);
	if (rc > 0 && !d) {
		fail(b, XLDRV_CTL_E_NOENT, "no such driver domain");
		return 0;
	}
	switch (type) {
	case XLDRV_CTL_LIST:
		ok(b);
		for (i = 0; i < D->nr; i++) {
			ctl_buf_put(b, "domain", "%s", D->dd[i].conf->name);
			ctl_buf_put(b, "state", "%s",
				    policy_state_name(D->dd[i].pol.state));
			if (D->dd[i].domid != XLDRVD_INVALID_DOMID)
				ctl_buf_put(b, "domid", "%" PRIu32,
					    D->dd[i].domid);
		}
		return 0;
	case XLDRV_CTL_STATUS:
		ok(b);
		for (i = 0; i < D->nr; i++)
			if (!d || d == &D->dd[i])
				put_status(b, &D->dd[i], now);
		return 0;
	case XLDRV_CTL_RESTART:
		if (!d) {
			fail(b, XLDRV_CTL_E_PROTO, "restart needs domain=");
			return 0;
		}
		if (d->busy) {
			fail(b, XLDRV_CTL_E_BUSY, "a restart is under way");
			return 0;
		}
		log_event(d->conf->name, "restart requested by the operator");
		policy_operator_restart(&d->pol, d->conf, now);
		d->wall_failed = now_wall_ms();
		D->dirty = true;
		log_event(d->conf->name, "restarting");
		start_restart(D, d, now);
		ok(b);
		ctl_buf_put(b, "restarts", "%lu", d->pol.total_restarts);
		return 0;
	case XLDRV_CTL_EVENTS:
		ok(b);
		seq = log_event_next_seq();
		seq = seq > LOG_EVENTS ? seq - LOG_EVENTS + 1 : 1;
		for (; seq < log_event_next_seq(); seq++) {
			e = log_event_get(seq);
			if (e && (!d || !strcmp(e->domain, d->conf->name)))
				ctl_put_event(b, e);
		}
		if (ctl_find(body, len, "follow", val, sizeof(val)) > 0 &&
		    !strcmp(val, "1"))
			return CTL_KEEP_FOLLOWING;
		return 0;
	case XLDRV_CTL_STATS:
		ok(b);
		for (i = 0; i < D->nr; i++) {
			total += D->dd[i].pol.total_restarts;
			fails += D->dd[i].pol.total_failures;
			rp_ok += D->dd[i].plan.replumbed;
			rp_fail += D->dd[i].plan.failed;
		}
		ctl_buf_put(b, "version", "%s", XLDRV_VERSION);
		ctl_buf_put(b, "uptime-ms", "%" PRIu64, now - D->started);
		ctl_buf_put(b, "domains", "%u", D->nr);
		ctl_buf_put(b, "restarts", "%lu", total);
		ctl_buf_put(b, "failures", "%lu", fails);
		ctl_buf_put(b, "replumbed", "%lu", rp_ok);
		ctl_buf_put(b, "replumb-failed", "%lu", rp_fail);
		for (i = R_CRASH; i < R_NR; i++)
			ctl_buf_put(b, "detected", "%s %lu",
				    policy_reason_name(i), D->detected[i]);
		ctl_buf_put(b, "xenstore-invalid", "%lu", D->xs.invalid);
		ctl_buf_put(b, "control-requests", "%lu", D->ctl.requests);
		ctl_buf_put(b, "control-refused", "%lu", D->ctl.refused);
		ctl_buf_put(b, "control-dropped", "%lu", D->ctl.dropped);
		ctl_buf_put(b, "control-clients", "%u",
			    ctl_nr_clients(&D->ctl));
		return 0;
	}
	fail(b, XLDRV_CTL_E_UNSUPP, "unknown request");
	return 0;
}

static void event_hook(const struct log_event *e)
{
	if (the_daemon && the_daemon->ctl.lfd >= 0)
		ctl_broadcast(&the_daemon->ctl, e);
}

/*
 * A domain xldrvd finds running at start: with a heartbeat configured, one
 * whose mappers have beaten is watched for a hang from now, and one whose
 * mappers have not (yet) gets boot-timeout for its first beat, as after a
 * restart.  Waiting for a first change of the node instead would never
 * find a domain that was already hung when xldrvd started.
 */
static void found_running(struct daemon *D, struct dd *d, uint64_t now)
{
	size_t len = 0;
	char *val;
	int err;

	if (!d->conf->heartbeat_timeout_ms) {
		log_event(d->conf->name, "found domid %" PRIu32 ", running",
			  d->domid);
		return;
	}
	val = xsc_read_dom(&D->xs, d->domid, XLDRV_XS_HEARTBEAT,
			   XLDRV_XS_VALUE_MAX, &len, &err);
	free(val);
	if (val) {
		d->pol.hb_seen = true;
		d->pol.hb_last = now;
		log_event(d->conf->name, "found domid %" PRIu32 ", running",
			  d->domid);
		return;
	}
	policy_start(&d->pol, d->conf, now);
	log_event(d->conf->name, "found domid %" PRIu32 ", no heartbeat yet: "
		  "booting", d->domid);
}

/*
 * Rebuild the view at start from the state file and what runs: a domain
 * that runs is followed, never restarted; one the policy had given up on
 * stays given up unless it runs again (started by hand); one that is
 * missing is started, or, when this boot's saved state says it had failed
 * and was waiting, its failure goes on under the policy.
 */
static void reconcile(struct daemon *D, uint64_t now)
{
	unsigned int i;
	uint32_t domid;
	int st, reason;

	for (i = 0; i < D->nr; i++) {
		struct dd *d = &D->dd[i];
		bool given_up = d->saved && d->saved_state == DD_GIVEN_UP;
		bool failing = d->saved && d->last_domid_this_boot &&
			       (d->saved_state == DD_FAILED_DETECTED ||
				d->saved_state == DD_BACKOFF);

		if (dom_find(d->conf->name, &domid) || domid == 0) {
			if (given_up) {
				d->pol.state = DD_GIVEN_UP;
				log_event(d->conf->name, "not running; left "
					  "alone (given up before)");
			} else if (failing) {
				log_event(d->conf->name, "not running; its "
					  "failure (%s) goes on",
					  policy_reason_name(d->pol.reason));
				policy_resume_failure(&d->pol, now);
				dd_step(D, d, now);
			} else {
				/* Not a failure: as xendomains would, start it. */
				log_event(d->conf->name, "not running; "
					  "starting it");
				policy_start(&d->pol, d->conf, now);
				start_restart(D, d, now);
			}
			continue;
		}
		dd_attach(D, d, domid);
		reason = R_SHUTDOWN;
		st = dom_state(domid, &reason);
		if (st == DOM_GONE) {
			dd_dead(D, d, domid, now);
			if (given_up)
				d->pol.state = DD_GIVEN_UP;
			else
				dd_fail(D, d, R_DESTROYED, NULL, now);
		} else if (st == DOM_SHUTDOWN && given_up) {
			d->pol.state = DD_GIVEN_UP;
			log_event(d->conf->name, "found domid %" PRIu32
				  " shut down (%s); left alone (given up "
				  "before)", domid, policy_reason_name(reason));
		} else if (st == DOM_SHUTDOWN) {
			dd_fail(D, d, reason, NULL, now);
		} else if (st == DOM_RUNNING && d->saved &&
			   d->saved_state == DD_RESTARTING) {
			/* Killed while it booted: wait for its heartbeat. */
			d->pol.state = DD_RESTARTING;
			d->pol.failed_at = now;
			d->pol.deadline = now + d->conf->boot_timeout_ms;
			log_event(d->conf->name, "found domid %" PRIu32
				  ", booting", domid);
			if (!d->conf->heartbeat_timeout_ms)
				dd_served(D, d, policy_up(&d->pol, now));
		} else if (st == DOM_RUNNING) {
			found_running(D, d, now);
		}
	}
	D->dirty = true;
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* Held for the daemon's life: a second xldrvd stops here. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -EEXIST;
	}
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid)
		_exit(0);
	if (chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static int mkdir_parent(const char *path, mode_t mode)
{
	char dir[XLDRVD_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static int timeout_ms(struct daemon *D, uint64_t now)
{
	uint64_t t, next = now + POLL_MAX_MS;
	unsigned int i;

	for (i = 0; i < D->nr; i++) {
		if (D->dd[i].removing) {
			t = D->dd[i].removing_since + REMOVAL_WAIT_MS;
			if (t < next)
				next = t;
		}
		if (D->dd[i].busy)
			continue;
		t = policy_next_deadline(&D->dd[i].pol, D->dd[i].conf);
		if (t && t < next)
			next = t;
	}
	t = ctl_next_deadline(&D->ctl);
	if (t && t < next)
		next = t;
	t = dom_job_next_deadline();
	if (t && t < next)
		next = t;
	return next > now ? (int)(next - now) : 0;
}

static void on_signal(struct daemon *D)
{
	struct signalfd_siginfo si;

	while (read(D->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_msg(LOG_NOTICE, "SIGHUP: reloading is not "
				"implemented; restart xldrvd (its state is "
				"kept)");
			continue;
		}
		log_msg(LOG_NOTICE, "signal %u: exiting; driver domains "
			"keep running", si.ssi_signo);
		D->quit = true;
	}
}

static int run(struct daemon *D)
{
	struct pollfd fds[MAX_POLLFDS];
	unsigned int i;
	int n, nj, base, nx, timeout;
	struct timeval tv;
	uint64_t now;

	while (!D->quit) {
		now = now_mono_ms();
		fds[0] = (struct pollfd){ .fd = D->sfd, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = xsc_fd(&D->xs),
					  .events = POLLIN };
		n = ctl_pollfds(&D->ctl, fds + 2, MAX_POLLFDS - 2);
		nj = dom_job_pollfds(fds + 2 + n, MAX_POLLFDS - 2 - n);
		base = 2 + n + nj;
		nx = MAX_POLLFDS - base;
		timeout = timeout_ms(D, now);
		gettimeofday(&tv, NULL);
		if (dom_beforepoll(fds + base, &nx, &timeout, tv)) {
			log_msg(LOG_ERR, "libxl wants more than %d fds",
				MAX_POLLFDS - base);
			return 1;
		}
		if (poll(fds, base + nx, timeout) < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			return 1;
		}
		gettimeofday(&tv, NULL);
		dom_afterpoll(fds + base, nx, tv);
		dom_job_afterpoll(fds + 2 + n, nj);
		now = now_mono_ms();
		dom_job_expire(now);

		on_libxl_events(D, now);
		for (i = 0; i < D->nr; i++)
			if (D->dd[i].op != OP_NONE)
				dd_op(D, &D->dd[i], now);
		if (replumb_reap())
			D->dirty = true;
		if (fds[0].revents & POLLIN)
			on_signal(D);
		if (fds[1].revents & POLLIN)
			on_watches(D, now);
		ctl_handle(&D->ctl, fds + 2, n, now);
		for (i = 0; i < D->nr; i++) {
			dd_step(D, &D->dd[i], now);
			dd_replumb(D, &D->dd[i], now);
		}
		if (D->dirty) {
			int rc = state_save(D->conf.state_file, D->dd, D->nr);

			if (rc)
				log_msg(LOG_ERR, "%s: %s", D->conf.state_file,
					strerror(-rc));
			D->dirty = false;
		}
	}
	return 0;
}

static int check_config(const char *path)
{
	char err[512];
	struct conf *c = calloc(1, sizeof(*c));
	unsigned int i;
	int rc = 0;

	if (!c)
		return 1;
	if (conf_load(path, c, err, sizeof(err))) {
		fprintf(stderr, "xldrvd: %s\n", err);
		free(c);
		return 2;
	}
	conf_print(stdout, c);
	for (i = 0; i < c->nr_dd; i++) {
		fflush(stdout);
		if (dom_check_xlcfg(c->dd[i].config, c->dd[i].name, stdout,
				    err, sizeof(err))) {
			fprintf(stderr, "xldrvd: [%s]: %s\n", c->dd[i].name,
				err);
			rc = 2;
		}
	}
	free(c);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: xldrvd [-f] [-d] [-c CONF] [-s SOCKET] [-p PIDFILE]\n"
"       xldrvd --check-config [-c CONF]\n"
"  -f, --foreground     stay in the foreground, log to stderr too\n"
"  -d, --debug          log debug messages\n"
"  -c, --config CONF    configuration (default " XLDRVD_CONF ")\n"
"  -s, --socket PATH    control socket (default from CONF, else\n"
"                       " XLDRV_CTL_SOCKET ")\n"
"  -p, --pidfile PATH   pid file (default " XLDRVD_PIDFILE ")\n"
"  --check-config       parse CONF and each xl config, print, exit\n"
"                       (0 good, 2 bad)\n"
"See xldrvd(8) and xldrvd.conf(5).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = XLDRVD_CONF, *sock = NULL;
	const char *pidfile = XLDRVD_PIDFILE;
	bool fg = false, debug = false, check = false;
	struct daemon *D;
	char err[512];
	sigset_t mask;
	unsigned int i;
	int opt, rc;

	/* A child of ours running one libxl operation (dom.c). */
	if (argc > 1 && (!strcmp(argv[1], "--exec-create") ||
			 !strcmp(argv[1], "--exec-destroy")))
		return dom_exec_main(argc, argv);
	while ((opt = getopt_long(argc, argv, "fdc:s:p:hV", opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'f':
			fg = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("xldrvd %s\n", XLDRV_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_config(conf_path);

	D = calloc(1, sizeof(*D));
	if (!D)
		return 1;
	the_daemon = D;
	D->ctl.lfd = -1;
	if (conf_load(conf_path, &D->conf, err, sizeof(err))) {
		fprintf(stderr, "xldrvd: %s\n", err);
		return 2;
	}
	/*
	 * Each xl config as a restart will read it: a wrong one is refused
	 * now, not at the first failure, when its domain needs it.
	 */
	for (i = 0; i < D->conf.nr_dd; i++) {
		if (dom_check_xlcfg(D->conf.dd[i].config, D->conf.dd[i].name,
				    NULL, err, sizeof(err))) {
			fprintf(stderr, "xldrvd: [%s]: %s\n",
				D->conf.dd[i].name, err);
			return 2;
		}
	}
	if (sock) {
		if (strlen(sock) >= sizeof(D->conf.socket)) {
			fprintf(stderr, "xldrvd: socket path too long\n");
			return 2;
		}
		snprintf(D->conf.socket, sizeof(D->conf.socket), "%s", sock);
	}
	if (!fg && daemonize()) {
		fprintf(stderr, "xldrvd: cannot daemonize\n");
		return 1;
	}
	log_init("xldrvd", fg, debug);
	mkdir_parent(pidfile, 0755);
	mkdir_parent(D->conf.socket, 0755);
	mkdir_parent(D->conf.state_file, 0700);
	rc = write_pidfile(pidfile);
	if (rc < 0) {
		log_msg(LOG_ERR, "%s: %s", pidfile, rc == -EEXIST ?
			"xldrvd already runs" : strerror(-rc));
		return 1;
	}

	/*
	 * SIGCHLD stays out of the mask: libxl reaps its own children
	 * (bootloaders, hotplug scripts) with its handler.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	D->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (D->sfd < 0) {
		log_msg(LOG_ERR, "signalfd: %s", strerror(errno));
		return 1;
	}

	if (xsc_open(&D->xs)) {
		log_msg(LOG_ERR, "cannot open xenstore: %s (is this dom0 "
			"of a Xen host?)", strerror(errno));
		return 1;
	}
	replumb_set_xs(&D->xs);
	if (dom_init()) {
		log_msg(LOG_ERR, "cannot open libxl (is this dom0 of a Xen "
			"host?)");
		return 1;
	}
	if (xsc_watch_release(&D->xs)) {
		log_msg(LOG_ERR, "cannot watch @releaseDomain");
		return 1;
	}
	rc = ctl_open(&D->ctl, D->conf.socket, D->conf.control_uid, handle,
		      D);
	if (rc) {
		log_msg(LOG_ERR, "%s: %s", D->conf.socket, strerror(-rc));
		return 1;
	}
	log_set_event_hook(event_hook);

	D->started = now_mono_ms();
	D->nr = D->conf.nr_dd;
	for (i = 0; i < D->nr; i++) {
		D->dd[i].conf = &D->conf.dd[i];
		D->dd[i].domid = XLDRVD_INVALID_DOMID;
		D->dd[i].last_domid = XLDRVD_INVALID_DOMID;
		D->dd[i].retired_domid = XLDRVD_INVALID_DOMID;
		policy_init(&D->dd[i].pol, D->started);
	}
	rc = state_load(D->conf.state_file, D->dd, D->nr);
	if (rc && rc != -ENOENT)
		log_msg(LOG_WARNING, "%s: %s; starting afresh",
			D->conf.state_file, strerror(-rc));
	log_msg(LOG_NOTICE, "xldrvd %s: supervising %u driver domain(s)",
		XLDRV_VERSION, D->nr);
	reconcile(D, now_mono_ms());

	rc = run(D);

	state_save(D->conf.state_file, D->dd, D->nr);
	for (i = 0; i < D->nr; i++)
		rp_plan_free(&D->dd[i].plan);
	ctl_close(&D->ctl);
	dom_exit();
	xsc_close(&D->xs);
	unlink(pidfile);
	return rc;
}
