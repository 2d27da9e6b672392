// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the re-plumbing plan (src/replumb_plan.c) and its lines
 * in the state file (src/state.c), without Xen: which client devices
 * count as served by a driver domain, vdev names to devids, the uuid
 * check that keeps a replaced client from getting another's device, the
 * plan's bounds and merging, and the state file's plan lines written,
 * read back, and refused when anything in them is off.
 */
#define _GNU_SOURCE		/* before any header: asprintf() */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "replumb_plan.c"
#include "state.c"
#include "policy.c"
#include "log.c"

#define UUID1 "0b6e6a43-1c1f-4b57-9a2f-6f64a0a2c001"
#define UUID2 "0b6e6a43-1c1f-4b57-9a2f-6f64a0a2c002"

static void test_vdev(void)
{
	CHECK_EQ(rp_vdev_devid("xvda"), 51712);
	CHECK_EQ(rp_vdev_devid("xvdb"), 51728);
	CHECK_EQ(rp_vdev_devid("xvda1"), 51713);
	CHECK_EQ(rp_vdev_devid("xvdp15"), 202 << 8 | 15 << 4 | 15);
	/* Past 15 disks or partitions: the extended numbers. */
	CHECK_EQ(rp_vdev_devid("xvdq"), 1 << 28 | 16 << 8);
	CHECK_EQ(rp_vdev_devid("xvda16"), 1 << 28 | 16);
	CHECK_EQ(rp_vdev_devid("xvdaa"), 1 << 28 | 26 << 8);
	CHECK_EQ(rp_vdev_devid("xvdba3"), 1 << 28 | 52 << 8 | 3);
	CHECK_EQ(rp_vdev_devid("d0p0"), 51712);
	CHECK_EQ(rp_vdev_devid("d1p2"), 51730);
	CHECK_EQ(rp_vdev_devid("d100p0"), 1 << 28 | 100 << 8);
	CHECK_EQ(rp_vdev_devid("hda"), 3 << 8);
	CHECK_EQ(rp_vdev_devid("hdb1"), 3 << 8 | 1 << 6 | 1);
	CHECK_EQ(rp_vdev_devid("hdc"), 22 << 8);
	CHECK_EQ(rp_vdev_devid("hdd63"), 22 << 8 | 1 << 6 | 63);
	CHECK_EQ(rp_vdev_devid("sda"), 8 << 8);
	CHECK_EQ(rp_vdev_devid("sdb1"), 8 << 8 | 1 << 4 | 1);
	CHECK_EQ(rp_vdev_devid("51712"), 51712);
	CHECK_EQ(rp_vdev_devid("0xca00"), 51712);
	/* What Xen does not define. */
	CHECK_EQ(rp_vdev_devid(""), -1);
	CHECK_EQ(rp_vdev_devid("xvd"), -1);
	CHECK_EQ(rp_vdev_devid("xvdA"), -1);
	CHECK_EQ(rp_vdev_devid("xvda0"), -1);
	CHECK_EQ(rp_vdev_devid("xvda01"), -1);
	CHECK_EQ(rp_vdev_devid("xvda256"), -1);
	CHECK_EQ(rp_vdev_devid("xvda1x"), -1);
	CHECK_EQ(rp_vdev_devid("xvdzzzzz"), -1);
	CHECK_EQ(rp_vdev_devid("hde"), -1);
	CHECK_EQ(rp_vdev_devid("hda64"), -1);
	CHECK_EQ(rp_vdev_devid("sdq"), -1);
	CHECK_EQ(rp_vdev_devid("sda16"), -1);
	CHECK_EQ(rp_vdev_devid("d0"), -1);
	CHECK_EQ(rp_vdev_devid("d0p256"), -1);
	CHECK_EQ(rp_vdev_devid("d0p1x"), -1);
	CHECK_EQ(rp_vdev_devid("-1"), -1);
	CHECK_EQ(rp_vdev_devid("99999999999"), -1);
	CHECK_EQ(rp_vdev_devid("12ab"), -1);
}

