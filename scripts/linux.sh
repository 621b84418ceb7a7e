#!/usr/bin/env bash
# Debian's Linux on vmplat in one command (docs/linux.md): sets up and builds (as demo.sh
# does), fetches the Linux kit if it is not cached (scripts/linux-kit.sh), builds an
# initramfs with busybox, our init (sw/linux/init.sh) and the workloads (sw/linux/vmwork),
# and boots it with a swap disk in memory.
#
#   scripts/linux.sh [options]                 a busybox shell on the console: type
#                                              `poweroff` to end, Ctrl-A x to leave at once
#   scripts/linux.sh [options] --run "CMDS"    run the commands (separated by ';'), e.g.
#                                              --run "memhog 96; forktest", print their
#                                              lines and vmplat's statistics, power off;
#                                              the exit code is the first failure's status
#
# Options:
#   --run CMDS      the batch mode above
#   --ram SIZE      the machine's memory (default 128M)
#   --swap SIZE     the virtio disk that init makes the swap space (default 128M; 0: none)
#   --sv39          an MMU without Sv48 (mmu.satp_modes=bare,sv39): Linux uses Sv39
#   --append ARGS   more kernel boot arguments
#   --verbose       keep the kernel's log on the console in --run mode (it is quiet there)
#   --qemu          the same kit, initramfs and disk size on qemu-system-riscv64 instead
#   --build DIR     use this build directory as it is (no set-up, no build; default: set
#                   up and build ./build)
#   --              everything after it goes to vmplat (e.g. -- --stats run.json
#                   --set mmu.dtlb.entries=64)
# The boot skips the kernel's crypto self-tests (cryptomgr.notests): half the instructions
# to the shell, nothing a shell or the workloads use.
#
# Exit codes: vmplat's (0 after poweroff, the workloads' status in --run mode, 96 after
# Ctrl-A x, 124 at an instruction limit; README.md lists them), 2 for bad usage, 77 when
# the kit cannot be fetched because Debian's archive is unreachable.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."

usage() {
  echo "linux.sh: $1" >&2
  echo "usage: scripts/linux.sh [--run \"CMD; CMD\"] [--ram SIZE] [--swap SIZE] [--sv39]" \
    "[--append ARGS] [--verbose] [--qemu] [--build DIR] [-- VMPLAT OPTIONS]" >&2
  exit 2
}

size_ok() { [[ $1 =~ ^[0-9]+[KMG]?$ ]]; }

