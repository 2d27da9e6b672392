// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what xldrvd accepts from a driver domain's xenstore tree
 * (src/xs.c), against a fake xenstore: this file defines the libxenstore
 * functions xs.c calls, over a small in-memory table, so each hostile
 * value a driver domain could write is tried without Xen.  Huge values,
 * values with NULs, non-numeric or overflowing heartbeats, malformed
 * error reports, other domains' paths and paths that climb out are all
 * refused, and nothing leaks (ASan's leak check).
 */
#include <string.h>

#include "check.h"
#include "xs.c"

/* The fake xenstore. */
#define FAKE_NODES 16

static struct {
	char path[512];
	char *val;
	unsigned int len;
} nodes[FAKE_NODES];
static unsigned int reads, watches, rms;
static int read_errno;		/* an xs_read() that fails so */
static char last_watch[512];
static char *pending_path, *pending_token;

static struct xs_handle *fake_handle = (struct xs_handle *)&nodes;

static void fake_set(const char *path, const char *val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < FAKE_NODES; i++)
		if (!nodes[i].val || !strcmp(nodes[i].path, path))
			break;
	if (i == FAKE_NODES)
		abort();
	free(nodes[i].val);
	snprintf(nodes[i].path, sizeof(nodes[i].path), "%s", path);
	nodes[i].val = malloc(len + 1);
	memcpy(nodes[i].val, val, len);
	nodes[i].val[len] = '\0';
	nodes[i].len = len;
}

static void fake_clear(void)
{
	unsigned int i;

	for (i = 0; i < FAKE_NODES; i++) {
		free(nodes[i].val);
		nodes[i].val = NULL;
	}
}

struct xs_handle *xs_open(unsigned long flags)
{
	return fake_handle;
}

void xs_close(struct xs_handle *h)
{
}

int xs_fileno(struct xs_handle *h)
{
	return 42;
}

/* As libxenstore: a malloc'd copy, NUL-terminated, *len without it. */
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	unsigned int i;
	char *v;

	reads++;
	if (read_errno) {
		errno = read_errno;
		return NULL;
	}
	for (i = 0; i < FAKE_NODES; i++) {
		if (!nodes[i].val || strcmp(nodes[i].path, path))
			continue;
		v = malloc(nodes[i].len + 1);
		memcpy(v, nodes[i].val, nodes[i].len + 1);
		*len = nodes[i].len;
		return v;
	}
	errno = ENOENT;
	return NULL;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	watches++;
	snprintf(last_watch, sizeof(last_watch), "%s", path);
	return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	return true;
}

/* As xenstored: the node and all under it; ENOENT if it is not there. */
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	size_t n = strlen(path);
	unsigned int i;
	bool found = false;

	rms++;
	for (i = 0; i < FAKE_NODES; i++) {
		if (!nodes[i].val || strncmp(nodes[i].path, path, n) ||
		    (nodes[i].path[n] && nodes[i].path[n] != '/'))
			continue;
		free(nodes[i].val);
		nodes[i].val = NULL;
		nodes[i].path[0] = '\0';
		found = true;
	}
	if (!found)
		errno = ENOENT;
	return found;
}

/* One pending event, laid out as libxenstore does: one allocation. */
char **xs_check_watch(struct xs_handle *h)
{
	size_t pl, tl;
	char **w;

	if (!pending_path) {
		errno = EAGAIN;
		return NULL;
	}
	pl = strlen(pending_path) + 1;
	tl = strlen(pending_token) + 1;
	w = malloc(2 * sizeof(char *) + pl + tl);
	w[XS_WATCH_PATH] = (char *)(w + 2);
	w[XS_WATCH_TOKEN] = w[XS_WATCH_PATH] + pl;
	memcpy(w[XS_WATCH_PATH], pending_path, pl);
	memcpy(w[XS_WATCH_TOKEN], pending_token, tl);
	pending_path = NULL;
	return w;
}