static void test_backend_match(void)
{
	/* xl stores backend= as a name: the domid is meaningless then. */
	CHECK(rp_backend_match("netdd", 0, "netdd", 5));
	CHECK(rp_backend_match("netdd", 9, "netdd", 5));
	CHECK(!rp_backend_match("blkdd", 5, "netdd", 5));
	CHECK(!rp_backend_match("netdd2", 5, "netdd", 5));
	/* No name: the domid. */
	CHECK(rp_backend_match(NULL, 5, "netdd", 5));
	CHECK(rp_backend_match("", 5, "netdd", 5));
	CHECK(!rp_backend_match(NULL, 6, "netdd", 5));
	/* dom0's own backends are never a driver domain's. */
	CHECK(!rp_backend_match(NULL, 0, "netdd", 0));
	CHECK(!rp_backend_match(NULL, 0, "netdd", XLDRVD_INVALID_DOMID));
	/* A name that is a domid, as libxl accepts. */
	CHECK(rp_backend_match("5", 0, "netdd", 5));
	CHECK(!rp_backend_match("6", 5, "netdd", 5));
	CHECK(!rp_backend_match("0", 0, "netdd", 0));
	CHECK(!rp_backend_match("4294967301", 0, "netdd", 5));
	CHECK(rp_backend_match("5a", 0, "5a", 5));
}

static void test_uuid(void)
{
	struct rp_entry e = { .client = 7, .uuid = UUID1 };

	CHECK(rp_uuid_valid(UUID1));
	CHECK(rp_uuid_valid("0B6E6A43-1C1F-4B57-9A2F-6F64A0A2C001"));
	CHECK(!rp_uuid_valid(""));
	CHECK(!rp_uuid_valid(UUID1 "0"));
	CHECK(!rp_uuid_valid("0b6e6a43-1c1f-4b57-9a2f-6f64a0a2c00"));
	CHECK(!rp_uuid_valid("0b6e6a43-1c1f-4b57-9a2f_6f64a0a2c001"));
	CHECK(!rp_uuid_valid("0b6e6a43-1c1f-4b57-9a2f-6f64a0a2c00g"));
	CHECK(rp_same_client(&e, 7, UUID1));
	CHECK(rp_same_client(&e, 7, "0B6E6A43-1C1F-4B57-9A2F-6F64A0A2C001"));
	/* Destroyed and replaced: same domid, another uuid. */
	CHECK(!rp_same_client(&e, 7, UUID2));
	CHECK(!rp_same_client(&e, 8, UUID1));
	CHECK(!rp_same_client(&e, 7, "garbage"));
}

static void test_json_compact(void)
{
	char out[128];

	CHECK_EQ(rp_json_compact("{\n    \"a\": 1,\n    \"b\": \"x y\"\n}",
				 out, sizeof(out)), 17);
	CHECK(!strcmp(out, "{\"a\":1,\"b\":\"x y\"}"));
	/* Escaped quotes do not end a string. */
	CHECK(rp_json_compact("{ \"a\": \"q\\\" \\\\\" }", out,
			      sizeof(out)) > 0);
	CHECK(!strcmp(out, "{\"a\":\"q\\\" \\\\\"}"));
	CHECK_EQ(rp_json_compact("{ \"a\": \"open }", out, sizeof(out)), -1);
	CHECK_EQ(rp_json_compact("{ \"a\": 1 }", out, 5), -1);
	CHECK_EQ(rp_json_compact("{}", out, 3), 2);
}

static struct rp_entry tmpl(uint32_t client, const char *uuid,
			    enum rp_kind kind, int devid)
{
	struct rp_entry t = {
		.client = client, .kind = kind, .devid = devid,
		.be_domid = 5, .mode = RP_REPLUG,
	};

	snprintf(t.uuid, sizeof(t.uuid), "%s", uuid);
	snprintf(t.name, sizeof(t.name), "client%u", client);
	return t;
}

