/* SPDX-License-Identifier: MIT */
/*
 * xldrv: shared definitions for driver domains, client domains and dom0.
 * MIT-licensed so that any guest can carry it.
 */
#ifndef XLDRV_VERSION_H
#define XLDRV_VERSION_H

#define XLDRV_VERSION "0.1"

#endif /* XLDRV_VERSION_H */
