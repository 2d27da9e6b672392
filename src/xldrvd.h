/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrvd: the dom0 daemon that restarts failed driver domains.  One header
 * for the daemon's modules; each .c file is one concern (see src/Makefile).
 * The pure parts (conf, policy, the xenstore value checks, the control
 * protocol) include nothing from Xen so that the unit tests and fuzzers
 * build them alone.
 */
#ifndef XLDRVD_H
#define XLDRVD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xldrv/ctl.h>
#include <xldrv/xenstore.h>

#define XLDRVD_CONF		"/etc/xldrv/xldrvd.conf"
#define XLDRVD_STATE		"/var/lib/xldrv/state"
#define XLDRVD_PIDFILE		"/run/xldrv/xldrvd.pid"

#define XLDRVD_MAX_DD		32
#define XLDRVD_NAME_MAX		64	/* xl allows longer; we need not */
#define XLDRVD_PATH_MAX		256
#define XLDRVD_LINE_MAX		1024
#define XLDRVD_INVALID_DOMID	0xffffffffu
#define XLDRVD_DOMID_MAX	0x7fefu	/* below Xen's reserved domids */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* conf.c: /etc/xldrv/xldrvd.conf, see xldrvd.conf(5). */
enum restart_mode { RESTART_ALWAYS, RESTART_NEVER };

struct dd_conf {
	char name[XLDRVD_NAME_MAX];
	char config[XLDRVD_PATH_MAX];	/* the domain's xl config file */
	enum restart_mode restart;
	unsigned int max_restarts;	/* in one window, then give up */
	uint64_t window_ms;
	uint64_t backoff_initial_ms;
	uint64_t backoff_max_ms;
	uint64_t heartbeat_timeout_ms;	/* 0: no hang detection */
	uint64_t boot_timeout_ms;	/* restart to first heartbeat */
	uint64_t libxl_timeout_ms;	/* one destroy or create, at most */
	unsigned int line;		/* of the [section], for messages */
};

struct conf {
	char socket[108];		/* sun_path's size */
	char state_file[XLDRVD_PATH_MAX];
	unsigned int control_uid;
	struct dd_conf dd[XLDRVD_MAX_DD];
	unsigned int nr_dd;
};

void conf_defaults(struct conf *c);
int conf_parse(const char *buf, size_t len, const char *fname,
	       struct conf *c, char *err, size_t errlen);
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);
void conf_print(FILE *f, const struct conf *c);
const struct dd_conf *conf_find(const struct conf *c, const char *name);

/* policy.c: the restart policy, one state machine per driver domain. */
enum dd_state {
	DD_RUNNING,
	DD_FAILED_DETECTED,
	DD_RESTARTING,
	DD_BACKOFF,
	DD_GIVEN_UP,
};

enum dd_reason {
	R_NONE,
	R_CRASH,		/* libxl: shutdown reason crash */
	R_SHUTDOWN,		/* powered off or rebooted itself */
	R_DESTROYED,		/* gone (xl destroy, @releaseDomain) */
	R_HANG,			/* heartbeat stopped */
	R_WATCHDOG,		/* Xen's watchdog fired */
	R_DEVICE_ERROR,		/* a mapper reported its device dead */
	R_ABSENT,		/* not running when xldrvd started */
	R_BOOT_TIMEOUT,		/* restarted, no heartbeat in time */
	R_CREATE_FAILED,	/* libxl could not create it */
	R_OPERATOR,		/* xldrv-ctl restart */
	R_NR
};

enum policy_action {
	ACT_NONE,
	ACT_RESTART,		/* destroy what is left, create again */
	ACT_BACKOFF,		/* wait until policy.deadline */
	ACT_GIVE_UP,
};

/* Bounds max-restarts: the history holds one window's restarts. */
#define POLICY_MAX_RESTARTS	100

struct policy {
	enum dd_state state;
	enum dd_reason reason;		/* of the last failure */
	uint64_t since;			/* entered state */
	uint64_t deadline;		/* BACKOFF end, RESTARTING limit */
	uint64_t failed_at;		/* first detection of this outage */
	uint64_t hb_last;		/* last heartbeat */
	bool hb_seen;			/* hang detection armed */
	uint64_t hist[POLICY_MAX_RESTARTS];	/* restart starts, oldest 1st */
	unsigned int nr_hist;
	unsigned long total_restarts;
	unsigned long total_failures;
	uint64_t last_restart_ms;	/* detection to serving, last time */
};

void policy_init(struct policy *p, uint64_t now);
bool policy_failed(struct policy *p, uint64_t now, enum dd_reason why);
enum policy_action policy_step(struct policy *p, const struct dd_conf *c,
			       uint64_t now);
