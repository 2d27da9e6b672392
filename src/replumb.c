// SPDX-License-Identifier: GPL-2.0
/*
 * Re-plumbing: serving a restarted driver domain's clients again.  The
 * clients run Linux's stock xen-blkfront and xen-netfront, which never
 * reconnect to a new backend by themselves, so each device the old
 * incarnation served is unplugged from its client (forced: its backend is
 * dead) once the old incarnation is gone, and plugged in again, naming
 * the new incarnation as backend, once that serves: what `xl block-detach`
 * and `xl block-attach` would do, through libxl.
 *
 * Which devices: the plan (replumb_plan.c) is made when the failure is
 * acted on, before the old incarnation is destroyed, from what only dom0
 * writes: each client's domain config as libxl stored it (libxl-json
 * userdata, under /var/lib/xen), and libxl's record of the devices that
 * are plugged now (/libxl/CLIENT/device in xenstore).  Nothing the driver
 * domain wrote is read: it is untrusted, and its tree is gone by then.
 * libxl_retrieve_domain_configuration() is not used for that reason: it
 * reads backend nodes to fill in what the stored config leaves out.
 *
 * A device whose frontend says it reconnects by itself (a restart-aware
 * frontend, XLDRV_XS_FE_RECONNECT) is neither removed nor added: once
 * the new incarnation exists, its backend is moved there in xenstore
 * (replumb_rewrite.c), and the client keeps its disk or interface.
 *
 * All libxl device operations are asynchronous: their callbacks only
 * queue the result, and replumb_reap() handles it from the main loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <libxl.h>
#include <libxl_utils.h>

#include "xldrvd.h"
#include "dom.h"
#include "replumb.h"
#include "xldrv/xenstore.h"

enum { OP_REMOVE, OP_ADD };

struct rp_op {
	struct rp_op *next;
	struct replumb_plan *plan;	/* in struct dd: never moves */
	const char *dd;
	unsigned long serial;		/* of the plan entry */
	int what;
	int rc;
	enum rp_kind kind;
	uint32_t client;
	int devid;
	char name[XLDRVD_NAME_MAX];
	/* libxl wants the device valid until the operation ends. */
	libxl_device_disk disk;
	libxl_device_nic nic;
};

/* Finished operations, oldest first, for replumb_reap(). */
static struct rp_op *done_head, *done_tail;

static void op_cb(libxl_ctx *c, int rc, void *arg)
{
	struct rp_op *op = arg;

	(void)c;
	/*
	 * Only recorded: libxl may call this before the operation's start
	 * has returned, and the plan must not change under its caller.
	 */
	op->rc = rc;
	op->next = NULL;
	if (done_tail)
		done_tail->next = op;
	else
		done_head = op;
	done_tail = op;
}

static void uuid_string(const libxl_uuid *u, char *buf)
{
	snprintf(buf, REPLUMB_UUID_LEN + 1, LIBXL_UUID_FMT,
		 LIBXL_UUID_BYTES(*u));
}

/*
 * Is the client's device plugged in now, into @dd_domid?  libxl's path
 * for it names the backend libxl plugged it into; a device unplugged
 * since is still in the stored config (libxl leaves it there), and must
 * not come back.
 */
static bool plugged_into(struct xsc *xs, uint32_t client, enum rp_kind kind,
			 int devid, uint32_t dd_domid)
{
	char rel[64];
	uint32_t be;
	size_t len = 0;
	bool ok;
	char *v;
	int err;

	snprintf(rel, sizeof(rel), "device/%s/%d/backend", rp_kind_name(kind),
		 devid);
	v = xsc_read_libxl(xs, client, rel, XLDRVD_PATH_MAX, &len, &err);
	if (!v)
		return false;
	ok = !rp_parse_backend_path(v, len, kind, client, devid, &be,
				    NULL) &&
	     be == dd_domid;
	free(v);
	return ok;
}

/*
 * Does the client's frontend for the device reconnect by itself?  Its
 * own word, read from its own device directory: a client that lies gets
 * its own device's backend moved under a frontend that does not follow,
 * and harms nobody else.
 */
