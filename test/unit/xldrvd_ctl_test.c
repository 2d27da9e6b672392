// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrvd's control socket (src/ctl.c, src/proto.c) in one
 * process: the server runs on a socket in a temporary directory with a
 * stand-in request handler, and the test plays the clients.  A request
 * gets its answer; another protocol version, an oversized request or a
 * malformed body get an error; a client that sends half a header, or
 * never reads, stalls nobody; clients over the limit are turned away.
 */
#define _GNU_SOURCE		/* before any header: ctl.c's accept4() */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "ctl.c"
#include "log.c"
#include "proto.c"

static struct ctl_server srv;
static char sock[108];
static uint64_t now = 1000;

static int handler(void *arg, uint16_t type, const char *body, size_t len,
		   struct ctl_buf *b)
{
	char name[64];

	ctl_buf_put(b, "error", "%d", type == XLDRV_CTL_LIST ? 0 :
		    XLDRV_CTL_E_UNSUPP);
	ctl_buf_put(b, "message", "ok");
	if (ctl_find(body, len, "domain", name, sizeof(name)) > 0)
		ctl_buf_put(b, "domain", "%s", name);
	return type == XLDRV_CTL_EVENTS ? CTL_KEEP_FOLLOWING : 0;
}

/* One turn of the daemon's loop, never blocking. */
static void turn(void)
{
	struct pollfd fds[1 + CTL_MAX_CLIENTS];
	int n = ctl_pollfds(&srv, fds, 1 + CTL_MAX_CLIENTS);

	CHECK_EQ(n, 1 + CTL_MAX_CLIENTS);
	poll(fds, n, 0);
	ctl_handle(&srv, fds, n, now);
}

static int client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	turn();		/* accepted */
	return fd;
}

static void request(int fd, uint32_t magic, uint16_t version,
		    uint16_t type, const char *body, uint32_t len)
{
	struct xldrv_ctl_hdr h = { magic, version, type, len };

	CHECK_EQ(write(fd, &h, sizeof(h)), sizeof(h));
	if (body && len)
		CHECK_EQ(write(fd, body, len), len);
}

/* The answer waiting on @fd, after a few turns: its "error=", or -1. */
static int answer(int fd, char *body, size_t size)
{
	struct xldrv_ctl_hdr h;
	char err[16];
	ssize_t n = -1;
	int i;

	for (i = 0; i < 10 && n < 0; i++) {
		turn();
		n = recv(fd, &h, sizeof(h), MSG_DONTWAIT);
	}
	if (n != sizeof(h) || ctl_hdr_check(&h, XLDRV_CTL_MAX_REPLY) ||
	    h.length >= size)
		return -1;
	if (read(fd, body, h.length) != (ssize_t)h.length)
		return -1;
	body[h.length] = '\0';
	if (ctl_find(body, h.length, "error", err, sizeof(err)) <= 0)
		return -1;
	return atoi(err);
}

static bool closed(int fd)
{
	char c;
	int i;

	for (i = 0; i < 10; i++) {
		turn();
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 0)
			return true;
	}
	return false;
}

static void test_requests(void)
{
	char body[4096];
	int a, b;

	a = client();
	request(a, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST,
		"domain=netdd\n", 13);
	CHECK_EQ(answer(a, body, sizeof(body)), 0);
	CHECK(strstr(body, "domain=netdd\n") != NULL);
	/* Two requests in one write: two answers, in order. */
	request(a, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_STATS,
		NULL, 0);
	request(a, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST,
		NULL, 0);
	CHECK_EQ(answer(a, body, sizeof(body)), XLDRV_CTL_E_UNSUPP);
	CHECK_EQ(answer(a, body, sizeof(body)), 0);
	/* A malformed body: an error, the connection stays. */
	request(a, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST,
		"no equals sign\n", 15);
	CHECK_EQ(answer(a, body, sizeof(body)), XLDRV_CTL_E_PROTO);
	request(a, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST,
		NULL, 0);
	CHECK_EQ(answer(a, body, sizeof(body)), 0);
	close(a);

	/* Another version: told so, then closed. */
	b = client();
	request(b, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION + 1, XLDRV_CTL_LIST,
		NULL, 0);
	CHECK_EQ(answer(b, body, sizeof(body)), XLDRV_CTL_E_VERSION);
	CHECK(closed(b));
	close(b);
	b = client();
	request(b, 0xdeadbeef, XLDRV_CTL_VERSION, XLDRV_CTL_LIST, NULL, 0);
	CHECK_EQ(answer(b, body, sizeof(body)), XLDRV_CTL_E_VERSION);
	close(b);
	/* A request larger than allowed: refused before it is read. */
	b = client();
	request(b, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST, NULL,
		XLDRV_CTL_MAX_REQUEST + 1);
	CHECK_EQ(answer(b, body, sizeof(body)), XLDRV_CTL_E_PROTO);
	CHECK(closed(b));
	close(b);
}

static void test_no_stall(void)
{
	char body[4096];
	int slow, mute, ok, i;
	char junk[65536];

	/* Half a header, then silence. */
	slow = client();
	CHECK_EQ(write(slow, "XLD", 3), 3);
	/* A follower that never reads its events. */
	mute = client();
	request(mute, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_EVENTS,
		"follow=1\n", 9);
	turn();
	memset(junk, 'x', sizeof(junk));
	CHECK_EQ(ctl_nr_clients(&srv), 2);

	/* Meanwhile others are served. */
	ok = client();
	request(ok, XLDRV_CTL_MAGIC, XLDRV_CTL_VERSION, XLDRV_CTL_LIST,
		NULL, 0);
	CHECK_EQ(answer(ok, body, sizeof(body)), 0);

	/* Events pile up for the mute one until it is dropped. */
	for (i = 0; i < 20000 && ctl_nr_clients(&srv) == 3; i++) {
		log_event("netdd", "event %d %.100s", i, junk);
		turn();
	}
	CHECK_EQ(ctl_nr_clients(&srv), 2);
	CHECK(srv.dropped >= 1);

	/* The silent one is dropped once idle for too long. */
	now += CTL_IDLE_MS;
	turn();
	CHECK(closed(slow));
	close(slow);
	close(mute);
	close(ok);
	turn();
}

static void test_limit(void)
{
	int fds[CTL_MAX_CLIENTS + 1];
	unsigned int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		fds[i] = client();
	CHECK_EQ(ctl_nr_clients(&srv), CTL_MAX_CLIENTS);
	fds[i] = client();
	CHECK(closed(fds[i]));
	CHECK(srv.refused >= 1);
	for (i = 0; i <= CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	for (i = 0; i < 3; i++)
		turn();
	CHECK_EQ(ctl_nr_clients(&srv), 0);
}

static void hook(const struct log_event *e)
{
	ctl_broadcast(&srv, e);
}

int main(void)
{
	char dir[] = "/tmp/xldrvd_ctl_test.XXXXXX";
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/s", dir);
	/* Run as root in the lab: root's uid is always allowed. */
	CHECK_EQ(ctl_open(&srv, sock, getuid(), handler, NULL), 0);
	CHECK_EQ(stat(sock, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	log_init("xldrvd_ctl_test", false, false);
	log_set_event_hook(hook);
	test_requests();
	test_no_stall();
	test_limit();
	ctl_close(&srv);
	CHECK(access(sock, F_OK) != 0);
	rmdir(dir);
	return check_done("xldrvd_ctl_test");
}
