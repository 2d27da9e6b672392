/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver domain's health in xenstore (include/xldrv/xenstore.h):
 * the heartbeat every mapper module keeps, and the device errors they
 * report; dom0's xldrvd restarts the domain when the beat stops or a
 * device is reported dead.  Built into each mapper module on its own, so that either one
 * loaded alone keeps the domain's heartbeat going.
 */
#ifndef XLDRV_HEARTBEAT_H
#define XLDRV_HEARTBEAT_H

void xldrv_heartbeat_start(void);
void xldrv_heartbeat_stop(void);
void xldrv_report_device_error(const char *dev, const char *reason);

#endif /* XLDRV_HEARTBEAT_H */