static enum rp_mode device_mode(struct xsc *xs, uint32_t client,
				enum rp_kind kind, int devid)
{
	char rel[96];
	size_t len = 0;
	bool yes;
	char *v;
	int err;

	snprintf(rel, sizeof(rel), "device/%s/%d/" XLDRV_XS_FE_RECONNECT,
		 rp_kind_name(kind), devid);
	v = xsc_read_dom(xs, client, rel, 8, &len, &err);
	if (!v)
		return RP_REPLUG;
	yes = len == 1 && v[0] == '1';
	free(v);
	return yes ? RP_REWRITE : RP_REPLUG;
}

/* Add @json for device @t to the plan: 1 if it is new there, else 0. */
static int record(struct replumb_plan *p, const char *dd,
		  const struct rp_entry *t, char *json)
{
	int rc = json ? rp_plan_add(p, t, json) : -ENOMEM;

	free(json);
	if (rc == 0)
		return 1;
	if (rc == -ENOSPC)
		log_event(dd, "re-plumbing plan full (%d devices): client %s "
			  "%s %d left out", REPLUMB_MAX, t->name,
			  rp_kind_name(t->kind), t->devid);
	else if (rc < 0)
		log_msg(LOG_ERR, "%s: client %s %s %d: cannot record it (%s)",
			dd, t->name, rp_kind_name(t->kind), t->devid,
			strerror(-rc));
	return 0;
}

static int take_disk(struct xsc *xs, struct replumb_plan *p, const char *dd,
		     uint32_t dd_domid, struct rp_entry *t,
		     libxl_device_disk *disk)
{
	libxl_ctx *ctx = dom_ctx();

	if (!rp_backend_match(disk->backend_domname, disk->backend_domid, dd,
			      dd_domid))
		return 0;
	t->kind = RP_VBD;
	t->devid = disk->vdev ? rp_vdev_devid(disk->vdev) : -1;
	if (t->devid < 0) {
		log_msg(LOG_WARNING, "%s: client %s: disk vdev \"%s\" not "
			"understood; it will not be re-plumbed", dd, t->name,
			disk->vdev ? disk->vdev : "");
		return 0;
	}
	if (!plugged_into(xs, t->client, RP_VBD, t->devid, dd_domid))
		return 0;
	t->mode = device_mode(xs, t->client, RP_VBD, t->devid);
	return record(p, dd, t, libxl_device_disk_to_json(ctx, disk));
}

static int take_nic(struct xsc *xs, struct replumb_plan *p, const char *dd,
		    uint32_t dd_domid, struct rp_entry *t,
		    libxl_device_nic *nic)
{
	libxl_ctx *ctx = dom_ctx();

	if (!rp_backend_match(nic->backend_domname, nic->backend_domid, dd,
			      dd_domid))
		return 0;
	t->kind = RP_VIF;
	t->devid = nic->devid;
	if (t->devid < 0 ||
	    !plugged_into(xs, t->client, RP_VIF, t->devid, dd_domid))
		return 0;
	t->mode = device_mode(xs, t->client, RP_VIF, t->devid);
	return record(p, dd, t, libxl_device_nic_to_json(ctx, nic));
}

