// SPDX-License-Identifier: GPL-2.0
/*
 * xldrvd.conf: an ini-like file, documented in xldrvd.conf(5).
 *
 *	[xldrvd]			# optional, the daemon itself
 *	socket = /run/xldrv/xldrvd.sock
 *	[netdd]				# one section per driver domain
 *	config = /etc/xen/netdd.cfg
 *	restart = always
 *
 * The parser is strict on purpose: a typo in a supervision policy should
 * stop the daemon at start with file:line, not silently fall back to a
 * default the operator did not mean.  It works on a buffer so that the
 * fuzzer and the unit tests need no files.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xldrvd.h"

#define CONF_MAX_SIZE	(256 * 1024)
/* Two and a half beats: one late beat on a busy host is no hang. */
#define HEARTBEAT_TIMEOUT_MIN_S	5

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", XLDRV_CTL_SOCKET);
	snprintf(c->state_file, sizeof(c->state_file), "%s", XLDRVD_STATE);
	c->control_uid = 0;
}

static void dd_defaults(struct dd_conf *d)
{
	d->restart = RESTART_ALWAYS;
	d->max_restarts = 5;
	d->window_ms = 600 * 1000;
	d->backoff_initial_ms = 1000;
	d->backoff_max_ms = 60 * 1000;
	d->heartbeat_timeout_ms = 10 * 1000;
	d->boot_timeout_ms = 120 * 1000;
	/* Creates took up to a minute in the lab, under emulation. */
	d->libxl_timeout_ms = 300 * 1000;
}

