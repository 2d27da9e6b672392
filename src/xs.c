// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore: the watches xldrvd keeps and the reads it makes in driver
 * domains' trees.  A driver domain writes its own tree, so everything read
 * there is hostile: a read is refused unless its path lies in the domain's
 * own /local/domain/<domid>, is capped at a length before anything parses
 * it, and is then parsed strictly (xsv_*, which the unit tests and fuzzers
 * exercise without a xenstore).  What fails a check is counted and
 * dropped; nothing read there is ever used as a path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xldrvd.h"

/* xenstore's path alphabet; anything else is not a path we made. */
static bool xs_path_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
	       ch == '_' || ch == '@';
}

/*
 * Is @path inside /local/domain/@domid?  Exactly that tree: not a sibling
 * ("/local/domain/12" for domid 1), no empty component (so no "//" to
 * confuse a later comparison), no character outside xenstore's set.
 */
bool xsv_path_in_domain(const char *path, uint32_t domid)
{
	char home[32];
	size_t n, i;

	if (!path)
		return false;
	n = (size_t)snprintf(home, sizeof(home), "/local/domain/%" PRIu32,
			     domid);
	if (strncmp(path, home, n) || (path[n] != '\0' && path[n] != '/'))
		return false;
	for (i = 0; path[i]; i++) {
		if (i >= XLDRVD_PATH_MAX || !xs_path_char(path[i]))
			return false;
		if (path[i] == '/' && (path[i + 1] == '/' ||
				       path[i + 1] == '\0'))
			return false;
	}
	return true;
}

