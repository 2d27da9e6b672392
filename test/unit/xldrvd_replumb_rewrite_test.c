// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of a restart-aware frontend's backend move
 * (src/replumb_rewrite.c) against a fake xenstore with transactions: this
 * file defines the libxenstore functions it calls over an in-memory tree,
 * where a transaction works on a copy and fails with EAGAIN when the tree
 * changed meanwhile, as xenstored's do.  The move of a vbd, the backend's
 * own directory kept (vbd3, qdisk), and a device that an administrator
 * unplugged or moved to another backend after the plan was made, before
 * or during the transaction, left as it is.
 */
#include <string.h>

#include "check.h"
#include "replumb_rewrite.c"
#include "replumb_plan.c"

#define NODES		128
#define PERMS		4

struct node {
	char path[XLDRVD_PATH_MAX];
	char val[XLDRVD_PATH_MAX];
	struct xs_permissions perms[PERMS];
	unsigned int nperms;
};

struct tree {
	struct node n[NODES];
	unsigned int nr;
};

/* The committed tree; a transaction's copy; changes since it began. */
static struct tree live, copy;
static unsigned long generation, tx_generation;
static bool in_tx;
static unsigned int tx_started;
static struct xs_handle *fake_handle = (struct xs_handle *)&live;

/* Someone else's write, once, while the n-th transaction reads @path. */
static const char *race_path, *race_node, *race_val;
static unsigned int race_tx;

static struct tree *tree(xs_transaction_t t)
{
	CHECK(t == XBT_NULL || in_tx);
	return t == XBT_NULL ? &live : &copy;
}

static struct node *find(struct tree *tr, const char *path)
{
	unsigned int i;

	for (i = 0; i < tr->nr; i++)
		if (!strcmp(tr->n[i].path, path))
			return &tr->n[i];
	return NULL;
}

/* As xenstored: missing parents made too, each with its parent's perms. */
static struct node *make(struct tree *tr, const char *path)
{
	char parent[XLDRVD_PATH_MAX], *slash;
	struct node *n = find(tr, path), *pn = NULL;

	if (n)
		return n;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		pn = make(tr, parent);
	}
	if (tr->nr == NODES)
		abort();
	n = &tr->n[tr->nr++];
	memset(n, 0, sizeof(*n));
	snprintf(n->path, sizeof(n->path), "%s", path);
	if (pn) {
		memcpy(n->perms, pn->perms, sizeof(n->perms));
		n->nperms = pn->nperms;
	} else {
		n->perms[0] = (struct xs_permissions){ 0, XS_PERM_NONE };
		n->nperms = 1;
	}
	return n;
}

static bool under(const char *path, const char *dir)
{
	size_t k = strlen(dir);

	return !strncmp(path, dir, k) && (!path[k] || path[k] == '/');
}

static void fake_set(const char *path, const char *val)
{
	snprintf(make(&live, path)->val, XLDRVD_PATH_MAX, "%s", val);
	generation++;
}

static void fake_owner(const char *path, unsigned int owner,
		       unsigned int reader)
{
	struct node *n = make(&live, path);

	n->perms[0] = (struct xs_permissions){ owner, XS_PERM_NONE };
	n->perms[1] = (struct xs_permissions){ reader, XS_PERM_READ };
	n->nperms = 2;
}

static const char *get(const char *path)
{
	struct node *n = find(&live, path);

	return n ? n->val : NULL;
}