/* The devices of client @info served by @dd: how many were recorded. */
static int take_client(struct xsc *xs, struct replumb_plan *p,
		       const char *dd, uint32_t dd_domid,
		       const libxl_dominfo *info)
{
	libxl_ctx *ctx = dom_ctx();
	libxl_domain_config dc;
	struct rp_entry t;
	uint8_t *data = NULL;
	int len = 0, i, n = 0;

	/* Under libxl's lock of the domain's userdata: never half-written. */
	if (libxl_userdata_retrieve(ctx, info->domid, "libxl-json", &data,
				    &len))
		return 0;
	/* None (not made by libxl), or not the C string libxl stores. */
	if (!data || len <= 0 || data[len - 1]) {
		free(data);
		return 0;
	}
	libxl_domain_config_init(&dc);
	if (libxl_domain_config_from_json(ctx, &dc, (const char *)data)) {
		log_msg(LOG_WARNING, "%s: domain %" PRIu32 ": unreadable "
			"libxl config; its devices will not be re-plumbed",
			dd, info->domid);
		goto out;
	}
	/* The file is found by the domain's uuid; it must say the same. */
	if (libxl_uuid_compare(&dc.c_info.uuid, &info->uuid)) {
		log_msg(LOG_WARNING, "%s: domain %" PRIu32 ": stored config "
			"of another uuid; its devices will not be re-plumbed",
			dd, info->domid);
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.client = info->domid;
	uuid_string(&info->uuid, t.uuid);
	if (dc.c_info.name && *dc.c_info.name)
		snprintf(t.name, sizeof(t.name), "%s", dc.c_info.name);
	else
		snprintf(t.name, sizeof(t.name), "%" PRIu32, info->domid);
	t.be_domid = dd_domid;
	for (i = 0; i < dc.num_disks; i++)
		n += take_disk(xs, p, dd, dd_domid, &t, &dc.disks[i]);
	for (i = 0; i < dc.num_nics; i++)
		n += take_nic(xs, p, dd, dd_domid, &t, &dc.nics[i]);
out:
	libxl_domain_config_dispose(&dc);
	free(data);
	return n;
}

/*
 * Record in @p every client device that the driver domain @dd, domid
 * @dd_domid, serves now: the number recorded, or -errno.  Devices
 * recorded before stay as they are.  Synchronous: a file read and a few
 * xenstore reads per domain, while the restart is being decided.
 */
int replumb_snapshot(struct xsc *xs, struct replumb_plan *p, const char *dd,
		     uint32_t dd_domid)
{
	libxl_dominfo *list;
	int nb = 0, i, n = 0;

	if (dd_domid == 0 || dd_domid > XLDRVD_DOMID_MAX)
		return -EINVAL;
	/* A new restart: "last" counts are the ones of this one. */
	if (!p->n) {
		p->last_replumbed = 0;
		p->last_failed = 0;
	}
	list = libxl_list_domain(dom_ctx(), &nb);
	if (!list)
		return -EIO;
	for (i = 0; i < nb; i++) {
		const libxl_dominfo *info = &list[i];

		if (info->domid == 0 || info->domid == dd_domid ||
		    info->domid > XLDRVD_DOMID_MAX || info->dying ||
		    info->shutdown)
			continue;
		n += take_client(xs, p, dd, dd_domid, info);
	}
	libxl_dominfo_list_free(list, nb);
	return n;
}

/* Still the client @e was recorded for, alive?  1 yes, 0 no, -1 unknown */
static int client_alive(const struct rp_entry *e)
{
	libxl_dominfo info;
	char uuid[REPLUMB_UUID_LEN + 1];
	int rc;

	libxl_dominfo_init(&info);
	rc = libxl_domain_info(dom_ctx(), &info, e->client);
	if (rc) {
		libxl_dominfo_dispose(&info);
		return rc == ERROR_DOMAIN_NOTFOUND ? 0 : -1;
	}
	uuid_string(&info.uuid, uuid);
	rc = !info.dying && !info.shutdown &&
	     rp_same_client(e, e->client, uuid);
	libxl_dominfo_dispose(&info);
	return rc;
}

/*
 * The entry's device config, pointed at backend @be: for a removal the
 * old incarnation by domid alone, since libxl removes the device it is
 * told of without resolving a name, and the name now means the new one
 * or nothing; for an add by name too, so that the config libxl stores
 * for the client names the driver domain as xl did.
 */
static int op_device(struct rp_op *op, const struct rp_entry *e, uint32_t be,
		     const char *dd)
{
	libxl_ctx *ctx = dom_ctx();
	char *name = NULL;

	if (op->what == OP_ADD) {
		name = strdup(dd);
		if (!name)
			return -ENOMEM;
	}
	if (op->kind == RP_VBD) {
		if (libxl_device_disk_from_json(ctx, &op->disk, e->json)) {
			free(name);
			return -EINVAL;
		}
		free(op->disk.backend_domname);
		op->disk.backend_domname = name;
		op->disk.backend_domid = be;
		/*
		 * Removal names the backend directory by the disk's backend
		 * type, which the stored config may leave to libxl.  The
		 * old incarnation's directory is gone either way; phy is
		 * what libxl picks for a raw disk of a driver domain.
		 */
		if (op->what == OP_REMOVE &&
		    op->disk.backend == LIBXL_DISK_BACKEND_UNKNOWN)
			op->disk.backend = LIBXL_DISK_BACKEND_PHY;
	} else {
		if (libxl_device_nic_from_json(ctx, &op->nic, e->json)) {
			free(name);
			return -EINVAL;
		}
		free(op->nic.backend_domname);
		op->nic.backend_domname = name;
		op->nic.backend_domid = be;
	}
	return 0;
}

static void op_free(struct rp_op *op)
{
	libxl_device_disk_dispose(&op->disk);
	libxl_device_nic_dispose(&op->nic);
	free(op);
}

/* Start @what on @e: 0 started, or -errno (logged) and nothing started. */
static int op_start(struct replumb_plan *p, const char *dd,
		    struct rp_entry *e, int what, uint32_t be)
{
	libxl_asyncop_how how = { .callback = op_cb };
	libxl_ctx *ctx = dom_ctx();
	struct rp_op *op = calloc(1, sizeof(*op));
	int rc;

	if (!op)
		return -ENOMEM;
	op->plan = p;
	op->dd = dd;
	op->serial = e->serial;
	op->what = what;
	op->kind = e->kind;
	op->client = e->client;
	op->devid = e->devid;
	snprintf(op->name, sizeof(op->name), "%s", e->name);
	libxl_device_disk_init(&op->disk);
	libxl_device_nic_init(&op->nic);
	rc = op_device(op, e, be, dd);
	if (rc) {
		log_event(dd, "client %s %s %d: %s", e->name,
			  rp_kind_name(e->kind), e->devid, rc == -EINVAL ?
			  "recorded config unreadable" : "out of memory");
		op_free(op);
		return rc;
	}
	how.u.for_callback = op;
	if (what == OP_REMOVE && e->kind == RP_VBD)
		rc = libxl_device_disk_destroy(ctx, e->client, &op->disk, &how);
	else if (what == OP_REMOVE)
		rc = libxl_device_nic_destroy(ctx, e->client, &op->nic, &how);
	else if (e->kind == RP_VBD)
		rc = libxl_device_disk_add(ctx, e->client, &op->disk, &how);
	else
		rc = libxl_device_nic_add(ctx, e->client, &op->nic, &how);
	if (rc) {
		log_event(dd, "client %s %s %d: libxl would not %s it (error "
			  "%d)", e->name, rp_kind_name(e->kind), e->devid,
			  what == OP_REMOVE ? "remove" : "add", rc);
		op_free(op);
		return -EIO;
	}
	e->phase = what == OP_REMOVE ? RP_REMOVING : RP_ADDING;
	if (what == OP_ADD)
		e->be_domid = be;
	return 0;
}

/* An add that ended, or never started: counted, and the entry done. */
static void add_done(struct replumb_plan *p, struct rp_entry *e, int ok)
{
	if (ok) {
		p->replumbed++;
		p->last_replumbed++;
	} else {
		p->failed++;
		p->last_failed++;
	}
	if (e->again) {
		/* Its new backend failed meanwhile: once more. */
		e->again = false;
		e->phase = RP_STALE;
		return;
	}
	rp_plan_del(p, e);
}

static struct xsc *rp_xs;

void replumb_set_xs(struct xsc *xs)
{
	rp_xs = xs;
}

/*
 * Is a stock frontend's device, about to be removed by force, plugged
 * into another backend than the one recorded, by an administrator or the
 * toolstack since the plan was made?  Then the removal would take the
 * device they plugged.  No record at all is not that: it may be this
 * removal's own, done before a restart of xldrvd.  libxl's record only,
 * which the client cannot write.
 */
static bool moved_elsewhere(struct xsc *xs, const struct rp_entry *e)
{
	char rel[64];
	size_t len = 0;
	uint32_t be;
	bool moved;
	char *v;
	int err;

	if (!xs)
		return false;
	snprintf(rel, sizeof(rel), "device/%s/%d/backend",
		 rp_kind_name(e->kind), e->devid);
	v = xsc_read_libxl(xs, e->client, rel, XLDRVD_PATH_MAX, &len, &err);
	if (!v)
		return false;
	moved = rp_parse_backend_path(v, len, e->kind, e->client, e->devid,
				      &be, NULL) || be != e->be_domid;
	free(v);
	return moved;
}

/*
 * A restart-aware frontend's device: nothing to remove while the driver
 * domain restarts (the frontend holds its I/O), and its backend moved
 * to @new_domid once that exists.  Synchronous: one xenstore transaction.
 */
static void rewrite_step(struct replumb_plan *p, const char *dd,
			 struct rp_entry *e, uint32_t new_domid)
{
	const char *kind = rp_kind_name(e->kind);
	int rc;

	if (e->phase == RP_STALE) {
		log_event(dd, "client %s (domid %" PRIu32 ") %s %d: kept; its "
			  "frontend reconnects by itself", e->name, e->client,
			  kind, e->devid);
		e->phase = RP_REMOVED;
		return;
	}
	rc = rp_rewrite_backend(rp_xs, e, new_domid);
	if (rc == -ESTALE) {
		/* Not ours to undo: neither re-plumbed nor failed. */
		log_event(dd, "client %s (domid %" PRIu32 ") %s %d: left "
			  "alone: its backend is no longer domid %" PRIu32
			  " (changed since the plan was made)", e->name,
			  e->client, kind, e->devid, e->be_domid);
		rp_plan_del(p, e);
		return;
	}
	if (rc) {
		log_event(dd, "re-plumbing client %s (domid %" PRIu32 ") %s "
			  "%d failed: moving its backend: %s", e->name,
			  e->client, kind, e->devid, rc == -ENODEV ?
			  "device unplugged meanwhile" : strerror(-rc));
	} else {
		log_event(dd, "re-plumbed client %s (domid %" PRIu32 ") %s "
			  "%d: backend moved to domid %" PRIu32, e->name,
			  e->client, kind, e->devid, new_domid);
		e->be_domid = new_domid;
	}
	add_done(p, e, !rc);
}

/*
 * Start what @p allows now, at most REPLUMB_INFLIGHT_MAX at a time:
 * removals of stale frontends always (their backend is dead or being
 * replaced), adds only with @new_domid, the new incarnation: a stock
 * frontend's once it @serves, a restart-aware frontend's backend move as
 * soon as it exists (step()'s callers below).  The number of entries that
 * changed.
 */
static unsigned int step(struct replumb_plan *p, const char *dd,
			 uint32_t new_domid, bool serves)
{
	unsigned int i = 0, changed = 0, busy;
	int alive, rc;

	busy = rp_plan_count(p, RP_REMOVING) + rp_plan_count(p, RP_ADDING);
	while (i < p->n && busy < REPLUMB_INFLIGHT_MAX) {
		struct rp_entry *e = &p->e[i];
		bool add = e->phase == RP_REMOVED &&
			   new_domid != XLDRVD_INVALID_DOMID &&
			   (serves || e->mode == RP_REWRITE);

		if (e->phase != RP_STALE && !add) {
			i++;
			continue;
		}
		alive = client_alive(e);
		if (alive < 0) {
			i++;		/* libxl cannot tell: next time */
			continue;
		}
		changed++;
		if (!alive) {
			log_event(dd, "client %s (domid %" PRIu32 ") %s %d: "
				  "client gone, nothing to re-plumb", e->name,
				  e->client, rp_kind_name(e->kind), e->devid);
			rp_plan_del(p, e);
			continue;
		}
		if (e->mode == RP_REPLUG && !add && moved_elsewhere(rp_xs, e)) {
			log_event(dd, "client %s (domid %" PRIu32 ") %s %d: "
				  "left alone: its backend is no longer domid "
				  "%" PRIu32 " (changed since the plan was "
				  "made)", e->name, e->client,
				  rp_kind_name(e->kind), e->devid,
				  e->be_domid);
			rp_plan_del(p, e);
			continue;
		}
		if (e->mode == RP_REWRITE) {
			/* May drop @e: the next one moves to index i. */
			unsigned int before = p->n;

			rewrite_step(p, dd, e, new_domid);
			if (p->n == before)
				i++;
			continue;
		}
		rc = op_start(p, dd, e, add ? OP_ADD : OP_REMOVE,
			      add ? new_domid : e->be_domid);
		if (!rc) {
			busy++;
			i++;
		} else if (add || rc == -EINVAL) {
			/* Never will be: counted as failed, and done. */
			add_done(p, e, 0);
		} else {
			/* The add may still get through. */
			e->phase = RP_REMOVED;
			i++;
		}
	}
	return changed;
}

unsigned int replumb_step(struct replumb_plan *p, const char *dd,
			  uint32_t new_domid)
{
	return step(p, dd, new_domid, true);
}

/*
 * The new incarnation @new_domid exists but does not serve yet: move the
 * restart-aware frontends' backends to it now.  Its mappers find the
 * backend directories when they load, as a driver domain's backends find
 * those libxl wrote before they started, so the frontends' reconnection
 * overlaps the boot rather than following it.  Stock frontends wait for
 * replumb_step(): libxl's add waits for a backend that answers.
 */
unsigned int replumb_step_booting(struct replumb_plan *p, const char *dd,
				  uint32_t new_domid)
{
	return step(p, dd, new_domid, false);
}

/* Stale frontends not yet removed, or being removed? */
bool replumb_removal_pending(const struct replumb_plan *p)
{
	return rp_plan_count(p, RP_STALE) || rp_plan_count(p, RP_REMOVING);
}

/*
 * libxl's add waits for the backend to show InitWait, and only that: a
 * mapper serves at once, and a client whose frontend driver is loaded
 * connects at once, so the backend can pass InitWait before libxl looks,
 * and the add "times out" on a device that works.  Connected is what
 * matters: the client's own frontend state says so.  (The client can
 * lie here, but only about its own device.)
 */
static bool frontend_connected(const struct rp_op *op)
{
	char rel[64];
	size_t len = 0;
	char *v;
	int err;
	bool up;

	if (!rp_xs)
		return false;
	snprintf(rel, sizeof(rel), "device/%s/%d/state",
		 rp_kind_name(op->kind), op->devid);
	v = xsc_read_dom(rp_xs, op->client, rel, 8, &len, &err);
	if (!v)
		return false;
	up = len == 1 && v[0] == '4';
	free(v);
	return up;
}

static void op_done(struct rp_op *op)
{
	struct replumb_plan *p = op->plan;
	const char *kind = rp_kind_name(op->kind);
	struct rp_entry *e = rp_plan_find(p, op->serial);

	/* An entry under way is never dropped; this is only prudence. */
	if (!e)
		return;
	if (op->what == OP_REMOVE) {
		if (op->rc)
			log_event(op->dd, "client %s (domid %" PRIu32 ") %s "
				  "%d: removing the stale frontend failed "
				  "(libxl error %d); adding it anyway",
				  op->name, op->client, kind, op->devid,
				  op->rc);
		else
			log_event(op->dd, "client %s (domid %" PRIu32 ") %s "
				  "%d: stale frontend removed", op->name,
				  op->client, kind, op->devid);
		e->phase = RP_REMOVED;
		return;
	}
	if (op->rc == ERROR_TIMEDOUT && frontend_connected(op)) {
		log_msg(LOG_INFO, "%s: client %s (domid %" PRIu32 ") %s %d "
			"connected before libxl saw it wait", op->dd,
			op->name, op->client, kind, op->devid);
		op->rc = 0;
	}
	if (op->rc)
		log_event(op->dd, "re-plumbing client %s (domid %" PRIu32 ") "
			  "%s %d failed (libxl error %d)", op->name,
			  op->client, kind, op->devid, op->rc);
	else
		log_event(op->dd, "re-plumbed client %s (domid %" PRIu32 ") "
			  "%s %d", op->name, op->client, kind, op->devid);
	add_done(p, e, !op->rc);
}

/* Handle the libxl operations that ended: true if any did. */
bool replumb_reap(void)
{
	struct rp_op *op;
	bool any = false;

	while ((op = done_head)) {
		done_head = op->next;
		if (!done_head)
			done_tail = NULL;
		op_done(op);
		op_free(op);
		any = true;
	}
	return any;
}
