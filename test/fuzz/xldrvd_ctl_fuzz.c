// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the control protocol's parser (src/proto.c), which
 * xldrvd runs on what clients send and xldrv-ctl on what the daemon
 * answers.  Input: a message header and body as on the socket.  Every
 * line the parser accepts must be a valid key and a bounded value inside
 * the body; and a body rebuilt from the accepted lines with the encoder
 * must parse back to the same lines.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

#include "proto.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body, *end, *p, *q;
	struct xldrv_ctl_hdr h;
	struct ctl_buf b;
	struct ctl_kv kv, kv2;
	char val[64];
	size_t blen, i;
	int rc, rc2;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	/* Only the bound matters here; take the header as valid. */
	rc = ctl_hdr_check(&h, XLDRV_CTL_MAX_REQUEST);
	if (rc == 0 && h.length > XLDRV_CTL_MAX_REQUEST)
		abort();
	/* An exact heap copy: ASan sees any read past the body. */
	blen = size - sizeof(h);
	body = malloc(blen ? blen : 1);
	if (!body)
		return 0;
	memcpy((char *)body, data + sizeof(h), blen);
	end = body + blen;

	ctl_buf_init(&b, XLDRV_CTL_MAX_REPLY);
	p = body;
	while ((rc = ctl_next_kv(&p, end, &kv)) > 0) {
		size_t k = strlen(kv.key);

		if (k == 0 || k > XLDRV_CTL_MAX_KEY ||
		    kv.vlen > XLDRV_CTL_MAX_VALUE || kv.val < body ||
		    kv.val + kv.vlen > end || p > end)
			abort();
		for (i = 0; i < k; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-",
				    kv.key[i]))
				abort();
		for (i = 0; i < kv.vlen; i++)
			if ((unsigned char)kv.val[i] < 0x20 ||
			    kv.val[i] == 0x7f)
				abort();
		ctl_buf_put(&b, kv.key, "%.*s", (int)kv.vlen, kv.val);
	}
	if (rc < 0 && ctl_body_check(body, blen) >= 0)
		abort();

	/* The encoder's output of the accepted prefix parses the same. */
	p = body;
	q = b.data;
	while (ctl_next_kv(&p, end, &kv) > 0) {
		rc2 = ctl_next_kv(&q, b.data + b.len, &kv2);
		if (rc2 != 1 || strcmp(kv.key, kv2.key) ||
		    kv.vlen != kv2.vlen || memcmp(kv.val, kv2.val, kv.vlen))
			abort();
	}
	if (b.len && ctl_body_check(b.data, b.len))
		abort();
	ctl_find(body, blen, "domain", val, sizeof(val));
	ctl_buf_free(&b);
	free((char *)body);
	return 0;
}
