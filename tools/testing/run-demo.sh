#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot Debian's stock kernel in QEMU and run every
# selftests/demo/*.sh in order (one per device type), showing the guest's
# console: hvisor_vhost on the simulator serves devices that the guest's
# own virtio drivers use. Installs what it needs first (as root).
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

"$HVV_ROOT/tools/testing/deps.sh"
exec "$HVV_ROOT/selftests/run.sh" --kernel "${HVV_DEMO_KERNEL:-stock}" \
	--name demo-"${HVV_DEMO_KERNEL:-stock}" -v "$HVV_ROOT"/selftests/demo/*.sh