static void test_plan(void)
{
	struct replumb_plan p = { 0 };
	struct rp_entry t = tmpl(7, UUID1, RP_VBD, 51712), *e;
	char json[64];
	unsigned int i;

	CHECK_EQ(rp_plan_add(&p, &t, "{\n \"vdev\": \"xvda\"\n}"), 0);
	CHECK_EQ(p.n, 1);
	CHECK(!strcmp(p.e[0].json, "{\"vdev\":\"xvda\"}"));
	CHECK_EQ(p.e[0].phase, RP_STALE);
	/* The same device again: kept as it is. */
	p.e[0].phase = RP_REMOVED;
	CHECK_EQ(rp_plan_add(&p, &t, "{\"vdev\":\"other\"}"), 1);
	CHECK_EQ(p.n, 1);
	CHECK_EQ(p.e[0].phase, RP_REMOVED);
	CHECK(!strcmp(p.e[0].json, "{\"vdev\":\"xvda\"}"));
	/* ... unless being added: then once more after that. */
	p.e[0].phase = RP_ADDING;
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), 1);
	CHECK(p.e[0].again);
	/* Another kind, devid or client (uuid) is another device. */
	t = tmpl(7, UUID1, RP_VIF, 51712);
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), 0);
	t = tmpl(7, UUID2, RP_VBD, 51712);
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), 0);
	CHECK_EQ(p.n, 3);
	CHECK_EQ(rp_plan_count(&p, RP_STALE), 2);
	CHECK_EQ(rp_plan_count(&p, RP_ADDING), 1);
	/* Refused: bad uuid, devid, JSON. */
	t = tmpl(8, "nope", RP_VBD, 1);
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), -EINVAL);
	t = tmpl(8, UUID1, RP_VBD, -1);
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), -EINVAL);
	t = tmpl(8, UUID1, RP_VBD, 1);
	CHECK_EQ(rp_plan_add(&p, &t, "{\"a\":\"x}"), -EINVAL);
	CHECK_EQ(rp_plan_add(&p, &t, ""), -EINVAL);
	CHECK_EQ(rp_plan_add(&p, &t, "[1, 2]"), -EINVAL);
	{
		char *big = malloc(REPLUMB_JSON_MAX + 16);

		memset(big, 'x', REPLUMB_JSON_MAX + 15);
		memcpy(big, "{\"a\":\"", 6);
		strcpy(big + REPLUMB_JSON_MAX + 12, "\"}");
		CHECK_EQ(rp_plan_add(&p, &t, big), -E2BIG);
		free(big);
	}
	CHECK_EQ(p.n, 3);
	/* Found by serial, whatever moves. */
	e = rp_plan_find(&p, p.e[2].serial);
	CHECK(e == &p.e[2]);
	i = (unsigned int)p.e[2].serial;
	rp_plan_del(&p, &p.e[0]);
	CHECK_EQ(p.n, 2);
	CHECK(rp_plan_find(&p, i) == &p.e[1]);
	CHECK(!rp_plan_find(&p, 12345));
	/* Bounded. */
	for (i = 0; p.n < REPLUMB_MAX; i++) {
		t = tmpl(100 + i, UUID1, RP_VIF, 0);
		snprintf(json, sizeof(json), "{\"devid\":%u}", i);
		CHECK_EQ(rp_plan_add(&p, &t, json), 0);
	}
	t = tmpl(999, UUID1, RP_VIF, 0);
	CHECK_EQ(rp_plan_add(&p, &t, "{}"), -ENOSPC);
	CHECK_EQ(p.n, REPLUMB_MAX);
	while (p.n)
		rp_plan_del(&p, &p.e[p.n - 1]);
	CHECK(!p.e);
	rp_plan_free(&p);
}

/* rp_write() of @e, then rp_parse() of what it wrote, into @out. */
static int round_trip(const struct rp_entry *e, struct rp_entry *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	CHECK_EQ(rp_write(f, "netdd", e), 0);
	fclose(f);
	CHECK(!strncmp(buf, "replumb netdd ", 14));
	CHECK_EQ(strchr(buf, '\n') - buf, (long)len - 1);
	buf[len - 1] = '\0';
	rc = rp_parse(buf + 14, out);
	free(buf);
	return rc;
}

