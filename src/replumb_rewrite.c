// SPDX-License-Identifier: GPL-2.0
/*
 * Re-plumbing a restart-aware frontend (XLDRV_XS_FE_RECONNECT): the
 * device stays plugged in the client, and only its backend moves.  libxl
 * has no operation for that (an add of a device libxl still records
 * fails with ERROR_DEVICE_EXISTS, and a removal deletes the frontend
 * directory, and with it the client's disk), so this does in one xenstore
 * transaction what libxl__device_generic_add() would have done with the
 * new incarnation as backend, keeping the frontend directory:
 *
 *   - the backend directory in the new incarnation's tree, made from
 *     libxl's copy of the backend keys under /libxl/CLIENT/device/KIND/ID
 *     (written by dom0 only, at the first add: nothing the old, failed
 *     driver domain wrote is read), with libxl's permissions;
 *   - the frontend directory and every node in it readable by the new
 *     incarnation instead of the old, as libxl's would be;
 *   - the frontend's "backend" and "backend-id", and libxl's record of
 *     the backend path, naming the new directory, so that a later
 *     `xl block-detach` or the client's destruction finds it; the
 *     frontend's "state" Initialising, as for an add.
 *
 * The frontend watches its own "backend" node and starts the handshake
 * with whatever backend it names; the new backend finds its directory
 * through its own xenbus watch.  Which of the two looks first does not
 * matter: the transaction makes both appear at once.
 *
 * The plan was made when the old incarnation failed, and the device may
 * have changed since: unplugged, or moved to another backend by an
 * administrator or the toolstack.  So the same transaction first checks
 * that libxl's record and the frontend still name the old backend, and
 * leaves the device alone otherwise; a change that races with it makes
 * the transaction fail and be tried again, and seen then.  The backend's
 * directory (vbd, vbd3, qdisk, vif) is the one libxl's record names: an
 * add by libxl would make the same, and the new incarnation serves it
 * if anything in it serves that kind.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <xenstore.h>

#include "xldrvd.h"
#include "replumb.h"

/* Bounds on what is copied: libxl writes about 15 keys of a few bytes. */
#define RW_KEYS_MAX	64
#define RW_VALUE_MAX	1024
/* Nodes in the frontend directory whose permissions are moved. */
#define RW_FE_NODES_MAX	256
#define RW_FE_DEPTH	3
#define RW_PERMS_MAX	8
#define RW_TRIES	8

struct rw_ctx {
	struct xs_handle *h;
	xs_transaction_t t;
	uint32_t client, old_be, new_be;
	unsigned int fe_nodes;
};

/*
 * The node's readers: the old incarnation replaced by the new one, which
 * is added if it was not there.  The owner (the client for every node of
 * its frontend directory) stays.
 */
static int move_perms(struct rw_ctx *c, const char *path)
{
	struct xs_permissions *p, np[RW_PERMS_MAX];
	unsigned int n = 0, i, k = 0;
	bool have = false;

	p = xs_get_permissions(c->h, c->t, path, &n);
	if (!p)
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile */
	if (!n || n >= RW_PERMS_MAX) {
		free(p);
		return -E2BIG;
	}
	np[k++] = p[0];
	for (i = 1; i < n; i++) {
		np[k] = p[i];
		if (np[k].id == c->old_be)
			np[k].id = c->new_be;
		if (np[k].id == c->new_be) {
			if (have)
				continue;	/* one entry is enough */
			have = true;
			np[k].perms |= XS_PERM_READ;
		}
		k++;
	}
	free(p);
	if (!have && np[0].id != c->new_be) {
		np[k].id = c->new_be;
		np[k].perms = XS_PERM_READ;
		k++;
	}
	return xs_set_permissions(c->h, c->t, path, np, k) ? 0 : -errno;
}

