#!/usr/bin/env bash
# The main job: set up, build, and boot the demo kernel (page faults, swapping to the
# virtio disk, fork with copy-on-write); prints the guest console, then vmplat's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
exec build/platforms/virt/vmplat --drive size=64M --append "frames=64" \
  build/sw/kernel/kernel.elf "$@"