/* Domain names: what xl accepts that is also safe in a path and a log. */
static bool valid_name(const char *s)
{
	size_t i;

	if (!s[0] || strlen(s) >= XLDRVD_NAME_MAX || s[0] == '-' ||
	    s[0] == '.')
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* Strict decimal in [min, max]: no sign, no spaces, no suffix. */
static int parse_uint(const char *s, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s[0] || strlen(s) > 20)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "FILE:LINE: " and the message into @err; -1 for the caller to return. */
static int __attribute__((format(printf, 5, 6)))
conf_fail(char *err, size_t errlen, const char *fname, unsigned int lineno,
	  const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%u: ", fname, lineno);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* conf_parse()'s: its error buffer, file name and line number. */
#define FAIL(...) conf_fail(err, errlen, fname, lineno, __VA_ARGS__)

/* Each key of a driver-domain section, and what it accepts. */
enum key_kind { K_PATH, K_RESTART, K_UINT, K_SEC, K_MS };

static const struct dd_key {
	const char *name;
	enum key_kind kind;
	size_t off;
	uint64_t min, max;
} dd_keys[] = {
	{ "config", K_PATH, offsetof(struct dd_conf, config), 0, 0 },
	{ "restart", K_RESTART, offsetof(struct dd_conf, restart), 0, 0 },
	{ "max-restarts", K_UINT, offsetof(struct dd_conf, max_restarts),
	  0, POLICY_MAX_RESTARTS },
	{ "window", K_SEC, offsetof(struct dd_conf, window_ms),
	  1, 7 * 24 * 3600 },
	{ "backoff-initial-ms", K_MS,
	  offsetof(struct dd_conf, backoff_initial_ms), 0, 3600 * 1000 },
	{ "backoff-max-ms", K_MS, offsetof(struct dd_conf, backoff_max_ms),
	  0, 24 * 3600 * 1000ULL },
	{ "heartbeat-timeout", K_SEC,
	  offsetof(struct dd_conf, heartbeat_timeout_ms), 0, 3600 },
	{ "boot-timeout", K_SEC, offsetof(struct dd_conf, boot_timeout_ms),
	  1, 3600 },
	{ "libxl-timeout", K_SEC, offsetof(struct dd_conf, libxl_timeout_ms),
	  10, 3600 },
};

#define NR_DD_KEYS ARRAY_SIZE(dd_keys)

int conf_parse(const char *buf, size_t len, const char *fname,
	       struct conf *c, char *err, size_t errlen)
{
	char line[XLDRVD_LINE_MAX + 2];
	/* Which keys the current section has set: duplicates are typos. */
	uint32_t seen = 0, seen_global = 0;
	struct dd_conf *dd = NULL;
	bool in_global = false, had_global = false;
	unsigned int lineno = 0;
	const char *p = buf, *end = buf + len;
	unsigned int i;

	conf_defaults(c);
	if (len > CONF_MAX_SIZE)
		return FAIL("file larger than %d bytes", CONF_MAX_SIZE);
	if (memchr(buf, '\0', len)) {
		lineno = 1;
		for (p = buf; *p; p++)
			lineno += *p == '\n';
		return FAIL("NUL byte");
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s, *eq, *key, *val, *hash;

		lineno++;
		if (n > XLDRVD_LINE_MAX)
			return FAIL("line longer than %d bytes",
				    XLDRVD_LINE_MAX);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);

		/* '#' starts a comment anywhere: no value needs one. */
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;

		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] != '\0')
				return FAIL("bad section header (want [name])");
			*close = '\0';
			s = trim(s + 1);
			if (dd && !dd->config[0])
				return snprintf(err, errlen,
					"%s:%u: [%s] has no config=",
					fname, dd->line, dd->name), -1;
			seen = 0;
			if (!strcmp(s, "xldrvd")) {
				if (had_global)
					return FAIL("second [xldrvd] section");
				in_global = had_global = true;
				dd = NULL;
				continue;
			}
			in_global = false;
			if (!valid_name(s))
				return FAIL("bad driver domain name \"%s\" "
					    "(want letters, digits, _.- and "
					    "< %d chars)", s, XLDRVD_NAME_MAX);
			if (!strcmp(s, "Domain-0"))
				return FAIL("[Domain-0]: dom0 is no driver "
					    "domain xldrvd could restart");
			if (conf_find(c, s))
				return FAIL("driver domain \"%s\" twice", s);
			if (c->nr_dd == XLDRVD_MAX_DD)
				return FAIL("more than %d driver domains",
					    XLDRVD_MAX_DD);
			dd = &c->dd[c->nr_dd++];
			dd_defaults(dd);
			snprintf(dd->name, sizeof(dd->name), "%s", s);
			dd->line = lineno;
			continue;
		}

		eq = strchr(s, '=');
		if (!eq)
			return FAIL("expected key = value or [section]");
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*val)
			return FAIL("%s: empty value", key);

		if (in_global) {
			static const char *const gkeys[] = {
				"socket", "state", "control-uid",
			};
			uint64_t v;

			for (i = 0; i < ARRAY_SIZE(gkeys); i++)
				if (!strcmp(key, gkeys[i]))
					break;
			if (i < ARRAY_SIZE(gkeys)) {
				if (seen_global & (1u << i))
					return FAIL("%s set twice in "
						    "[xldrvd]", key);
				seen_global |= 1u << i;
			}
			if (!strcmp(key, "socket")) {
				if (val[0] != '/' ||
				    strlen(val) >= sizeof(c->socket))
					return FAIL("socket: want an absolute "
						    "path under %zu bytes",
						    sizeof(c->socket));
				snprintf(c->socket, sizeof(c->socket), "%s",
					 val);
			} else if (!strcmp(key, "state")) {
				if (val[0] != '/' ||
				    strlen(val) >= sizeof(c->state_file))
					return FAIL("state: want an absolute "
						    "path");
				snprintf(c->state_file,
					 sizeof(c->state_file), "%s", val);
			} else if (!strcmp(key, "control-uid")) {
				if (parse_uint(val, 0, 0x7fffffff, &v))
					return FAIL("control-uid: want a uid");
				c->control_uid = (unsigned int)v;
			} else {
				return FAIL("unknown key \"%s\" in "
					    "[xldrvd]", key);
			}
			continue;
		}
		if (!dd)
			return FAIL("key \"%s\" outside a section", key);

		for (i = 0; i < NR_DD_KEYS; i++)
			if (!strcmp(key, dd_keys[i].name))
				break;
		if (i == NR_DD_KEYS)
			return FAIL("unknown key \"%s\" (see "
				    "xldrvd.conf(5))", key);
		if (seen & (1u << i))
			return FAIL("%s set twice in [%s]", key, dd->name);
		seen |= 1u << i;

		{
			const struct dd_key *k = &dd_keys[i];
			char *field = (char *)dd + k->off;
			uint64_t v;

			switch (k->kind) {
			case K_PATH:
				if (val[0] != '/' || strlen(val) >=
				    sizeof(dd->config))
					return FAIL("%s: want an absolute "
						    "path under %zu bytes",
						    key, sizeof(dd->config));
				snprintf(field, sizeof(dd->config), "%s",
					 val);
				break;
			case K_RESTART:
				if (!strcmp(val, "always"))
					dd->restart = RESTART_ALWAYS;
				else if (!strcmp(val, "never"))
					dd->restart = RESTART_NEVER;
				else
					return FAIL("restart: want always or "
						    "never, not \"%s\"", val);
				break;
			case K_UINT:
				if (parse_uint(val, k->min, k->max, &v))
					return FAIL("%s: want a number from "
						    "%llu to %llu", key,
						    (unsigned long long)k->min,
						    (unsigned long long)k->max);
				*(unsigned int *)field = (unsigned int)v;
				break;
			case K_SEC:
			case K_MS:
				if (parse_uint(val, k->min, k->max, &v))
					return FAIL("%s: want %s from %llu to "
						    "%llu", key,
						    k->kind == K_SEC ?
						    "seconds" : "milliseconds",
						    (unsigned long long)k->min,
						    (unsigned long long)k->max);
				*(uint64_t *)field = k->kind == K_SEC ?
					v * 1000 : v;
				break;
			}
		}
	}
	if (dd && !dd->config[0])
		return snprintf(err, errlen, "%s:%u: [%s] has no config=",
				fname, dd->line, dd->name), -1;
	for (i = 0; i < c->nr_dd; i++) {
		unsigned int j;

		dd = &c->dd[i];
		if (dd->backoff_max_ms < dd->backoff_initial_ms)
			return snprintf(err, errlen,
				"%s:%u: [%s] backoff-max-ms is below "
				"backoff-initial-ms", fname, dd->line,
				dd->name), -1;
		if (dd->heartbeat_timeout_ms &&
		    dd->heartbeat_timeout_ms < HEARTBEAT_TIMEOUT_MIN_S * 1000)
			return snprintf(err, errlen,
				"%s:%u: [%s] heartbeat-timeout: want 0 (off) "
				"or at least %d s (the mappers beat every "
				"%d s)",
				fname, dd->line, dd->name,
				HEARTBEAT_TIMEOUT_MIN_S,
				XLDRV_HEARTBEAT_PERIOD_S), -1;
		for (j = 0; j < i; j++)
			if (!strcmp(c->dd[j].config, dd->config))
				return snprintf(err, errlen,
					"%s:%u: [%s] has the config= of [%s]: "
					"one xl config, one driver domain",
					fname, dd->line, dd->name,
					c->dd[j].name), -1;
	}
	return 0;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	char *buf;
	size_t len = 0;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(CONF_MAX_SIZE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	len = fread(buf, 1, CONF_MAX_SIZE + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	} else {
		rc = conf_parse(buf, len, path, c, err, errlen);
	}
	fclose(f);
	free(buf);
	return rc;
}

