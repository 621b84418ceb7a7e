#!/usr/bin/env python3
"""Multi-hart speed: aggregate simulated MIPS of vmplat with every hart busy (docs/smp.md).

Runs <sw-dir>/bench/cpu_smp_crc32.elf (every hart runs the crc32 benchmark's work on its
own buffer and checks it) with --smp N for each N of --harts (default 1 2 4 8), reads
cpu.instret (all harts) and sim.host_seconds from --stats, and prints the aggregate MIPS
and its ratio to the one-hart figure: interleaving the harts must not be the bottleneck
(issue: 4 busy harts >= 70% of one hart's MIPS). With QEMU installed, the same ELF on
`-smp N` is timed alongside (QEMU runs its vCPUs on host threads, so its figure depends on
the host's cores). Exits non-zero only when a run failed or its result was wrong.
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_bench import fmt, mib, run_child, run_vmplat  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--vmplat", help="vmplat executable (default: <build>/platforms/virt/vmplat)")
    ap.add_argument("--sw-dir", help="built firmware (default: <build>/sw)")
    ap.add_argument("--qemu", default=shutil.which("qemu-system-riscv64"),
                    help="qemu-system-riscv64 (default: from PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="vmplat figures only")
    ap.add_argument("--harts", type=int, nargs="+", default=[1, 2, 4, 8],
                    help="hart counts to run (default: 1 2 4 8)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a vmplat configuration override (repeatable)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    args = ap.parse_args()
    args.vmplat = args.vmplat or os.path.join(args.build, "platforms", "virt", "vmplat")
    sw = args.sw_dir or os.path.join(args.build, "sw")
    elf = os.path.join(sw, "bench", "cpu_smp_crc32.elf")
    for path, what in ((args.vmplat, "vmplat"), (elf, "the benchmark firmware")):
        if not os.path.exists(path):
            sys.exit(f"smp_bench: {what} is missing: {path} (build first)")
    for n in args.harts:
        if not 1 <= n <= 8:
            sys.exit(f"smp_bench: --harts {n}: allowed 1..8")
    qemu = None if args.no_qemu else args.qemu

    print(f"{'harts':>5} {'instret':>14} {'host s':>8} {'MIPS':>8} {'vs 1 hart':>9} "
          f"{'peak MiB':>9} {'QEMU s':>8}")
    base = None
    failed = False
    base_set = list(args.set)
    for n in args.harts:
        args.set = base_set + [f"cpu.harts={n}"]
        v = run_vmplat(args, elf)
        if not v["ok"]:
            failed = True
            print(f"{n:>5} FAILED: exit code {v['exit_code']} {v['error']}")
            continue
        if n == 1 or base is None:
            base = v["mips"] if n == 1 else base
        ratio = v["mips"] / base if base and v["mips"] else None
        q = None
        if qemu:
            r = run_child([qemu, "-M", "virt", "-smp", str(n), "-bios", "none", "-nographic",
                           "-kernel", elf], args.timeout)
            q = r["wall_s"] if r["code"] == 0 and " ok " in r["stdout"] else None
        print(f"{n:>5} {v['instret']:>14} {fmt(v['host_seconds'], '.2f'):>8} "
              f"{fmt(v['mips'], '.1f'):>8} {fmt(ratio, '.3f'):>9} "
              f"{fmt(mib(v['maxrss_kib']), '.1f'):>9} {fmt(q, '.2f'):>8}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
