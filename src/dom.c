// SPDX-License-Identifier: GPL-2.0
/*
 * Domains through libxl: finding a driver domain by name, its death and
 * shutdown events, destroying it and creating it again from its xl
 * config file.  Destroy and create run in child processes (job.c) so
 * that the poll loop, and with it every other driver domain and the
 * control socket, keeps running while a domain boots.
 *
 * The xl config is parsed with libxlutil, but xl's own parser (tools/xl/
 * xl_parse.c, thousands of lines) is not a library.  dom_parse_xlcfg()
 * implements the keys a driver domain needs, the way xl does, and refuses
 * a file with any other key: recreating a domain that differs silently
 * from what `xl create` would make is worse than a clear error, which
 * `xldrvd --check-config` shows before it matters.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <xenstore.h>

#include "xldrvd.h"
#include "dom.h"

static libxl_ctx *ctx;
static xentoollog_logger logger;

/* libxl's messages into our log, at its warnings and up. */
static void xtl_vmessage(xentoollog_logger *lg, xentoollog_level level,
			 int errnoval, const char *context,
			 const char *format, va_list al)
{
	char msg[512];
	int prio;

	(void)lg;
	if (level < XTL_WARN)
		return;
	prio = level >= XTL_ERROR ? LOG_ERR : LOG_WARNING;
	vsnprintf(msg, sizeof(msg), format, al);
	if (errnoval >= 0)
		log_msg(prio, "%s: %s: %s", context ? context : "libxl", msg,
			strerror(errnoval));
	else
		log_msg(prio, "%s: %s", context ? context : "libxl", msg);
}

static void xtl_destroy(xentoollog_logger *lg)
{
	(void)lg;
}

static const libxl_childproc_hooks childproc_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

int dom_init(void)
{
	logger.vmessage = xtl_vmessage;
	logger.destroy = xtl_destroy;
	if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, &logger))
		return -1;
	/* We reap our own children (dom_job_afterpoll), libxl its own. */
	libxl_childproc_setmode(ctx, &childproc_hooks, NULL);
	return 0;
}

void dom_exit(void)
{
	libxl_ctx_free(ctx);
	ctx = NULL;
}

/* For replumb.c, which shares the one context and its event loop. */
libxl_ctx *dom_ctx(void)
{
	return ctx;
}

int dom_find(const char *name, uint32_t *domid)
{
	return libxl_name_to_domid(ctx, name, domid) ? -ENOENT : 0;
}

/*
 * DOM_RUNNING, DOM_SHUTDOWN (with *reason, a dd_reason), DOM_GONE, or
 * <0 when libxl cannot tell.
 */
int dom_state(uint32_t domid, int *reason)
{
	libxl_dominfo info;
	int rc;

	libxl_dominfo_init(&info);
	rc = libxl_domain_info(ctx, &info, domid);
	if (rc == ERROR_DOMAIN_NOTFOUND) {
		libxl_dominfo_dispose(&info);
		return DOM_GONE;
	}
	if (rc) {
		libxl_dominfo_dispose(&info);
		return -EIO;
	}
	rc = DOM_RUNNING;
	if (info.dying) {
		rc = DOM_GONE;
	} else if (info.shutdown) {
		rc = DOM_SHUTDOWN;
		*reason = dom_shutdown_reason(info.shutdown_reason);
	}
	libxl_dominfo_dispose(&info);
	return rc;
}

int dom_shutdown_reason(int libxl_reason)
{
	switch (libxl_reason) {
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return R_CRASH;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return R_WATCHDOG;
	default:
		return R_SHUTDOWN;
	}
}

int dom_watch_death(uint32_t domid, uint64_t user, void **evgen)
{
	libxl_evgen_domain_death *e = NULL;

	if (libxl_evenable_domain_death(ctx, domid, user, &e))
		return -EIO;
	*evgen = e;
	return 0;
}

void dom_unwatch_death(void *evgen)
{
	if (evgen)
		libxl_evdisable_domain_death(ctx, evgen);
}

/* One pending libxl event: 1 (ev filled), 0 none. */
int dom_next_event(struct dom_event *ev)
{
	libxl_event *e;

	if (libxl_event_check(ctx, &e, LIBXL_EVENTMASK_ALL, NULL, NULL))
		return 0;
	ev->user = e->for_user;
	ev->domid = e->domid;
	switch (e->type) {
	case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN:
		ev->type = DOM_EV_SHUTDOWN;
		ev->reason = dom_shutdown_reason(
			e->u.domain_shutdown.shutdown_reason);
		break;
	case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
		ev->type = DOM_EV_DEATH;
		ev->reason = R_DESTROYED;
		break;
	default:
		ev->type = DOM_EV_OTHER;
		break;
	}
	libxl_event_free(ctx, e);
	return 1;
}

