// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: a Unix stream socket, mode 0600, where only root
 * (or the configured control-uid) may talk to the daemon, checked with
 * SO_PEERCRED on every connection.  Everything is nonblocking and bounded
 * (request size, output queued per client, number of clients, idle time)
 * so that no client, slow or malicious, stalls the poll loop that
 * supervises the driver domains.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4(), struct ucred */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

static void client_reset(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	ctl_buf_free(&c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

int ctl_open(struct ctl_server *s, const char *path, unsigned int uid,
	     ctl_handler_fn *handler, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int i;
	mode_t old;
	int fd, rc;

	memset(s, 0, sizeof(*s));
	s->lfd = -1;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->uid = uid;
	s->handler = handler;
	s->arg = arg;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A stale socket of a killed daemon; the pid file kept two out. */
	unlink(path);
	/* Created 0600 from the start: no window where others connect. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || chmod(path, 0600) || listen(fd, 16)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	s->lfd = fd;
	return 0;
}

void ctl_close(struct ctl_server *s)
{
	unsigned int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->cl[i].fd >= 0)
			client_reset(&s->cl[i]);
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(s->path);
	}
	s->lfd = -1;
}

unsigned int ctl_nr_clients(const struct ctl_server *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		n += s->cl[i].fd >= 0;
	return n;
}

/* The listening socket first, then each client, in cl[] order. */
int ctl_pollfds(struct ctl_server *s, struct pollfd *fds, int max)
{
	unsigned int i;
	int n = 0;

	if (max < 1 + CTL_MAX_CLIENTS)
		return -ENOSPC;
	fds[n].fd = s->lfd;
	fds[n++].events = POLLIN;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->cl[i];

		fds[n].fd = c->fd;
		fds[n].events = 0;
		if (c->fd >= 0) {
			if (!c->closing)
				fds[n].events |= POLLIN;
			if (c->out_off < c->out.len)
				fds[n].events |= POLLOUT;
		}
		fds[n].revents = 0;
		n++;
	}
	return n;
}

static void reply(struct ctl_server *s, struct ctl_client *c,
		  uint16_t type, const struct ctl_buf *body)
{
	if (ctl_msg(&c->out, type, body)) {
		/* A client that does not read its answers is dropped. */
		s->dropped++;
		client_reset(c);
	}
}

static void reply_error(struct ctl_server *s, struct ctl_client *c,
			int code, const char *msg)
{
	struct ctl_buf b;

	ctl_buf_init(&b, 1024);
	ctl_buf_put(&b, "error", "%d", code);
	ctl_buf_put(&b, "message", "%s", msg);
	reply(s, c, XLDRV_CTL_REPLY, &b);
	ctl_buf_free(&b);
	if (c->fd >= 0)
		c->closing = true;
}

static void do_accept(struct ctl_server *s, uint64_t now)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i;
	int fd;

	fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->cl[i].fd < 0)
			break;
	if (i == CTL_MAX_CLIENTS) {
		s->refused++;
		close(fd);
		return;
	}
	client_reset(&s->cl[i]);
	s->cl[i].fd = fd;
	ctl_buf_init(&s->cl[i].out, CTL_OUT_MAX);
	s->cl[i].deadline = now + CTL_IDLE_MS;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != 0 && cred.uid != s->uid)) {
		s->refused++;
		/* Any local user may connect: one line per 10 s at most. */
		if (!s->refused_logged || now - s->refused_logged >= 10000) {
			s->refused_logged = now;
			log_msg(LOG_WARNING, "control: refused uid %ld (%lu "
				"refused so far)", len == sizeof(cred) ?
				(long)cred.uid : -1L, s->refused);
		}
		reply_error(s, &s->cl[i], XLDRV_CTL_E_PERM,
			    "permission denied (root only)");
	}
}

