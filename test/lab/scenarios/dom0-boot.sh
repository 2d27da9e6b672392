# SPDX-License-Identifier: GPL-2.0
# dom0-boot: Xen boots dom0, xenstored answers, `xl info` works, and the
# driver domains' devices are hidden from dom0 by xen-pciback.
# lab-timeout: 180

xenstore-read /local/domain/0/name | grep -qx Domain-0 ||
	fail "xenstored: dom0's name is not Domain-0"
xl info >/tmp/xl-info
cat /tmp/xl-info
grep -q '^xen_version *: 4\.17' /tmp/xl-info || fail "xl info: not Xen 4.17"
grep -q '^nr_cpus *: 2' /tmp/xl-info || fail "xl info: expected 2 CPUs"
xl list | grep -q '^Domain-0 ' || fail "xl list has no Domain-0"
assignable=$(xl pci-assignable-list)
echo "assignable: $assignable"
for bdf in 0000:00:04.0 0000:00:05.0; do
	echo "$assignable" | grep -q "$bdf" || fail "$bdf is not assignable"
done
lab_time dom0-ready "$(now)"
