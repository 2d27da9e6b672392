/* SPDX-License-Identifier: MIT */
/*
 * xldrv: the control protocol between xldrvd and its clients (xldrv-ctl).
 *
 * A client connects to the daemon's Unix stream socket and sends requests;
 * each message, either way, is a fixed header followed by @length bytes of
 * body.  The socket never leaves the host, so the header is in host byte
 * order.  A peer that sees another magic or version gets an answer of type
 * XLDRV_CTL_REPLY with XLDRV_CTL_E_VERSION and the connection is closed,
 * so that an old xldrv-ctl talking to a new daemon fails clearly.
 *
 * The body is text: lines "key=value\n", keys [a-z0-9-]{1,32}, values any
 * printable bytes but newline (at most XLDRV_CTL_MAX_VALUE).  Text is used
 * rather than TLV because it is what a person debugging with socat reads,
 * and values are short.  A reply starts with "error=N" and "message=..."
 * lines; a "domain=NAME" line starts the record of one driver domain, and
 * an "event=N" line one event, the keys after it describing it.  Unknown
 * keys are ignored by both sides, which is how the protocol grows without
 * a version bump; a change that breaks that rule bumps XLDRV_CTL_VERSION.
 */
#ifndef XLDRV_CTL_H
#define XLDRV_CTL_H

#include <stdint.h>

#define XLDRV_CTL_SOCKET	"/run/xldrv/xldrvd.sock"
#define XLDRV_CTL_MAGIC		0x58444c58u	/* "XLDX" on little endian */
#define XLDRV_CTL_VERSION	1

/* Bounds both sides enforce before reading a body. */
#define XLDRV_CTL_MAX_REQUEST	4096
#define XLDRV_CTL_MAX_REPLY	(256 * 1024)
#define XLDRV_CTL_MAX_KEY	32
#define XLDRV_CTL_MAX_VALUE	1024

struct xldrv_ctl_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;		/* enum xldrv_ctl_type */
	uint32_t length;	/* bytes of body after the header */
} __attribute__((packed));

enum xldrv_ctl_type {
	/* Requests. */
	XLDRV_CTL_LIST = 1,	/* no body */
	XLDRV_CTL_STATUS = 2,	/* optional "domain=NAME" */
	XLDRV_CTL_RESTART = 3,	/* "domain=NAME" */
	XLDRV_CTL_EVENTS = 4,	/* optional "follow=1" */
	XLDRV_CTL_STATS = 5,	/* no body */
	/* Answers. */
	XLDRV_CTL_REPLY = 0x100,	/* the one answer to a request */
	XLDRV_CTL_EVENT = 0x101,	/* one more event, after "follow=1" */
};

/* The "error=" of a reply. */
enum xldrv_ctl_error {
	XLDRV_CTL_E_OK = 0,
	XLDRV_CTL_E_PROTO = 1,		/* malformed request */
	XLDRV_CTL_E_VERSION = 2,	/* other magic or version */
	XLDRV_CTL_E_NOENT = 3,		/* no such driver domain */
	XLDRV_CTL_E_BUSY = 4,		/* e.g. a restart is under way */
	XLDRV_CTL_E_PERM = 5,		/* peer credentials refused */
	XLDRV_CTL_E_UNSUPP = 6,		/* unknown request type */
	XLDRV_CTL_E_INTERNAL = 7,
};

#endif /* XLDRV_CTL_H */
