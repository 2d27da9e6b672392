// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv-ctl: the command line of xldrvd, over its control socket
 * (include/xldrv/ctl.h).  Subcommands come from one table; each takes
 * --help and --json.  Exit codes, documented in xldrv-ctl(8):
 *
 *	0  done
 *	1  the daemon answered with an error (no such domain, busy, given
 *	   up while waiting, permission refused)
 *	2  usage
 *	3  cannot reach the daemon (no socket, lost connection, another
 *	   protocol version, a malformed answer)
 *	4  timeout (restart --wait)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xldrv/version.h>

#include "../src/xldrvd.h"

enum {
	EXIT_OK = 0,
	EXIT_DAEMON = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_TIMEOUT = 4,
};

#define IO_TIMEOUT_S	10

static const char *sock_path = XLDRV_CTL_SOCKET;
static bool json;

struct reply {
	uint16_t type;
	char *body;
	size_t len;
};

static void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("xldrv-ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static int ctl_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	int fd;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		die(EXIT_USAGE, "socket path too long");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(EXIT_UNREACHABLE, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(EXIT_UNREACHABLE, "cannot reach xldrvd at %s: %s%s",
		    sock_path, strerror(errno), errno == EACCES ?
		    " (root only)" : errno == ENOENT ||
		    errno == ECONNREFUSED ? " (is xldrvd running?)" : "");
	/* A daemon that stops answering must not hang the operator. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die(EXIT_UNREACHABLE, "lost xldrvd: %s",
			    strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* 0, or -1 at a clean end of stream before any byte. */
static int read_all(int fd, void *buf, size_t n, bool eof_ok)
{
	char *p = buf;
	ssize_t r;

	while (n) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && eof_ok && p == buf)
			return -1;
		if (r <= 0)
			die(EXIT_UNREACHABLE, "lost xldrvd: %s", r ? errno ==
			    EAGAIN ? "no answer in time" : strerror(errno) :
			    "connection closed");
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void send_request(int fd, uint16_t type, struct ctl_buf *body)
{
	struct ctl_buf msg;

	ctl_buf_init(&msg, sizeof(struct xldrv_ctl_hdr) +
		     XLDRV_CTL_MAX_REQUEST);
	if (ctl_msg(&msg, type, body))
		die(EXIT_USAGE, "request too large");
	write_all(fd, msg.data, msg.len);
	ctl_buf_free(&msg);
}

/* The next message; -1 at end of stream (when @eof_ok). */
static int read_reply(int fd, struct reply *r, bool eof_ok)
{
	struct xldrv_ctl_hdr h;

	if (read_all(fd, &h, sizeof(h), eof_ok))
		return -1;
	if (ctl_hdr_check(&h, XLDRV_CTL_MAX_REPLY))
		die(EXIT_UNREACHABLE, "xldrvd speaks another protocol "
		    "(magic %#x version %u; want version %u)", h.magic,
		    h.version, XLDRV_CTL_VERSION);
	r->type = h.type;
	r->len = h.length;
	r->body = malloc(h.length + 1);
	if (!r->body)
		die(EXIT_DAEMON, "out of memory");
	read_all(fd, r->body, h.length, false);
	r->body[h.length] = '\0';
	if (ctl_body_check(r->body, r->len))
		die(EXIT_UNREACHABLE, "malformed answer from xldrvd");
	return 0;
}

static void json_str(const char *s, size_t n);

/* One request, one reply; exits with 1 on the daemon's error. */
static void call(uint16_t type, struct ctl_buf *body, struct reply *r,
		 int *fdp)
{
	char err[16], msg[XLDRV_CTL_MAX_VALUE + 1];
	int fd = ctl_connect();

	send_request(fd, type, body);
	read_reply(fd, r, false);
	if (r->type != XLDRV_CTL_REPLY ||
	    ctl_find(r->body, r->len, "error", err, sizeof(err)) <= 0)
		die(EXIT_UNREACHABLE, "malformed answer from xldrvd");
	if (strcmp(err, "0")) {
		if (ctl_find(r->body, r->len, "message", msg,
			     sizeof(msg)) <= 0)
			snprintf(msg, sizeof(msg), "error %s", err);
		if (json) {
			printf("{\"error\": %d, \"message\": ", atoi(err));
			json_str(msg, strlen(msg));
			printf("}\n");
		}
		die(atoi(err) == XLDRV_CTL_E_VERSION ? EXIT_UNREACHABLE :
		    EXIT_DAEMON, "%s", msg);
	}
	if (fdp)
		*fdp = fd;
	else
		close(fd);
}

