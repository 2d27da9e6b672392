// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of re-plumbing's libxl side (src/replumb.c) against a fake
 * libxl: this file defines the libxl functions replumb.c calls, over a
 * small table of domains and devices, and the /libxl xenstore read, so
 * the whole course runs without Xen.  Which devices a snapshot takes
 * (by backend name or domid, plugged now, uuid as stored), the forced
 * removal naming the old backend by domid alone, the add naming the new
 * one, callbacks only queued until replumb_reap(), a client replaced or
 * gone, a device plugged into another backend meanwhile left alone,
 * failures counted, and the bound on operations under way.
 */
#define _GNU_SOURCE		/* before any header: asprintf() */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "replumb.c"
#include "replumb_plan.c"
#include "log.c"

/* The fake host. */
struct fdisk {
	const char *vdev, *be_name;
	uint32_t be_domid;
	int plugged;			/* backend domid in /libxl, or -1 */
};

struct fnic {
	int devid;
	const char *be_name;
	uint32_t be_domid;
	int plugged;
};

struct fdom {
	uint32_t domid;
	const char *name, *uuid;
	const char *json_uuid;		/* the stored config's, if not uuid */
	bool dying, shutdown, no_json;
	struct fdisk disks[4];
	int ndisks;
	struct fnic nics[2];
	int nnics;
};

#define UUID7 "00000000-0000-0000-0000-000000000007"
#define UUID8 "00000000-0000-0000-0000-000000000008"
#define UUIDX "00000000-0000-0000-0000-0000000000ff"

static struct fdom doms[12];
static unsigned int ndoms;
static libxl_ctx *fake = (libxl_ctx *)&doms;

libxl_ctx *dom_ctx(void)
{
	return fake;
}

static struct fdom *fdom(uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < ndoms; i++)
		if (doms[i].domid == domid)
			return &doms[i];
	return NULL;
}

static void uuid_parse(const char *s, libxl_uuid *u)
{
	unsigned int i, j = 0;

	memset(u, 0, sizeof(*u));
	for (i = 0; s[i] && j < 32; i++) {
		if (s[i] == '-')
			continue;
		u->uuid[j / 2] |= (unsigned char)(hexval(s[i]) <<
						  (j % 2 ? 0 : 4));
		j++;
	}
}

/* A client's frontend state, for an add libxl says timed out. */
static const char *fe_state;
/* What web1's (7) xvda frontend says under XLDRV_XS_FE_RECONNECT. */
static const char *fe_reconnect;

char *xsc_read_dom(struct xsc *x, uint32_t domid, const char *rel,
		   size_t max, size_t *len, int *err)
{
	const char *v = NULL;

	(void)x;
	(void)max;
	*err = -ENOENT;
	if (strstr(rel, "/state"))
		v = fe_state;
	else if (domid == 7 &&
		 !strcmp(rel, "device/vbd/51712/" XLDRV_XS_FE_RECONNECT))
		v = fe_reconnect;
	if (!v)
		return NULL;
	*len = strlen(v);
	return strdup(v);
}

/* The backend moves (replumb_rewrite.c, its own test): recorded. */
struct rw_call {
	uint32_t client, old_be, new_be;
	int devid;
};
static struct rw_call rw_calls[8];
static unsigned int nrw;
static int rw_rc;

int rp_rewrite_backend(struct xsc *xs, const struct rp_entry *e,
		       uint32_t new_be)
{
	(void)xs;
	CHECK(nrw < 8);
	if (nrw < 8)
		rw_calls[nrw++] = (struct rw_call){ e->client, e->be_domid,
						    new_be, e->devid };
	return rw_rc;
}

