#!/usr/bin/env python3
"""MMU benchmark: the cost of paging on vmplat, and a TLB-hostile workload's statistics.

Runs the firmware of sw/bench/mmu on vmplat with --stats and prints
  - mmu_friendly_bare vs mmu_friendly_sv39: the same CPU-bound work in Bare M mode and in
    S mode under Sv39; MIPS of each (best of --repeat runs, as host load only slows a run
    down) and the slowdown of Sv39 relative to Bare (issue 3 asks for < 25%);
  - mmu_hostile: random word updates over 4096 pages; L1/L2 TLB misses, walks, PWC hits
    and mean walk latency, with the default TLBs and, for comparison, with each --set
    given by --variant (default: a 512-entry fully associative DTLB).

Figures only: speed never fails it. Exits non-zero when a firmware run fails.
--json FILE also writes the figures.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def run_vmplat(vmplat, elf, sets=()):
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        cmd = [vmplat, "--quiet", "--stats", stats_file]
        for s in sets:
            cmd += ["--set", s]
        cmd.append(elf)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)}: exit code {p.returncode}\n{p.stdout.decode()}"
                     f"{p.stderr.decode()}")
        with open(stats_file) as f:
            return json.load(f)["stats"]


def value(stats, name):
    v = stats.get(name, 0)
    if isinstance(v, dict):  # a histogram
        return v.get("mean", 0)
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--bench-dir", required=True, help="<build>/sw/bench/mmu")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variant", action="append", default=[],
                    help="KEY=VALUE[,KEY=VALUE] configuration to compare on the hostile run")
    ap.add_argument("--json")
    args = ap.parse_args()
    elf = lambda name: os.path.join(args.bench_dir, name + ".elf")
    out = {}

    mips = {}
    for name in ("mmu_friendly_bare", "mmu_friendly_sv39"):
        runs = [run_vmplat(args.vmplat, elf(name)) for _ in range(args.repeat)]
        best = max(runs, key=lambda s: value(s, "sim.host_mips"))
        mips[name] = value(best, "sim.host_mips")
        out[name] = {"instret": value(best, "cpu.instret"), "host_mips": mips[name],
                     "itlb_misses": value(best, "mmu.itlb.misses.fetch"),
                     "walks": value(best, "mmu.walker.walks")}
    bare, sv39 = mips["mmu_friendly_bare"], mips["mmu_friendly_sv39"]
    slowdown = (bare / sv39 - 1) if sv39 else float("inf")
    out["sv39_slowdown"] = slowdown
    print(f"{'workload':<22}{'instret':>12}{'MIPS':>10}")
    for name in ("mmu_friendly_bare", "mmu_friendly_sv39"):
        print(f"{name:<22}{out[name]['instret']:>12.0f}{out[name]['host_mips']:>10.1f}")
    print(f"Sv39 costs {100 * slowdown:.1f}% of Bare time (MIPS ratio {sv39 / bare:.2f})"
          if bare and sv39 else "no MIPS figures")

    variants = [[]] + [v.split(",") for v in (args.variant or ["mmu.dtlb.entries=512"])]
    if not args.variant:
        variants[1] = ["mmu.dtlb.entries=512", "mmu.dtlb.ways=512"]
    print(f"\nmmu_hostile (4096 pages, random):")
    print(f"{'config':<48}{'dtlb miss':>10}{'l2 miss':>10}{'walks':>9}{'pwc hits':>10}"
          f"{'walk cyc':>9}{'MIPS':>8}")
    out["mmu_hostile"] = []
    for sets in variants:
        s = run_vmplat(args.vmplat, elf("mmu_hostile"), sets)
        row = {
            "config": sets,
            "dtlb_misses": value(s, "mmu.dtlb.misses.load") + value(s, "mmu.dtlb.misses.store"),
            "l2tlb_misses": value(s, "mmu.l2tlb.misses.load") +
                            value(s, "mmu.l2tlb.misses.store"),
            "walks": value(s, "mmu.walker.walks"),
            "pwc_hits": value(s, "mmu.pwc.hits"),
            "mean_walk_cycles": value(s, "mmu.walker.mean_latency"),
            "host_mips": value(s, "sim.host_mips"),
        }
        out["mmu_hostile"].append(row)
        print(f"{','.join(sets) or 'defaults':<48}{row['dtlb_misses']:>10.0f}"
              f"{row['l2tlb_misses']:>10.0f}{row['walks']:>9.0f}{row['pwc_hits']:>10.0f}"
              f"{row['mean_walk_cycles']:>9.1f}{row['host_mips']:>8.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
