# SPDX-License-Identifier: GPL-2.0
# frontend-blk-panic: frontend-blk-survives across the other ways a driver
# domain fails: a kernel panic in dd (Xen reports a crash; nothing in dd
# answers or unplugs anything), then a hang (`xl pause`: xldrvd finds the
# heartbeat stopped after 6 s).  xldrvd destroys and recreates dd each
# time and moves the client's backends; xldrv_blkfront holds what was in
# flight and replays it.  The same checks as frontend-blk-survives; then
# `xl block-detach` of xvdb and `xl destroy` of the client end cleanly (no
# libxl error, no backend left in the new dd): libxl's records follow the
# moved backends.
#
#   dom0: xldrvd --libxl--> dd (ahci; blkmap)   <- panic, then xl pause
#                            ^ vbd sda1, vbd sda2 (backend moved each time)
#                          client (xldrv_blkfront: xvda fio, xvdb ext4)
# lab-timeout: 720

fe_blk_start
fe_blk_fail panic
fe_blk_fail hang
fe_blk_finish

# xvdb (unmounted by fe_blk_finish) detached, then the client destroyed,
# after xldrvd moved their backends twice: libxl's records name the new
# dd's backends, and xldrv_blkfront closes for a detach (online=0) and
# gives the disk up instead of holding it for a backend to come back.
dev_detach client vbd 51728 xvdb /dev/xvdb
dom_destroy_client client