run="" ram=128M swap=128M sv39=no append="" verbose=no qemu=no build=""
vmplat_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --run) [ $# -ge 2 ] || usage "--run needs the commands"; run=$2; shift 2
      [ -n "${run//[[:space:];]/}" ] || usage "--run '$run' holds no command" ;;
    --ram) [ $# -ge 2 ] || usage "--ram needs a size"; ram=$2; shift 2
      size_ok "$ram" || usage "--ram '$ram' is not a size (e.g. 128M or 1G)" ;;
    --swap) [ $# -ge 2 ] || usage "--swap needs a size"; swap=$2; shift 2
      size_ok "$swap" || usage "--swap '$swap' is not a size (e.g. 128M, or 0 for none)" ;;
    --sv39) sv39=yes; shift ;;
    --append) [ $# -ge 2 ] || usage "--append needs boot arguments"; append=$2; shift 2 ;;
    --verbose) verbose=yes; shift ;;
    --qemu) qemu=yes; shift ;;
    --build) [ $# -ge 2 ] || usage "--build needs a directory"
      case "$2" in /*) build=$2 ;; *) build=$caller_dir/$2 ;; esac
      shift 2
      [ -x "$build/platforms/virt/vmplat" ] || usage "--build '$build' holds no vmplat" ;;
    --) shift; vmplat_opts=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) usage "unknown option '$1'" ;;
  esac
done
if [ "$qemu" = yes ] && [ ${#vmplat_opts[@]} -gt 0 ]; then
  usage "options after -- are for vmplat; --qemu does not take them"
fi

if [ -z "$build" ]; then
  bash scripts/setup.sh >/dev/null
  build=build
fi
vmwork=$build/sw/linux/vmwork
[ -x "$vmwork" ] || {
  echo "linux.sh: $vmwork was not built: riscv64-linux-gnu-gcc is missing (scripts/setup.sh" \
    "installs gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross)" >&2
  exit 1
}
rc=0
kit=$(bash scripts/linux-kit.sh fetch) || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"

work=$build/linux
mkdir -p "$work"
initrd=$work/initrd.cpio
adds=(--add "$vmwork:/bin/vmwork")
if [ -n "$run" ]; then
  initrd=$work/initrd-run.cpio
  # One command a line: init runs each and notes its exit status.
  tr ';' '\n' <<<"$run" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' \
    >"$work/run" || true
  adds+=(--add "$work/run:/etc/vmplat/run")
fi
bash scripts/linux-kit.sh initramfs "$initrd" --init sw/linux/init.sh "${adds[@]}" >/dev/null

bootargs="console=ttyS0 rdinit=/sbin/init-custom cryptomgr.notests"
if [ -n "$run" ] && [ "$verbose" = no ]; then
  bootargs+=" quiet"
fi
# A batch nobody watches: a kernel panic reboots at once (exit code 93) instead of spinning.
[ -z "$run" ] || bootargs+=" panic=-1"
[ "$sv39" = no ] || [ "$qemu" = no ] || bootargs+=" no4lvl"
[ -z "$append" ] || bootargs+=" $append"

if [ "$qemu" = yes ]; then
  cmd=(qemu-system-riscv64 -M virt -m "$ram" -nographic -bios "$kit/fw_jump.bin"
    -kernel "$kit/Image" -initrd "$initrd" -append "$bootargs")
  if [ "$swap" != 0 ]; then
    rm -f "$work/swap.img"
    truncate -s "$swap" "$work/swap.img"
    cmd+=(-global "virtio-mmio.force-legacy=false"
      -drive "file=$work/swap.img,if=none,format=raw,id=d0" -device "virtio-blk-device,drive=d0")
  fi
  exec "${cmd[@]}"
fi

cmd=("$build/platforms/virt/vmplat" --bios "$kit/fw_jump.elf" --kernel "$kit/Image"
  --initrd "$initrd" --append "$bootargs" --ram "$ram" --set uart.terminal_keys=qemu)
[ "$swap" = 0 ] || cmd+=(--drive "size=$swap")
[ "$sv39" = no ] || cmd+=(--set "mmu.satp_modes=bare,sv39")
if [ -z "$run" ]; then
  exec "${cmd[@]}" "${vmplat_opts[@]}"
fi

# The batch: after vmplat's own summary, the MMU's counters split by privilege (U: the
# workloads and busybox, S: the kernel), from the statistics file (docs/mmu.md).
stats=$work/run-stats.json
rm -f "$stats"
rc=0
"${cmd[@]}" --stats "$stats" "${vmplat_opts[@]}" || rc=$?
if [ -f "$stats" ]; then
  python3 - "$stats" >&2 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
rows = [("ITLB misses", "itlb_misses"), ("DTLB misses", "dtlb_misses"),
        ("L2 TLB misses", "l2tlb_misses"), ("page walks", "walks"),
        ("page faults", "page_faults")]
print(f"  {'per privilege':24} {'U (user)':>14} {'S (kernel)':>14} {'M':>8}")
for label, name in rows:
    print(f"  {label:24}" + "".join(f" {s[f'mmu.priv.{p}.{name}']:>{w}}"
                                     for p, w in (("u", 14), ("s", 14), ("m", 8))))
mean = [s[f"mmu.priv.{p}.walk_cycles"] / max(s[f"mmu.priv.{p}.walks"], 1) for p in "usm"]
print(f"  {'mean walk cycles':24} {mean[0]:>14.1f} {mean[1]:>14.1f} {mean[2]:>8.1f}")
EOF
fi
exit "$rc"
