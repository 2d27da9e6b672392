/* SPDX-License-Identifier: MIT */
/*
 * xldrv: the xenstore nodes a driver domain's mapper modules write and
 * dom0's xldrvd reads.  Every node is relative to the driver domain's own
 * home, /local/domain/<domid>, which the driver domain can write: xldrvd
 * treats every value there as hostile (bounded, strictly parsed), and
 * never follows a path found in one out of that tree.
 */
#ifndef XLDRV_XENSTORE_H
#define XLDRV_XENSTORE_H

/* The directory of xldrv's nodes, relative to the domain's home. */
#define XLDRV_XS_DIR		"data/xldrv"

/*
 * Heartbeat: a decimal counter (no sign, no spaces, no newline, at most
 * 20 digits) the mapper modules bump every XLDRV_HEARTBEAT_PERIOD_S
 * seconds while the domain is healthy.  xldrvd takes a change of value
 * as a beat; the value itself means nothing, so a counter that wraps or
 * restarts at 0 after a module reload is fine.  No beat for the
 * configured heartbeat-timeout means the domain hangs.
 */
#define XLDRV_XS_HEARTBEAT	XLDRV_XS_DIR "/heartbeat"
#define XLDRV_HEARTBEAT_PERIOD_S	2

/*
 * Device error: a mapper that finds its device dead (controller reset
 * failed, transmit timeouts that do not clear) writes "DEVICE REASON":
 * DEVICE is [A-Za-z0-9:._-]{1,32} (e.g. a PCI address or "eth0"), one
 * space, REASON printable ASCII, at most XLDRV_XS_ERROR_MAX bytes in all.
 * xldrvd restarts the domain.
 *
 * The standard xenbus error/ nodes (xenbus_dev_error()) are not used for
 * this on purpose: a hostile client can make a backend write those, and
 * it must not be able to make dom0 reboot a driver domain shared with
 * others.
 */
#define XLDRV_XS_ERROR		XLDRV_XS_DIR "/error"
#define XLDRV_XS_ERROR_MAX	160
#define XLDRV_XS_DEVICE_MAX	32

/*
 * Restart-aware frontend: a node a client's frontend writes in its own
 * device directory (/local/domain/<client>/device/<kind>/<devid>), value
 * "1", to say that it reconnects by itself when its backend moves to
 * another domain.  For such a device xldrvd does not unplug and plug the
 * device after a driver-domain restart (which a stock frontend needs, and
 * which loses the disk or interface in the client); it rewrites the
 * frontend's "backend" and "backend-id" to name the new incarnation.  A
 * client that claims it falsely harms only its own device.
 */
#define XLDRV_XS_FE_RECONNECT	"feature-xldrv-reconnect"

/* Longest value xldrvd reads from a driver domain's tree at all. */
#define XLDRV_XS_VALUE_MAX	256

#endif /* XLDRV_XENSTORE_H */
