// SPDX-License-Identifier: GPL-2.0
/*
 * The re-plumbing plan, pure: the list of client devices a restarted
 * driver domain must serve again, how a device is recognised as served by
 * it, and the plan's lines in the state file.  No Xen library here, so
 * that the unit tests build it alone; replumb.c does the libxl part.
 *
 * A state file line, all on one line, values percent-encoded where they
 * could hold a space (the client's name, the device's JSON):
 *
 *	replumb netdd client=7 uuid=... name=web1 kind=vif devid=0
 *	   backend=5 mode=replug phase=removed json={"backend_domname":...}
 *
 * The parser is strict: every key once, nothing else, every value
 * checked.  An entry tells xldrvd to plug a device into a domain, so a
 * line it does not fully understand is dropped, not guessed at.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xldrvd.h"

static const char *const kind_names[] = {
	[RP_VBD] = "vbd",
	[RP_VIF] = "vif",
};

const char *rp_kind_name(enum rp_kind k)
{
	return (unsigned int)k <= RP_VIF ? kind_names[k] : "?";
}

void rp_entry_done(struct rp_entry *e)
{
	free(e->json);
	e->json = NULL;
}

void rp_plan_free(struct replumb_plan *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		rp_entry_done(&p->e[i]);
	free(p->e);
	p->e = NULL;
	p->n = 0;
}

static struct rp_entry *find_key(struct replumb_plan *p,
				 const struct rp_entry *k)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		struct rp_entry *e = &p->e[i];

		if (e->client == k->client && e->kind == k->kind &&
		    e->devid == k->devid && !strcasecmp(e->uuid, k->uuid))
			return e;
	}
	return NULL;
}

/*
 * Append @e (its json now the plan's) unless the plan is full or holds
 * the same device already: 0, -ENOSPC or -EEXIST.
 */
int rp_plan_insert(struct replumb_plan *p, struct rp_entry *e)
{
	struct rp_entry *ne;

	if (find_key(p, e))
		return -EEXIST;
	if (p->n >= REPLUMB_MAX)
		return -ENOSPC;
	/* One at a time: a plan is small, and rarely changes. */
	ne = realloc(p->e, (p->n + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	p->e = ne;
	e->serial = ++p->next_serial;
	p->e[p->n++] = *e;
	return 0;
}

/*
 * Record the device @t with its libxl config @json (as libxl printed
 * it): 0 recorded, 1 recorded already, or -errno.  A device recorded
 * already keeps its place in the plan; one being added when its new
 * backend failed again must go through removal once more.
 */
int rp_plan_add(struct replumb_plan *p, const struct rp_entry *t,
		const char *json)
{
	struct rp_entry e = *t, *old;
	size_t len = strlen(json);
	long n;
	int rc;

	old = find_key(p, t);
	if (old) {
		if (old->phase == RP_ADDING)
			old->again = true;
		return 1;
	}
	if (!rp_uuid_valid(t->uuid) || t->devid < 0)
		return -EINVAL;
	e.json = malloc(len + 1);
	if (!e.json)
		return -ENOMEM;
	/* An object, as libxl prints a device and rp_parse() reads one. */
	n = rp_json_compact(json, e.json, len + 1);
	if (n < 2 || n > REPLUMB_JSON_MAX || e.json[0] != '{' ||
	    e.json[n - 1] != '}') {
		free(e.json);
		return n > REPLUMB_JSON_MAX ? -E2BIG : -EINVAL;
	}
	e.phase = RP_STALE;
	e.again = false;
	rc = rp_plan_insert(p, &e);
	if (rc)
		free(e.json);
	return rc;
}

struct rp_entry *rp_plan_find(struct replumb_plan *p, unsigned long serial)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].serial == serial)
			return &p->e[i];
	return NULL;
}

/* Drop @e; the others move, so callers name entries by serial. */
void rp_plan_del(struct replumb_plan *p, struct rp_entry *e)
{
	unsigned int i = (unsigned int)(e - p->e);

	rp_entry_done(e);
	memmove(&p->e[i], &p->e[i + 1], (p->n - i - 1) * sizeof(*e));
	p->n--;
	if (!p->n) {
		free(p->e);
		p->e = NULL;
	}
}