/* /libxl/CLIENT/device/KIND/DEVID/backend, for plugged devices. */
char *xsc_read_libxl(struct xsc *x, uint32_t domid, const char *rel,
		     size_t max, size_t *len, int *err)
{
	struct fdom *d = fdom(domid);
	char kind[8], buf[128];
	int devid, i, be = -1;

	*err = -ENOENT;
	if (!d || sscanf(rel, "device/%3[a-z]/%d/backend", kind, &devid) != 2)
		return NULL;
	if (!strcmp(kind, "vbd")) {
		for (i = 0; i < d->ndisks; i++)
			if (rp_vdev_devid(d->disks[i].vdev) == devid)
				be = d->disks[i].plugged;
	} else {
		for (i = 0; i < d->nnics; i++)
			if (d->nics[i].devid == devid)
				be = d->nics[i].plugged;
	}
	if (be < 0)
		return NULL;
	*len = (size_t)snprintf(buf, sizeof(buf),
				"/local/domain/%d/backend/%s/%u/%d", be, kind,
				domid, devid);
	*err = 0;
	return strdup(buf);
}

libxl_dominfo *libxl_list_domain(libxl_ctx *c, int *nb)
{
	libxl_dominfo *l = calloc(ndoms + 1, sizeof(*l));
	unsigned int i;

	for (i = 0; i < ndoms; i++) {
		l[i].domid = doms[i].domid;
		uuid_parse(doms[i].uuid, &l[i].uuid);
		l[i].dying = doms[i].dying;
		l[i].shutdown = doms[i].shutdown;
	}
	*nb = (int)ndoms;
	return l;
}

void libxl_dominfo_list_free(libxl_dominfo *list, int nb)
{
	free(list);
}

void libxl_dominfo_init(libxl_dominfo *p)
{
	memset(p, 0, sizeof(*p));
}

void libxl_dominfo_dispose(libxl_dominfo *p)
{
}

int libxl_domain_info(libxl_ctx *c, libxl_dominfo *info, uint32_t domid)
{
	struct fdom *d = fdom(domid);

	if (!d)
		return ERROR_DOMAIN_NOTFOUND;
	info->domid = domid;
	uuid_parse(d->uuid, &info->uuid);
	info->dying = d->dying;
	info->shutdown = d->shutdown;
	return 0;
}

int libxl_uuid_compare(const libxl_uuid *a, const libxl_uuid *b)
{
	return memcmp(a, b, sizeof(*a));
}

/* The stored config is "dom:DOMID", decoded from the table. */
int libxl_userdata_retrieve(libxl_ctx *c, uint32_t domid, const char *id,
			    uint8_t **data, int *len)
{
	struct fdom *d = fdom(domid);
	char buf[32];

	CHECK(!strcmp(id, "libxl-json"));
	*data = NULL;
	*len = 0;
	if (!d || d->no_json)
		return 0;
	snprintf(buf, sizeof(buf), "dom:%u", domid);
	*data = (uint8_t *)strdup(buf);
	*len = (int)strlen(buf) + 1;
	return 0;
}

void libxl_domain_config_init(libxl_domain_config *dc)
{
	memset(dc, 0, sizeof(*dc));
}

void libxl_device_disk_init(libxl_device_disk *p)
{
	memset(p, 0, sizeof(*p));
}

void libxl_device_disk_dispose(libxl_device_disk *p)
{
	free(p->vdev);
	free(p->backend_domname);
	memset(p, 0, sizeof(*p));
}

void libxl_device_nic_init(libxl_device_nic *p)
{
	memset(p, 0, sizeof(*p));
}

void libxl_device_nic_dispose(libxl_device_nic *p)
{
	free(p->backend_domname);
	memset(p, 0, sizeof(*p));
}

void libxl_domain_config_dispose(libxl_domain_config *dc)
{
	int i;

	free(dc->c_info.name);
	for (i = 0; i < dc->num_disks; i++)
		libxl_device_disk_dispose(&dc->disks[i]);
	for (i = 0; i < dc->num_nics; i++)
		libxl_device_nic_dispose(&dc->nics[i]);
	free(dc->disks);
	free(dc->nics);
	memset(dc, 0, sizeof(*dc));
}

