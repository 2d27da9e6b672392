# SPDX-License-Identifier: GPL-2.0
# blkmap-multi-client: one xldrv_blkmap serves two clients at once, each
# on its own partition (client: sda1, client2: sda2), and client2 also gets
# sda3 read-only.  Both run fio with crc32c verification at the same time
# and each one's data is found on its own partition only.  The read-only
# disk: blkmap opens sda3 read-only and says so (info=VDISK_READONLY),
# client2's writes fail and sda3 keeps the pattern written before boot.
# (That blkmap itself refuses writes a frontend sends anyway is shown by
# the unit tests and, with a hostile frontend, by blkmap-hostile.)
# client2's blkfront brings a 4-page ring (max_ring_page_order=2), client's
# the default single page: blkmap serves both sizes side by side.
# `xl block-detach` and `xl destroy` of client2 end cleanly without
# `xl devd`: no libxl error, blkmap's directories and devices gone.
# lab-timeout: 720

dom_create consolidated/dd.cfg
dd_devices dd disk
dom_exec dd "insmod /lab/modules/xldrv_blkmap.ko"
fio_img=$(fio_ramdisk)
dom_start consolidated/client.cfg "ramdisk=\"$fio_img\"" memory=512 'vif=[]'
dom_start consolidated/client2.cfg "ramdisk=\"$fio_img\"" memory=512 'vif=[]'
dom_wait client
dom_wait client2
dom_exec client "modprobe xen-blkfront"
dom_exec client2 "modprobe xen-blkfront max_ring_page_order=2"
for c in client client2; do
	wait_dev $c /dev/xvda
done
wait_dev client2 /dev/xvdb
rings=$(dom_exec dd "cd /sys/bus/xen-backend/devices &&
	cat vbd-$(domid client)-51712/xldrv/ring vbd-$(domid client2)-51712/xldrv/ring")
log "blkmap rings (pages slots pool-pages): client: $(echo "$rings" | head -n1), client2: $(echo "$rings" | tail -n1)"
[ "$(echo "$rings" | cut -d' ' -f1 | tr '\n' ' ')" = "1 4 " ] ||
	fail "blkmap rings are not 1 and 4 pages: $rings"

# Distinct data on each partition, each found where it belongs.
check_client_disk client /dev/xvda dd /dev/sda1
check_client_disk client2 /dev/xvda dd /dev/sda2
a=$(dom_exec dd "dd if=/dev/sda1 bs=1M count=8 iflag=direct status=none | sha256sum")
b=$(dom_exec dd "dd if=/dev/sda2 bs=1M count=8 iflag=direct status=none | sha256sum")
[ "$a" != "$b" ] || fail "sda1 and sda2 hold the same data"

# Both clients at once.
fio_cmd="fio --name=verify --filename=/dev/xvda --rw=randwrite --bs=4k \
	--iodepth=16 --size=12M --direct=1 --ioengine=libaio --verify=crc32c \
	--do_verify=1 --output-format=terse --terse-version=3"
for c in client client2; do
	dom_exec $c "($fio_cmd >/tmp/fio.out 2>&1; echo \$? >/tmp/fio.rc) &"
done
for c in client client2; do
	dom_exec -t 400 $c "while [ ! -f /tmp/fio.rc ]; do sleep 1; done; cat /tmp/fio.rc" |
		grep -qx 0 || fail "$c: concurrent fio with crc32c verify failed"
	err=$(dom_exec $c "tail -n1 /tmp/fio.out | cut -d';' -f5")
	[ "$err" = 0 ] || fail "$c: fio reports error $err"
done
log "client and client2: concurrent fio with crc32c verify passed"

# The read-only attachment.
[ "$(dom_exec client2 'cat /sys/block/xvdb/ro')" = 1 ] ||
	fail "client2's xvdb is not read-only"
dom_exec client2 "dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct" &&
	fail "client2 could write to its read-only xvdb"
ro_be=/local/domain/$(domid dd)/backend/vbd/$(domid client2)/51728
[ "$(xenstore-read $ro_be/info)" = 4 ] ||
	fail "blkmap does not publish xvdb as read-only (info=$(xenstore-read $ro_be/info))"
dom_exec dd "dmesg | grep -q 'serving /dev/sda3 (.* read-only)'" ||
	fail "blkmap did not open sda3 read-only"
log "client2: writes to the read-only xvdb fail; blkmap serves sda3 read-only"
dom_exec client2 "dd if=/dev/xvdb bs=1M count=4 iflag=direct status=none | sha256sum" |
	grep -q "$(pattern_sha)" || fail "client2 cannot read sda3's pattern through xvdb"
check_pattern dd /dev/sda3

# Detach and attach again with plain xl, as a user would: no `xl devd` in
# dd, so blkmap itself removes its backend directory once libxl has seen
# it Closed and removed the frontend's (xl block-detach waits for that).
dev_detach client2 vbd 51728 xvdb /dev/xvdb
timeout 60 xl block-attach client2 \
	"backend=dd,vdev=xvdb,format=raw,access=ro,backendtype=phy,target=/dev/sda3" ||
	fail "xl block-attach client2 xvdb failed after a detach"
wait_dev client2 /dev/xvdb
dom_exec client2 "dd if=/dev/xvdb bs=1M count=4 iflag=direct status=none | sha256sum" |
	grep -q "$(pattern_sha)" || fail "client2 cannot read sda3's pattern after re-attach"
log "xl block-attach client2 xvdb again: served, sda3's pattern read back"

# client2 destroyed with both disks attached: libxl reads each backend
# Closed and waits for blkmap to remove its directory, as on a detach.
dom_destroy_client client2
