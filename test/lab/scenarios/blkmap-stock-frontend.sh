# SPDX-License-Identifier: GPL-2.0
# blkmap-stock-frontend: xldrv_blkmap, not xen-blkback, serves the client's
# disk from the driver domain, with no hotplug script and no `xl devd`
# there.  The client's stock xen-blkfront: raw write and read-back (found
# on sda1 in the driver domain), ext4 with files checksummed across a
# remount, and fio with crc32c verification; 1 MiB writes come as indirect
# requests.  Discards, when the disk has them, reach it.
# lab-timeout: 480

dom_create consolidated/dd.cfg
dd_devices dd disk
dom_exec dd "insmod /lab/modules/xldrv_blkmap.ko && ! lsmod | grep -q xen_blkback"

dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" memory=512 'vif=[]'
be=/local/domain/$(domid dd)/backend/vbd/$(domid client)/51712
dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
[ "$(xenstore-read $be/state)" = 4 ] || fail "blkmap is not Connected: $(xenstore-read $be/state)"
features=$(for k in sectors sector-size feature-flush-cache feature-barrier \
	feature-max-indirect-segments feature-discard max-ring-page-order; do
	echo -n "$k=$(xenstore-read $be/$k) "; done)
log "blkmap serves: $features"
[ "$(dom_exec client 'cat /sys/block/xvda/size')" = "$(xenstore-read $be/sectors)" ] ||
	fail "client's xvda size differs from what blkmap published"

check_client_disk client /dev/xvda dd /dev/sda1

dom_exec -t 300 client "modprobe ext4 && mkfs.ext4 -q -F /dev/xvda &&
	mount -t ext4 /dev/xvda /mnt && mkdir /mnt/d &&
	for i in 1 2 3 4 5; do head -c \$((i * 1048576 + 123)) /dev/urandom >/mnt/d/f\$i; done &&
	(cd /mnt/d && sha256sum f*) >/tmp/sums && sync && umount /mnt &&
	echo 3 >/proc/sys/vm/drop_caches &&
	mount -t ext4 /dev/xvda /mnt && (cd /mnt/d && sha256sum -c /tmp/sums) &&
	umount /mnt && fsck.ext4 -n -f /dev/xvda" ||
	fail "client: ext4 round trip on blkmap's disk failed"
log "client: ext4 on xvda: 5 files checksummed across a remount, fsck clean"

for job in "--rw=randwrite --bs=4k --iodepth=16" "--rw=write --bs=1M --iodepth=4"; do
	out=$(dom_exec -t 300 client "fio --name=verify --filename=/dev/xvda \
		$job --size=16M --direct=1 --ioengine=libaio --verify=crc32c \
		--do_verify=1 --output-format=terse --terse-version=3 | cut -d';' -f1-6") ||
		fail "client: fio $job --verify=crc32c failed: $out"
	[ "$(echo "$out" | tail -n1 | cut -d';' -f5)" = 0 ] ||
		fail "client: fio $job reports an error: $out"
	log "client: fio $job with crc32c verify passed"
done

if [ "$(xenstore-read $be/feature-discard)" = 1 ]; then
	dom_exec -t 120 client "fio --name=trim --filename=/dev/xvda --rw=trim \
		--bs=1M --size=8M --output-format=terse --terse-version=3 >/dev/null" ||
		fail "client: discard on xvda failed"
	dom_exec dd "cat /sys/bus/xen-backend/devices/vbd-$(domid client)-51712/xldrv/discards" |
		grep -qv '^0$' || fail "blkmap counted no discard"
	log "client: discards reached the disk"
else
	log "dd's sda has no discard: blkmap does not offer it"
fi

stats=$(dom_exec dd "cd /sys/bus/xen-backend/devices/vbd-$(domid client)-51712/xldrv && grep -H . *")
echo "$stats"
echo "$stats" | grep -q '^requests:[1-9]' || fail "blkmap counted no requests"
echo "$stats" | grep -q '^indirect:[1-9]' ||
	fail "blkfront sent no indirect request, or blkmap counted none"
echo "$stats" | grep '^refused:' | grep -qv '^refused:0 ' &&
	fail "blkmap refused requests of a well-behaved frontend"
true