int dom_beforepoll(struct pollfd *fds, int *nfds, int *timeout,
		   struct timeval now)
{
	return libxl_osevent_beforepoll(ctx, nfds, fds, timeout, now) ?
		-ENOSPC : 0;
}

void dom_afterpoll(struct pollfd *fds, int nfds, struct timeval now)
{
	libxl_osevent_afterpoll(ctx, nfds, fds, now);
}

/* In a child (job.c), killed if it takes longer than @timeout_ms. */
int dom_destroy(uint32_t domid, uint64_t timeout_ms, dom_done_fn *done,
		void *arg)
{
	char id[16];
	char *const argv[] = { "xldrvd", "--exec-destroy", id, NULL };

	snprintf(id, sizeof(id), "%" PRIu32, domid);
	return dom_job_spawn(argv, timeout_ms, done, arg, domid);
}

/*
 * xldrvd knows a driver domain by the name of its section: it finds the
 * running one by it, destroys it by it on a restart, and names it to libxl
 * as its clients' backend.  The xl config must create a domain of that
 * name; else a restart would destroy whatever domain has the section's
 * name (a client, say) and create a domain xldrvd then never finds.
 */
static int check_name(const char *file, const libxl_domain_config *dc,
		      const char *name, char *err, size_t errlen)
{
	if (!strcmp(dc->c_info.name, name))
		return 0;
	snprintf(err, errlen, "%s: name=\"%s\", but the section is [%s]: "
		 "xldrvd finds and restarts a driver domain by its section's "
		 "name", file, dc->c_info.name, name);
	return -EINVAL;
}

/*
 * Create the domain of @cfgfile, named @name, with domid @want if it is
 * valid: libxl then asks Xen for exactly that domid, and fails if Xen will
 * not give it (still in use, or retired too recently); the caller retries
 * with any.  The domain is unpaused once built, as `xl create` does.  The
 * config is parsed here first, so that a bad one is refused with its
 * message.  In a child (job.c), killed if it takes longer than
 * @timeout_ms.
 */
int dom_create(const char *cfgfile, const char *name, uint32_t want,
	       uint64_t timeout_ms, dom_done_fn *done, void *arg, char *err,
	       size_t errlen)
{
	libxl_domain_config dc;
	char id[16];
	char *const argv[] = { "xldrvd", "--exec-create", (char *)cfgfile,
			       id, NULL };
	int rc;

	libxl_domain_config_init(&dc);
	rc = dom_parse_xlcfg(cfgfile, &dc, err, errlen);
	if (!rc)
		rc = check_name(cfgfile, &dc, name, err, errlen);
	libxl_domain_config_dispose(&dc);
	if (rc)
		return -EINVAL;
	snprintf(id, sizeof(id), "%" PRIu32, want);
	rc = dom_job_spawn(argv, timeout_ms, done, arg,
			   XLDRVD_INVALID_DOMID);
	if (rc)
		snprintf(err, errlen, "cannot start the libxl child: %s",
			 strerror(-rc));
	return rc;
}

/*
 * Before libxl destroys a PV domain it unplugs each passed-through PCI
 * device, and libxl 4.17 waits up to 10 s per device for the guest's
 * pcifront to answer that unplug.  A driver domain xldrvd destroys is
 * dead, hung, or about to be thrown away, and in the lab that wait was
 * 12-22 s of every restart.  So: pause it, so that it does nothing more
 * from the moment the decision is made (no unplug under its drivers, no
 * late I/O), and delete its PCI backend's "state" node, which libxl reads
 * as "no backend to wait for".  libxl still revokes the device's I/O
 * permissions, resets it and deassigns it, and removes the backend; Xen
 * takes the devices back from a dying domain in any case.  Qubes carries
 * a libxl patch that skips the same wait ("do not wait for backend on PCI
 * remove when backend already closed").
 */