static void test_paths(void)
{
	char buf[XLDRVD_PATH_MAX];
	char longp[600];

	CHECK(xsv_path_in_domain("/local/domain/5", 5));
	CHECK(xsv_path_in_domain("/local/domain/5/data/xldrv/heartbeat", 5));
	/* Another domain, a sibling with a longer id, a prefix trick. */
	CHECK(!xsv_path_in_domain("/local/domain/6/data", 5));
	CHECK(!xsv_path_in_domain("/local/domain/55/data", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5data", 5));
	CHECK(!xsv_path_in_domain("/local/domain/0/backend", 5));
	CHECK(!xsv_path_in_domain("/local/domain", 5));
	CHECK(!xsv_path_in_domain("/libxl/5", 5));
	CHECK(!xsv_path_in_domain("@releaseDomain", 5));
	CHECK(!xsv_path_in_domain("local/domain/5", 5));
	/* Climbing out, empty components, odd bytes. */
	CHECK(!xsv_path_in_domain("/local/domain/5/../6", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5//x", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5/", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5/a b", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5/a\nb", 5));
	CHECK(!xsv_path_in_domain("/local/domain/5/\xc3\xa9", 5));
	CHECK(!xsv_path_in_domain(NULL, 5));
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memcpy(longp, "/local/domain/5/", 16);
	CHECK(!xsv_path_in_domain(longp, 5));

	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), 5, "data/xldrv/heartbeat"),
		 0);
	CHECK(!strcmp(buf, "/local/domain/5/data/xldrv/heartbeat"));
	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), 5, NULL), 0);
	CHECK(!strcmp(buf, "/local/domain/5"));
	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), 5, "../6/data"), -EINVAL);
	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), 5, "/x"), -EINVAL);
	/* Never dom0's tree, never an invalid domid. */
	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), 0, "data"), -EINVAL);
	CHECK_EQ(xsv_dom_path(buf, sizeof(buf), XLDRVD_INVALID_DOMID, "x"),
		 -EINVAL);
	CHECK_EQ(xsv_dom_path(buf, 10, 5, "data"), -ENAMETOOLONG);
}

static int counter(const char *s, uint64_t *v)
{
	return xsv_parse_counter(s, strlen(s), v);
}