static char *sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int libxl_domain_config_from_json(libxl_ctx *c, libxl_domain_config *dc,
				  const char *s)
{
	struct fdom *d;
	unsigned int domid;
	int i;

	if (sscanf(s, "dom:%u", &domid) != 1)
		return ERROR_FAIL;
	d = fdom(domid);
	if (!d)
		return ERROR_FAIL;
	dc->c_info.name = sdup(d->name);
	uuid_parse(d->json_uuid ? d->json_uuid : d->uuid, &dc->c_info.uuid);
	dc->disks = calloc(4, sizeof(*dc->disks));
	dc->nics = calloc(2, sizeof(*dc->nics));
	dc->num_disks = d->ndisks;
	dc->num_nics = d->nnics;
	for (i = 0; i < d->ndisks; i++) {
		dc->disks[i].vdev = sdup(d->disks[i].vdev);
		dc->disks[i].backend_domname = sdup(d->disks[i].be_name);
		dc->disks[i].backend_domid = d->disks[i].be_domid;
	}
	for (i = 0; i < d->nnics; i++) {
		dc->nics[i].devid = d->nics[i].devid;
		dc->nics[i].backend_domname = sdup(d->nics[i].be_name);
		dc->nics[i].backend_domid = d->nics[i].be_domid;
	}
	return 0;
}

/* Device JSON, indented as libxl prints it; "-" for no backend name. */
char *libxl_device_disk_to_json(libxl_ctx *c, libxl_device_disk *p)
{
	char *s;

	if (asprintf(&s, "{\n    \"vdev\": \"%s\",\n    \"be\": \"%s\",\n"
		     "    \"domid\": %u\n}\n", p->vdev, p->backend_domname ?
		     p->backend_domname : "-", p->backend_domid) < 0)
		return NULL;
	return s;
}

int libxl_device_disk_from_json(libxl_ctx *c, libxl_device_disk *p,
				const char *s)
{
	char vdev[32], be[32];

	if (sscanf(s, "{\"vdev\":\"%31[^\"]\",\"be\":\"%31[^\"]\","
		   "\"domid\":%u}", vdev, be, &p->backend_domid) != 3)
		return ERROR_FAIL;
	p->vdev = strdup(vdev);
	p->backend_domname = strcmp(be, "-") ? strdup(be) : NULL;
	return 0;
}

char *libxl_device_nic_to_json(libxl_ctx *c, libxl_device_nic *p)
{
	char *s;

	if (asprintf(&s, "{\n    \"devid\": %d,\n    \"be\": \"%s\",\n"
		     "    \"domid\": %u\n}\n", p->devid, p->backend_domname ?
		     p->backend_domname : "-", p->backend_domid) < 0)
		return NULL;
	return s;
}

int libxl_device_nic_from_json(libxl_ctx *c, libxl_device_nic *p,
			       const char *s)
{
	char be[32];

	if (sscanf(s, "{\"devid\":%d,\"be\":\"%31[^\"]\",\"domid\":%u}",
		   &p->devid, be, &p->backend_domid) != 3)
		return ERROR_FAIL;
	p->backend_domname = strcmp(be, "-") ? strdup(be) : NULL;
	return 0;
}

/* Device operations: recorded, completed when the test says. */
struct call {
	bool add, disk;
	uint32_t client;
	char dev[32];
	uint32_t be_domid;
	char be_name[32];
	int backend;
	void (*cb)(libxl_ctx *ctx, int rc, void *arg);
	void *arg;
};

static struct call calls[64];
static unsigned int ncalls, ndone;
static int sync_rc;

static int device_op(bool add, bool disk, uint32_t domid, const char *dev,
		     uint32_t be, const char *be_name, int backend,
		     const libxl_asyncop_how *how)
{
	struct call *k = &calls[ncalls];

	if (sync_rc)
		return sync_rc;
	CHECK(ncalls < 64);
	CHECK(how && how->callback);
	k->add = add;
	k->disk = disk;
	k->client = domid;
	snprintf(k->dev, sizeof(k->dev), "%s", dev);
	k->be_domid = be;
	snprintf(k->be_name, sizeof(k->be_name), "%s",
		 be_name ? be_name : "");
	k->backend = backend;
	k->cb = how->callback;
	k->arg = how->u.for_callback;
	ncalls++;
	return 0;
}

int libxl_device_disk_destroy(libxl_ctx *c, uint32_t domid,
			      libxl_device_disk *p,
			      const libxl_asyncop_how *how)
{
	return device_op(false, true, domid, p->vdev, p->backend_domid,
			 p->backend_domname, p->backend, how);
}

