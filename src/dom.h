/* SPDX-License-Identifier: GPL-2.0 */
/* dom.c: domains through libxl.  Apart so that pure modules skip libxl. */
#ifndef XLDRVD_DOM_H
#define XLDRVD_DOM_H

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

enum { DOM_GONE, DOM_RUNNING, DOM_SHUTDOWN };
enum dom_ev_type { DOM_EV_SHUTDOWN, DOM_EV_DEATH, DOM_EV_OTHER };

struct dom_event {
	enum dom_ev_type type;
	int reason;			/* enum dd_reason */
	uint32_t domid;
	uint64_t user;
};

/* rc 0 or -errno; domid the created one (create) or destroyed one. */
typedef void dom_done_fn(int rc, uint32_t domid, void *arg);

int dom_init(void);
void dom_exit(void);
int dom_find(const char *name, uint32_t *domid);
int dom_state(uint32_t domid, int *reason);
int dom_shutdown_reason(int libxl_reason);
int dom_watch_death(uint32_t domid, uint64_t user, void **evgen);
void dom_unwatch_death(void *evgen);
int dom_next_event(struct dom_event *ev);
int dom_beforepoll(struct pollfd *fds, int *nfds, int *timeout,
		   struct timeval now);
void dom_afterpoll(struct pollfd *fds, int nfds, struct timeval now);
int dom_exec_main(int argc, char **argv);
int dom_destroy(uint32_t domid, uint64_t timeout_ms, dom_done_fn *done,
		void *arg);
int dom_create(const char *cfgfile, const char *name, uint32_t want,
	       uint64_t timeout_ms, dom_done_fn *done, void *arg, char *err,
	       size_t errlen);
int dom_check_xlcfg(const char *file, const char *name, FILE *out,
		    char *err, size_t errlen);

/* job.c: the children that run destroy and create, no libxl. */
int dom_job_spawn(char *const argv[], uint64_t timeout_ms,
		  dom_done_fn *done, void *arg, uint32_t domid);
int dom_job_pollfds(struct pollfd *fds, int max);
void dom_job_afterpoll(struct pollfd *fds, int n);
uint64_t dom_job_next_deadline(void);
void dom_job_expire(uint64_t now);
#ifdef LIBXL_H
libxl_ctx *dom_ctx(void);
int dom_parse_xlcfg(const char *file, libxl_domain_config *dc, char *err,
		    size_t errlen);
#endif

#endif /* XLDRVD_DOM_H */
