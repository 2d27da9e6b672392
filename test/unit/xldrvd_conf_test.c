// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrvd.conf parsing (src/conf.c): a full good file, the
 * defaults, and one bad file per rule, each with the file:line of the
 * error the operator would read.
 */
#include <string.h>

#include "check.h"
#include "conf.c"

static struct conf c;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return conf_parse(text, strlen(text), "t.conf", &c, err,
			  sizeof(err));
}

static void good(void)
{
	static const char text[] =
		"# xldrvd.conf\n"
		"[xldrvd]\n"
		"socket = /tmp/x.sock\n"
		"state=/tmp/state   # comment\n"
		"control-uid = 1000\n"
		"\n"
		"[netdd]\n"
		"\tconfig = /etc/xen/netdd.cfg\r\n"
		"restart = never\n"
		"max-restarts = 3\n"
		"window = 300\n"
		"backoff-initial-ms = 250\n"
		"backoff-max-ms = 4000\n"
		"heartbeat-timeout = 0\n"
		"boot-timeout = 30\n"
		"libxl-timeout = 90\n"
		"[blkdd]\n"
		"config = /etc/xen/blkdd.cfg";	/* no final newline */
	const struct dd_conf *d;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(parse(text), 0);
	CHECK(!strcmp(c.socket, "/tmp/x.sock"));
	CHECK(!strcmp(c.state_file, "/tmp/state"));
	CHECK_EQ(c.control_uid, 1000);
	CHECK_EQ(c.nr_dd, 2);
	d = conf_find(&c, "netdd");
	CHECK(d != NULL);
	if (d) {
		CHECK(!strcmp(d->config, "/etc/xen/netdd.cfg"));
		CHECK_EQ(d->restart, RESTART_NEVER);
		CHECK_EQ(d->max_restarts, 3);
		CHECK_EQ(d->window_ms, 300000);
		CHECK_EQ(d->backoff_initial_ms, 250);
		CHECK_EQ(d->backoff_max_ms, 4000);
		CHECK_EQ(d->heartbeat_timeout_ms, 0);
		CHECK_EQ(d->boot_timeout_ms, 30000);
		CHECK_EQ(d->libxl_timeout_ms, 90000);
		CHECK_EQ(d->line, 7);
	}
	d = conf_find(&c, "blkdd");
	CHECK(d != NULL);
	if (d) {
		/* The defaults xldrvd.conf(5) documents. */
		CHECK(!strcmp(d->config, "/etc/xen/blkdd.cfg"));
		CHECK_EQ(d->restart, RESTART_ALWAYS);
		CHECK_EQ(d->max_restarts, 5);
		CHECK_EQ(d->window_ms, 600000);
		CHECK_EQ(d->backoff_initial_ms, 1000);
		CHECK_EQ(d->backoff_max_ms, 60000);
		CHECK_EQ(d->heartbeat_timeout_ms, 10000);
		CHECK_EQ(d->boot_timeout_ms, 120000);
		CHECK_EQ(d->libxl_timeout_ms, 300000);
	}
	CHECK(conf_find(&c, "nodd") == NULL);

	/* What --check-config prints parses back to the same. */
	f = open_memstream(&out, &len);
	conf_print(f, &c);
	fclose(f);
	{
		struct conf again;

		CHECK_EQ(conf_parse(out, len, "printed", &again, err,
				    sizeof(err)), 0);
		/* All but the line numbers, which moved. */
		for (unsigned int i = 0; i < 2; i++)
			CHECK(!memcmp(&again.dd[i], &c.dd[i],
				      offsetof(struct dd_conf, line)));
		CHECK_EQ(again.nr_dd, 2);
	}
	free(out);

	/* Empty and comment-only files: no driver domains, no error. */
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(c.nr_dd, 0);
	CHECK(!strcmp(c.socket, XLDRV_CTL_SOCKET));
	CHECK_EQ(parse("# nothing\n\n \t\n"), 0);
}

/* @text must fail with an error containing @want. */
static void bad(const char *text, const char *want)
{
	CHECK_EQ(parse(text), -1);
	if (!strstr(err, want)) {
		fprintf(stderr, "want \"%s\" in \"%s\"\n", want, err);
		CHECK(0);
	}
}

