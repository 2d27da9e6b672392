// SPDX-License-Identifier: GPL-2.0
/*
 * The control protocol (include/xldrv/ctl.h), shared by xldrvd and
 * xldrv-ctl: building messages into bounded buffers, and parsing bodies.
 * Both ends parse what the other sent with the same strict code, which
 * the fuzzer (test/fuzz/xldrvd_ctl_fuzz.c) exercises.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xldrvd.h"

int ctl_hdr_check(const struct xldrv_ctl_hdr *h, size_t max_body)
{
	if (h->magic != XLDRV_CTL_MAGIC || h->version != XLDRV_CTL_VERSION)
		return -EPROTO;
	if (h->length > max_body)
		return -E2BIG;
	return 0;
}

void ctl_buf_init(struct ctl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void ctl_buf_free(struct ctl_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int ctl_buf_reserve(struct ctl_buf *b, size_t more)
{
	size_t want;
	char *d;

	if (more > b->max - b->len) {
		b->overflow = true;
		return -ENOSPC;
	}
	want = b->len + more;
	if (want <= b->size)
		return 0;
	if (want < 256)
		want = 256;
	if (want < b->size * 2)
		want = b->size * 2;
	if (want > b->max)
		want = b->max;
	d = realloc(b->data, want);
	if (!d) {
		b->overflow = true;
		return -ENOMEM;
	}
	b->data = d;
	b->size = want;
	return 0;
}

static int ctl_buf_append(struct ctl_buf *b, const void *p, size_t n)
{
	if (ctl_buf_reserve(b, n))
		return -ENOSPC;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/*
 * Append "key=value\n".  The value is formatted, cut to the protocol's
 * bound, and every byte a line cannot hold (control characters, which
 * would split the record) becomes '?': values can quote what a driver
 * domain wrote.
 */
int ctl_buf_put(struct ctl_buf *b, const char *key, const char *fmt, ...)
{
	char val[XLDRV_CTL_MAX_VALUE + 1];
	va_list ap;
	size_t i, n;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	n = strlen(val);
	for (i = 0; i < n; i++)
		if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
			val[i] = '?';
	if (ctl_buf_reserve(b, strlen(key) + n + 2))
		return -ENOSPC;
	ctl_buf_append(b, key, strlen(key));
	ctl_buf_append(b, "=", 1);
	ctl_buf_append(b, val, n);
	ctl_buf_append(b, "\n", 1);
	return 0;
}

/* Header and @body as one message appended to @out. */
int ctl_msg(struct ctl_buf *out, uint16_t type, const struct ctl_buf *body)
{
	struct xldrv_ctl_hdr h = {
		.magic = XLDRV_CTL_MAGIC,
		.version = XLDRV_CTL_VERSION,
		.type = type,
		.length = body ? (uint32_t)body->len : 0,
	};

	if (ctl_buf_reserve(out, sizeof(h) + h.length))
		return -ENOSPC;
	ctl_buf_append(out, &h, sizeof(h));
	if (h.length)
		ctl_buf_append(out, body->data, h.length);
	return 0;
}

static bool key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-';
}

/*
 * The next "key=value\n" line from *pos: 1 (kv filled, *pos past the
 * line), 0 at the end, -EPROTO for a malformed line (a missing newline,
 * key or '=', a bad byte, a value over the bound).  The value is not
 * terminated: it points into the body, vlen long.
 */
int ctl_next_kv(const char **pos, const char *end, struct ctl_kv *kv)
{
	const char *p = *pos, *nl, *eq;
	size_t k, i;

	if (p >= end)
		return 0;
	nl = memchr(p, '\n', end - p);
	if (!nl)
		return -EPROTO;
	eq = memchr(p, '=', nl - p);
	if (!eq)
		return -EPROTO;
	k = eq - p;
	if (k == 0 || k > XLDRV_CTL_MAX_KEY)
		return -EPROTO;
	for (i = 0; i < k; i++)
		if (!key_char(p[i]))
			return -EPROTO;
	if ((size_t)(nl - eq - 1) > XLDRV_CTL_MAX_VALUE)
		return -EPROTO;
	for (i = 1; eq + i < nl; i++)
		if ((unsigned char)eq[i] < 0x20 || eq[i] == 0x7f)
			return -EPROTO;
	memcpy(kv->key, p, k);
	kv->key[k] = '\0';
	kv->val = eq + 1;
	kv->vlen = nl - eq - 1;
	*pos = nl + 1;
	return 1;
}

/* Whether a whole body parses. */
int ctl_body_check(const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	struct ctl_kv kv;
	int rc;

	while ((rc = ctl_next_kv(&p, end, &kv)) > 0)
		;
	return rc;
}

/* The first value of @key, terminated, into @val: 1, 0 absent, <0 bad. */
int ctl_find(const char *body, size_t len, const char *key, char *val,
	     size_t vsize)
{
	const char *p = body, *end = body + len;
	struct ctl_kv kv;
	int rc;

	while ((rc = ctl_next_kv(&p, end, &kv)) > 0) {
		if (strcmp(kv.key, key))
			continue;
		if (kv.vlen >= vsize)
			return -ENOSPC;
		memcpy(val, kv.val, kv.vlen);
		val[kv.vlen] = '\0';
		return 1;
	}
	return rc;
}
