#!/bin/sh
# Soak for the kernel (sw/kernel): memhog and cowswap for many rounds under a 64-frame pool,
# on QEMU (default, fast) or vmplat; every round must report zero corrupted bytes.
#   bench/kernel_soak.sh [ROUNDS] [qemu|vmplat] [BUILD_DIR]
# Prints each round's PASS lines and the swap totals; exits non-zero at the first failure.
set -eu
rounds=${1:-10}
platform=${2:-qemu}
build=${3:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
elf=$build/sw/kernel/kernel.elf
if [ "$platform" = qemu ]; then exe=qemu-system-riscv64; else exe=$build/platforms/virt/vmplat; fi
exec python3 "$here/tests/system/kernel_run.py" check "$elf" --platform "$platform" --exe "$exe" \
  --rounds "$rounds" --timeout 3600 \
  --append "frames=64 run=memhog:384x6,cowswap:192x6,memhog:128x20,cowswap:96x20" \
  --nonzero swap.outs --nonzero page_faults.cow
