// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: syslog (journald picks it up), and stderr too when xldrvd runs
 * in the foreground.  log_event() is for what an operator wants to see:
 * one line per event ("netdd: detected hang"), kept in a ring of the last
 * LOG_EVENTS that `xldrv-ctl events` reads and `--follow` streams.
 */
#include <stdarg.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "xldrvd.h"

static bool log_stderr;
static bool log_debug;
static struct log_event ring[LOG_EVENTS];
static unsigned long next_seq = 1;
static void (*event_hook)(const struct log_event *e);

uint64_t now_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_init(const char *ident, bool foreground, bool debug)
{
	log_stderr = foreground;
	log_debug = debug;
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	char line[512];

	if (prio == LOG_DEBUG && !log_debug)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	syslog(prio, "%s", line);
	if (log_stderr)
		fprintf(stderr, "xldrvd: %s\n", line);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void log_event(const char *domain, const char *fmt, ...)
{
	struct log_event *e = &ring[next_seq % LOG_EVENTS];
	va_list ap;

	memset(e, 0, sizeof(*e));
	e->seq = next_seq++;
	e->wall_ms = now_wall_ms();
	snprintf(e->domain, sizeof(e->domain), "%s", domain);
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	log_msg(LOG_NOTICE, "%s: %s", e->domain, e->text);
	if (event_hook)
		event_hook(e);
}

/* Event @seq if the ring still has it. */
const struct log_event *log_event_get(unsigned long seq)
{
	const struct log_event *e = &ring[seq % LOG_EVENTS];

	return seq && e->seq == seq ? e : NULL;
}

unsigned long log_event_next_seq(void)
{
	return next_seq;
}

void log_set_event_hook(void (*hook)(const struct log_event *e))
{
	event_hook = hook;
}
