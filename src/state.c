// SPDX-License-Identifier: GPL-2.0
/*
 * The state file: what xldrvd knows that xenstore and libxl do not, i.e.
 * the policy's history (restart counts and times, given up or not) and
 * the domid each driver domain had.  Written after every state change,
 * atomically (temporary file, fsync, rename, fsync of the directory), so
 * that a killed daemon leaves either the old or the new file.  main.c
 * reconciles it on start with what really runs: a healthy domain stays
 * untouched, a domain given up stays given up.
 *
 * Text, one line per domain, so that an operator can read it:
 *
 *	xldrvd-state 2
 *	boot 0b6e...		(kernel boot id: monotonic times are per boot)
 *	dd netdd state=running reason=crash domid=5 restarts=2 failures=2
 *	   last-restart-ms=5120 wall-failed=... wall-restarted=...
 *	   replumbed=3 replumb-failed=0 replumbed-last=1
 *	   replumb-failed-last=0 hist=1234,5678
 *	   retired-domid=4 retired-ms=5000	(all on one line; the domid
 *					 it last saw go, and when)
 *	replumb netdd client=7 ...	(one per device to re-plumb, see
 *					 replumb_plan.c)
 *
 * Version 2 added the re-plumbing plan; a version 1 file is read as
 * having none.  The plan is a former boot's only when the boot id says
 * so, and then it is dropped: its domids name nothing now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "xldrvd.h"

/* A plan line holds a device's JSON config, percent-encoded. */
#define STATE_LINE_MAX		(3 * REPLUMB_JSON_MAX + 1024)

static void boot_id(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)size, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	if (!buf[0])
		snprintf(buf, size, "unknown");
}