unsigned int rp_plan_count(const struct replumb_plan *p,
			   enum rp_phase phase)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->e[i].phase == phase;
	return n;
}

/*
 * Letters as xl's disk names count them: a..z are 0..25, then aa is 26,
 * ab 27 and so on (bijective base 26).  At most @max.
 */
static int vdev_disk(const char **s, unsigned long max, unsigned long *out)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < 'a' || *p > 'z')
		return -1;
	for (; *p >= 'a' && *p <= 'z'; p++) {
		v = v * 26 + (unsigned long)(*p - 'a') + 1;
		if (v - 1 > max)
			return -1;
	}
	*out = v - 1;
	*s = p;
	return 0;
}

/* An optional partition number: decimal, no leading zero, at most @max. */
static int vdev_part(const char *p, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	*out = 0;
	if (!*p)
		return 0;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
	}
	if (*p)
		return -1;
	*out = v;
	return 0;
}

static int xvd_number(unsigned long disk, unsigned long part)
{
	if (disk <= 15 && part <= 15)
		return (int)(202 << 8 | disk << 4 | part);
	return (int)(1ul << 28 | disk << 8 | part);
}

/* Plain decimal digits into *out, at most @max; *s moves past them. */
static int digits(const char **s, unsigned long max, unsigned long *out)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	*s = p;
	return 0;
}

/*
 * The devid of a disk's vdev, the number its frontend and backend are
 * known by (Xen's docs/misc/vbd-interface): xvdX[N] and dXpN, hdX[N],
 * sdX[N], or the number itself.  -1 for a name Xen does not define.
 */
int rp_vdev_devid(const char *vdev)
{
	unsigned long disk, part, v;
	const char *p;
	char *end;

	if (!strncmp(vdev, "xvd", 3)) {
		p = vdev + 3;
		if (vdev_disk(&p, (1ul << 20) - 1, &disk) ||
		    vdev_part(p, 255, &part))
			return -1;
		return xvd_number(disk, part);
	}
	if (vdev[0] == 'd' && vdev[1] >= '0' && vdev[1] <= '9') {
		p = vdev + 1;
		if (digits(&p, (1ul << 20) - 1, &disk) || *p++ != 'p' ||
		    digits(&p, 255, &part) || *p)
			return -1;
		return xvd_number(disk, part);
	}
	if (!strncmp(vdev, "hd", 2)) {
		p = vdev + 2;
		if (vdev_disk(&p, 3, &disk) || vdev_part(p, 63, &part))
			return -1;
		return (int)((disk < 2 ? 3 : 22) << 8 | (disk & 1) << 6 |
			     part);
	}
	if (!strncmp(vdev, "sd", 2)) {
		p = vdev + 2;
		if (vdev_disk(&p, 15, &disk) || vdev_part(p, 15, &part))
			return -1;
		return (int)(8 << 8 | disk << 4 | part);
	}
	if (vdev[0] < '0' || vdev[0] > '9')
		return -1;
	/* As libxl reads a number: decimal, 0x hex or 0 octal. */
	errno = 0;
	v = strtoul(vdev, &end, 0);
	if (errno || *end || v > INT_MAX)
		return -1;
	return (int)v;
}

/*
 * Is a client device whose config says backend @be_name (may be NULL)
 * and @be_domid served by the driver domain @dd_name, domid @dd_domid?
 * xl stores backend= as a name, which libxl resolves when it plugs the
 * device, so backend_domid in the stored config means nothing then.  The
 * name can also be a domid in decimal, as libxl accepts it.
 */
bool rp_backend_match(const char *be_name, uint32_t be_domid,
		      const char *dd_name, uint32_t dd_domid)
{
	bool known = dd_domid != 0 && dd_domid <= XLDRVD_DOMID_MAX;
	const char *p;

	if (be_name && *be_name) {
		for (p = be_name; *p >= '0' && *p <= '9'; p++)
			;
		if (!*p && p - be_name <= 5)
			return known && strtoul(be_name, NULL, 10) == dd_domid;
		return !strcmp(be_name, dd_name);
	}
	return known && be_domid == dd_domid;
}

