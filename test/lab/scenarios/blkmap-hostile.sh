# SPDX-License-Identifier: GPL-2.0
# blkmap-hostile: a hostile frontend (test/hostile/hostile_blkfront.c) in
# client2, on its read-write disk (sda2) and its read-only one (sda3),
# sends bad grant refs, sectors past the end and wrapping around, too many
# segments, segments past their page, an unknown operation, a write (to the
# read-only disk: refused by blkmap itself), indirect requests with a bad
# segment page, too many segments, a bad segment or the barrier op inside,
# a barrier write, a secure discard blkmap does not offer, 20000 events
# with no request (late EOIs: counted as spurious), a flood, and last a producer
# index 1000 ahead of what the ring holds.  blkmap answers each bad request
# with an error, survives the flood, and closes each hostile device after
# the index game.  A third disk attached afterwards (xvdc, sda3 read-only)
# gets a ring-ref that is not a number ("<ref>x"): blkmap refuses it,
# once, and closes that device, reporting which node.  Meanwhile the
# driver domain and a well-behaved client (stock xen-blkfront, fio with
# crc32c verify) carry on.
# lab-timeout: 540

dom_create consolidated/dd.cfg
dd_devices dd disk
dom_exec dd "insmod /lab/modules/xldrv_blkmap.ko"
dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" memory=512 'vif=[]'
dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
dom_exec client "(fio --name=verify --filename=/dev/xvda --rw=randwrite \
	--bs=4k --iodepth=8 --size=24M --direct=1 --ioengine=libaio \
	--verify=crc32c --do_verify=1 --output-format=terse \
	--terse-version=3 >/tmp/fio.out 2>&1; echo \$? >/tmp/fio.rc) &"

dom_create consolidated/client2.cfg 'vif=[]'
dom_exec client2 "insmod /lab/modules/xldrv_hostile_blkfront.ko bad_ring_ref=51744"
for vbd in 51712 51728; do
	dom_exec -t 180 client2 "for i in \$(seq 900); do
		dmesg | grep -q 'device/vbd/$vbd: done:' && exit 0; sleep 0.2; done; exit 1" ||
		fail "hostile frontend on vbd $vbd did not finish"
done
# One vbd at a time, cases only: dom_exec returns the last 1500 bytes of
# what a command prints, and both vbds' lines together are more.
for vbd in 51712 51728; do
	dom_exec client2 "dmesg | grep 'xldrv-hostile: device/vbd/$vbd: case' |
		cut -d: -f3-"
done
out=$(dom_exec client2 "dmesg | grep -E 'xldrv-hostile: .*(done:|FAIL|case write-read-only)'")
echo "$out"
for vbd in 51712 51728; do
	echo "$out" | grep -q "device/vbd/$vbd: done: [1-9][0-9]* passed, 0 failed" ||
		fail "blkmap's answers on vbd $vbd: $(echo "$out" | grep "vbd/$vbd: \(case.*FAIL\|done\)" | tr '\n' ' ' || true)"
done
echo "$out" | grep -q 'vbd/51728: case write-read-only: .*PASS' ||
	fail "blkmap did not refuse a write to the read-only disk"

# The index game closes each hostile device, and only those.
dd_id=$(domid dd)
c2=$(domid client2)
for vbd in 51712 51728; do
	wait_for 30 "blkmap to close vbd $vbd of client2" sh -c \
		"xenstore-read /local/domain/$dd_id/error/backend/vbd/$c2/$vbd/error"
	log "vbd $vbd of client2: $(xenstore-read /local/domain/$dd_id/error/backend/vbd/$c2/$vbd/error)"
done
stats=$(dom_exec dd "cd /sys/bus/xen-backend/devices/vbd-$c2-51712/xldrv &&
	grep -H . refused state grant_errors spurious_events barriers")
echo "$stats"
echo "$stats" | grep -q '^spurious_events:[1-9]' ||
	fail "blkmap saw no spurious event in the event storm"

# A frontend's xenstore node that is not a number: refused, that device
# closed, with the node named in its error.
timeout 60 xl block-attach client2 \
	'backend=dd,vdev=xvdc,format=raw,access=ro,backendtype=phy,target=/dev/sda3' ||
	fail "xl block-attach client2 xvdc failed"
be=/local/domain/$dd_id/backend/vbd/$c2/51744
wait_for 30 "blkmap to refuse xvdc's ring-ref" sh -c \
	"xenstore-read /local/domain/$dd_id/error/backend/vbd/$c2/51744/error"
err=$(xenstore-read /local/domain/$dd_id/error/backend/vbd/$c2/51744/error)
log "vbd 51744 of client2: $err"
case $err in
*"reading /local/domain/$c2/device/vbd/51744/ring-ref") ;;
*) fail "blkmap's error for a ring-ref that is not a number: '$err'" ;;
esac
[ "$(xenstore-read $be/state)" -ge 5 ] ||
	fail "blkmap left vbd 51744 in state $(xenstore-read $be/state) after refusing its ring-ref"
dom_exec client2 "dmesg | grep 'xldrv-hostile: device/vbd/51744:'"
# Once: the frontend's state watch fires after the probe has tried, and
# is not another try (each logs, and a frontend can rewrite its state
# at will).
n=$(dom_exec dd "dmesg | grep -c 'vbd-$c2-51744: 22 reading' || true")
[ "$n" = 1 ] || fail "blkmap tried vbd 51744's ring-ref $n times, not once"

# Everyone else carries on.
dom_exec -t 400 client "while [ ! -f /tmp/fio.rc ]; do sleep 1; done; cat /tmp/fio.rc" |
	grep -qx 0 || fail "the well-behaved client's fio failed: $(dom_exec client 'tail -n 3 /tmp/fio.out')"
[ "$(dom_exec client "tail -n1 /tmp/fio.out | cut -d';' -f5")" = 0 ] ||
	fail "the well-behaved client's fio reports an error"
check_client_disk client /dev/xvda dd /dev/sda1
[ "$(xenstore-read /local/domain/$dd_id/backend/vbd/$(domid client)/51712/state)" = 4 ] ||
	fail "the well-behaved client's disk is no longer connected"
log "dd and the well-behaved client carry on"
check_pattern dd /dev/sda3