/* @path and the nodes under it, @depth levels down at most. */
static int move_perms_tree(struct rw_ctx *c, const char *path,
			   unsigned int depth)
{
	char child[XLDRVD_PATH_MAX];
	unsigned int n = 0, i;
	char **names;
	int rc;

	if (++c->fe_nodes > RW_FE_NODES_MAX)
		return -E2BIG;
	rc = move_perms(c, path);
	if (rc || !depth)
		return rc;
	names = xs_directory(c->h, c->t, path, &n);
	if (!names)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n && !rc; i++) {
		int r = snprintf(child, sizeof(child), "%s/%s", path,
				 names[i]);

		rc = r < 0 || (size_t)r >= sizeof(child) ? -E2BIG :
		     move_perms_tree(c, child, depth - 1);
	}
	free(names);
	return rc;
}

static int write_str(struct rw_ctx *c, const char *dir, const char *key,
		     const char *v)
{
	char path[XLDRVD_PATH_MAX];
	int r = snprintf(path, sizeof(path), "%s/%s", dir, key);

	if (r < 0 || (size_t)r >= sizeof(path))
		return -E2BIG;
	return xs_write(c->h, c->t, path, v, strlen(v)) ? 0 : -errno;
}

/* libxl's copy of the backend keys, into the new backend directory. */
static int copy_backend_keys(struct rw_ctx *c, const char *lpath,
			     const char *bpath, const char *fpath)
{
	char src[XLDRVD_PATH_MAX];
	unsigned int n = 0, i, len;
	char **keys, *v;
	int rc = 0, r;

	keys = xs_directory(c->h, c->t, lpath, &n);
	if (!keys)
		return errno == ENOENT ? -ENODEV : -errno;
	if (n > RW_KEYS_MAX) {
		free(keys);
		return -E2BIG;
	}
	for (i = 0; i < n && !rc; i++) {
		/* libxl's own: the backend path, which is what changes. */
		if (!strcmp(keys[i], "backend"))
			continue;
		/* Ours to say: the client's device, never a copied path. */
		if (!strcmp(keys[i], "frontend")) {
			rc = write_str(c, bpath, "frontend", fpath);
			continue;
		}
		r = snprintf(src, sizeof(src), "%s/%s", lpath, keys[i]);
		if (r < 0 || (size_t)r >= sizeof(src)) {
			rc = -E2BIG;
			break;
		}
		v = xs_read(c->h, c->t, src, &len);
		if (!v) {
			rc = -errno;
			break;
		}
		if (len > RW_VALUE_MAX || memchr(v, '\0', len))
			rc = -E2BIG;
		else
			rc = write_str(c, bpath, keys[i], v);
		free(v);
	}
	free(keys);
	return rc;
}

/* The node @dir/@key, read in the transaction: 0, -ENOENT or -errno. */
static int read_str(struct rw_ctx *c, const char *dir, const char *key,
		    char *buf, size_t size)
{
	char path[XLDRVD_PATH_MAX];
	unsigned int len = 0;
	char *v;
	int r = snprintf(path, sizeof(path), "%s/%s", dir, key);

	if (r < 0 || (size_t)r >= sizeof(path))
		return -E2BIG;
	v = xs_read(c->h, c->t, path, &len);
	if (!v)
		return -errno;
	r = len < size && !memchr(v, '\0', len) ? 0 : -E2BIG;
	if (!r)
		memcpy(buf, v, (size_t)len + 1);
	free(v);
	return r;
}

/*
 * Does the device still name the old backend, as when the plan was made?
 * libxl's record (dom0's alone), and the frontend's "backend" and
 * "backend-id", which the toolstack writes along with it.  0 and the
 * backend's directory kind in *bkind, -ENODEV if it was unplugged,
 * -ESTALE if it names another backend now.
 */
static int check_backend(struct rw_ctx *c, const struct rp_entry *e,
			 const char *lpath, const char *fpath,
			 const char **bkind)
{
	char lbe[XLDRVD_PATH_MAX], fbe[XLDRVD_PATH_MAX], fid[16], id[16];
	uint32_t be;
	int rc;

	rc = read_str(c, lpath, "backend", lbe, sizeof(lbe));
	if (rc == -ENOENT)
		return -ENODEV;		/* xl block-detach, say */
	if (rc)
		return rc;
	if (rp_parse_backend_path(lbe, strlen(lbe), e->kind, c->client,
				  e->devid, &be, bkind) || be != c->old_be)
		return -ESTALE;
	rc = read_str(c, fpath, "backend", fbe, sizeof(fbe));
	if (!rc)
		rc = read_str(c, fpath, "backend-id", fid, sizeof(fid));
	if (rc == -ENOENT)
		return -ENODEV;
	if (rc == -E2BIG)
		return -ESTALE;
	if (rc)
		return rc;
	snprintf(id, sizeof(id), "%" PRIu32, c->old_be);
	if (strcmp(fbe, lbe) || strcmp(fid, id))
		return -ESTALE;
	return 0;
}

