/* SPDX-License-Identifier: GPL-2.0 */
/* ctl.c: the control socket's server side. */
#ifndef XLDRVD_CTL_SERVER_H
#define XLDRVD_CTL_SERVER_H

#include <poll.h>
#include <sys/types.h>

#include "xldrvd.h"

#define CTL_MAX_CLIENTS		32
#define CTL_IDLE_MS		30000	/* an idle client is dropped */
#define CTL_OUT_MAX		(2 * XLDRV_CTL_MAX_REPLY)

/* What a handler wants done with the connection after its reply. */
#define CTL_KEEP_FOLLOWING	1

/*
 * Build the reply to one request into @reply (a body: error=, message=,
 * records); return 0 or CTL_KEEP_FOLLOWING.
 */
typedef int ctl_handler_fn(void *arg, uint16_t type, const char *body,
			   size_t len, struct ctl_buf *reply);

struct ctl_client {
	int fd;
	char in[sizeof(struct xldrv_ctl_hdr) + XLDRV_CTL_MAX_REQUEST];
	size_t in_len;
	struct ctl_buf out;
	size_t out_off;
	bool follow;
	bool closing;			/* close once out is flushed */
	uint64_t deadline;
};

struct ctl_server {
	int lfd;
	char path[108];
	unsigned int uid;		/* besides root, who may connect */
	struct ctl_client cl[CTL_MAX_CLIENTS];
	ctl_handler_fn *handler;
	void *arg;
	unsigned long requests, refused, dropped;
	uint64_t refused_logged;	/* when "refused uid" was last logged */
};

int ctl_open(struct ctl_server *s, const char *path, unsigned int uid,
	     ctl_handler_fn *handler, void *arg);
void ctl_close(struct ctl_server *s);
int ctl_pollfds(struct ctl_server *s, struct pollfd *fds, int max);
void ctl_handle(struct ctl_server *s, const struct pollfd *fds, int n,
		uint64_t now);
uint64_t ctl_next_deadline(const struct ctl_server *s);
void ctl_put_event(struct ctl_buf *b, const struct log_event *e);
void ctl_broadcast(struct ctl_server *s, const struct log_event *e);
unsigned int ctl_nr_clients(const struct ctl_server *s);

#endif