const struct dd_conf *conf_find(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nr_dd; i++)
		if (!strcmp(c->dd[i].name, name))
			return &c->dd[i];
	return NULL;
}

/* The effective configuration, defaults included, in the file's syntax. */
void conf_print(FILE *f, const struct conf *c)
{
	unsigned int i;

	fprintf(f, "[xldrvd]\nsocket = %s\nstate = %s\ncontrol-uid = %u\n",
		c->socket, c->state_file, c->control_uid);
	for (i = 0; i < c->nr_dd; i++) {
		const struct dd_conf *d = &c->dd[i];

		fprintf(f, "\n[%s]\nconfig = %s\nrestart = %s\n"
			"max-restarts = %u\nwindow = %llu\n"
			"backoff-initial-ms = %llu\nbackoff-max-ms = %llu\n"
			"heartbeat-timeout = %llu\nboot-timeout = %llu\n"
			"libxl-timeout = %llu\n",
			d->name, d->config,
			d->restart == RESTART_ALWAYS ? "always" : "never",
			d->max_restarts,
			(unsigned long long)d->window_ms / 1000,
			(unsigned long long)d->backoff_initial_ms,
			(unsigned long long)d->backoff_max_ms,
			(unsigned long long)d->heartbeat_timeout_ms / 1000,
			(unsigned long long)d->boot_timeout_ms / 1000,
			(unsigned long long)d->libxl_timeout_ms / 1000);
	}
}