static void test_lines(void)
{
	struct rp_entry e = tmpl(7, UUID1, RP_VIF, 3), r;
	char json[] = "{\"bridge\":\"br 0%\",\"mac\":\"00:16:3e:00:00:01\"}";

	snprintf(e.name, sizeof(e.name), "web 1%%");
	e.json = json;
	e.phase = RP_REMOVED;
	CHECK_EQ(round_trip(&e, &r), 0);
	CHECK_EQ(r.client, 7);
	CHECK(!strcmp(r.uuid, UUID1));
	CHECK(!strcmp(r.name, "web 1%"));
	CHECK_EQ(r.kind, RP_VIF);
	CHECK_EQ(r.devid, 3);
	CHECK_EQ(r.be_domid, 5);
	CHECK_EQ(r.phase, RP_REMOVED);
	CHECK(!strcmp(r.json, json));
	rp_entry_done(&r);
	/* Under way when written: done again by the next xldrvd. */
	e.phase = RP_REMOVING;
	CHECK_EQ(round_trip(&e, &r), 0);
	CHECK_EQ(r.phase, RP_STALE);
	rp_entry_done(&r);
	e.phase = RP_ADDING;
	e.be_domid = 9;
	CHECK_EQ(round_trip(&e, &r), 0);
	CHECK_EQ(r.phase, RP_STALE);
	CHECK_EQ(r.be_domid, 9);
	rp_entry_done(&r);
}

static int parse_str(const char *s)
{
	struct rp_entry e;
	char *buf = strdup(s);
	int rc = rp_parse(buf, &e);

	if (!rc)
		rp_entry_done(&e);
	free(buf);
	return rc;
}

#define GOOD "client=7 uuid=" UUID1 " name=web1 kind=vbd devid=51712 " \
	"backend=5 mode=replug phase=stale"

static void test_parse_strict(void)
{
	CHECK_EQ(parse_str(GOOD " json={}"), 0);
	CHECK_EQ(parse_str(GOOD " json=%7B%22a%22:%201%7D"), 0);
	CHECK_EQ(parse_str("json={} " GOOD), 0);
	/* Missing, duplicated, unknown keys. */
	CHECK_EQ(parse_str(GOOD), -1);
	CHECK_EQ(parse_str(GOOD " json={} json={}"), -1);
	CHECK_EQ(parse_str(GOOD " json={} devid=1"), -1);
	CHECK_EQ(parse_str(GOOD " json={} extra=1"), -1);
	CHECK_EQ(parse_str(GOOD " json={} novalue"), -1);
	CHECK_EQ(parse_str(""), -1);
	/* Bad values. */
	CHECK_EQ(parse_str("client=0 uuid=" UUID1 " name=a kind=vbd devid=1 "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=32752 uuid=" UUID1 " name=a kind=vbd "
			   "devid=1 backend=5 mode=replug phase=stale "
			   "json={}"), -1);
	CHECK_EQ(parse_str("client=-7 uuid=" UUID1 " name=a kind=vbd devid=1 "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=xyz name=a kind=vbd devid=1 "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name= kind=vbd devid=1 "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a kind=vkb devid=1 "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a kind=vbd devid=x "
			   "backend=5 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a kind=vbd devid=1 "
			   "backend=0 mode=replug phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a kind=vbd devid=1 "
			   "backend=5 mode=rebind phase=stale json={}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a kind=vbd devid=1 "
			   "backend=5 mode=replug phase=adding json={}"), -1);
	/* The JSON: an object, escapes well formed, no NUL, bounded. */
	CHECK_EQ(parse_str(GOOD " json="), -1);
	CHECK_EQ(parse_str(GOOD " json=[]"), -1);
	CHECK_EQ(parse_str(GOOD " json={%00}"), -1);
	CHECK_EQ(parse_str(GOOD " json={%4}"), -1);
	CHECK_EQ(parse_str(GOOD " json={%zz}"), -1);
	CHECK_EQ(parse_str(GOOD " json={\x01}"), -1);
	CHECK_EQ(parse_str(GOOD " json={\xc3\xa9}"), -1);
	CHECK_EQ(parse_str("client=7 uuid=" UUID1 " name=a%00b kind=vbd "
			   "devid=1 backend=5 mode=replug phase=stale "
			   "json={}"), -1);
	{
		size_t n = REPLUMB_JSON_MAX + 200;
		char *big = malloc(n), *p;

		p = big + sprintf(big, GOOD " json={\"a\":\"");
		memset(p, 'x', big + n - p - 4);
		strcpy(big + n - 4, "\"}");
		CHECK_EQ(parse_str(big), -1);
		free(big);
	}
}