/* Handle every complete request in c->in. */
static void do_requests(struct ctl_server *s, struct ctl_client *c,
			uint64_t now)
{
	const size_t hl = sizeof(struct xldrv_ctl_hdr);
	struct xldrv_ctl_hdr h;
	struct ctl_buf body;
	size_t total;
	int rc;

	while (c->fd >= 0 && !c->closing && c->in_len >= hl) {
		memcpy(&h, c->in, hl);
		rc = ctl_hdr_check(&h, XLDRV_CTL_MAX_REQUEST);
		if (rc == -EPROTO) {
			reply_error(s, c, XLDRV_CTL_E_VERSION,
				    "protocol version mismatch");
			return;
		}
		if (rc) {
			reply_error(s, c, XLDRV_CTL_E_PROTO,
				    "request too large");
			return;
		}
		total = hl + h.length;
		if (c->in_len < total)
			return;
		s->requests++;
		ctl_buf_init(&body, XLDRV_CTL_MAX_REPLY);
		if (ctl_body_check(c->in + hl, h.length)) {
			ctl_buf_put(&body, "error", "%d", XLDRV_CTL_E_PROTO);
			ctl_buf_put(&body, "message", "malformed request");
			rc = 0;
		} else {
			rc = s->handler(s->arg, h.type, c->in + hl, h.length,
					&body);
		}
		if (body.overflow) {
			/* Never a cut reply: say it did not fit. */
			ctl_buf_free(&body);
			ctl_buf_init(&body, 1024);
			ctl_buf_put(&body, "error", "%d",
				    XLDRV_CTL_E_INTERNAL);
			ctl_buf_put(&body, "message", "reply too large");
		}
		reply(s, c, XLDRV_CTL_REPLY, &body);
		ctl_buf_free(&body);
		if (c->fd < 0)
			return;
		memmove(c->in, c->in + total, c->in_len - total);
		c->in_len -= total;
		c->deadline = now + CTL_IDLE_MS;
		if (rc == CTL_KEEP_FOLLOWING)
			c->follow = true;
	}
}

static void do_read(struct ctl_server *s, struct ctl_client *c,
		    uint64_t now)
{
	ssize_t n;

	n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_reset(c);
		return;
	}
	if (n < 0)
		return;
	c->in_len += (size_t)n;
	do_requests(s, c, now);
}

static void do_write(struct ctl_client *c)
{
	ssize_t n;

	n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
		 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		client_reset(c);
		return;
	}
	if (n > 0)
		c->out_off += (size_t)n;
	if (c->out_off == c->out.len) {
		c->out.len = 0;
		c->out_off = 0;
		if (c->closing)
			client_reset(c);
	}
}

void ctl_handle(struct ctl_server *s, const struct pollfd *fds, int n,
		uint64_t now)
{
	unsigned int i;

	if (n < 1 + CTL_MAX_CLIENTS)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->cl[i];
		short re = fds[1 + i].revents;

		if (c->fd < 0 || fds[1 + i].fd != c->fd)
			continue;	/* slot reused since poll */
		if (re & (POLLERR | POLLNVAL)) {
			client_reset(c);
			continue;
		}
		if (re & (POLLIN | POLLHUP))
			do_read(s, c, now);
		if (c->fd >= 0 && c->out_off < c->out.len)
			do_write(c);
		/* Flushed early (before a POLLOUT) counts too. */
		if (c->fd >= 0 && c->closing && c->out.len == 0)
			client_reset(c);
	}
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->cl[i];

		if (c->fd >= 0 && !c->follow && now >= c->deadline)
			client_reset(c);
	}
	if (fds[0].revents & POLLIN)
		do_accept(s, now);
}

uint64_t ctl_next_deadline(const struct ctl_server *s)
{
	uint64_t d = 0;
	unsigned int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		const struct ctl_client *c = &s->cl[i];

		if (c->fd >= 0 && !c->follow && (!d || c->deadline < d))
			d = c->deadline;
	}
	return d;
}

void ctl_put_event(struct ctl_buf *b, const struct log_event *e)
{
	ctl_buf_put(b, "event", "%lu", e->seq);
	ctl_buf_put(b, "time-ms", "%llu", (unsigned long long)e->wall_ms);
	ctl_buf_put(b, "domain", "%s", e->domain);
	ctl_buf_put(b, "text", "%s", e->text);
}

/* Queue @e to every following client; one too slow to read is dropped. */
void ctl_broadcast(struct ctl_server *s, const struct log_event *e)
{
	struct ctl_buf b;
	unsigned int i;

	ctl_buf_init(&b, 2048);
	ctl_put_event(&b, e);
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->cl[i];

		if (c->fd >= 0 && c->follow && !c->closing) {
			reply(s, c, XLDRV_CTL_EVENT, &b);
			if (c->fd >= 0)
				do_write(c);
		}
	}
	ctl_buf_free(&b);
}