int libxl_device_disk_add(libxl_ctx *c, uint32_t domid,
			  libxl_device_disk *p, const libxl_asyncop_how *how)
{
	return device_op(true, true, domid, p->vdev, p->backend_domid,
			 p->backend_domname, p->backend, how);
}

int libxl_device_nic_destroy(libxl_ctx *c, uint32_t domid,
			     libxl_device_nic *p,
			     const libxl_asyncop_how *how)
{
	char dev[16];

	snprintf(dev, sizeof(dev), "vif%d", p->devid);
	return device_op(false, false, domid, dev, p->backend_domid,
			 p->backend_domname, 0, how);
}

int libxl_device_nic_add(libxl_ctx *c, uint32_t domid, libxl_device_nic *p,
			 const libxl_asyncop_how *how)
{
	char dev[16];

	snprintf(dev, sizeof(dev), "vif%d", p->devid);
	return device_op(true, false, domid, dev, p->backend_domid,
			 p->backend_domname, 0, how);
}

/* libxl ends call @i with @rc. */
static void complete(unsigned int i, int rc)
{
	calls[i].cb(fake, rc, calls[i].arg);
	ndone++;
}

static struct rp_entry *entry(struct replumb_plan *p, uint32_t client,
			      enum rp_kind kind, int devid)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].client == client && p->e[i].kind == kind &&
		    p->e[i].devid == devid)
			return &p->e[i];
	return NULL;
}

/*
 * dom0; the driver domain netdd (5); web1 (7) with disks by name, by
 * domid, of another driver domain, and one unplugged since; db (8),
 * whose stored config names another uuid; a dying domain (9).
 */
static void host(void)
{
	memset(doms, 0, sizeof(doms));
	doms[0] = (struct fdom){ .domid = 0, .name = "Domain-0",
				 .uuid = UUIDX, .no_json = true };
	doms[1] = (struct fdom){ .domid = 5, .name = "netdd", .uuid = UUIDX };
	doms[2] = (struct fdom){
		.domid = 7, .name = "web1", .uuid = UUID7,
		.disks = {
			{ "xvda", "netdd", 0, 5 },
			{ "xvdb", "blkdd", 5, 6 },
			{ "xvdc", NULL, 5, 5 },
			{ "xvdd", "netdd", 0, -1 },
		},
		.ndisks = 4,
		.nics = { { 0, "netdd", 0, 5 }, { 1, "other", 0, 6 } },
		.nnics = 2,
	};
	doms[3] = (struct fdom){
		.domid = 8, .name = "db", .uuid = UUID8, .json_uuid = UUID7,
		.disks = { { "xvda", "netdd", 0, 5 } }, .ndisks = 1,
	};
	doms[4] = (struct fdom){
		.domid = 9, .name = "dying", .uuid = UUID8, .dying = true,
		.disks = { { "xvda", "netdd", 0, 5 } }, .ndisks = 1,
	};
	ndoms = 5;
	ncalls = ndone = 0;
	sync_rc = 0;
	fe_reconnect = NULL;
	nrw = 0;
	rw_rc = 0;
}