bool policy_heartbeat(struct policy *p, const struct dd_conf *c,
		      uint64_t now);
uint64_t policy_up(struct policy *p, uint64_t now);
void policy_created(struct policy *p, const struct dd_conf *c, uint64_t now);
void policy_resume_failure(struct policy *p, uint64_t now);
enum policy_action policy_operator_restart(struct policy *p,
					   const struct dd_conf *c,
					   uint64_t now);
enum policy_action policy_start(struct policy *p, const struct dd_conf *c,
				uint64_t now);
uint64_t policy_backoff(const struct dd_conf *c, unsigned int n);
unsigned int policy_in_window(struct policy *p, const struct dd_conf *c,
			      uint64_t now);
uint64_t policy_next_deadline(const struct policy *p,
			      const struct dd_conf *c);
const char *policy_state_name(enum dd_state s);
const char *policy_reason_name(enum dd_reason r);
int policy_state_from_name(const char *s, enum dd_state *out);
int policy_reason_from_name(const char *s, enum dd_reason *out);

/* xs.c: checks of values read from a driver domain's xenstore tree. */
bool xsv_path_in_domain(const char *path, uint32_t domid);
int xsv_parse_counter(const char *v, size_t len, uint64_t *out);
int xsv_parse_error(const char *v, size_t len, char *dev, size_t devlen,
		    char *reason, size_t reasonlen);
int xsv_dom_path(char *buf, size_t size, uint32_t domid, const char *rel);

/* xs.c: libxenstore, every read bounded and confined to one domain. */
struct xs_handle;
struct xsc {
	struct xs_handle *h;
	unsigned long invalid;		/* values refused */
};

int xsc_open(struct xsc *x);
void xsc_close(struct xsc *x);
int xsc_fd(struct xsc *x);
char *xsc_read_dom(struct xsc *x, uint32_t domid, const char *rel,
		   size_t max, size_t *len, int *err);
char *xsc_read_libxl(struct xsc *x, uint32_t domid, const char *rel,
		     size_t max, size_t *len, int *err);
int xsc_dom0_has(struct xsc *x, const char *rel);
int xsc_dom0_rm(struct xsc *x, const char *rel);
int xsc_watch_dom(struct xsc *x, uint32_t domid, const char *rel,
		  const char *token);
void xsc_unwatch_dom(struct xsc *x, uint32_t domid, const char *rel,
		     const char *token);
int xsc_watch_release(struct xsc *x);
int xsc_next_watch(struct xsc *x, char *path, size_t pathlen,
		   char *token, size_t toklen);
void xsc_rm_dom(struct xsc *x, uint32_t domid, const char *rel);

/* log.c: syslog, stderr in the foreground, and the events ring. */
#define LOG_EVENTS		256

struct log_event {
	unsigned long seq;
	uint64_t wall_ms;
	char domain[XLDRVD_NAME_MAX];
	char text[192];
};