static void destroy_prepare(uint32_t domid)
{
	struct xs_handle *xs;
	char path[64];

	if (libxl_domain_pause(ctx, domid, NULL))
		log_msg(LOG_WARNING, "domid %" PRIu32
			": cannot pause it before destroying it", domid);
	xs = xs_open(0);
	if (!xs) {
		log_msg(LOG_WARNING, "xenstore: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%" PRIu32
		 "/0/state", domid);
	if (!xs_rm(xs, XBT_NULL, path) && errno != ENOENT)
		log_msg(LOG_WARNING, "xenstore: cannot remove %s: %s", path,
			strerror(errno));
	xs_close(xs);
}

/* The children's side: one synchronous libxl operation, then exit. */
int dom_exec_main(int argc, char **argv)
{
	libxl_domain_config dc;
	char err[512];
	unsigned long v;
	uint32_t domid;
	char *end;
	int rc = 1;

	log_init("xldrvd-libxl", true, false);
	if (argc < 3 || dom_init())
		return 1;
	errno = 0;
	v = strtoul(argv[argc - 1], &end, 10);
	if (errno || *end || v > UINT32_MAX)
		goto out;
	domid = (uint32_t)v;
	if (!strcmp(argv[1], "--exec-destroy") && argc == 3) {
		destroy_prepare(domid);
		if (libxl_domain_destroy(ctx, domid, NULL) &&
		    libxl_domain_info(ctx, NULL, domid) !=
		    ERROR_DOMAIN_NOTFOUND)
			goto out;
		printf("ok %" PRIu32 "\n", domid);
		rc = 0;
	} else if (!strcmp(argv[1], "--exec-create") && argc == 4) {
		libxl_domain_config_init(&dc);
		if (dom_parse_xlcfg(argv[2], &dc, err, sizeof(err))) {
			log_msg(LOG_ERR, "%s", err);
			libxl_domain_config_dispose(&dc);
			goto out;
		}
		dc.c_info.domid = domid;
		domid = XLDRVD_INVALID_DOMID;
		/* A failed create is cleaned up by libxl itself. */
		if (!libxl_domain_create_new(ctx, &dc, &domid, NULL, NULL)) {
			if (!libxl_domain_unpause(ctx, domid, NULL)) {
				printf("ok %" PRIu32 "\n", domid);
				rc = 0;
			} else {
				/* Built but never ran: leave nothing behind. */
				libxl_domain_destroy(ctx, domid, NULL);
			}
		}
		libxl_domain_config_dispose(&dc);
	}
out:
	fflush(stdout);
	dom_exit();
	return rc;
}

/* The keys dom_parse_xlcfg() implements; any other one is refused. */
static const char *const xl_keys[] = {
	"name", "type", "builder", "kernel", "ramdisk", "cmdline", "extra",
	"root", "memory", "maxmem", "vcpus", "maxvcpus", "driver_domain",
	"pci", "pci_permissive", "pci_msitranslate", "pci_seize",
	"pci_power_mgmt", "disk", "on_poweroff", "on_reboot", "on_crash",
	"on_watchdog", "uuid",
};

/* Every "key =" at the start of a line of @text, checked against xl_keys. */
static int check_keys(const char *text, const char *file, char *err,
		      size_t errlen)
{
	const char *p = text;
	unsigned int line = 1;

	for (; *p; line++) {
		const char *s = p, *k;
		size_t n, i;

		while (*s == ' ' || *s == '\t')
			s++;
		k = s;
		while (isalnum((unsigned char)*s) || *s == '_')
			s++;
		n = s - k;
		while (*s == ' ' || *s == '\t')
			s++;
		if (n && (isalpha((unsigned char)*k) || *k == '_') &&
		    *s == '=') {
			for (i = 0; i < ARRAY_SIZE(xl_keys); i++)
				if (strlen(xl_keys[i]) == n &&
				    !strncmp(xl_keys[i], k, n))
					break;
			if (i == ARRAY_SIZE(xl_keys)) {
				snprintf(err, errlen, "%s:%u: xl key \"%.*s\""
					 " is not supported by xldrvd (see "
					 "xldrvd.conf(5))", file, line,
					 (int)n, k);
				return -1;
			}
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

static int cfg_string(XLU_Config *cfg, const char *key, char **out)
{
	const char *v;

	if (xlu_cfg_get_string(cfg, key, &v, 0))
		return 0;
	*out = strdup(v);
	return *out ? 0 : -1;
}

/* Fill @dc (initialised by the caller) from the xl config @file. */
int dom_parse_xlcfg(const char *file, libxl_domain_config *dc, char *err,
		    size_t errlen)
{
	libxl_domain_create_info *c_info = &dc->c_info;
	libxl_domain_build_info *b_info = &dc->b_info;
	libxl_domain_type type = LIBXL_DOMAIN_TYPE_PV;
	long memory = 0, maxmem = 0, vcpus = 1, maxvcpus = 0, l;
	long pci_permissive = 0, pci_msi = 0, pci_seize = 0, pci_pm = 0;
	char *text = NULL, *root = NULL, *extra = NULL;
	XLU_ConfigList *list;
	XLU_Config *cfg;
	const char *s;
	size_t len = 0;
	int i, n, rc = -1;
	FILE *f;

	f = fopen(file, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	text = calloc(1, 1024 * 1024 + 1);
	if (text)
		len = fread(text, 1, 1024 * 1024, f);
	fclose(f);
	if (!text || len == 1024 * 1024) {
		snprintf(err, errlen, "%s: too large or out of memory", file);
		goto out_text;
	}
	if (check_keys(text, file, err, errlen))
		goto out_text;

	/* libxlutil reports syntax errors with file:line on stderr. */
	cfg = xlu_cfg_init(stderr, file);
	if (!cfg || xlu_cfg_readdata(cfg, text, (int)len)) {
		snprintf(err, errlen, "%s: xl config syntax error", file);
		goto out_cfg;
	}

	libxl_domain_create_info_init(c_info);
	if (!xlu_cfg_get_string(cfg, "type", &s, 0) ||
	    !xlu_cfg_get_string(cfg, "builder", &s, 0)) {
		if (!strcmp(s, "generic") || !strcmp(s, "linux"))
			s = "pv";
		if (libxl_domain_type_from_string(s, &type) ||
		    type == LIBXL_DOMAIN_TYPE_HVM) {
			snprintf(err, errlen, "%s: type \"%s\": xldrvd "
				 "recreates pv and pvh domains only", file,
				 s);
			goto out_cfg;
		}
	}
	c_info->type = type;
	if (xlu_cfg_get_string(cfg, "name", &s, 0) || !*s) {
		snprintf(err, errlen, "%s: no name", file);
		goto out_cfg;
	}
	c_info->name = strdup(s);
	if (!xlu_cfg_get_string(cfg, "uuid", &s, 0)) {
		if (libxl_uuid_from_string(&c_info->uuid, s)) {
			snprintf(err, errlen, "%s: bad uuid", file);
			goto out_cfg;
		}
	} else {
		libxl_uuid_generate(&c_info->uuid);
	}
	if (!xlu_cfg_get_long(cfg, "driver_domain", &l, 0))
		libxl_defbool_set(&c_info->driver_domain, l != 0);

	libxl_domain_build_info_init_type(b_info, type);
	if (cfg_string(cfg, "kernel", &b_info->kernel) ||
	    cfg_string(cfg, "ramdisk", &b_info->ramdisk) ||
	    cfg_string(cfg, "cmdline", &b_info->cmdline) ||
	    cfg_string(cfg, "root", &root) ||
	    cfg_string(cfg, "extra", &extra))
		goto out_nomem;
	if (!b_info->kernel && type == LIBXL_DOMAIN_TYPE_PV) {
		/* pygrub and other bootloaders: not supported here. */
		snprintf(err, errlen, "%s: no kernel", file);
		goto out_cfg;
	}
	/* xl's rule: cmdline wins; else "root=ROOT EXTRA". */
	if (!b_info->cmdline && (root || extra)) {
		if (asprintf(&b_info->cmdline, "%s%s%s%s",
			     root ? "root=" : "", root ? root : "",
			     root && extra ? " " : "",
			     extra ? extra : "") < 0) {
			b_info->cmdline = NULL;
			goto out_nomem;
		}
	}

	if (xlu_cfg_get_long(cfg, "memory", &memory, 0) || memory <= 0) {
		snprintf(err, errlen, "%s: memory= (MiB) is required", file);
		goto out_cfg;
	}
	if (xlu_cfg_get_long(cfg, "maxmem", &maxmem, 0))
		maxmem = memory;
	if (maxmem < memory) {
		snprintf(err, errlen, "%s: maxmem below memory", file);
		goto out_cfg;
	}
	b_info->target_memkb = (uint64_t)memory * 1024;
	b_info->max_memkb = (uint64_t)maxmem * 1024;

	xlu_cfg_get_long(cfg, "vcpus", &vcpus, 0);
	if (xlu_cfg_get_long(cfg, "maxvcpus", &maxvcpus, 0))
		maxvcpus = vcpus;
	if (vcpus < 1 || vcpus > 512 || maxvcpus < vcpus || maxvcpus > 512) {
		snprintf(err, errlen, "%s: bad vcpus/maxvcpus", file);
		goto out_cfg;
	}
	b_info->max_vcpus = (int)maxvcpus;
	/* By hand, not libxl_cpu_bitmap_alloc(): --check-config has no ctx. */
	b_info->avail_vcpus.size = (uint32_t)(maxvcpus + 7) / 8;
	b_info->avail_vcpus.map = calloc(b_info->avail_vcpus.size, 1);
	if (!b_info->avail_vcpus.map)
		goto out_nomem;
	for (l = 0; l < vcpus; l++)
		libxl_bitmap_set(&b_info->avail_vcpus, (int)l);

	xlu_cfg_get_long(cfg, "pci_permissive", &pci_permissive, 0);
	xlu_cfg_get_long(cfg, "pci_msitranslate", &pci_msi, 0);
	xlu_cfg_get_long(cfg, "pci_seize", &pci_seize, 0);
	xlu_cfg_get_long(cfg, "pci_power_mgmt", &pci_pm, 0);
	if (!xlu_cfg_get_list(cfg, "pci", &list, &n, 0) && n > 0) {
		dc->pcidevs = calloc(n, sizeof(*dc->pcidevs));
		if (!dc->pcidevs)
			goto out_nomem;
		for (i = 0; i < n; i++) {
			libxl_device_pci *pci = &dc->pcidevs[i];

			libxl_device_pci_init(pci);
			dc->num_pcidevs = i + 1;
			pci->permissive = pci_permissive;
			pci->msitranslate = pci_msi;
			pci->seize = pci_seize;
			pci->power_mgmt = pci_pm;
			s = xlu_cfg_get_listitem(list, i);
			if (!s || xlu_pci_parse_spec_string(cfg, pci, s)) {
				snprintf(err, errlen, "%s: bad pci spec %d",
					 file, i);
				goto out_cfg;
			}
		}
		/* As xl: a PV guest sees the host's memory map with PCI. */
		if (type == LIBXL_DOMAIN_TYPE_PV)
			libxl_defbool_set(&b_info->u.pv.e820_host, true);
	}

	if (!xlu_cfg_get_list(cfg, "disk", &list, &n, 0) && n > 0) {
		dc->disks = calloc(n, sizeof(*dc->disks));
		if (!dc->disks)
			goto out_nomem;
		for (i = 0; i < n; i++) {
			libxl_device_disk *disk = &dc->disks[i];

			libxl_device_disk_init(disk);
			dc->num_disks = i + 1;
			s = xlu_cfg_get_listitem(list, i);
			if (!s || xlu_disk_parse(cfg, 1, &s, disk)) {
				snprintf(err, errlen, "%s: bad disk spec %d",
					 file, i);
				goto out_cfg;
			}
		}
	}
	/*
	 * on_crash and friends are accepted and ignored: xl's monitoring
	 * process implements them, and for a supervised driver domain
	 * xldrvd's policy takes their place.
	 */
	rc = 0;
	goto out_cfg;

out_nomem:
	snprintf(err, errlen, "%s: out of memory", file);
out_cfg:
	if (cfg)
		xlu_cfg_destroy(cfg);
out_text:
	free(root);
	free(extra);
	free(text);
	return rc;
}

/*
 * Parse @file as a restart of the domain @name would; print what it found
 * to @out unless that is NULL (--check-config).
 */
int dom_check_xlcfg(const char *file, const char *name, FILE *out,
		    char *err, size_t errlen)
{
	libxl_domain_config dc;
	int rc, i;

	libxl_domain_config_init(&dc);
	rc = dom_parse_xlcfg(file, &dc, err, errlen);
	if (!rc)
		rc = check_name(file, &dc, name, err, errlen);
	if (!rc && out) {
		fprintf(out, "#   xl config %s: name=%s type=%s memory=%llu "
			"vcpus=%d driver_domain=%s pci=", file,
			dc.c_info.name,
			libxl_domain_type_to_string(dc.c_info.type),
			(unsigned long long)dc.b_info.target_memkb / 1024,
			dc.b_info.max_vcpus,
			libxl_defbool_is_default(dc.c_info.driver_domain) ?
			"default" : libxl_defbool_val(dc.c_info.driver_domain)
			? "1" : "0");
		for (i = 0; i < dc.num_pcidevs; i++)
			fprintf(out, "%s%04x:%02x:%02x.%u", i ? "," : "",
				dc.pcidevs[i].domain, dc.pcidevs[i].bus,
				dc.pcidevs[i].dev, dc.pcidevs[i].func);
		fprintf(out, " disks=%d\n", dc.num_disks);
	}
	libxl_domain_config_dispose(&dc);
	return rc;
}