static void test_counter(void)
{
	uint64_t v = 7;

	CHECK_EQ(counter("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(counter("12345", &v), 0);
	CHECK_EQ(v, 12345);
	CHECK_EQ(counter("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(counter("18446744073709551616", &v), -ERANGE);
	CHECK_EQ(counter("99999999999999999999", &v), -ERANGE);
	CHECK_EQ(counter("000000000000000000001", &v), -EINVAL);
	CHECK_EQ(counter("", &v), -EINVAL);
	CHECK_EQ(counter("-1", &v), -EINVAL);
	CHECK_EQ(counter("+1", &v), -EINVAL);
	CHECK_EQ(counter(" 1", &v), -EINVAL);
	CHECK_EQ(counter("1\n", &v), -EINVAL);
	CHECK_EQ(counter("0x10", &v), -EINVAL);
	CHECK_EQ(counter("12a", &v), -EINVAL);
	CHECK_EQ(counter("beat", &v), -EINVAL);
	CHECK_EQ(xsv_parse_counter("1\0002", 3, &v), -EINVAL);
	CHECK_EQ(xsv_parse_counter(NULL, 0, &v), -EINVAL);
}

static int error_report(const char *s, char *dev, char *why)
{
	return xsv_parse_error(s, strlen(s), dev, XLDRV_XS_DEVICE_MAX + 1,
			       why, XLDRV_XS_ERROR_MAX + 1);
}

static void test_error_report(void)
{
	char dev[XLDRV_XS_DEVICE_MAX + 1], why[XLDRV_XS_ERROR_MAX + 1];
	char s[400];

	CHECK_EQ(error_report("0000:00:04.0 tx timeout, reset failed", dev,
			      why), 0);
	CHECK(!strcmp(dev, "0000:00:04.0"));
	CHECK(!strcmp(why, "tx timeout, reset failed"));
	CHECK_EQ(error_report("eth0 x", dev, why), 0);
	CHECK_EQ(error_report("", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth0", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth0 ", dev, why), -EINVAL);
	CHECK_EQ(error_report(" reason", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth/0 down", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth0 down\n", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth0 \x1b[31mred", dev, why), -EINVAL);
	CHECK_EQ(error_report("eth0 caf\xc3\xa9", dev, why), -EINVAL);
	/* A device name over its bound, a report over its bound. */
	memset(s, 'a', 33);
	strcpy(s + 33, " x");
	CHECK_EQ(error_report(s, dev, why), -EINVAL);
	memcpy(s, "eth0 ", 5);
	memset(s + 5, 'r', 200);
	s[205] = '\0';
	CHECK_EQ(error_report(s, dev, why), -EINVAL);
	/* Buffers too small are refused, not overrun. */
	CHECK_EQ(xsv_parse_error("eth0 down", 9, dev, 4, why, 10), -ENOSPC);
}

static void test_reads(void)
{
	static char huge[1 << 20];
	struct xsc x;
	size_t len = 0;
	char *v;
	int err;

	CHECK_EQ(xsc_open(&x), 0);
	fake_set("/local/domain/5/data/xldrv/heartbeat", "42", 2);
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v && !strcmp(v, "42") && len == 2);
	free(v);

	/* A megabyte: refused before anything parses it, and freed. */
	memset(huge, '7', sizeof(huge));
	fake_set("/local/domain/5/data/xldrv/heartbeat", huge, sizeof(huge));
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v == NULL);
	CHECK_EQ(err, -E2BIG);
	CHECK_EQ(x.invalid, 1);
	/* Just at the bound is fine, one over is not. */
	fake_set("/local/domain/5/data/xldrv/heartbeat", huge,
		 XLDRV_XS_VALUE_MAX);
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v != NULL && len == XLDRV_XS_VALUE_MAX);
	free(v);
	fake_set("/local/domain/5/data/xldrv/heartbeat", huge,
		 XLDRV_XS_VALUE_MAX + 1);
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v == NULL && err == -E2BIG);

	/* An embedded NUL would cut the value where a parser looks. */
	fake_set("/local/domain/5/data/xldrv/heartbeat", "1\0002", 3);
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	CHECK_EQ(x.invalid, 3);

	/* Non-numeric: read fine, refused by the parser. */
	fake_set("/local/domain/5/data/xldrv/heartbeat", "alive", 5);
	v = xsc_read_dom(&x, 5, XLDRV_XS_HEARTBEAT, XLDRV_XS_VALUE_MAX,
			 &len, &err);
	CHECK(v != NULL);
	if (v) {
		uint64_t n;

		CHECK_EQ(xsv_parse_counter(v, len, &n), -EINVAL);
		free(v);
	}

	v = xsc_read_dom(&x, 5, "data/nothing", 64, &len, &err);
	CHECK(v == NULL && err == -ENOENT);

	/* Paths out of the domain's tree are never even asked for. */
	reads = 0;
	fake_set("/local/domain/6/data/xldrv/heartbeat", "1", 1);
	v = xsc_read_dom(&x, 5, "../6/data/xldrv/heartbeat", 64, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_dom(&x, 0, XLDRV_XS_HEARTBEAT, 64, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	CHECK_EQ(reads, 0);
	/* Nor watched. */
	watches = 0;
	CHECK_EQ(xsc_watch_dom(&x, 5, "../../../local/domain/0", "t"),
		 -EINVAL);
	CHECK_EQ(watches, 0);
	CHECK_EQ(xsc_watch_dom(&x, 5, XLDRV_XS_ERROR, "t"), 0);
	CHECK(!strcmp(last_watch, "/local/domain/5/data/xldrv/error"));
	xsc_close(&x);
}

/* libxl's own records of a client's devices: dom0-only, still checked. */
static void test_libxl_reads(void)
{
	static const char be[] = "/local/domain/5/backend/vbd/7/51712";
	struct xsc x;
	size_t len = 0;
	char *v;
	int err;

	CHECK_EQ(xsc_open(&x), 0);
	fake_set("/libxl/7/device/vbd/51712/backend", be, sizeof(be) - 1);
	v = xsc_read_libxl(&x, 7, "device/vbd/51712/backend", 256, &len,
			   &err);
	CHECK(v && !strcmp(v, be) && len == sizeof(be) - 1 && err == 0);
	free(v);
	v = xsc_read_libxl(&x, 7, "device/vbd/51712/backend", 8, &len, &err);
	CHECK(v == NULL && err == -E2BIG);
	v = xsc_read_libxl(&x, 7, "device/vif/0/backend", 256, &len, &err);
	CHECK(v == NULL && err == -ENOENT);
	fake_set("/libxl/7/device/vif/0/backend", "a\0b", 3);
	v = xsc_read_libxl(&x, 7, "device/vif/0/backend", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	/* Only under /libxl/DOMID, for a guest's domid. */
	reads = 0;
	v = xsc_read_libxl(&x, 7, "../../local/domain/0", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, 7, "/x", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, 7, "device//x", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, 7, "device/", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, 7, "", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, 0, "device", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	v = xsc_read_libxl(&x, XLDRVD_INVALID_DOMID, "device", 256, &len,
			   &err);
	CHECK(v == NULL && err == -EINVAL);
	CHECK_EQ(reads, 0);
	xsc_close(&x);
}

/*
 * dom0's own tree: whether a node is there, and its removal.  xldrvd
 * looks for pciback's directory of a gone domid, and removes it, before
 * it asks libxl for that domid again; the driver-domain read refuses
 * domid 0 (through it, every such question was once answered "yes": an
 * error taken for a node).
 */
static void test_dom0_has(void)
{
	size_t len = 0;
	struct xsc x;
	char *v;
	int err;

	CHECK_EQ(xsc_open(&x), 0);
	fake_set("/local/domain/0/backend/pci/9", "", 0);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/9"), 1);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/10"), 0);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci"), 0);
	v = xsc_read_dom(&x, 0, "backend/pci/9", 256, &len, &err);
	CHECK(v == NULL && err == -EINVAL);
	/* Not knowing is not "no". */
	read_errno = EACCES;
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/9"), -EACCES);
	read_errno = 0;
	/* Only a relative path in xenstore's alphabet, nothing climbs. */
	reads = 0;
	CHECK_EQ(xsc_dom0_has(&x, "../../libxl"), -EINVAL);
	CHECK_EQ(xsc_dom0_has(&x, "/local/domain/0/backend"), -EINVAL);
	CHECK_EQ(xsc_dom0_has(&x, "backend//pci"), -EINVAL);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/"), -EINVAL);
	CHECK_EQ(xsc_dom0_has(&x, ""), -EINVAL);
	CHECK_EQ(xsc_dom0_has(&x, NULL), -EINVAL);
	CHECK_EQ(reads, 0);

	/* Removal: the directory and what is under it, nothing beside. */
	fake_set("/local/domain/0/backend/pci/9/0/state", "6", 1);
	fake_set("/local/domain/0/backend/pci/91", "", 0);
	CHECK_EQ(xsc_dom0_rm(&x, "backend/pci/9"), 0);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/9"), 0);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/9/0/state"), 0);
	CHECK_EQ(xsc_dom0_has(&x, "backend/pci/91"), 1);
	CHECK_EQ(xsc_dom0_rm(&x, "backend/pci/9"), 0);	/* gone already */
	rms = 0;
	CHECK_EQ(xsc_dom0_rm(&x, "../libxl"), -EINVAL);
	CHECK_EQ(xsc_dom0_rm(&x, ""), -EINVAL);
	CHECK_EQ(xsc_dom0_rm(&x, "backend/"), -EINVAL);
	CHECK_EQ(rms, 0);
	xsc_close(&x);
}

static void test_watch_events(void)
{
	char path[XLDRVD_PATH_MAX], tok[64], longp[4000];
	struct xsc x;

	CHECK_EQ(xsc_open(&x), 0);
	CHECK_EQ(xsc_next_watch(&x, path, sizeof(path), tok, sizeof(tok)),
		 0);
	pending_path = "/local/domain/5/data/xldrv/heartbeat";
	pending_token = "hb:0:5";
	CHECK_EQ(xsc_next_watch(&x, path, sizeof(path), tok, sizeof(tok)),
		 1);
	CHECK(!strcmp(path, "/local/domain/5/data/xldrv/heartbeat"));
	CHECK(!strcmp(tok, "hb:0:5"));
	/* A child with a long name the domain created: dropped whole. */
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	pending_path = longp;
	pending_token = "hb:0:5";
	CHECK_EQ(xsc_next_watch(&x, path, sizeof(path), tok, sizeof(tok)),
		 -E2BIG);
	CHECK_EQ(x.invalid, 1);
	xsc_close(&x);
}

int main(void)
{
	test_paths();
	test_counter();
	test_error_report();
	test_reads();
	test_libxl_reads();
	test_dom0_has();
	test_watch_events();
	fake_clear();
	return check_done("xldrvd_xs_test");
}
