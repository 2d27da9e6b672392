// SPDX-License-Identifier: GPL-2.0
/*
 * The children that run libxl's destroy and create for dom.c: spawned,
 * their one-line reports read from the poll loop, killed past their
 * deadline, reaped.  No libxl here, so that the unit tests run it.
 *
 * Destroy and create run in a child process, `xldrvd --exec-destroy` or
 * `--exec-create`, each with a libxl context of its own, synchronously.
 * libxl's asynchronous operations are not asynchronous all the way: with
 * PCI devices, adding and removing them waits for pciback in loops of
 * sleep(1) (libxl__wait_for_backend: up to 10 s each, several times per
 * restart in the lab), which would stall the whole poll loop, the control
 * socket and every other driver domain with it.  A child costs an exec;
 * it also keeps a libxl failure in one operation out of the daemon.  The
 * child reports one line on a pipe, "ok DOMID" or "error RC", and exits;
 * the daemon reaps it (libxl reaps only its own children: see dom_init).
 * The line is what counts, as soon as it is complete: a created domain is
 * already running by then, and its new backends must be set up while it
 * boots, not once the child has got round to exiting (seen taking
 * seconds in the lab, on a loaded host).  Children that reported are
 * reaped without waiting, in later rounds of the loop.
 *
 * A child that never reports (libxl waiting for a backend, a device
 * model or a lock that never comes) would keep its driver domain busy,
 * and out of its restart policy, for ever: each has a deadline, past
 * which it is killed with whatever it started (its process group) and
 * reported as failed, for the policy to decide what follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/wait.h>

#include "xldrvd.h"
#include "dom.h"

#define DOM_JOBS_MAX		(XLDRVD_MAX_DD * 2)
#define DOM_JOB_OUT_MAX		64
/* Xen's DOMID_FIRST_RESERVED: ids from there on are not guests. */
#define XLDRVD_DOMID_RESERVED	0x7ff0u

struct dom_job {
	pid_t pid;
	int fd;
	dom_done_fn *done;
	void *arg;
	uint32_t domid;			/* destroy: the domain */
	uint64_t timeout_ms;
	uint64_t deadline;		/* monotonic ms */
	char out[DOM_JOB_OUT_MAX];
	size_t len;
};

static struct dom_job jobs[DOM_JOBS_MAX];
static unsigned int nr_jobs;
/* Children that reported and are yet to exit. */
static pid_t reported[DOM_JOBS_MAX];
static unsigned int nr_reported;

/*
 * Run `xldrvd @argv` (argv[0] aside), killed if it has not reported
 * within @timeout_ms; @done gets its result, -ETIMEDOUT then.
 */
int dom_job_spawn(char *const argv[], uint64_t timeout_ms,
		  dom_done_fn *done, void *arg, uint32_t domid)
{
	struct dom_job *j;
	int p[2], devnull;
	pid_t pid;

	if (nr_jobs == DOM_JOBS_MAX)
		return -EBUSY;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		/*
		 * The child: stdout is the pipe, stdin nothing; stderr
		 * stays.  A process group of its own, so that a kill
		 * takes what libxl started in it too (hotplug scripts).
		 */
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	/* Either side may get there first: the group must exist to kill. */
	setpgid(pid, pid);
	close(p[1]);
	j = &jobs[nr_jobs++];
	memset(j, 0, sizeof(*j));
	j->pid = pid;
	j->fd = p[0];
	j->done = done;
	j->arg = arg;
	j->domid = domid;
	j->timeout_ms = timeout_ms;
	j->deadline = now_mono_ms() + timeout_ms;
	return 0;
}

int dom_job_pollfds(struct pollfd *fds, int max)
{
	unsigned int i;

	for (i = 0; i < nr_jobs && (int)i < max; i++)
		fds[i] = (struct pollfd){ .fd = jobs[i].fd, .events = POLLIN };
	return (int)i;
}