int state_save(const char *path, const struct dd *dds, unsigned int n)
{
	char tmp[XLDRVD_PATH_MAX + 8], dir[XLDRVD_PATH_MAX], boot[64];
	unsigned int i, j;
	FILE *f;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	boot_id(boot, sizeof(boot));
	fprintf(f, "xldrvd-state 2\nboot %s\n", boot);
	for (i = 0; i < n; i++) {
		const struct dd *d = &dds[i];
		const struct policy *p = &d->pol;

		fprintf(f, "dd %s state=%s reason=%s domid=%" PRIu32
			" restarts=%lu failures=%lu last-restart-ms=%" PRIu64
			" wall-failed=%" PRIu64 " wall-restarted=%" PRIu64
			" replumbed=%lu replumb-failed=%lu replumbed-last=%u"
			" replumb-failed-last=%u hist=", d->conf->name,
			policy_state_name(p->state),
			policy_reason_name(p->reason),
			d->domid != XLDRVD_INVALID_DOMID ? d->domid :
			d->last_domid, p->total_restarts, p->total_failures,
			p->last_restart_ms, d->wall_failed,
			d->wall_restarted, d->plan.replumbed, d->plan.failed,
			d->plan.last_replumbed, d->plan.last_failed);
		for (j = 0; j < p->nr_hist; j++)
			fprintf(f, "%s%" PRIu64, j ? "," : "", p->hist[j]);
		if (d->retired_domid != XLDRVD_INVALID_DOMID)
			fprintf(f, " retired-domid=%" PRIu32
				" retired-ms=%" PRIu64, d->retired_domid,
				d->retired_ms);
		fputc('\n', f);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < dds[i].plan.n; j++)
			rp_write(f, dds[i].conf->name, &dds[i].plan.e[j]);
	if (fflush(f) || fsync(fd))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	/* The rename is durable once the directory is. */
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* One "dd" line's fields, applied to @d only if all of them parse. */
static int load_dd(char *fields, struct dd *d, bool same_boot)
{
	struct policy p = d->pol;
	uint32_t domid = XLDRVD_INVALID_DOMID;
	uint64_t wf = 0, wr = 0, v;
	uint64_t rp_ok = 0, rp_fail = 0, rp_ok_last = 0, rp_fail_last = 0;
	uint64_t ret_domid = XLDRVD_INVALID_DOMID, ret_ms = UINT64_MAX;
	char *tok, *save = NULL;

	p.nr_hist = 0;
	for (tok = strtok_r(fields, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *val = strchr(tok, '=');

		if (!val)
			return -1;
		*val++ = '\0';
		if (!strcmp(tok, "state")) {
			if (policy_state_from_name(val, &p.state))
				return -1;
		} else if (!strcmp(tok, "reason")) {
			if (policy_reason_from_name(val, &p.reason))
				return -1;
		} else if (!strcmp(tok, "domid")) {
			/* None yet is saved as XLDRVD_INVALID_DOMID. */
			if (parse_u64(val, &v) || (v != XLDRVD_INVALID_DOMID &&
			    (!v || v > XLDRVD_DOMID_MAX)))
				return -1;
			domid = (uint32_t)v;
		} else if (!strcmp(tok, "restarts")) {
			if (parse_u64(val, &v))
				return -1;
			p.total_restarts = v;
		} else if (!strcmp(tok, "failures")) {
			if (parse_u64(val, &v))
				return -1;
			p.total_failures = v;
		} else if (!strcmp(tok, "last-restart-ms")) {
			if (parse_u64(val, &p.last_restart_ms))
				return -1;
		} else if (!strcmp(tok, "wall-failed")) {
			if (parse_u64(val, &wf))
				return -1;
		} else if (!strcmp(tok, "wall-restarted")) {
			if (parse_u64(val, &wr))
				return -1;
		} else if (!strcmp(tok, "replumbed")) {
			if (parse_u64(val, &rp_ok))
				return -1;
		} else if (!strcmp(tok, "replumb-failed")) {
			if (parse_u64(val, &rp_fail))
				return -1;
		} else if (!strcmp(tok, "replumbed-last")) {
			if (parse_u64(val, &rp_ok_last) ||
			    rp_ok_last > REPLUMB_MAX)
				return -1;
		} else if (!strcmp(tok, "replumb-failed-last")) {
			if (parse_u64(val, &rp_fail_last) ||
			    rp_fail_last > REPLUMB_MAX)
				return -1;
		} else if (!strcmp(tok, "retired-domid")) {
			if (parse_u64(val, &ret_domid) || !ret_domid ||
			    ret_domid > XLDRVD_DOMID_MAX)
				return -1;
		} else if (!strcmp(tok, "retired-ms")) {
			if (parse_u64(val, &ret_ms))
				return -1;
		} else if (!strcmp(tok, "hist")) {
			char *t, *s2 = NULL;

			/*
			 * Monotonic times mean nothing after a reboot; in
			 * this boot they are in order and none to come.
			 */
			for (t = strtok_r(val, ",", &s2); t && same_boot;
			     t = strtok_r(NULL, ",", &s2)) {
				if (parse_u64(t, &v) ||
				    p.nr_hist == POLICY_MAX_RESTARTS ||
				    v > now_mono_ms() || (p.nr_hist &&
				    v < p.hist[p.nr_hist - 1]))
					return -1;
				p.hist[p.nr_hist++] = v;
			}
		}
		/* Other keys: a newer xldrvd's; ignored. */
	}
	d->pol.total_restarts = p.total_restarts;
	d->pol.total_failures = p.total_failures;
	d->pol.last_restart_ms = p.last_restart_ms;
	d->pol.reason = p.reason;
	memcpy(d->pol.hist, p.hist, sizeof(p.hist));
	d->pol.nr_hist = p.nr_hist;
	d->last_domid = domid;
	d->wall_failed = wf;
	d->wall_restarted = wr;
	d->last_domid_this_boot = same_boot;
	d->plan.replumbed = rp_ok;
	d->plan.failed = rp_fail;
	d->plan.last_replumbed = (unsigned int)rp_ok_last;
	d->plan.last_failed = (unsigned int)rp_fail_last;
	/*
	 * When libxl may lend that domid again: a monotonic time, of this
	 * boot only, and never one still to come.
	 */
	if (same_boot && ret_domid != XLDRVD_INVALID_DOMID &&
	    ret_ms <= now_mono_ms()) {
		d->retired_domid = (uint32_t)ret_domid;
		d->retired_ms = ret_ms;
	}
	d->saved = true;
	d->saved_state = p.state;
	return 0;
}

/*
 * One "replumb" line's fields for @d: 0, or -1 (malformed, a duplicate,
 * the plan full).
 */
static int load_replumb(char *fields, struct dd *d)
{
	struct rp_entry e;

	if (rp_parse(fields, &e))
		return -1;
	if (rp_plan_insert(&d->plan, &e)) {
		rp_entry_done(&e);
		return -1;
	}
	return 0;
}

/* 0, or -ENOENT (first start), or another error (logged, ignored). */
int state_load(const char *path, struct dd *dds, unsigned int n)
{
	char boot[64], cur[64], *line;
	unsigned int lineno = 0, i, dropped = 0;
	bool same_boot = false, plan;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	line = malloc(STATE_LINE_MAX);
	if (!line) {
		fclose(f);
		return -ENOMEM;
	}
	boot_id(cur, sizeof(cur));
	while (fgets(line, STATE_LINE_MAX, f)) {
		char *name, *rest;

		lineno++;
		if (!strchr(line, '\n')) {
			log_msg(LOG_WARNING, "%s:%u: line too long, state "
				"file ignored from there", path, lineno);
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1) {
			if (strcmp(line, "xldrvd-state 1") &&
			    strcmp(line, "xldrvd-state 2")) {
				log_msg(LOG_WARNING, "%s: not a state file "
					"of this version; ignored", path);
				break;
			}
			continue;
		}
		if (sscanf(line, "boot %63s", boot) == 1) {
			same_boot = !strcmp(boot, cur);
			continue;
		}
		plan = !strncmp(line, "replumb ", 8);
		if (strncmp(line, "dd ", 3) && !plan)
			continue;
		name = line + (plan ? 8 : 3);
		rest = strchr(name, ' ');
		if (!rest)
			continue;
		*rest++ = '\0';
		for (i = 0; i < n; i++)
			if (!strcmp(dds[i].conf->name, name))
				break;
		if (i == n)
			continue;	/* no longer configured */
		if (plan && !same_boot)
			dropped++;
		else if (plan ? load_replumb(rest, &dds[i]) :
			 load_dd(rest, &dds[i], same_boot))
			log_msg(LOG_WARNING, "%s:%u: bad line for %s; "
				"ignored", path, lineno, name);
	}
	if (dropped)
		log_msg(LOG_NOTICE, "%s: %u client device(s) to re-plumb "
			"were of a former boot; dropped", path, dropped);
	free(line);
	fclose(f);
	return 0;
}
