#!/usr/bin/env python3
"""Cosim benchmark: simulation speed with the L1 TLBs as the C++ model, the Verilated RTL
and the lockstep pair (both, compared on every operation), on the same firmware.

Runs vmplat with mmu.itlb.impl and mmu.dtlb.impl set to model, rtl and lockstep and prints
MIPS (best of --repeat runs: host load only slows a run down), how many times slower than
the model each is, the RTL clock cycles and the lockstep checks. Figures only: speed never fails it;
exits non-zero when a run fails or the three runs retire different instruction counts.
Usage: cosim_bench.py --vmplat BUILD/platforms/virt/vmplat --elf FIRMWARE.elf [--json F]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

IMPLS = ("model", "rtl", "lockstep")


def run(vmplat, elf, impl, extra):
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        cmd = [vmplat, "--quiet", "--stats", stats_file,
               "--set", f"mmu.itlb.impl={impl}", "--set", f"mmu.dtlb.impl={impl}"]
        for s in extra:
            cmd += ["--set", s]
        cmd.append(elf)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=1800)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)}: exit code {p.returncode}\n{p.stderr.decode()[-3000:]}")
        with open(stats_file) as f:
            return json.load(f)["stats"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], help="extra KEY=VALUE for every run")
    ap.add_argument("--json")
    args = ap.parse_args()

    out = {}
    for impl in IMPLS:
        runs = [run(args.vmplat, args.elf, impl, args.set) for _ in range(args.repeat)]
        best = max(runs, key=lambda s: s.get("sim.host_mips", 0))
        out[impl] = {
            "mips": best.get("sim.host_mips", 0),
            "instructions": sum(v for k, v in best.items() if k.endswith(".instret")),
            "rtl_cycles": best.get("mmu.dtlb.rtl.cycles", 0) + best.get("mmu.itlb.rtl.cycles", 0),
            "lockstep_checks": best.get("mmu.dtlb.lockstep.checks", 0)
            + best.get("mmu.itlb.lockstep.checks", 0),
        }
    base = out["model"]["mips"]
    print(f"firmware: {os.path.basename(args.elf)}  (best of {args.repeat})")
    print(f"{'L1 TLBs':10} {'MIPS':>8} {'slowdown':>9} {'RTL cycles':>12} {'lockstep checks':>16}")
    for impl in IMPLS:
        r = out[impl]
        print(f"{impl:10} {r['mips']:8.2f} {base / (r['mips'] or 1):8.1f}x {r['rtl_cycles']:12.0f} "
              f"{r['lockstep_checks']:16.0f}")
    counts = {out[i]["instructions"] for i in IMPLS}
    if len(counts) > 1:
        print(f"instruction counts differ between impls: {counts}")
        return 1
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