void log_init(const char *ident, bool foreground, bool debug);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_event(const char *domain, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct log_event *log_event_get(unsigned long seq);
unsigned long log_event_next_seq(void);
void log_set_event_hook(void (*hook)(const struct log_event *e));

/* proto.c: the control protocol's framing and body, both ends. */
struct ctl_buf {
	char *data;
	size_t len, size, max;
	bool overflow;
};

int ctl_hdr_check(const struct xldrv_ctl_hdr *h, size_t max_body);
void ctl_buf_init(struct ctl_buf *b, size_t max);
void ctl_buf_free(struct ctl_buf *b);
int ctl_buf_put(struct ctl_buf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctl_msg(struct ctl_buf *out, uint16_t type, const struct ctl_buf *body);

struct ctl_kv {
	char key[XLDRV_CTL_MAX_KEY + 1];
	const char *val;
	size_t vlen;
};

int ctl_next_kv(const char **pos, const char *end, struct ctl_kv *kv);
int ctl_body_check(const char *body, size_t len);
int ctl_find(const char *body, size_t len, const char *key, char *val,
	     size_t vsize);

/*
 * replumb_plan.c: the re-plumbing plan of one driver domain, pure.  The
 * client devices (in other domains) that its old incarnation served, to
 * be removed from their clients once it is gone and added again once the
 * new one serves; replumb.c carries it out with libxl.  Entries come from
 * dom0-only data (the clients' libxl-json userdata and /libxl paths),
 * never from what the driver domain wrote.
 */
#define REPLUMB_MAX		256	/* devices per driver domain */
#define REPLUMB_JSON_MAX	16384	/* one device's config, compacted */
#define REPLUMB_UUID_LEN	36

enum rp_kind { RP_VBD, RP_VIF };

enum rp_phase {
	RP_STALE,		/* the client's frontend names a dead backend */
	RP_REMOVING,		/* forced removal under way */
	RP_REMOVED,		/* gone from the client, to add once served */
	RP_ADDING,		/* add under way */
};

/*
 * How a device is served again, chosen per device when the plan is made
 * (replumb_snapshot).  Stock frontends do not reconnect, so the device
 * is unplugged from the client and plugged in again (replug).  A
 * restart-aware frontend keeps its device and needs only its backend
 * moved to the new incarnation (rewrite).
 */
enum rp_mode { RP_REPLUG, RP_REWRITE };

struct rp_entry {
	uint32_t client;		/* the client's domid */
	char uuid[REPLUMB_UUID_LEN + 1];	/* ... checked before acting */
	char name[XLDRVD_NAME_MAX];	/* the client's, for messages */
	enum rp_kind kind;
	int devid;
	uint32_t be_domid;		/* backend the frontend names now */
	enum rp_mode mode;
	enum rp_phase phase;
	bool again;			/* recorded again while being added */
	unsigned long serial;		/* names it to libxl callbacks */
	char *json;			/* libxl device config, compacted */
};

struct replumb_plan {
	struct rp_entry *e;
	unsigned int n;
	unsigned long next_serial;
	unsigned long replumbed, failed;	/* devices, all restarts */
	unsigned int last_replumbed;		/* ... the last restart */
	unsigned int last_failed;
};

void rp_plan_free(struct replumb_plan *p);
int rp_plan_add(struct replumb_plan *p, const struct rp_entry *t,
		const char *json);
int rp_plan_insert(struct replumb_plan *p, struct rp_entry *e);
struct rp_entry *rp_plan_find(struct replumb_plan *p, unsigned long serial);
void rp_plan_del(struct replumb_plan *p, struct rp_entry *e);
unsigned int rp_plan_count(const struct replumb_plan *p,
			   enum rp_phase phase);
void rp_entry_done(struct rp_entry *e);
const char *rp_kind_name(enum rp_kind k);
int rp_vdev_devid(const char *vdev);
bool rp_backend_match(const char *be_name, uint32_t be_domid,
		      const char *dd_name, uint32_t dd_domid);
bool rp_uuid_valid(const char *s);
bool rp_same_client(const struct rp_entry *e, uint32_t domid,
		    const char *uuid);
long rp_json_compact(const char *in, char *out, size_t size);
int rp_parse_backend_path(const char *v, size_t len, enum rp_kind kind,
			  uint32_t client, int devid, uint32_t *be_domid,
			  const char **bkind);
int rp_write(FILE *f, const char *dd, const struct rp_entry *e);
int rp_parse(char *fields, struct rp_entry *e);

/* The daemon's view of one driver domain (main.c, dom.c, state.c). */
struct dd {
	const struct dd_conf *conf;
	struct policy pol;
	uint32_t domid;			/* running incarnation, or invalid */
	uint32_t last_domid;		/* the domid to ask libxl for again */
	uint32_t retired_domid;		/* last seen gone, at retired_ms */
	uint64_t retired_ms;
	void *death;			/* libxl_evgen_domain_death */
	bool watching;			/* heartbeat and error watches set */
	bool busy;			/* a destroy or create in flight */
	bool create_any_domid;		/* the old domid was refused */
	bool hb_baseline;		/* hb_value holds a first reading */
	uint64_t hb_value;
	uint64_t wall_failed;		/* for display: last failure */
	uint64_t wall_restarted;	/* for display: last serving again */
	char last_error[XLDRV_XS_DEVICE_MAX + XLDRV_XS_ERROR_MAX + 8];
	unsigned long invalid;		/* values refused from its tree */
	uint64_t invalid_logged;	/* rate limit of that complaint */
	int op;				/* OP_*: a libxl operation's end */
	int op_rc;			/* recorded by its callback, */
	uint32_t op_domid;		/* handled by the main loop */
	bool saved;			/* state_load() found it */
	enum dd_state saved_state;
	bool last_domid_this_boot;	/* not a former boot's domid */
	struct replumb_plan plan;	/* its clients to serve again */
	bool removing;			/* stale frontends go first */
	uint64_t removing_since;
};

enum { OP_NONE, OP_DESTROYED, OP_CREATED };

/* state.c: /var/lib/xldrv/state, so that a new xldrvd picks up. */
int state_save(const char *path, const struct dd *dds, unsigned int n);
int state_load(const char *path, struct dd *dds, unsigned int n);

/* Milliseconds: CLOCK_MONOTONIC for the policy, CLOCK_REALTIME shown. */
uint64_t now_mono_ms(void);
uint64_t now_wall_ms(void);

#endif /* XLDRVD_H */