/* /local/domain/@domid/@rel, refused unless it stays in that tree. */
int xsv_dom_path(char *buf, size_t size, uint32_t domid, const char *rel)
{
	int n;

	if (domid == XLDRVD_INVALID_DOMID || domid == 0)
		return -EINVAL;
	n = snprintf(buf, size, "/local/domain/%" PRIu32 "%s%s", domid,
		     rel && *rel ? "/" : "", rel ? rel : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return xsv_path_in_domain(buf, domid) ? 0 : -EINVAL;
}

/*
 * A heartbeat: 1 to 20 decimal digits fitting 64 bits, and nothing else
 * (no sign, space, newline or NUL).  @len counts the bytes read.
 */
int xsv_parse_counter(const char *v, size_t len, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (!v || len == 0 || len > 20)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)v[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (n > (UINT64_MAX - d) / 10)
			return -ERANGE;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

/* "DEVICE REASON" (see include/xldrv/xenstore.h). */
int xsv_parse_error(const char *v, size_t len, char *dev, size_t devlen,
		    char *reason, size_t reasonlen)
{
	size_t i, d;

	if (!v || len == 0 || len > XLDRV_XS_ERROR_MAX)
		return -EINVAL;
	for (d = 0; d < len && v[d] != ' '; d++) {
		char ch = v[d];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr(":._-", ch)) ||
		    ch == '\0')
			return -EINVAL;
	}
	if (d == 0 || d > XLDRV_XS_DEVICE_MAX || d == len || d + 1 == len)
		return -EINVAL;
	for (i = d + 1; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return -EINVAL;
	if (devlen <= d || reasonlen <= len - d - 1)
		return -ENOSPC;
	memcpy(dev, v, d);
	dev[d] = '\0';
	memcpy(reason, v + d + 1, len - d - 1);
	reason[len - d - 1] = '\0';
	return 0;
}

int xsc_open(struct xsc *x)
{
	/* UNWATCH_FILTER: no event for a watch once it is removed. */
	x->h = xs_open(XS_UNWATCH_FILTER);
	x->invalid = 0;
	return x->h ? 0 : -errno;
}

void xsc_close(struct xsc *x)
{
	xs_close(x->h);
	x->h = NULL;
}

int xsc_fd(struct xsc *x)
{
	return xs_fileno(x->h);
}

/*
 * Read @rel in @domid's tree: NULL with *err = -ENOENT, -E2BIG (longer
 * than @max: dropped unparsed), -EINVAL (an embedded NUL, a bad path).
 * The result is NUL-terminated; *len excludes the NUL.
 */
char *xsc_read_dom(struct xsc *x, uint32_t domid, const char *rel,
		   size_t max, size_t *len, int *err)
{
	char path[XLDRVD_PATH_MAX];
	unsigned int n = 0;
	char *v;

	*err = xsv_dom_path(path, sizeof(path), domid, rel);
	if (*err)
		return NULL;
	v = xs_read(x->h, XBT_NULL, path, &n);
	if (!v) {
		*err = errno == ENOENT ? -ENOENT : -EIO;
		return NULL;
	}
	if (n > max || memchr(v, '\0', n)) {
		*err = n > max ? -E2BIG : -EINVAL;
		x->invalid++;
		free(v);
		return NULL;
	}
	*len = n;
	return v;	/* xs_read terminates what it returns */
}

/* A relative path of ours: xenstore's alphabet, no empty component. */
static bool xs_rel_ok(const char *rel)
{
	const char *c;

	if (!rel || !*rel || *rel == '/')
		return false;
	for (c = rel; *c; c++)
		if (!xs_path_char(*c) || (*c == '/' && (c[1] == '/' || !c[1])))
			return false;
	return true;
}

/*
 * Read @rel under /libxl/@domid: libxl's own record of a domain's
 * devices, which only dom0 can write (unlike the domain's frontend and
 * its driver domain's backend directories).  Bounded and checked as
 * xsc_read_dom() is, all the same.
 */
char *xsc_read_libxl(struct xsc *x, uint32_t domid, const char *rel,
		     size_t max, size_t *len, int *err)
{
	char path[XLDRVD_PATH_MAX];
	unsigned int n = 0;
	char *v;
	int r;

	*err = -EINVAL;
	if (domid == 0 || domid > XLDRVD_DOMID_MAX || !xs_rel_ok(rel))
		return NULL;
	r = snprintf(path, sizeof(path), "/libxl/%" PRIu32 "/%s", domid, rel);
	if (r < 0 || (size_t)r >= sizeof(path))
		return NULL;
	v = xs_read(x->h, XBT_NULL, path, &n);
	if (!v) {
		*err = errno == ENOENT ? -ENOENT : -EIO;
		return NULL;
	}
	if (n > max || memchr(v, '\0', n)) {
		*err = n > max ? -E2BIG : -EINVAL;
		free(v);
		return NULL;
	}
	*err = 0;
	*len = n;
	return v;
}

/* /local/domain/0/@rel, for a relative path of ours. */
static int dom0_path(char path[XLDRVD_PATH_MAX], const char *rel)
{
	int r;

	if (!xs_rel_ok(rel))
		return -EINVAL;
	r = snprintf(path, XLDRVD_PATH_MAX, "/local/domain/0/%s", rel);
	return r < 0 || r >= XLDRVD_PATH_MAX ? -ENAMETOOLONG : 0;
}

/*
 * Is there a node @rel in dom0's own tree (/local/domain/0)?  1, 0, or
 * -errno.  Only dom0 writes there (the backends it runs, pciback's among
 * them); xsv_dom_path() refuses domid 0 so that no read meant for a
 * driver domain's tree can be turned to it, hence this one, which reads
 * no value.
 */
int xsc_dom0_has(struct xsc *x, const char *rel)
{
	char path[XLDRVD_PATH_MAX];
	unsigned int n = 0;
	int r = dom0_path(path, rel);
	char *v;

	if (r)
		return r;
	v = xs_read(x->h, XBT_NULL, path, &n);
	if (!v)
		return errno == ENOENT ? 0 : -errno;
	free(v);
	return 1;
}

/* Remove @rel and all under it from dom0's own tree: 0, or -errno. */
int xsc_dom0_rm(struct xsc *x, const char *rel)
{
	char path[XLDRVD_PATH_MAX];
	int r = dom0_path(path, rel);

	if (r)
		return r;
	if (!xs_rm(x->h, XBT_NULL, path))
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

int xsc_watch_dom(struct xsc *x, uint32_t domid, const char *rel,
		  const char *token)
{
	char path[XLDRVD_PATH_MAX];
	int rc = xsv_dom_path(path, sizeof(path), domid, rel);

	if (rc)
		return rc;
	return xs_watch(x->h, path, token) ? 0 : -errno;
}

void xsc_unwatch_dom(struct xsc *x, uint32_t domid, const char *rel,
		     const char *token)
{
	char path[XLDRVD_PATH_MAX];

	if (!xsv_dom_path(path, sizeof(path), domid, rel))
		xs_unwatch(x->h, path, token);
}

int xsc_watch_release(struct xsc *x)
{
	return xs_watch(x->h, "@releaseDomain", "rel") ? 0 : -errno;
}

/*
 * The next pending watch event, copied into bounded buffers: 1, 0 when
 * none is pending, -E2BIG for one too long (dropped: a driver domain can
 * create children of a watched node with long names).
 */
int xsc_next_watch(struct xsc *x, char *path, size_t pathlen, char *token,
		   size_t toklen)
{
	char **w = xs_check_watch(x->h);
	int rc = 1;

	if (!w)
		return errno == EAGAIN ? 0 : -errno;
	if (strlen(w[XS_WATCH_PATH]) >= pathlen ||
	    strlen(w[XS_WATCH_TOKEN]) >= toklen) {
		x->invalid++;
		rc = -E2BIG;
	} else {
		strcpy(path, w[XS_WATCH_PATH]);
		strcpy(token, w[XS_WATCH_TOKEN]);
	}
	free(w);
	return rc;
}

void xsc_rm_dom(struct xsc *x, uint32_t domid, const char *rel)
{
	char path[XLDRVD_PATH_MAX];

	if (!xsv_dom_path(path, sizeof(path), domid, rel))
		xs_rm(x->h, XBT_NULL, path);
}