/*
 * JSON output.  Strings are escaped byte by byte: quote, backslash and
 * every byte outside printable ASCII as \u00XX, so the output is valid
 * JSON (and ASCII) whatever a value holds.
 */
static void json_str(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* Keys turn into JSON names with '_' for '-': jq can use them bare. */
static void json_key(const char *k)
{
	char name[XLDRV_CTL_MAX_KEY + 1];
	size_t i;

	for (i = 0; k[i] && i < XLDRV_CTL_MAX_KEY; i++)
		name[i] = k[i] == '-' ? '_' : k[i];
	name[i] = '\0';
	json_str(name, i);
	fputs(": ", stdout);
}

static bool is_number(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > 18 || (v[0] == '0' && n > 1))
		return false;
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

/* Values of these keys stay strings even when they look like numbers. */
static bool string_key(const char *k)
{
	static const char *const keys[] = {
		"domain", "state", "reason", "config", "last-error", "text",
		"message", "version", NULL,
	};
	unsigned int i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

static void json_value(const struct ctl_kv *kv)
{
	if (!string_key(kv->key) && is_number(kv->val, kv->vlen))
		fwrite(kv->val, 1, kv->vlen, stdout);
	else
		json_str(kv->val, kv->vlen);
}

/*
 * The records of @r as a JSON array named @name: a @start key begins
 * each record; keys before the first (error, message) are skipped.
 */
static void json_records(const struct reply *r, const char *start,
			 const char *name, bool last)
{
	const char *p = r->body, *end = r->body + r->len;
	bool in = false, first = true;
	struct ctl_kv kv;

	printf("  \"%s\": [", name);
	while (ctl_next_kv(&p, end, &kv) > 0) {
		if (!strcmp(kv.key, start)) {
			printf("%s\n    {", in ? "\n    }," : "");
			in = true;
			first = true;
		}
		if (!in)
			continue;
		printf("%s\n      ", first ? "" : ",");
		first = false;
		json_key(kv.key);
		json_value(&kv);
	}
	printf("%s]%s\n", in ? "\n    }\n  " : "", last ? "" : ",");
}

static void print_time(const char *v, size_t n)
{
	char buf[64], num[24];
	struct tm tm;
	time_t t;

	if (n >= sizeof(num)) {
		printf("%.*s", (int)n, v);
		return;
	}
	memcpy(num, v, n);
	num[n] = '\0';
	t = (time_t)(strtoull(num, NULL, 10) / 1000);
	if (localtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		fputs(buf, stdout);
	else
		fputs(num, stdout);
}

static bool is_time_key(const char *k)
{
	return !strcmp(k, "last-failure-ms") ||
	       !strcmp(k, "last-restarted-ms") || !strcmp(k, "time-ms");
}

/* Text: "domain NAME" then "  key: value" for each record. */
static void text_records(const struct reply *r, const char *start)
{
	const char *p = r->body, *end = r->body + r->len;
	bool in = false;
	struct ctl_kv kv;

	while (ctl_next_kv(&p, end, &kv) > 0) {
		if (!strcmp(kv.key, start)) {
			printf("%s%s %.*s\n", in ? "\n" : "", kv.key,
			       (int)kv.vlen, kv.val);
			in = true;
			continue;
		}
		if (!in)
			continue;
		printf("  %s: ", kv.key);
		if (is_time_key(kv.key))
			print_time(kv.val, kv.vlen);
		else
			printf("%.*s", (int)kv.vlen, kv.val);
		putchar('\n');
	}
}

/* Subcommands. */
struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static const struct cmd *cur;

static void cmd_usage(FILE *f)
{
	fprintf(f, "usage: xldrv-ctl [-s SOCKET] %s [--json]%s%s\n%s\n",
		cur->name, cur->args[0] ? " " : "", cur->args, cur->help);
}

/*
 * Options common to each subcommand plus its own (@extra, "" or more
 * getopt_long entries terminated by a zero entry).  Returns the option
 * for the caller, -1 at the end.
 */
static int cmd_getopt(int argc, char **argv, const struct option *extra)
{
	struct option opts[8] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
	};
	unsigned int n = 3;
	int opt;

	while (extra && extra->name && n < 7)
		opts[n++] = *extra++;
	for (;;) {
		opt = getopt_long(argc, argv, "hjs:", opts, NULL);
		switch (opt) {
		case 'h':
			cmd_usage(stdout);
			exit(EXIT_OK);
		case 'j':
			json = true;
			continue;
		case 's':
			sock_path = optarg;
			continue;
		case '?':
			cmd_usage(stderr);
			exit(EXIT_USAGE);
		default:
			return opt;
		}
	}
}

static void no_more_args(int argc, int max)
{
	if (argc - optind > max) {
		cmd_usage(stderr);
		exit(EXIT_USAGE);
	}
}

static void put_domain(struct ctl_buf *b, const char *name)
{
	if (strlen(name) >= XLDRVD_NAME_MAX || strchr(name, '\n'))
		die(EXIT_USAGE, "bad driver domain name");
	ctl_buf_put(b, "domain", "%s", name);
}

static int do_list(int argc, char **argv)
{
	const char *p, *end;
	struct ctl_buf b;
	struct ctl_kv kv;
	struct reply r;
	char state[32] = "", domid[16] = "-", name[XLDRVD_NAME_MAX] = "";
	bool any = false;

	cmd_getopt(argc, argv, NULL);
	no_more_args(argc, 0);
	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	call(XLDRV_CTL_LIST, &b, &r, NULL);
	if (json) {
		printf("{\n");
		json_records(&r, "domain", "domains", true);
		printf("}\n");
		return EXIT_OK;
	}
	printf("%-24s %-16s %s\n", "NAME", "STATE", "DOMID");
	p = r.body;
	end = r.body + r.len;
	/* A record ends where the next starts, or at the end. */
	for (;;) {
		int rc = ctl_next_kv(&p, end, &kv);

		if ((rc <= 0 || !strcmp(kv.key, "domain")) && any)
			printf("%-24s %-16s %s\n", name, state, domid);
		if (rc <= 0)
			break;
		if (!strcmp(kv.key, "domain")) {
			any = true;
			snprintf(name, sizeof(name), "%.*s", (int)kv.vlen,
				 kv.val);
			snprintf(state, sizeof(state), "?");
			snprintf(domid, sizeof(domid), "-");
		} else if (!strcmp(kv.key, "state")) {
			snprintf(state, sizeof(state), "%.*s", (int)kv.vlen,
				 kv.val);
		} else if (!strcmp(kv.key, "domid")) {
			snprintf(domid, sizeof(domid), "%.*s", (int)kv.vlen,
				 kv.val);
		}
	}
	return EXIT_OK;
}

static int do_status(int argc, char **argv)
{
	struct ctl_buf b;
	struct reply r;

	cmd_getopt(argc, argv, NULL);
	no_more_args(argc, 1);
	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	if (optind < argc)
		put_domain(&b, argv[optind]);
	call(XLDRV_CTL_STATUS, &b, &r, NULL);
	if (json) {
		printf("{\n");
		json_records(&r, "domain", "domains", true);
		printf("}\n");
	} else {
		text_records(&r, "domain");
	}
	return EXIT_OK;
}

/* state and restarts of @name, from a status request. */
static void poll_status(const char *name, char *state, size_t ssize,
			unsigned long *restarts, bool *busy)
{
	char v[32];
	struct ctl_buf b;
	struct reply r;

	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	put_domain(&b, name);
	call(XLDRV_CTL_STATUS, &b, &r, NULL);
	ctl_buf_free(&b);
	if (ctl_find(r.body, r.len, "state", state, ssize) <= 0 ||
	    ctl_find(r.body, r.len, "restarts", v, sizeof(v)) <= 0)
		die(EXIT_UNREACHABLE, "malformed answer from xldrvd");
	*restarts = strtoul(v, NULL, 10);
	*busy = ctl_find(r.body, r.len, "busy", v, sizeof(v)) > 0 &&
		!strcmp(v, "1");
	free(r.body);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void json_wait_end(const char *name, const char *state,
			  bool timeout)
{
	printf("{\"domain\": ");
	json_str(name, strlen(name));
	printf(", \"state\": ");
	json_str(state, strlen(state));
	printf(", \"timeout\": %s}\n", timeout ? "true" : "false");
}

static int do_restart(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long want, restarts, timeout_s = 120;
	char v[32], state[32], *end;
	uint64_t start, deadline;
	bool wait = false, busy;
	struct ctl_buf b;
	struct reply r;
	int opt;

	while ((opt = cmd_getopt(argc, argv, extra)) != -1) {
		if (opt == 'w') {
			wait = true;
		} else if (opt == 't') {
			errno = 0;
			timeout_s = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || timeout_s == 0 ||
			    timeout_s > 86400)
				die(EXIT_USAGE, "--timeout: want seconds, "
				    "1 to 86400");
		}
	}
	if (argc - optind != 1) {
		cmd_usage(stderr);
		return EXIT_USAGE;
	}
	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	put_domain(&b, argv[optind]);
	start = mono_ms();
	call(XLDRV_CTL_RESTART, &b, &r, NULL);
	want = ctl_find(r.body, r.len, "restarts", v, sizeof(v)) > 0 ?
		strtoul(v, NULL, 10) : 0;
	if (!wait) {
		if (json) {
			printf("{\"domain\": ");
			json_str(argv[optind], strlen(argv[optind]));
			printf(", \"state\": \"restarting\", "
			       "\"restarts\": %lu}\n", want);
		} else {
			printf("%s: restarting\n", argv[optind]);
		}
		return EXIT_OK;
	}
	/* Serving again: running, after our restart, nothing under way. */
	deadline = start + timeout_s * 1000;
	for (;;) {
		poll_status(argv[optind], state, sizeof(state), &restarts,
			    &busy);
		if (!strcmp(state, "running") && restarts >= want && !busy)
			break;
		if (!strcmp(state, "given-up")) {
			if (json)
				json_wait_end(argv[optind], "given-up", false);
			die(EXIT_DAEMON, "%s: given up (see xldrv-ctl "
			    "status)", argv[optind]);
		}
		if (mono_ms() >= deadline) {
			if (json)
				json_wait_end(argv[optind], state, true);
			die(EXIT_TIMEOUT, "%s: not serving after %lu s "
			    "(state %s)", argv[optind], timeout_s, state);
		}
		usleep(200 * 1000);
	}
	if (json) {
		printf("{\"domain\": ");
		json_str(argv[optind], strlen(argv[optind]));
		printf(", \"state\": \"running\", \"restarts\": %lu, "
		       "\"wait_ms\": %llu}\n", restarts,
		       (unsigned long long)(mono_ms() - start));
	} else {
		printf("%s: serving again after %llu ms\n", argv[optind],
		       (unsigned long long)(mono_ms() - start));
	}
	return EXIT_OK;
}

static void print_event(const struct reply *r, const char *body,
			size_t len)
{
	const char *p = body, *end = body + len;
	bool first = true;
	struct ctl_kv kv;

	(void)r;
	if (json) {
		/* --follow: one object per line (JSON Lines). */
		putchar('{');
		while (ctl_next_kv(&p, end, &kv) > 0) {
			printf("%s", first ? "" : ", ");
			first = false;
			json_key(kv.key);
			json_value(&kv);
		}
		printf("}\n");
	} else {
		char t[24] = "", dom[XLDRVD_NAME_MAX] = "";
		char text[XLDRV_CTL_MAX_VALUE + 1] = "";

		ctl_find(body, len, "time-ms", t, sizeof(t));
		ctl_find(body, len, "domain", dom, sizeof(dom));
		ctl_find(body, len, "text", text, sizeof(text));
		print_time(t, strlen(t));
		printf(" %s: %s\n", dom, text);
	}
	fflush(stdout);
}

/* Split a reply into its events ("event=" starts each). */
static void print_events(const struct reply *r)
{
	const char *p = r->body, *end = r->body + r->len, *start = NULL;
	const char *line;
	struct ctl_kv kv;

	for (;;) {
		line = p;
		if (ctl_next_kv(&p, end, &kv) <= 0)
			break;
		if (strcmp(kv.key, "event"))
			continue;
		if (start)
			print_event(r, start, (size_t)(line - start));
		start = line;
	}
	if (start)
		print_event(r, start, (size_t)(end - start));
}

static int do_events(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char dom[XLDRVD_NAME_MAX];
	struct timeval tv = { 0 };
	bool follow = false;
	struct ctl_buf b;
	struct reply r;
	int opt, fd;

	while ((opt = cmd_getopt(argc, argv, extra)) != -1)
		if (opt == 'f')
			follow = true;
	no_more_args(argc, 1);
	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	if (optind < argc)
		put_domain(&b, argv[optind]);
	if (follow)
		ctl_buf_put(&b, "follow", "1");
	call(XLDRV_CTL_EVENTS, &b, &r, &fd);
	if (json && !follow) {
		printf("{\n");
		json_records(&r, "event", "events", true);
		printf("}\n");
	} else {
		print_events(&r);
	}
	if (!follow)
		return EXIT_OK;
	/* Following: no read timeout, events come when they come. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		free(r.body);
		if (read_reply(fd, &r, true))
			die(EXIT_UNREACHABLE, "xldrvd closed the connection");
		if (r.type != XLDRV_CTL_EVENT)
			continue;
		/* The daemon streams every domain's events: filter here. */
		if (optind < argc &&
		    (ctl_find(r.body, r.len, "domain", dom, sizeof(dom)) <= 0
		     || strcmp(dom, argv[optind])))
			continue;
		print_event(&r, r.body, r.len);
	}
}

/* "detected=REASON N" lines: one object in JSON, one line each in text. */
static void stats_detected(const struct reply *r)
{
	const char *p = r->body, *end = r->body + r->len, *sp;
	bool first = true;
	struct ctl_kv kv, n;

	while (ctl_next_kv(&p, end, &kv) > 0) {
		if (strcmp(kv.key, "detected"))
			continue;
		sp = memchr(kv.val, ' ', kv.vlen);
		if (!sp)
			continue;
		n.val = sp + 1;
		n.vlen = kv.vlen - (size_t)(sp + 1 - kv.val);
		if (!json) {
			printf("detected %.*s: %.*s\n", (int)(sp - kv.val),
			       kv.val, (int)n.vlen, n.val);
			continue;
		}
		printf("%s\n    ", first ? "" : ",");
		first = false;
		json_str(kv.val, (size_t)(sp - kv.val));
		printf(": ");
		snprintf(n.key, sizeof(n.key), "n");
		json_value(&n);
	}
	if (json)
		printf("%s}", first ? "" : "\n  ");
}

static int do_stats(int argc, char **argv)
{
	const char *p, *end;
	struct ctl_buf b;
	struct ctl_kv kv;
	struct reply r;

	cmd_getopt(argc, argv, NULL);
	no_more_args(argc, 0);
	ctl_buf_init(&b, XLDRV_CTL_MAX_REQUEST);
	call(XLDRV_CTL_STATS, &b, &r, NULL);
	p = r.body;
	end = r.body + r.len;
	if (json)
		printf("{");
	while (ctl_next_kv(&p, end, &kv) > 0) {
		if (!strcmp(kv.key, "error") || !strcmp(kv.key, "message") ||
		    !strcmp(kv.key, "detected"))
			continue;
		if (json) {
			printf("\n  ");
			json_key(kv.key);
			json_value(&kv);
			putchar(',');
		} else {
			printf("%s: %.*s\n", kv.key, (int)kv.vlen, kv.val);
		}
	}
	if (json)
		printf("\n  \"detected\": {");
	stats_detected(&r);
	if (json)
		printf("\n}\n");
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "list", "", "List the supervised driver domains and their state.",
	  do_list },
	{ "status", "[DD]", "Policy state, restart counts and times of "
	  "every driver domain, or of DD.", do_status },
	{ "restart", "DD [--wait [--timeout S]]", "Restart DD now, "
	  "whatever the policy says (brings back a domain given up).\n"
	  "--wait: until it serves again (default timeout 120 s).",
	  do_restart },
	{ "events", "[DD] [--follow]", "The last events (detections, "
	  "restarts); --follow: and then new ones as they happen.",
	  do_events },
	{ "stats", "", "Daemon-wide counters.", do_stats },
};

#define NR_CMDS ARRAY_SIZE(cmds)

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: xldrv-ctl [-s SOCKET] [--json] COMMAND [ARGS]\n"
		"commands:\n");
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %s%*s%s\n", cmds[i].name,
			cmds[i].args[0] ? 9 - (int)strlen(cmds[i].name) : 0,
			"", cmds[i].args);
	fprintf(f, "'xldrv-ctl COMMAND --help' for one; exit codes: 0 ok, "
		"1 daemon error, 2 usage,\n3 daemon unreachable, 4 timeout "
		"(see xldrv-ctl(8)).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int opt;

	/* '+': stop at the subcommand, whose options are its own. */
	while ((opt = getopt_long(argc, argv, "+s:jhV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			sock_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("xldrv-ctl %s\n", XLDRV_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < NR_CMDS; i++) {
		if (strcmp(argv[optind], cmds[i].name))
			continue;
		cur = &cmds[i];
		argc -= optind;
		argv += optind;
		/* 0: glibc starts over, options may follow operands. */
		optind = 0;
		return cmds[i].fn(argc, argv);
	}
	fprintf(stderr, "xldrv-ctl: unknown command \"%s\"\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