static bool has_reader(const char *path, unsigned int domid)
{
	struct node *n = find(&live, path);
	unsigned int i;

	for (i = 1; n && i < n->nperms; i++)
		if (n->perms[i].id == domid &&
		    (n->perms[i].perms & XS_PERM_READ))
			return true;
	return false;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
	CHECK(!in_tx);
	in_tx = true;
	tx_started++;
	copy = live;
	tx_generation = generation;
	return (xs_transaction_t)tx_started;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t,
			bool abort)
{
	CHECK(in_tx);
	in_tx = false;
	if (abort)
		return true;
	if (generation != tx_generation) {
		errno = EAGAIN;
		return false;
	}
	live = copy;
	generation++;
	return true;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	struct node *n;

	if (race_path && t != XBT_NULL && tx_started == race_tx &&
	    !strcmp(path, race_path)) {
		race_path = NULL;
		fake_set(race_node, race_val);
	}
	n = find(tree(t), path);
	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	*len = (unsigned int)strlen(n->val);
	return strdup(n->val);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len)
{
	struct node *n = make(tree(t), path);

	CHECK(len < sizeof(n->val));
	memcpy(n->val, data, len);
	n->val[len] = '\0';
	return true;
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	make(tree(t), path);
	return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	struct tree *tr = tree(t);
	unsigned int i = 0;
	bool found = false;

	while (i < tr->nr) {
		if (!under(tr->n[i].path, path)) {
			i++;
			continue;
		}
		tr->n[i] = tr->n[--tr->nr];
		found = true;
	}
	if (!found)
		errno = ENOENT;
	return found;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t,
		    const char *path, unsigned int *num)
{
	struct tree *tr = tree(t);
	size_t k = strlen(path);
	char **names;
	unsigned int i, j;

	if (!find(tr, path)) {
		errno = ENOENT;
		return NULL;
	}
	names = calloc(NODES, sizeof(*names));
	*num = 0;
	for (i = 0; i < tr->nr; i++) {
		const char *p = tr->n[i].path;

		if (!under(p, path) || !p[k] || strchr(p + k + 1, '/'))
			continue;
		for (j = 0; j < *num && strcmp(names[j], p + k + 1); j++)
			;
		if (j == *num)
			names[(*num)++] = (char *)p + k + 1;
	}
	/* One allocation, as libxenstore's: names copied after the array. */
	{
		size_t sz = NODES * sizeof(*names), off = sz;
		char **out;

		for (i = 0; i < *num; i++)
			sz += strlen(names[i]) + 1;
		out = malloc(sz);
		for (i = 0; i < *num; i++) {
			out[i] = (char *)out + off;
			strcpy(out[i], names[i]);
			off += strlen(names[i]) + 1;
		}
		free(names);
		return out;
	}
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
					  xs_transaction_t t,
					  const char *path, unsigned int *num)
{
	struct node *n = find(tree(t), path);
	struct xs_permissions *p;

	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	p = malloc(sizeof(n->perms));
	memcpy(p, n->perms, sizeof(n->perms));
	*num = n->nperms;
	return p;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
			const char *path, struct xs_permissions *perms,
			unsigned int num)
{
	struct node *n = find(tree(t), path);

	if (!n) {
		errno = ENOENT;
		return false;
	}
	CHECK(num <= PERMS);
	memcpy(n->perms, perms, num * sizeof(*perms));
	n->nperms = num;
	return true;
}

#define LIBXL		"/libxl/7/device/vbd/51712"
#define FE		"/local/domain/7/device/vbd/51712"

/*
 * Client 7's xvda, plugged by libxl into driver domain 5, under the
 * backend directory @bkind (vbd, vbd3, qdisk), as libxl leaves it.
 */
static void host(const char *bkind)
{
	char be[XLDRVD_PATH_MAX];

	memset(&live, 0, sizeof(live));
	generation = tx_started = 0;
	race_path = NULL;
	snprintf(be, sizeof(be), "/local/domain/5/backend/%s/7/51712", bkind);
	fake_set(LIBXL "/backend", be);
	fake_set(LIBXL "/frontend", FE);
	fake_set(LIBXL "/params", "/dev/sda");
	fake_set(LIBXL "/mode", "w");
	fake_set(LIBXL "/frontend-id", "7");
	fake_owner(FE, 7, 5);
	fake_set(FE "/backend", be);
	fake_set(FE "/backend-id", "5");
	fake_set(FE "/state", "4");
	fake_set(FE "/ring-ref", "8");
	fake_set(FE "/" XLDRV_XS_FE_RECONNECT, "1");
	/* What the old incarnation left, which is never read. */
	fake_set("/local/domain/5/backend/vbd/7/51712/params", "/dev/evil");
}

static const struct rp_entry xvda = {
	.client = 7, .kind = RP_VBD, .devid = 51712, .be_domid = 5,
	.mode = RP_REWRITE, .phase = RP_REMOVED,
};

static struct xsc xs;

