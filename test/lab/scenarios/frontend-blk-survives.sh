# SPDX-License-Identifier: GPL-2.0
# frontend-blk-survives: a client with xldrv_blkfront keeps its disks while
# the block driver domain is destroyed 5 times, at random moments, under
# load.  xldrvd recreates dd each time and, since the frontend says it
# reconnects by itself (feature-xldrv-reconnect), moves the backend in
# xenstore instead of unplugging the disk.  Meanwhile, in the client:
#   - fio with direct I/O and crc32c verification loops on xvda (sda1);
#   - a loop writes files on ext4 on xvdb (sda2), fsyncs each, and keeps
#     its checksum.
# `xl destroy` first takes the AHCI controller away from the running dd:
# blkmap then leaves what fails unanswered and closes the device, and
# xldrv_blkfront holds those requests for the next dd.
# Passes when no program saw an I/O error, fio found no verify error, every
# file's checksum matches after a remount, fsck is clean, the client's
# kernel logged no I/O error, xvda and xvdb are the same disks at the end
# as at the start, and requests in flight were replayed at least once
# (fe_blk_* in lib.sh).
#
#   dom0: xldrvd --libxl--> dd (ahci; blkmap)   <- xl destroy, 5 times
#                            ^ vbd sda1, vbd sda2 (backend moved each time)
#                          client (xldrv_blkfront: xvda fio, xvdb ext4)
# lab-timeout: 1200

fe_blk_start
for r in 1 2 3 4 5; do
	fe_blk_fail destroy
done
fe_blk_finish
