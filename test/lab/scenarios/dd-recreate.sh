# SPDX-License-Identifier: GPL-2.0
# dd-recreate: `xl destroy` of the driver domain hands its PCI devices back
# to pciback, and a new `xl create` of the same config gets both again,
# with the drivers binding and the devices working as on the first boot.
# lab-timeout: 420
# lab-default: no
# Not in `make check` (CI's 45 min): dd-devices makes its first round's
# checks, and xldrvd-destroy and frontend-blk-survives its second's
# (`xl destroy` of a running dd with both devices, the same config
# created again, its NIC passing traffic and its disk holding what the
# incarnation before wrote).  Run it by name after touching pciback or
# the dd config.

peer_setup
mark=xldrv-mark-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
for round in 1 2; do
	log "round $round: create"
	dom_create consolidated/dd.cfg
	dd_devices dd nic disk
	dom_exec dd "ip addr add $DD_IP/$NETMASK dev eth0"
	check_peer_traffic dd
	check_pattern dd /dev/sda3
	# Proof the second domain gets the same disk, not a fresh one:
	# round 1 leaves a mark that round 2 must find.
	if [ $round = 1 ]; then
		dom_exec dd "echo $mark | dd of=/dev/sda2 oflag=direct conv=sync,fsync bs=512 status=none"
	else
		dom_exec dd "dd if=/dev/sda2 bs=512 count=1 iflag=direct status=none | grep -a -q $mark" ||
			fail "the recreated driver domain does not see round 1's write"
	fi
	start=$(now)
	dom_destroy dd
	lab_time destroy.dd "$(since "$start")"
	assignable=$(xl pci-assignable-list)
	for bdf in 0000:00:04.0 0000:00:05.0; do
		echo "$assignable" | grep -q "$bdf" ||
			fail "$bdf not assignable again after destroy"
	done
done