static void test_backend_path(void)
{
	const char *v, *bk = NULL;
	uint32_t be = 0;

#define BP(s, kind, c, d) \
	(v = (s), rp_parse_backend_path(v, strlen(v), kind, c, d, &be, &bk))
	CHECK_EQ(BP("/local/domain/5/backend/vbd/7/51712", RP_VBD, 7, 51712),
		 0);
	CHECK_EQ(be, 5);
	CHECK(bk && !strcmp(bk, "vbd"));
	/* The backend's own directory, kept for a rewrite. */
	CHECK_EQ(BP("/local/domain/12/backend/qdisk/7/51712", RP_VBD, 7,
		    51712), 0);
	CHECK_EQ(be, 12);
	CHECK(bk && !strcmp(bk, "qdisk"));
	CHECK_EQ(BP("/local/domain/12/backend/vbd3/7/51712", RP_VBD, 7,
		    51712), 0);
	CHECK(bk && !strcmp(bk, "vbd3"));
	CHECK_EQ(BP("/local/domain/12/backend/vbd4/7/51712", RP_VBD, 7,
		    51712), -EINVAL);
	CHECK_EQ(BP("/local/domain/12/backend/vbd37/51712", RP_VBD, 7,
		    51712), -EINVAL);
	CHECK_EQ(BP("/local/domain/5/backend/vif/7/0", RP_VIF, 7, 0), 0);
	CHECK(bk && !strcmp(bk, "vif"));
	CHECK_EQ(BP("/local/domain/0/backend/vif/7/0", RP_VIF, 7, 0), 0);
	CHECK_EQ(be, 0);
	/* Not this device's, or not a path libxl makes. */
	CHECK_EQ(BP("/local/domain/5/backend/vif/7/0", RP_VBD, 7, 0), -EINVAL);
	CHECK_EQ(BP("/local/domain/5/backend/vbd/8/51712", RP_VBD, 7, 51712),
		 -EINVAL);
	CHECK_EQ(BP("/local/domain/5/backend/vbd/7/51713", RP_VBD, 7, 51712),
		 -EINVAL);
	CHECK_EQ(BP("/local/domain/5/backend/vbd/7/051712", RP_VBD, 7,
		    51712), -EINVAL);
	CHECK_EQ(BP("/local/domain/05/backend/vbd/7/51712", RP_VBD, 7,
		    51712), -EINVAL);
	CHECK_EQ(BP("/local/domain/5/backend/vbd/7/51712/", RP_VBD, 7,
		    51712), -EINVAL);
	CHECK_EQ(BP("/local/domain/99999/backend/vif/7/0", RP_VIF, 7, 0),
		 -EINVAL);
	CHECK_EQ(BP("/local/domain//backend/vif/7/0", RP_VIF, 7, 0), -EINVAL);
	CHECK_EQ(BP("", RP_VIF, 7, 0), -EINVAL);
	CHECK_EQ(rp_parse_backend_path("/local/domain/5/backend/vif/7/0\0x",
				       33, RP_VIF, 7, 0, &be, NULL), -EINVAL);
#undef BP
}