static void test_course(void)
{
	struct replumb_plan p = { 0 };
	struct xsc xs = { 0 };
	struct rp_entry *e;
	unsigned int i;

	host();
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	CHECK_EQ(p.n, 3);
	e = entry(&p, 7, RP_VBD, 51712);
	CHECK(e && e->phase == RP_STALE && e->be_domid == 5);
	CHECK(e && !strcmp(e->uuid, UUID7) && !strcmp(e->name, "web1"));
	CHECK(e && !strcmp(e->json,
			   "{\"vdev\":\"xvda\",\"be\":\"netdd\",\"domid\":0}"));
	CHECK(entry(&p, 7, RP_VBD, 51744) != NULL);	/* xvdc, by domid */
	CHECK(entry(&p, 7, RP_VIF, 0) != NULL);
	/* Not again: a second look adds nothing. */
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 0);
	CHECK_EQ(p.n, 3);

	/* Removal: forced, of the old backend by domid alone. */
	CHECK(replumb_removal_pending(&p));
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(ncalls, 3);
	for (i = 0; i < ncalls; i++) {
		CHECK(!calls[i].add);
		CHECK_EQ(calls[i].client, 7);
		CHECK_EQ(calls[i].be_domid, 5);
		CHECK(!calls[i].be_name[0]);
		if (calls[i].disk)
			CHECK_EQ(calls[i].backend, LIBXL_DISK_BACKEND_PHY);
	}
	CHECK_EQ(rp_plan_count(&p, RP_REMOVING), 3);
	/* Nothing more to start, and no adds without a new domid. */
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 0);
	/* A callback only queues; the plan changes in replumb_reap(). */
	complete(0, 0);
	complete(1, ERROR_FAIL);
	CHECK_EQ(rp_plan_count(&p, RP_REMOVING), 3);
	CHECK(replumb_reap());
	CHECK(!replumb_reap());
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 2);
	CHECK(replumb_removal_pending(&p));
	complete(2, 0);
	CHECK(replumb_reap());
	CHECK(!replumb_removal_pending(&p));
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 3);

	/* Stock frontends wait while the new incarnation boots ... */
	CHECK_EQ(replumb_step_booting(&p, "netdd", 6), 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 3);

	/* ... and are added once it, domid 6, serves, naming it. */
	CHECK_EQ(replumb_step(&p, "netdd", 6), 3);
	CHECK_EQ(ncalls, 6);
	for (i = 3; i < 6; i++) {
		CHECK(calls[i].add);
		CHECK_EQ(calls[i].client, 7);
		CHECK_EQ(calls[i].be_domid, 6);
		CHECK(!strcmp(calls[i].be_name, "netdd"));
		if (calls[i].disk)
			CHECK_EQ(calls[i].backend, LIBXL_DISK_BACKEND_UNKNOWN);
	}
	CHECK_EQ(rp_plan_count(&p, RP_ADDING), 3);
	CHECK_EQ(entry(&p, 7, RP_VIF, 0)->be_domid, 6);
	/*
	 * libxl timed out waiting for InitWait: a success when the frontend
	 * is connected, a failure otherwise.
	 */
	replumb_set_xs(&xs);
	fe_state = "4";
	complete(3, ERROR_TIMEDOUT);
	replumb_reap();
	fe_state = "1";
	complete(4, ERROR_TIMEDOUT);
	replumb_reap();
	fe_state = NULL;
	CHECK_EQ(p.n, 1);
	CHECK_EQ(p.replumbed, 1);
	CHECK_EQ(p.failed, 1);
	CHECK_EQ(p.last_replumbed, 1);
	CHECK_EQ(p.last_failed, 1);

	/* It fails again while the last is being added: once more. */
	doms[2].nics[0].plugged = 6;
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 6), 0);
	CHECK(p.e[0].again);
	complete(5, ERROR_FAIL);
	replumb_reap();
	CHECK_EQ(p.n, 1);
	CHECK_EQ(p.e[0].phase, RP_STALE);
	CHECK_EQ(p.e[0].be_domid, 6);
	CHECK_EQ(p.failed, 2);
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 1);
	CHECK_EQ(calls[6].be_domid, 6);
	complete(6, 0);
	replumb_reap();
	CHECK_EQ(replumb_step(&p, "netdd", 7), 1);
	CHECK_EQ(calls[7].be_domid, 7);
	complete(7, 0);
	replumb_reap();
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.replumbed, 2);
	CHECK_EQ(ndone, ncalls);
	rp_plan_free(&p);
}