/* A domid in decimal as xenstore paths spell it: no leading zero. */
static int path_domid(const char **s, uint32_t *out)
{
	const char *p = *s;
	unsigned long v;

	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -1;
	if (digits(&p, XLDRVD_DOMID_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	*s = p;
	return 0;
}

static bool skip(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n))
		return false;
	*s += n;
	return true;
}

/*
 * The backend path libxl recorded for a client's device (@v, @len bytes,
 * from /libxl/CLIENT/device/KIND/DEVID/backend, which only dom0 writes):
 * "/local/domain/B/backend/BKIND/CLIENT/DEVID" with B the backend's
 * domid, into *be_domid, and BKIND into *bkind unless that is NULL.
 * Exactly that: the client and devid must be this device's, BKIND one
 * libxl uses for @kind.
 */
int rp_parse_backend_path(const char *v, size_t len, enum rp_kind kind,
			  uint32_t client, int devid, uint32_t *be_domid,
			  const char **bkind)
{
	/* What libxl makes for a disk's backend phy, tap and qdisk. */
	static const char *const vbd_kinds[] = { "vbd", "vbd3", "qdisk" };
	char buf[XLDRVD_PATH_MAX], dir[8];
	const char *p = buf, *bk = NULL;
	unsigned long dv;
	uint32_t be, c;
	unsigned int i;

	if (!v || len == 0 || len >= sizeof(buf) || memchr(v, '\0', len))
		return -EINVAL;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (!skip(&p, "/local/domain/") || path_domid(&p, &be) ||
	    !skip(&p, "/backend/"))
		return -EINVAL;
	if (kind == RP_VIF) {
		if (skip(&p, "vif/"))
			bk = "vif";
	} else {
		for (i = 0; i < ARRAY_SIZE(vbd_kinds) && !bk; i++) {
			snprintf(dir, sizeof(dir), "%s/", vbd_kinds[i]);
			if (skip(&p, dir))
				bk = vbd_kinds[i];
		}
	}
	if (!bk)
		return -EINVAL;
	if (path_domid(&p, &c) || c != client || *p++ != '/')
		return -EINVAL;
	if ((*p == '0' && p[1]) || digits(&p, INT_MAX, &dv) || *p ||
	    dv != (unsigned long)devid)
		return -EINVAL;
	*be_domid = be;
	if (bkind)
		*bkind = bk;
	return 0;
}