static struct dd_conf confs[2] = {
	{ .name = "netdd", .window_ms = 600000, .max_restarts = 5 },
	{ .name = "blkdd", .window_ms = 600000, .max_restarts = 5 },
};

static void dds_init(struct dd *dds)
{
	unsigned int i;

	memset(dds, 0, 2 * sizeof(*dds));
	for (i = 0; i < 2; i++) {
		dds[i].conf = &confs[i];
		dds[i].domid = XLDRVD_INVALID_DOMID;
		dds[i].last_domid = XLDRVD_INVALID_DOMID;
		dds[i].retired_domid = XLDRVD_INVALID_DOMID;
		policy_init(&dds[i].pol, 0);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* @text (freed here) as the state file, read into fresh @b. */
static void load_text(const char *path, struct dd *b, char *text)
{
	write_file(path, text);
	free(text);
	dds_init(b);
	CHECK_EQ(state_load(path, b, 2), 0);
}

static void test_state(void)
{
	char dir[] = "/tmp/xldrvd-replumb-XXXXXX", path[64], boot[64];
	char *text;
	struct dd a[2], b[2];
	struct rp_entry t;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/state", dir);
	boot_id(boot, sizeof(boot));

	dds_init(a);
	a[0].domid = 5;
	a[0].plan.replumbed = 4;
	a[0].plan.failed = 1;
	a[0].plan.last_replumbed = 2;
	a[0].plan.last_failed = 1;
	t = tmpl(7, UUID1, RP_VBD, 51712);
	CHECK_EQ(rp_plan_add(&a[0].plan, &t, "{\"vdev\": \"xvda\"}"), 0);
	t = tmpl(8, UUID2, RP_VIF, 0);
	CHECK_EQ(rp_plan_add(&a[0].plan, &t, "{\"devid\": 0}"), 0);
	a[0].plan.e[1].phase = RP_REMOVED;
	t = tmpl(9, UUID1, RP_VIF, 1);
	CHECK_EQ(rp_plan_add(&a[1].plan, &t, "{}"), 0);
	a[1].plan.e[0].phase = RP_ADDING;
	a[1].plan.e[0].be_domid = 11;
	a[0].retired_domid = 4;
	a[0].retired_ms = now_mono_ms() - 1000;
	CHECK_EQ(state_save(path, a, 2), 0);

	dds_init(b);
	CHECK_EQ(state_load(path, b, 2), 0);
	CHECK_EQ(b[0].last_domid, 5);
	CHECK(b[0].last_domid_this_boot);
	CHECK_EQ(b[0].plan.replumbed, 4);
	CHECK_EQ(b[0].plan.failed, 1);
	CHECK_EQ(b[0].plan.last_replumbed, 2);
	CHECK_EQ(b[0].plan.last_failed, 1);
	CHECK_EQ(b[0].plan.n, 2);
	CHECK_EQ(b[0].plan.e[0].client, 7);
	CHECK_EQ(b[0].plan.e[0].kind, RP_VBD);
	CHECK_EQ(b[0].plan.e[0].phase, RP_STALE);
	CHECK(!strcmp(b[0].plan.e[0].json, "{\"vdev\":\"xvda\"}"));
	CHECK_EQ(b[0].plan.e[1].phase, RP_REMOVED);
	CHECK(b[0].plan.e[0].serial != b[0].plan.e[1].serial);
	CHECK_EQ(b[1].plan.n, 1);
	CHECK_EQ(b[1].plan.e[0].phase, RP_STALE);
	CHECK_EQ(b[1].plan.e[0].be_domid, 11);
	/* libxl's minute for the domid it saw go goes on after a restart. */
	CHECK_EQ(b[0].retired_domid, 4);
	CHECK_EQ(b[0].retired_ms, a[0].retired_ms);
	CHECK_EQ(b[1].retired_domid, XLDRVD_INVALID_DOMID);
	rp_plan_free(&b[0].plan);
	rp_plan_free(&b[1].plan);

	/*
	 * A retirement of another boot, or still to come, is not taken; a
	 * domid no guest has makes the line bad.
	 */
	CHECK(asprintf(&text, "xldrvd-state 2\nboot other\n"
		       "dd netdd domid=5 retired-domid=5 retired-ms=1\n") > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, 5);
	CHECK_EQ(b[0].retired_domid, XLDRVD_INVALID_DOMID);
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "dd netdd domid=5 retired-domid=5 retired-ms=%" PRIu64
		       "\n", boot, now_mono_ms() + 3600000) > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, 5);
	CHECK_EQ(b[0].retired_domid, XLDRVD_INVALID_DOMID);
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "dd netdd domid=5 retired-domid=0 retired-ms=1\n"
		       "dd blkdd domid=6 retired-domid=32752 retired-ms=1\n",
		       boot) > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, XLDRVD_INVALID_DOMID);
	CHECK_EQ(b[1].last_domid, XLDRVD_INVALID_DOMID);

	/*
	 * dom0's or a reserved domid, a restart still to come or out of
	 * order: the line is bad.  None yet (saved as ~0) is fine.
	 */
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "dd netdd domid=0\n"
		       "dd blkdd domid=32752\n", boot) > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, XLDRVD_INVALID_DOMID);
	CHECK(!b[0].saved);
	CHECK(!b[1].saved);
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "dd netdd domid=4294967295 restarts=1 hist=1\n"
		       "dd blkdd domid=6 restarts=2 hist=1,%" PRIu64 "\n",
		       boot, now_mono_ms() + 3600000) > 0);
	load_text(path, b, text);
	CHECK(b[0].saved);
	CHECK_EQ(b[0].pol.nr_hist, 1);
	CHECK(!b[1].saved);
	CHECK_EQ(b[1].pol.nr_hist, 0);
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "dd netdd domid=5 hist=2,1\n", boot) > 0);
	load_text(path, b, text);
	CHECK(!b[0].saved);

	/* Another boot: domids of then name nothing now. */
	CHECK(asprintf(&text, "xldrvd-state 2\nboot other\n"
		       "dd netdd state=running reason=none domid=5 hist=\n"
		       "replumb netdd " GOOD " json={}\n") > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, 5);
	CHECK(!b[0].last_domid_this_boot);
	CHECK_EQ(b[0].plan.n, 0);

	/* A duplicate, a bad line, a driver domain no longer configured. */
	CHECK(asprintf(&text, "xldrvd-state 2\nboot %s\n"
		       "replumb netdd " GOOD " json={}\n"
		       "replumb netdd " GOOD " json={}\n"
		       "replumb netdd " GOOD " json={} bogus=1\n"
		       "replumb gone " GOOD " json={}\n"
		       "replumb blkdd " GOOD " json={}\n", boot) > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].plan.n, 1);
	CHECK_EQ(b[1].plan.n, 1);
	rp_plan_free(&b[0].plan);
	rp_plan_free(&b[1].plan);

	/* Version 1 files are read (with no plan); others are not. */
	CHECK(asprintf(&text, "xldrvd-state 1\nboot %s\n"
		       "dd netdd state=running reason=none domid=6 "
		       "restarts=2 hist=\n", boot) > 0);
	load_text(path, b, text);
	CHECK_EQ(b[0].last_domid, 6);
	CHECK_EQ(b[0].pol.total_restarts, 2);
	write_file(path, "xldrvd-state 3\ndd netdd domid=7 hist=\n");
	dds_init(b);
	CHECK_EQ(state_load(path, b, 2), 0);
	CHECK_EQ(b[0].last_domid, XLDRVD_INVALID_DOMID);

	rp_plan_free(&a[0].plan);
	rp_plan_free(&a[1].plan);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_vdev();
	test_backend_match();
	test_uuid();
	test_json_compact();
	test_plan();
	test_lines();
	test_parse_strict();
	test_backend_path();
	test_state();
	return check_done("xldrvd_replumb_test");
}