static int rewrite_once(struct rw_ctx *c, const struct rp_entry *e,
			const char *lpath, const char *fpath)
{
	struct xs_permissions bperm[2] = {
		{ .id = c->new_be, .perms = XS_PERM_NONE },
		{ .id = c->client, .perms = XS_PERM_READ },
	};
	char bpath[XLDRVD_PATH_MAX], id[16];
	const char *bkind;
	int rc;

	rc = check_backend(c, e, lpath, fpath, &bkind);
	if (rc)
		return rc;
	snprintf(bpath, sizeof(bpath), "/local/domain/%" PRIu32
		 "/backend/%s/%" PRIu32 "/%d", c->new_be, bkind, c->client,
		 e->devid);
	/* A stale directory under the same path would be taken as ours. */
	if (!xs_rm(c->h, c->t, bpath) && errno != ENOENT)
		return -errno;
	if (!xs_mkdir(c->h, c->t, bpath) ||
	    !xs_set_permissions(c->h, c->t, bpath, bperm, 2))
		return -errno;
	rc = copy_backend_keys(c, lpath, bpath, fpath);
	if (rc)
		return rc;
	c->fe_nodes = 0;
	rc = move_perms_tree(c, fpath, RW_FE_DEPTH);
	if (rc)
		return rc;
	snprintf(id, sizeof(id), "%" PRIu32, c->new_be);
	rc = write_str(c, fpath, "backend", bpath);
	if (!rc)
		rc = write_str(c, fpath, "backend-id", id);
	/*
	 * Initialising, as libxl writes it for an add: the new backend
	 * must not take a Connected left from the old ring (whose grants
	 * name the old domain) for a frontend ready for it.  The frontend
	 * writes its own state as it reconnects.
	 */
	if (!rc)
		rc = write_str(c, fpath, "state", "1");
	if (!rc)
		rc = write_str(c, lpath, "backend", bpath);
	return rc;
}

/*
 * Move client device @e to backend @new_be, the driver domain's new
 * incarnation: 0, or -errno (-ENODEV: the device is no longer plugged;
 * -ESTALE: it names another backend than e->be_domid now, and is left
 * as it is).
 */
int rp_rewrite_backend(struct xsc *xs, const struct rp_entry *e,
		       uint32_t new_be)
{
	char lpath[XLDRVD_PATH_MAX], fpath[XLDRVD_PATH_MAX];
	const char *kind = rp_kind_name(e->kind);
	struct rw_ctx c = {
		.h = xs ? xs->h : NULL,
		.client = e->client,
		.old_be = e->be_domid,
		.new_be = new_be,
	};
	unsigned int tries;
	int rc = -EIO;

	if (!c.h || e->client == 0 || e->client > XLDRVD_DOMID_MAX ||
	    new_be == 0 || new_be > XLDRVD_DOMID_MAX || e->devid < 0 ||
	    e->client == new_be)
		return -EINVAL;
	snprintf(lpath, sizeof(lpath), "/libxl/%" PRIu32 "/device/%s/%d",
		 e->client, kind, e->devid);
	snprintf(fpath, sizeof(fpath), "/local/domain/%" PRIu32
		 "/device/%s/%d", e->client, kind, e->devid);
	for (tries = 0; tries < RW_TRIES; tries++) {
		c.t = xs_transaction_start(c.h);
		if (c.t == XBT_NULL)
			return -errno;
		rc = rewrite_once(&c, e, lpath, fpath);
		if (rc) {
			xs_transaction_end(c.h, c.t, true);
			return rc;
		}
		if (xs_transaction_end(c.h, c.t, false))
			return 0;
		rc = -errno;
		if (rc != -EAGAIN)
			return rc;
	}
	return rc;
}