static void test_clients_change(void)
{
	struct replumb_plan p = { 0 };
	struct xsc xs = { 0 };

	/* Replaced by a domain with the same domid: not touched. */
	host();
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	doms[2].uuid = UUID8;
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(ncalls, 0);
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.failed, 0);

	/* Gone between removal and add; shut down. */
	host();
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID);
	complete(0, 0);
	complete(1, 0);
	complete(2, 0);
	replumb_reap();
	doms[2].shutdown = true;
	CHECK_EQ(replumb_step(&p, "netdd", 6), 3);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(p.n, 0);

	/* libxl refuses to start an add: counted failed, done. */
	host();
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID);
	complete(0, 0);
	complete(1, 0);
	complete(2, 0);
	replumb_reap();
	sync_rc = ERROR_FAIL;
	CHECK_EQ(replumb_step(&p, "netdd", 6), 3);
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.failed, 3);
	CHECK_EQ(p.last_failed, 3);
	/* A new restart starts the "last" counts afresh. */
	sync_rc = 0;
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	CHECK_EQ(p.last_failed, 0);
	CHECK_EQ(p.failed, 3);
	/* ... and a removal libxl refuses to start: added anyway. */
	sync_rc = ERROR_FAIL;
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 3);
	CHECK(!replumb_removal_pending(&p));
	rp_plan_free(&p);

	/* No driver domain named, or dom0: nothing. */
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 0), -EINVAL);
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", XLDRVD_INVALID_DOMID),
		 -EINVAL);
}

/*
 * A stock frontend's device plugged into another backend since the plan
 * was made: not removed, dropped from the plan, neither re-plumbed nor
 * failed.  One whose record is gone (removed already) goes on.
 */
static void test_moved_before_removal(void)
{
	struct replumb_plan p = { 0 };
	struct xsc xs = { 0 };

	host();
	replumb_set_xs(&xs);
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	doms[2].disks[0].plugged = 9;		/* xvda: xl block-attach */
	doms[2].nics[0].plugged = -1;		/* vif 0: no record */
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(ncalls, 2);
	CHECK(strcmp(calls[0].dev, "xvda") && strcmp(calls[1].dev, "xvda"));
	CHECK(!entry(&p, 7, RP_VBD, 51712));
	CHECK_EQ(p.n, 2);
	CHECK_EQ(p.failed, 0);
	CHECK_EQ(p.replumbed, 0);
	complete(0, 0);
	complete(1, 0);
	replumb_reap();
	rp_plan_free(&p);
	replumb_set_xs(NULL);
}

/* Many devices: at most REPLUMB_INFLIGHT_MAX under way. */
static void test_bounds(void)
{
	static char vdevs[40][8];
	struct replumb_plan p = { 0 };
	struct xsc xs = { 0 };
	unsigned int i;

	host();
	for (i = 0; i < 20; i++) {
		struct fdom *d = &doms[5 + i / 4];

		snprintf(vdevs[i], sizeof(vdevs[i]), "xvd%c", 'a' + i % 4);
		d->domid = 20 + i / 4;
		d->name = "many";
		d->uuid = UUID7;
		d->disks[i % 4] = (struct fdisk){ vdevs[i], "netdd", 0, 5 };
		d->ndisks = i % 4 + 1;
	}
	ndoms = 5;
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	rp_plan_free(&p);
	ndoms = 10;
	/* doms[5..9] hold 20 disks, 4 each; web1 has 3 devices. */
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 23);
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID),
		 REPLUMB_INFLIGHT_MAX);
	CHECK_EQ(ncalls, REPLUMB_INFLIGHT_MAX);
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 0);
	for (i = 0; i < 4; i++)
		complete(i, 0);
	replumb_reap();
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 4);
	for (i = 4; i < ncalls; i++)
		complete(i, 0);
	replumb_reap();
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(ncalls, 23);
	for (i = 20; i < ncalls; i++)
		complete(i, 0);
	replumb_reap();
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 23);
	rp_plan_free(&p);
}

/*
 * A restart-aware frontend (web1's xvda says "1"): never removed, never
 * added through libxl; its backend is moved once the new incarnation
 * serves, and a failed move is counted.  Anything but "1" is a stock
 * frontend.
 */
