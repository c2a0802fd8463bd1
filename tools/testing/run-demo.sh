#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot Debian's stock kernel in QEMU and run
# selftests/demo/demo.sh, showing its console: hvisor_vhost on the
# simulator serves a 64 MiB image that the guest's virtio_blk formats,
# mounts and fills. Installs what it needs first (as root).
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

"$HVV_ROOT/tools/testing/deps.sh"
exec "$HVV_ROOT/selftests/run.sh" --kernel "${HVV_DEMO_KERNEL:-stock}" \
	--name demo-"${HVV_DEMO_KERNEL:-stock}" -v "$HVV_ROOT/selftests/demo/demo.sh"
