/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver domain's heartbeat in xenstore (include/xldrv/xenstore.h),
 * kept by every mapper module: dom0's xldrvd restarts the domain when it
 * stops.  Built into each mapper module on its own, so that either one
 * loaded alone keeps the domain's heartbeat going.
 */
#ifndef XLDRV_HEARTBEAT_H
#define XLDRV_HEARTBEAT_H

void xldrv_heartbeat_start(void);
void xldrv_heartbeat_stop(void);

#endif /* XLDRV_HEARTBEAT_H */
