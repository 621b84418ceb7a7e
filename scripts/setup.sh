#!/usr/bin/env bash
# Installs the Debian packages vmplat needs (only those missing), then configures and
# builds the platform, the firmware and the tests in ./build. Idempotent: a second run
# installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config python3
  libsystemc-dev catch2 nlohmann-json3-dev libelf-dev   # models and tests
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # firmware
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross         # Linux workloads (sw/linux)
  qemu-system-misc                                      # reference machine for diff tests
  verilator                                             # RTL TLB
  gdb-multiarch                                         # debugger tests
  gnuplot-nox                                           # vmplat-sweep plots
  device-tree-compiler                                  # dtc/fdtget: device tree tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "vmplat setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -j"$jobs"
