#!/usr/bin/env python3
"""What debugging costs: simulated MIPS of one CPU benchmark (sw/bench, crc32 by default)
run four ways, each --repeat times (the median is shown):

  plain       no GDB server
  listening   --gdb 0: the server polls its sockets every 64 quanta, no client
  attached    gdb-multiarch attached and continued, no breakpoint (the fast loop)
  breakpoint  gdb-multiarch attached with a breakpoint that is never hit, so every
              instruction goes through the debug loop's checks

and with --callgrind also the exact host instruction counts of plain and listening for the
first 5 M guest instructions. A second table runs the kernel (sw/kernel, a paging and
swapping workload) plain, with the MMU event trace (--mmu-trace) and with waveforms (--vcd),
and gives the files' sizes. Prints tables; never fails on speed.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile


KERNEL_ARGS = ["--drive", "size=16M", "--append", "frames=64 run=forktest,cowswap,memhog:128"]


def vmplat_run(args, elf, extra, gdb_commands=None):
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "s.json")
        cmd = [args.vmplat, "--quiet", "--stats", stats, *extra, elf]
        if gdb_commands is None:
            subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, capture_output=True)
        else:
            proc = subprocess.Popen(cmd[:1] + ["--gdb", "0", "--gdb-wait"] + cmd[1:],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            port = re.search(r":(\d+)$", proc.stderr.readline().strip()).group(1)
            script = os.path.join(tmp, "g.gdb")
            with open(script, "w") as f:
                f.write(f"target remote 127.0.0.1:{port}\n{gdb_commands}continue\n")
            subprocess.run([args.gdb, "-nx", "-batch", "-x", script, elf], check=True,
                           stdin=subprocess.DEVNULL, capture_output=True)
            proc.communicate()
        with open(stats) as f:
            s = json.load(f)["stats"]
    return s["sim.host_mips"], s["cpu.instret"]


def callgrind(args, elf, extra):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            args.vmplat, "--quiet", "--max-instructions", "5000000", *extra,
                            elf], stdin=subprocess.DEVNULL, capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", p.stderr)
        return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--bench", default="crc32")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gdb", default=shutil.which("gdb-multiarch"))
    ap.add_argument("--callgrind", action="store_true")
    args = ap.parse_args()
    args.vmplat = os.path.join(args.build, "platforms", "virt", "vmplat")
    elf = os.path.join(args.build, "sw", "bench", f"cpu_{args.bench}.elf")
    ways = [("plain", [], None), ("listening", ["--gdb", "0"], None)]
    if args.gdb:
        ways += [("attached", [], ""), ("breakpoint", [], "break vp_unexpected_trap\n")]
    rows = []
    for name, extra, gdb in ways:
        mips = [vmplat_run(args, elf, extra, gdb) for _ in range(args.repeat)]
        rows.append((name, statistics.median(m for m, _ in mips), mips[0][1]))
    base = rows[0][1]
    print(f"{args.bench}, {rows[0][2]:,} instructions, median of {args.repeat}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'way':<12} {'MIPS':>8} {'vs plain':>9}")
    for name, m, _ in rows:
        print(f"{name:<12} {m:8.1f} {m / base:9.2f}")
    kernel = os.path.join(args.build, "sw", "kernel", "kernel.elf")
    with tempfile.TemporaryDirectory() as tmp:
        trace, vcd = os.path.join(tmp, "mmu.trace"), os.path.join(tmp, "waves.vcd")
        krows = []
        for name, extra, out in [("plain", [], None), ("mmu-trace", ["--mmu-trace", trace], trace),
                                 ("vcd", ["--vcd", vcd], vcd)]:
            mips = [vmplat_run(args, kernel, KERNEL_ARGS + extra) for _ in range(args.repeat)]
            size = os.path.getsize(out) if out else 0
            krows.append((name, statistics.median(m for m, _ in mips), mips[0][1], size))
    kbase = krows[0][1]
    print(f"\nkernel {' '.join(KERNEL_ARGS[2:])!r}, {krows[0][2]:,} instructions, median of "
          f"{args.repeat}")
    print(f"{'way':<12} {'MIPS':>8} {'vs plain':>9} {'file':>10}")
    for name, m, _, size in krows:
        print(f"{name:<12} {m:8.1f} {m / kbase:9.2f} {size / 1e6:8.1f}MB")
    if args.callgrind and shutil.which("valgrind"):
        a = callgrind(args, elf, [])
        b = callgrind(args, elf, ["--gdb", "0"])
        if a and b:
            print(f"callgrind, 5 M guest instructions: plain {a:,}, listening {b:,} host "
                  f"instructions ({(b - a) / a * 100:+.2f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