/* 8-4-4-4-12 hex digits, as libxl prints a uuid. */
bool rp_uuid_valid(const char *s)
{
	unsigned int i;

	for (i = 0; i < REPLUMB_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[i] == '\0';
}

/*
 * Is domain @domid, uuid @uuid now, still the client @e was recorded
 * for?  Domids are reused; a client destroyed and replaced meanwhile has
 * devices of its own, and must not get the old one's.
 */
bool rp_same_client(const struct rp_entry *e, uint32_t domid,
		    const char *uuid)
{
	return e->client == domid && rp_uuid_valid(uuid) &&
	       !strcasecmp(e->uuid, uuid);
}

/*
 * Copy the JSON text @in to @out without the whitespace between tokens
 * (libxl prints it indented): its length, or -1 when it does not fit in
 * @size or a string is not closed.
 */
long rp_json_compact(const char *in, char *out, size_t size)
{
	bool str = false, esc = false;
	size_t n = 0;

	for (; *in; in++) {
		char c = *in;

		if (!str && (c == ' ' || c == '\t' || c == '\n' ||
			     c == '\r'))
			continue;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
		if (esc)
			esc = false;
		else if (str && c == '\\')
			esc = true;
		else if (c == '"')
			str = !str;
	}
	if (str || !size)
		return -1;
	out[n] = '\0';
	return (long)n;
}

/* Printable ASCII but '%' stays; all else is %XX. */
static void put_encoded(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f && c != '%')
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static const char *phase_name(enum rp_phase ph)
{
	/*
	 * What is under way when the file is written is done again by the
	 * next xldrvd: a removal is one, and a device being added is taken
	 * out and added once more, since whether its add got through is
	 * not known (be_domid names its new backend by then).
	 */
	return ph == RP_REMOVED ? "removed" : "stale";
}

int rp_write(FILE *f, const char *dd, const struct rp_entry *e)
{
	fprintf(f, "replumb %s client=%u uuid=%s name=", dd, e->client,
		e->uuid);
	put_encoded(f, e->name);
	fprintf(f, " kind=%s devid=%d backend=%u mode=%s phase=%s json=",
		rp_kind_name(e->kind), e->devid, e->be_domid,
		e->mode == RP_REWRITE ? "rewrite" : "replug",
		phase_name(e->phase));
	put_encoded(f, e->json);
	return fputc('\n', f) == EOF ? -EIO : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo put_encoded() in place: length, or -1 if malformed or has NUL. */
static long decode(char *s)
{
	char *r = s, *w = s;

	for (; *r; r++) {
		unsigned char c = (unsigned char)*r;
		int hi, lo;

		if (c <= 0x20 || c >= 0x7f)
			return -1;
		if (c == '%') {
			hi = hexval(r[1]);
			lo = hi < 0 ? -1 : hexval(r[2]);
			if (lo < 0 || (hi | lo) == 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			r += 2;
		}
		*w++ = (char)c;
	}
	*w = '\0';
	return w - s;
}

static int parse_domid(const char *s, uint32_t *out)
{
	unsigned long v;

	if (digits(&s, XLDRVD_DOMID_MAX, &v) || *s || v == 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

enum {
	K_CLIENT, K_UUID, K_NAME, K_KIND, K_DEVID, K_BACKEND, K_MODE,
	K_PHASE, K_JSON, K_NR
};

static const char *const keys[K_NR] = {
	"client", "uuid", "name", "kind", "devid", "backend", "mode",
	"phase", "json",
};

/*
 * One "replumb" line's fields (after the driver domain's name), into @e
 * with e->json allocated: 0, or -1 with nothing allocated.
 */
int rp_parse(char *fields, struct rp_entry *e)
{
	char *tok, *val, *save = NULL, *json = NULL;
	unsigned int seen = 0, k;
	unsigned long v;
	const char *p;
	long n;

	memset(e, 0, sizeof(*e));
	for (tok = strtok_r(fields, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		val = strchr(tok, '=');
		if (!val)
			goto bad;
		*val++ = '\0';
		for (k = 0; k < K_NR; k++)
			if (!strcmp(tok, keys[k]))
				break;
		if (k == K_NR || seen & 1u << k)
			goto bad;
		seen |= 1u << k;
		switch (k) {
		case K_CLIENT:
			if (parse_domid(val, &e->client))
				goto bad;
			break;
		case K_UUID:
			if (!rp_uuid_valid(val))
				goto bad;
			memcpy(e->uuid, val, REPLUMB_UUID_LEN + 1);
			break;
		case K_NAME:
			n = decode(val);
			if (n < 1 || n >= XLDRVD_NAME_MAX)
				goto bad;
			memcpy(e->name, val, (size_t)n + 1);
			break;
		case K_KIND:
			if (!strcmp(val, "vbd"))
				e->kind = RP_VBD;
			else if (!strcmp(val, "vif"))
				e->kind = RP_VIF;
			else
				goto bad;
			break;
		case K_DEVID:
			p = val;
			if (digits(&p, INT_MAX, &v) || *p)
				goto bad;
			e->devid = (int)v;
			break;
		case K_BACKEND:
			if (parse_domid(val, &e->be_domid))
				goto bad;
			break;
		case K_MODE:
			if (!strcmp(val, "replug"))
				e->mode = RP_REPLUG;
			else if (!strcmp(val, "rewrite"))
				e->mode = RP_REWRITE;
			else
				goto bad;
			break;
		case K_PHASE:
			if (!strcmp(val, "stale"))
				e->phase = RP_STALE;
			else if (!strcmp(val, "removed"))
				e->phase = RP_REMOVED;
			else
				goto bad;
			break;
		case K_JSON:
			n = decode(val);
			if (n < 2 || n > REPLUMB_JSON_MAX || val[0] != '{' ||
			    val[n - 1] != '}')
				goto bad;
			json = strdup(val);
			if (!json)
				goto bad;
			break;
		}
	}
	if (seen != (1u << K_NR) - 1)
		goto bad;
	e->json = json;
	return 0;
bad:
	free(json);
	memset(e, 0, sizeof(*e));
	return -1;
}
