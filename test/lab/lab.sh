# SPDX-License-Identifier: GPL-2.0
# Host-side settings shared by test/lab/build-images and test/lab/run.
# Sourced, not executed. Everything can be overridden from the environment.

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_SRC=$LAB_TOP/test/lab
LAB_OUT=${XLDRV_LAB_OUT:-$LAB_TOP/build/lab}
LAB_IMAGES=$LAB_OUT/images
LAB_LOGS=${XLDRV_LAB_LOGS:-$LAB_OUT/logs}

# The one kernel binary of the lab: dom0, driver domains and clients all
# boot Debian's stock amd64 kernel.  Pick the newest one installed that has
# both an image and a module tree; the host's running kernel is irrelevant.
lab_kver() {
	local v best=
	if [ -n "${XLDRV_KVER:-}" ]; then
		echo "$XLDRV_KVER"
		return
	fi
	for v in /lib/modules/*-amd64; do
		v=${v##*/}
		[ -f "/boot/vmlinuz-$v" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
	done
	[ -n "$best" ] || {
		echo "lab: no Debian amd64 kernel in /boot and /lib/modules;" \
		     "run tools/install-deps" >&2
		return 1
	}
	echo "$best"
}

LAB_XEN_GZ=${XLDRV_XEN_GZ:-/boot/xen-4.17-amd64.gz}
LAB_XEN_LIBEXEC=/usr/lib/xen-4.17/bin

# PCI slots of the emulated machine (see docs/lab.md): the driver
# domain's NIC and AHCI controller, and the NIC dom0 keeps for the peer.
LAB_BDF_DD_NIC=00:04.0
LAB_BDF_DD_AHCI=00:05.0
LAB_BDF_PEER_NIC=00:06.0

LAB_QEMU_MEM=${XLDRV_LAB_MEM:-4096}
LAB_DOM0_MEM=${XLDRV_LAB_DOM0_MEM:-1024}
LAB_DISK_MB=256

# make_cpio DIR FILE: an initramfs archive of DIR, owned by root.
make_cpio() {
	(cd "$1" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >"$2.tmp"
	mv "$2.tmp" "$2"
}

lab_log() {
	printf 'lab: %s\n' "$*" >&2
}

lab_die() {
	printf 'lab: error: %s\n' "$*" >&2
	exit 1
}