static void test_move(void)
{
	host("vbd");
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), 0);
	CHECK(!strcmp(get(FE "/backend"),
		      "/local/domain/6/backend/vbd/7/51712"));
	CHECK(!strcmp(get(FE "/backend-id"), "6"));
	CHECK(!strcmp(get(FE "/state"), "1"));
	CHECK(!strcmp(get(LIBXL "/backend"),
		      "/local/domain/6/backend/vbd/7/51712"));
	CHECK(!strcmp(get("/local/domain/6/backend/vbd/7/51712/params"),
		      "/dev/sda"));
	CHECK(!strcmp(get("/local/domain/6/backend/vbd/7/51712/frontend"),
		      FE));
	CHECK(has_reader(FE, 6) && !has_reader(FE, 5));
	CHECK(has_reader(FE "/ring-ref", 6) && !has_reader(FE "/ring-ref", 5));
}

/* The backend's kind of directory is the device's, not always vbd. */
static void test_backend_kind(void)
{
	static const char *const kinds[] = { "vbd3", "qdisk" };
	char want[64], key[XLDRVD_PATH_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		host(kinds[i]);
		snprintf(want, sizeof(want),
			 "/local/domain/6/backend/%s/7/51712", kinds[i]);
		CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), 0);
		CHECK(!strcmp(get(FE "/backend"), want));
		CHECK(!strcmp(get(LIBXL "/backend"), want));
		snprintf(key, sizeof(key), "%s/params", want);
		CHECK(get(key) && !strcmp(get(key), "/dev/sda"));
		CHECK(!get("/local/domain/6/backend/vbd/7/51712"));
	}
}

/* The frontend as the administrator left it, and nothing written. */
static void check_left_alone(const char *be, const char *be_id)
{
	CHECK(!strcmp(get(FE "/backend"), be));
	CHECK(!strcmp(get(FE "/backend-id"), be_id));
	CHECK(!strcmp(get(FE "/state"), "4"));
	CHECK(!get("/local/domain/6/backend/vbd/7/51712"));
	CHECK(has_reader(FE, 5) && !has_reader(FE, 6));
}

#define MOVED	"/local/domain/9/backend/vbd/7/51712"

/*
 * Changed between the plan and the move: moved to another backend (both
 * records, or the frontend's alone), or unplugged.
 */
static void test_changed_before(void)
{
	host("vbd");
	fake_set(LIBXL "/backend", MOVED);
	fake_set(FE "/backend", MOVED);
	fake_set(FE "/backend-id", "9");
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ESTALE);
	check_left_alone(MOVED, "9");
	CHECK(!strcmp(get(LIBXL "/backend"), MOVED));

	host("vbd");
	fake_set(FE "/backend-id", "9");
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ESTALE);
	check_left_alone("/local/domain/5/backend/vbd/7/51712", "9");

	host("vbd");
	fake_set(FE "/backend", MOVED);
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ESTALE);
	check_left_alone(MOVED, "5");

	/* The frontend no longer agrees with libxl's record. */
	host("vbd");
	fake_set(FE "/backend", "/local/domain/5/backend/qdisk/7/51712");
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ESTALE);
	check_left_alone("/local/domain/5/backend/qdisk/7/51712", "5");

	/* xl block-detach: libxl's record goes, then the frontend. */
	host("vbd");
	xs_rm(fake_handle, XBT_NULL, LIBXL);
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ENODEV);
	CHECK(!get("/local/domain/6/backend/vbd/7/51712"));
}

/*
 * Changed while the move's transaction runs, after it read the frontend:
 * the transaction fails, and the next one sees the change.
 */
static void test_changed_during(void)
{
	host("vbd");
	race_tx = 1;
	race_path = FE "/backend-id";
	race_node = FE "/backend-id";
	race_val = "9";
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), -ESTALE);
	CHECK_EQ(tx_started, 2);
	check_left_alone("/local/domain/5/backend/vbd/7/51712", "9");

	/* A change elsewhere: tried again, and moved. */
	host("vbd");
	race_tx = 1;
	race_path = FE "/backend-id";
	race_node = "/local/domain/7/name";
	race_val = "web1";
	CHECK_EQ(rp_rewrite_backend(&xs, &xvda, 6), 0);
	CHECK_EQ(tx_started, 2);
	CHECK(!strcmp(get(FE "/backend-id"), "6"));
}

int main(void)
{
	xs.h = fake_handle;
	test_move();
	test_backend_kind();
	test_changed_before();
	test_changed_during();
	return check_done("xldrvd_replumb_rewrite_test");
}
