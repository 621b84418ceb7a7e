#!/usr/bin/env bash
# Installs the Debian packages vmplat needs (only those missing), then configures and
# builds the platform, the firmware and the tests in ./build. Idempotent: a second run
# installs nothing and rebuilds only what changed.
#
#   bash scripts/setup.sh        build/: the Release build (what demo.sh and users run)
#   bash scripts/setup.sh asan   also build-asan/: clang with AddressSanitizer and
#                                UndefinedBehaviorSanitizer, the unit tests, vmplat and the
#                                libFuzzer harnesses (docs/reliability.md); its system tests
#                                boot the firmware of build/sw
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config python3
  libsystemc-dev catch2 nlohmann-json3-dev libelf-dev   # models and tests
  zlib1g-dev                                            # checkpoints (compressed memory)
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # firmware
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross         # Linux workloads (sw/linux)
  qemu-system-misc                                      # reference machine for diff tests
  verilator                                             # RTL TLB
  gdb-multiarch                                         # debugger tests
  gnuplot-nox                                           # vmplat-sweep plots
  device-tree-compiler                                  # dtc/fdtget: device tree tests
  clang libclang-rt-14-dev                              # sanitizer build, libFuzzer
  strace                                                # crash-consistency test (kill points)
  ccache                                                # rebuilds of build/ and build-asan/
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
launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
fi
cmake --build build -j"$jobs"

if [ "${1:-}" = "asan" ]; then
  if [ ! -f build-asan/CMakeCache.txt ]; then
    CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release \
      -DVMPLAT_FUZZ=ON -DVMPLAT_WITH_RTL=OFF -DVMPLAT_BUILD_SW=OFF \
      -DVMPLAT_SW_DIR="$PWD/build/sw" "${launcher[@]}" >/dev/null
  fi
  cmake --build build-asan -j"$jobs"
fi
