#!/usr/bin/env python3
"""Boots the kernel with the walker's PTE accesses going straight to DRAM, through the L2
and through L1D and L2 (mmu.walker.path), and checks what a user would see:

  - every run passes with the same functional console lines (PASS, kill, suite, counter)
    and the same walks and PTE reads: the caches change time, never behaviour;
  - the caches on the path hit, and the DRAM traffic adds up: the walker's PTE reads and
    A/D writes are replaced by the L2's line fills and write-backs, nothing else moves
    (dram.reads = dram.reads without the cache - PTE reads + L2 fills, the same for writes);
  - the walk cycles (the mmu.walker.latency sum) fall.

  walker_cache_test.py --vmplat VMPLAT --kernel KERNEL_ELF [--append BOOT] [--vmplat-arg A]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

FUNCTIONAL = re.compile(r"^(PASS |FAIL |kill: |suite: |counter )")


def boot(args, path, tmp):
    stats_file = os.path.join(tmp, path + ".json")
    cmd = [args.vmplat, "--quiet", "--drive", "size=64M", *args.vmplat_arg,
           "--set", f"mmu.walker.path={path}", "--stats", stats_file,
           "--append", args.append, args.kernel]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=args.timeout)
    out = p.stdout.decode("utf-8", "replace")
    stats = json.load(open(stats_file))["stats"] if os.path.isfile(stats_file) else {}
    return p.returncode, out, p.stderr.decode("utf-8", "replace"), stats


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vmplat", required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--append", default="quantum=0 frames=64 run=randacc:512,forktest")
    parser.add_argument("--vmplat-arg", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    problems = []
    runs = {}
    with tempfile.TemporaryDirectory(prefix="vmplat-walker-cache-") as tmp:
        for path in ("dram", "l2", "l1d"):
            code, out, err, stats = boot(args, path, tmp)
            if code != 0 or not stats:
                sys.stdout.write(out + err)
                print(f"path {path}: exit code {code}" + ("" if stats else ", no statistics"))
                return 1
            runs[path] = (out, stats)

    base_out, base = runs["dram"]
    base_lines = [line for line in base_out.splitlines() if FUNCTIONAL.match(line)]
    if not any(line.startswith("PASS ") for line in base_lines):
        problems.append("no PASS line with path dram")
    if any(k.startswith("cache.") for k in base):
        problems.append("path dram created a cache: " +
                        ", ".join(k for k in base if k.startswith("cache."))[:200])
    walk_cycles = {p: s["mmu.walker.latency"]["sum"] for p, (_, s) in runs.items()}
    for path in ("l2", "l1d"):
        out, s = runs[path]
        lines = [line for line in out.splitlines() if FUNCTIONAL.match(line)]
        if lines != base_lines:
            problems.append(f"path {path}: functional console lines differ from path dram")
        for k in ("mmu.walker.walks", "mmu.walker.pte_reads", "mmu.walker.pte_writes",
                  "cpu.instret"):
            if s.get(k) != base.get(k):
                problems.append(f"path {path}: {k} {s.get(k)}, path dram {base.get(k)}")
        caches = ("l1d", "l2") if path == "l1d" else ("l2",)
        for c in caches:
            if s.get(f"cache.{c}.read_hits", 0) == 0:
                problems.append(f"path {path}: cache.{c}.read_hits is 0")
        if path == "l2" and "cache.l1d.reads" in s:
            problems.append("path l2 created cache.l1d")
        # What the walker no longer sends to DRAM, and what the L2 sends instead.
        reads = base["dram.reads"] - base["mmu.walker.pte_reads"] + s["cache.l2.fills"]
        writes = base["dram.writes"] - base["mmu.walker.pte_writes"] + s["cache.l2.writebacks"]
        if s["dram.reads"] != reads or s["dram.writes"] != writes:
            problems.append(f"path {path}: dram.reads/writes {s['dram.reads']}/"
                            f"{s['dram.writes']}, expected {reads}/{writes} from path dram's "
                            "minus the walker's plus the L2's fills/write-backs")
        if s["dram.reads"] >= base["dram.reads"]:
            problems.append(f"path {path}: DRAM reads did not fall")
        if walk_cycles[path] >= walk_cycles["dram"]:
            problems.append(f"path {path}: walk cycles {walk_cycles[path]} not below "
                            f"{walk_cycles['dram']} (path dram)")
        print(f"path {path}: walk cycles {walk_cycles[path]} (dram {walk_cycles['dram']}), "
              f"dram.reads {s['dram.reads']} (dram {base['dram.reads']}), "
              + ", ".join(f"cache.{c}.hit_rate {s[f'cache.{c}.hit_rate']:.3f}"
                          for c in caches))
    if problems:
        print("; ".join(problems))
        return 1
    print(f"dram, l2, l1d: the same {len(base_lines)} functional lines, "
          f"{base['mmu.walker.walks']} walks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
