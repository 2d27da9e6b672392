// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the libxl children's deadline (src/job.c) with real
 * children: this program is also the child, run as `--exec-destroy N`
 * through /proc/self/exe as xldrvd's are, and answers as told by N: at
 * once, never (a hung libxl), or never with a process of its own left
 * under it (a hotplug script).  A child past its deadline is killed with
 * its process group and reported as -ETIMEDOUT, once; one that answers
 * in time is not; the poll loop's next deadline is the earliest.
 */
#define _GNU_SOURCE		/* before any header: pipe2() */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "check.h"
#include "job.c"
#include "log.c"

enum { ANSWER = 1, HANG = 2, HANG_WITH_CHILD = 3 };

/* The child's side; the grandchild's pid on stderr, for the test. */
static int child(const char *how)
{
	pid_t g;

	switch (atoi(how)) {
	case ANSWER:
		printf("ok 1\n");
		return 0;
	case HANG_WITH_CHILD:
		g = fork();
		if (g == 0) {
			for (;;)
				pause();
		}
		fprintf(stderr, "grandchild %d\n", (int)g);
		fflush(stderr);
		/* fall through */
	default:
		for (;;)
			pause();
	}
}

struct result {
	int calls, rc;
	uint32_t domid;
};

static void done(int rc, uint32_t domid, void *arg)
{
	struct result *r = arg;

	r->calls++;
	r->rc = rc;
	r->domid = domid;
}

static int spawn(int how, uint64_t timeout_ms, struct result *r)
{
	char id[16];
	char *const argv[] = { "xldrvd", "--exec-destroy", id, NULL };

	snprintf(id, sizeof(id), "%d", how);
	return dom_job_spawn(argv, timeout_ms, done, r, (uint32_t)how);
}

/* The daemon's loop, for @ms: poll, read the reports, kill the late. */
static void loop(uint64_t ms)
{
	uint64_t end = now_mono_ms() + ms, now, next;
	struct pollfd fds[DOM_JOBS_MAX];
	int n, timeout;

	while ((now = now_mono_ms()) < end) {
		n = dom_job_pollfds(fds, DOM_JOBS_MAX);
		next = dom_job_next_deadline();
		if (!next || next > end)
			next = end;
		timeout = next > now ? (int)(next - now) : 0;
		poll(fds, n, timeout);
		dom_job_afterpoll(fds, n);
		dom_job_expire(now_mono_ms());
	}
}

static bool gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

/* When the test fails: leave no hung child behind, nor its job. */
static void cleanup(pid_t g)
{
	unsigned int i;

	for (i = 0; i < nr_jobs; i++) {
		kill(-jobs[i].pid, SIGKILL);
		kill(jobs[i].pid, SIGKILL);
		waitpid(jobs[i].pid, NULL, 0);
		close(jobs[i].fd);
	}
	nr_jobs = 0;
	if (g > 0) {
		kill(g, SIGKILL);
		waitpid(g, NULL, 0);
	}
}

static void test_deadline(void)
{
	struct result ans = { 0 }, hang = { 0 };
	uint64_t t0 = now_mono_ms(), d;

	CHECK_EQ(dom_job_next_deadline(), 0);
	CHECK_EQ(spawn(HANG, 1500, &hang), 0);
	CHECK_EQ(spawn(ANSWER, 60000, &ans), 0);
	d = dom_job_next_deadline();
	CHECK(d >= t0 + 1500 && d < t0 + 2500);

	/* Before its deadline: nothing killed, the other answered. */
	loop(500);
	CHECK_EQ(ans.calls, 1);
	CHECK_EQ(ans.rc, 0);
	CHECK_EQ(ans.domid, 1);
	CHECK_EQ(hang.calls, 0);
	CHECK_EQ(nr_jobs, 1);
	CHECK_EQ(dom_job_next_deadline(), d);

	/* Past it: killed, failed once, and reaped. */
	loop(2000);
	CHECK_EQ(hang.calls, 1);
	CHECK_EQ(hang.rc, -ETIMEDOUT);
	CHECK_EQ(hang.domid, HANG);
	CHECK(now_mono_ms() >= d);
	CHECK_EQ(nr_jobs, 0);
	CHECK_EQ(dom_job_next_deadline(), 0);
	loop(200);
	CHECK_EQ(nr_reported, 0);
	CHECK_EQ(hang.calls, 1);
	cleanup(0);
}

/* What the child started goes with it. */
static void test_process_group(void)
{
	struct result hang = { 0 };
	int err[2], saved, status = 0;
	char buf[64] = "";
	pid_t g = 0;
	ssize_t r;

	/* Orphans come to us, so that waitpid() tells their end. */
	CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	CHECK_EQ(pipe(err), 0);
	saved = dup(2);
	dup2(err[1], 2);
	CHECK_EQ(spawn(HANG_WITH_CHILD, 1000, &hang), 0);
	dup2(saved, 2);
	close(saved);
	close(err[1]);
	r = read(err[0], buf, sizeof(buf) - 1);
	close(err[0]);
	CHECK(r > 0 && sscanf(buf, "grandchild %d", &g) == 1 && g > 0);
	loop(1500);
	CHECK_EQ(hang.rc, -ETIMEDOUT);
	/* Killed, or about to be: a second is ample. */
	loop(1000);
	if (g > 0) {
		CHECK_EQ(waitpid(g, &status, WNOHANG), g);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		CHECK(gone(g));
	}
	CHECK_EQ(nr_reported, 0);
	cleanup(g);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exec-destroy"))
		return child(argv[2]);
	test_deadline();
	test_process_group();
	return check_done("xldrvd_job_test");
}
