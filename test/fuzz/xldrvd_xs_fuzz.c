// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what xldrvd takes from a driver domain's own xenstore
 * tree (src/xs.c), which that domain writes as it likes: the heartbeat
 * counter, the device error report, and the paths xldrvd builds and
 * checks there.  Each verdict is held against the rule as
 * include/xldrv/xenstore.h and xs.c state it, worked out again here
 * another way: a value is accepted exactly when the rule holds, and what
 * is accepted is what the bytes say.
 *
 * Input: a selector byte, four bytes of domid and two of buffer sizes,
 * then the value.
 *
 * fuzz-libs: -lxenstore
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

#include "xs.c"

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static void check_counter(const uint8_t *v, size_t len)
{
	unsigned __int128 ref = 0;
	bool digits = len > 0 && len <= 20;
	uint64_t out = 0;
	size_t i;
	int rc, want;

	for (i = 0; digits && i < len; i++) {
		if (!is_digit(v[i]))
			digits = false;
		else
			ref = ref * 10 + (v[i] - '0');
	}
	want = !digits ? -EINVAL : ref > UINT64_MAX ? -ERANGE : 0;
	rc = xsv_parse_counter((const char *)v, len, &out);
	if (rc != want || (!rc && out != (uint64_t)ref))
		abort();
}

static bool is_dev_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == ':' || c == '.' || c == '_' || c == '-';
}

/* "DEVICE REASON", into buffers of the sizes the input gives. */
static void check_error(const uint8_t *v, size_t len, size_t devlen,
			size_t reasonlen)
{
	const uint8_t *sp = memchr(v, ' ', len);
	size_t d = sp ? (size_t)(sp - v) : len, i;
	char *dev = malloc(devlen), *reason = malloc(reasonlen);
	bool ok = len > 0 && len <= XLDRV_XS_ERROR_MAX && d >= 1 &&
		  d <= XLDRV_XS_DEVICE_MAX && d + 1 < len;
	int rc, want;

	for (i = 0; ok && i < d; i++)
		ok = is_dev_char(v[i]);
	for (i = d + 1; ok && i < len; i++)
		ok = v[i] >= 0x20 && v[i] <= 0x7e;
	want = !ok ? -EINVAL :
	       devlen <= d || reasonlen <= len - d - 1 ? -ENOSPC : 0;
	rc = xsv_parse_error((const char *)v, len, dev, devlen, reason,
			     reasonlen);
	if (rc != want)
		abort();
	if (!rc && (strlen(dev) != d || memcmp(dev, v, d) ||
		    strlen(reason) != len - d - 1 ||
		    memcmp(reason, v + d + 1, len - d - 1)))
		abort();
	free(dev);
	free(reason);
}

/*
 * /local/domain/DOMID itself or below it: no empty component, xenstore's
 * alphabet only, at most XLDRVD_PATH_MAX bytes.
 */
static bool ref_in_domain(const char *path, uint32_t domid)
{
	char home[32];
	size_t n = strlen(path), h, i;

	h = (size_t)snprintf(home, sizeof(home), "/local/domain/%u", domid);
	if (n > XLDRVD_PATH_MAX || n < h || memcmp(path, home, h) ||
	    (n > h && path[h] != '/') || path[n - 1] == '/')
		return false;
	for (i = 0; i < n; i++) {
		char c = path[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("-/_@", c)))
			return false;
		if (c == '/' && i + 1 < n && path[i + 1] == '/')
			return false;
	}
	return true;
}

static void check_paths(const uint8_t *v, size_t len, uint32_t domid,
			size_t bufsize)
{
	char *s = malloc(len + 1), *buf = malloc(bufsize);
	char want[XLDRVD_PATH_MAX * 2 + 64];
	size_t n;
	int rc;

	memcpy(s, v, len);
	s[len] = '\0';
	if (xsv_path_in_domain(s, domid) != ref_in_domain(s, domid))
		abort();
	/* The path xldrvd makes from a name of its own. */
	rc = xsv_dom_path(buf, bufsize, domid, s);
	n = (size_t)snprintf(want, sizeof(want), "/local/domain/%u%s%s",
			     domid, *s ? "/" : "", s);
	if (domid == 0 || domid == XLDRVD_INVALID_DOMID) {
		if (rc != -EINVAL)
			abort();
	} else if (n >= bufsize) {
		if (rc != -ENAMETOOLONG)
			abort();
	} else if (rc != (ref_in_domain(want, domid) ? 0 : -EINVAL) ||
		   strcmp(buf, want)) {
		abort();
	}
	free(s);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t domid;
	size_t a, b;

	if (size < 7)
		return 0;
	memcpy(&domid, data + 1, sizeof(domid));
	a = (size_t)data[5] + 1;
	b = (size_t)data[6] + 1;
	switch (data[0] % 3) {
	case 0:
		check_counter(data + 7, size - 7);
		break;
	case 1:
		check_error(data + 7, size - 7, a % 48 + 1, b);
		break;
	case 2:
		/* Small domids too, where real paths are. */
		if (data[0] & 0x80)
			domid &= 0xff;
		check_paths(data + 7, size - 7, domid, a + b);
		break;
	}
	return 0;
}