static void test_rewrite(void)
{
	struct replumb_plan p = { 0 };
	struct xsc xs = { 0 };
	struct rp_entry *e;
	char buf[512];
	FILE *f;

	host();
	fe_reconnect = "1";
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	e = entry(&p, 7, RP_VBD, 51712);
	CHECK(e && e->mode == RP_REWRITE);
	CHECK_EQ(entry(&p, 7, RP_VBD, 51744)->mode, RP_REPLUG);
	CHECK_EQ(entry(&p, 7, RP_VIF, 0)->mode, RP_REPLUG);

	/* The state file keeps the mode. */
	f = fmemopen(buf, sizeof(buf), "w");
	CHECK(f && !rp_write(f, "netdd", e));
	fclose(f);
	CHECK(strstr(buf, " mode=rewrite ") != NULL);
	{
		struct rp_entry back;
		char *fields = strchr(strchr(buf, ' ') + 1, ' ') + 1;

		*strchr(fields, '\n') = '\0';
		CHECK_EQ(rp_parse(fields, &back), 0);
		CHECK_EQ(back.mode, RP_REWRITE);
		rp_entry_done(&back);
	}

	/* Removal: only the two stock devices go through libxl. */
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 3);
	CHECK_EQ(ncalls, 2);
	CHECK_EQ(rp_plan_count(&p, RP_REMOVED), 1);
	CHECK(replumb_removal_pending(&p));
	complete(0, 0);
	complete(1, 0);
	replumb_reap();
	CHECK(!replumb_removal_pending(&p));
	CHECK_EQ(nrw, 0);

	/* Domid 6 exists, still boots: the move, 5 -> 6, and no add. */
	CHECK_EQ(replumb_step_booting(&p, "netdd", 6), 1);
	CHECK_EQ(ncalls, 2);
	CHECK_EQ(nrw, 1);
	CHECK_EQ(rw_calls[0].client, 7);
	CHECK_EQ(rw_calls[0].devid, 51712);
	CHECK_EQ(rw_calls[0].old_be, 5);
	CHECK_EQ(rw_calls[0].new_be, 6);
	CHECK_EQ(p.replumbed, 1);
	CHECK_EQ(p.n, 2);
	CHECK(!entry(&p, 7, RP_VBD, 51712));
	CHECK_EQ(replumb_step_booting(&p, "netdd", 6), 0);

	/* Served by domid 6: the two libxl adds. */
	CHECK_EQ(replumb_step(&p, "netdd", 6), 2);
	CHECK_EQ(ncalls, 4);
	CHECK_EQ(nrw, 1);
	complete(2, 0);
	complete(3, 0);
	replumb_reap();
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.replumbed, 3);
	CHECK_EQ(ndone, ncalls);

	/* Again, from domid 6, and the move fails: counted, dropped. */
	doms[2].disks[0].plugged = 6;
	doms[2].disks[2].plugged = -1;
	doms[2].nics[0].plugged = -1;
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 6), 1);
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 1);
	rw_rc = -ENODEV;
	CHECK_EQ(replumb_step(&p, "netdd", 7), 1);
	CHECK_EQ(nrw, 2);
	CHECK_EQ(rw_calls[1].old_be, 6);
	CHECK_EQ(rw_calls[1].new_be, 7);
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.failed, 1);
	CHECK_EQ(ncalls, 4);

	/*
	 * Moved elsewhere by an administrator since the plan: left alone,
	 * dropped, and neither re-plumbed nor failed.
	 */
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 6), 1);
	CHECK_EQ(replumb_step(&p, "netdd", XLDRVD_INVALID_DOMID), 1);
	rw_rc = -ESTALE;
	CHECK_EQ(replumb_step(&p, "netdd", 7), 1);
	CHECK_EQ(nrw, 3);
	CHECK_EQ(p.n, 0);
	CHECK_EQ(p.failed, 1);
	CHECK_EQ(p.replumbed, 3);
	rp_plan_free(&p);

	/* Anything but "1" is a stock frontend. */
	host();
	fe_reconnect = "yes";
	CHECK_EQ(replumb_snapshot(&xs, &p, "netdd", 5), 3);
	CHECK_EQ(entry(&p, 7, RP_VBD, 51712)->mode, RP_REPLUG);
	rp_plan_free(&p);
}

int main(void)
{
	test_course();
	test_rewrite();
	test_clients_change();
	test_moved_before_removal();
	test_bounds();
	return check_done("xldrvd_replumb_ops_test");
}