static void bad_ones(void)
{
	static char big[300 * 1024];
	char many[4096];
	unsigned int i, n = 0;

	bad("[a]\nconfig=/x\nbogus = 1\n", "t.conf:3: unknown key \"bogus\"");
	bad("[a]\nconfig=/x\nwindow=1\nwindow=2\n", "t.conf:4: window set "
	    "twice");
	bad("[a]\nconfig=/x\n[a]\nconfig=/y\n", "t.conf:3: driver domain "
	    "\"a\" twice");
	bad("[a]\nconfig=/x\nwindow=abc\n", "t.conf:3: window: want seconds");
	bad("[a]\nconfig=/x\nwindow=-5\n", "t.conf:3:");
	bad("[a]\nconfig=/x\nwindow=0\n", "t.conf:3:");
	bad("[a]\nconfig=/x\nwindow=10s\n", "t.conf:3:");
	bad("[a]\nconfig=/x\nmax-restarts=99999999999999999999999\n",
	    "t.conf:3:");
	bad("[a]\nconfig=/x\nmax-restarts=101\n", "from 0 to 100");
	bad("[a]\nconfig=/x\nrestart=sometimes\n", "t.conf:3: restart: want "
	    "always or never");
	bad("\n[a]\nrestart=always\n", "t.conf:2: [a] has no config=");
	bad("[a]\nrestart=always\n[b]\nconfig=/x\n", "t.conf:1: [a] has no "
	    "config=");
	bad("config=/x\n", "t.conf:1: key \"config\" outside a section");
	bad("[a\nconfig=/x\n", "t.conf:1: bad section header");
	bad("[a] x\nconfig=/x\n", "t.conf:1: bad section header");
	bad("[a/b]\nconfig=/x\n", "t.conf:1: bad driver domain name");
	bad("[-a]\nconfig=/x\n", "bad driver domain name");
	bad("[]\nconfig=/x\n", "bad driver domain name");
	bad("[a]\nconfig=relative.cfg\n", "t.conf:2: config: want an "
	    "absolute path");
	bad("[a]\nconfig=\n", "t.conf:2: config: empty value");
	bad("[a]\nconfig /x\n", "t.conf:2: expected key = value");
	bad("[a]\nconfig=/x\nbackoff-initial-ms=5000\nbackoff-max-ms=10\n",
	    "t.conf:1: [a] backoff-max-ms is below");
	bad("[xldrvd]\nfoo=1\n", "t.conf:2: unknown key \"foo\" in [xldrvd]");
	bad("[xldrvd]\n[a]\nconfig=/x\n[xldrvd]\n", "t.conf:4: second "
	    "[xldrvd]");
	bad("[xldrvd]\nsocket=relative\n", "t.conf:2: socket");
	bad("[xldrvd]\nstate=/a\nstate=/b\n", "t.conf:3: state set twice "
	    "in [xldrvd]");
	bad("[Domain-0]\nconfig=/x\n", "t.conf:1: [Domain-0]: dom0 is no "
	    "driver domain");
	bad("[a]\nconfig=/x\nheartbeat-timeout=4\n", "t.conf:1: [a] "
	    "heartbeat-timeout: want 0 (off) or at least 5 s");
	CHECK_EQ(parse("[a]\nconfig=/x\nheartbeat-timeout=5\n"), 0);
	bad("[a]\nconfig=/x\nlibxl-timeout=9\n", "t.conf:3: libxl-timeout: "
	    "want seconds from 10 to 3600");
	bad("[a]\nconfig=/x\nlibxl-timeout=3601\n", "t.conf:3:");
	bad("[a]\nconfig=/x\nlibxl-timeout=0\n", "t.conf:3:");
	bad("[a]\nconfig=/x\n[b]\nconfig=/y\n[c]\nconfig=/x\n",
	    "t.conf:5: [c] has the config= of [a]");

	/* A NUL byte, reported at its line. */
	CHECK_EQ(conf_parse("[a]\nconfig=/x\0\n", 15, "t.conf", &c, err,
			    sizeof(err)), -1);
	CHECK(strstr(err, "t.conf:2: NUL byte") != NULL);

	/* A line over the limit. */
	memset(big, 'x', 2000);
	memcpy(big, "[a]\nconfig=/", 12);
	big[2000] = '\0';
	bad(big, "t.conf:2: line longer than");
	/* A file over the limit. */
	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bad(big, "file larger than");

	/* More driver domains than xldrvd supervises. */
	for (i = 0; i <= XLDRVD_MAX_DD; i++)
		n += snprintf(many + n, sizeof(many) - n,
			      "[d%u]\nconfig=/x\n", i);
	bad(many, "more than 32 driver domains");
}

int main(void)
{
	good();
	bad_ones();
	return check_done("xldrvd_conf_test");
}