static void log_child_status(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_msg(LOG_ERR, "libxl child %d killed by signal %d",
			(int)pid, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		log_msg(LOG_WARNING, "libxl child %d exited with status %d",
			(int)pid, WEXITSTATUS(status));
}

/*
 * A child's report: a complete line (it may still be exiting: reaped
 * later), or whatever came before EOF (it has exited, or closed its
 * stdout, which only exiting does: reaped now).  "ok DOMID" alone is
 * success; for a child that exited, only with status 0.
 */
static void job_end(struct dom_job *j, bool line)
{
	uint32_t domid = j->domid;
	unsigned long v;
	int status = 0, rc = -EIO;
	char *end;

	close(j->fd);
	if (line && nr_reported < DOM_JOBS_MAX) {
		reported[nr_reported++] = j->pid;
	} else {
		while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
			;
		log_child_status(j->pid, status);
	}
	j->out[j->len] = '\0';
	if (!strncmp(j->out, "ok ", 3) && WIFEXITED(status) &&
	    !WEXITSTATUS(status)) {
		errno = 0;
		v = strtoul(j->out + 3, &end, 10);
		if (!errno && (*end == '\n' || !*end) && v < XLDRVD_DOMID_RESERVED) {
			domid = (uint32_t)v;
			rc = 0;
		}
	}
	j->done(rc, domid, j->arg);
}

/* Reap the children that reported, those that have exited. */
static void reap_reported(void)
{
	unsigned int k = 0;
	int status;
	pid_t r;

	while (k < nr_reported) {
		r = waitpid(reported[k], &status, WNOHANG);
		if (r == 0 || (r < 0 && errno == EINTR)) {
			k++;
			continue;
		}
		if (r > 0)
			log_child_status(r, status);
		reported[k] = reported[--nr_reported];
	}
}

/* Highest index first in the caller: the last job moves into slot @k. */
static void end_job(int k, bool line)
{
	struct dom_job done = jobs[k];

	jobs[k] = jobs[--nr_jobs];
	job_end(&done, line);
}

void dom_job_afterpoll(struct pollfd *fds, int n)
{
	int k;

	reap_reported();
	/* fds[k] is jobs[k] as dom_job_pollfds() made them. */
	for (k = n - 1; k >= 0; k--) {
		struct dom_job *j = &jobs[k];
		ssize_t r;

		if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(j->fd, j->out + j->len, sizeof(j->out) - 1 - j->len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r > 0) {
			j->len += (size_t)r;
			if (memchr(j->out, '\n', j->len)) {
				end_job(k, true);
				continue;
			}
			if (j->len < sizeof(j->out) - 1)
				continue;
		}
		/* EOF, an error, or more than a report holds: done. */
		end_job(k, false);
	}
}

/* The earliest deadline of a child under way, 0 for none. */
uint64_t dom_job_next_deadline(void)
{
	uint64_t next = 0;
	unsigned int i;

	for (i = 0; i < nr_jobs; i++)
		if (!next || jobs[i].deadline < next)
			next = jobs[i].deadline;
	return next;
}

/*
 * Kill the children past their deadline at @now, and report each as
 * failed (-ETIMEDOUT).  Each is reaped later, without waiting: a process
 * in an uninterruptible wait (a hypercall, a device) dies only once that
 * returns.  After dom_job_afterpoll(), whose fds name jobs by index.
 */
void dom_job_expire(uint64_t now)
{
	struct dom_job j;
	int k;

	for (k = (int)nr_jobs - 1; k >= 0; k--) {
		if (now < jobs[k].deadline)
			continue;
		j = jobs[k];
		jobs[k] = jobs[--nr_jobs];
		log_msg(LOG_ERR, "libxl child %d: no report in %" PRIu64
			" s; killing it", (int)j.pid, j.timeout_ms / 1000);
		if (kill(-j.pid, SIGKILL))
			kill(j.pid, SIGKILL);
		close(j.fd);
		/* Past the bound only if children never die: a zombie, then. */
		if (nr_reported < DOM_JOBS_MAX)
			reported[nr_reported++] = j.pid;
		j.done(-ETIMEDOUT, j.domid, j.arg);
	}
}
