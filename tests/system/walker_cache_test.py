#!/usr/bin/env python3
"""Boots the kernel with the walker's PTE accesses going straight to DRAM, through the L2
and through L1D and L2 (mmu.walker.path), and checks what a user would see:

  - every run passes with the same functional console lines (PASS, kill, suite, counter)
    and the same walks and PTE reads: the caches change time, never behaviour;
  - the caches on the path hit, and the DRAM traffic adds up: the walker's PTE reads and
    A/D writes are replaced by the L2's line fills and write-backs, nothing else moves
    (dram.reads = dram.reads without the cache - PTE reads + L2 fills, the same for writes);
  - the walk cycles (the mmu.walker.latency sum) fall.

Then, in timed DRAM mode, the hart's loads and stores through the L1D too (cpu.data_path=l1d,
with the walker's path l1d): the same functional console, instructions and walks as with
both paths dram; the L1D sees the hart's accesses, DRAM reads and cycles fall. And
cpu.data_path=l1d in fast mode is refused with a one-line error naming the key.

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


def boot(args, path, tmp, extra=()):
    stats_file = os.path.join(tmp, path + "".join(extra) + ".json")
    cmd = [args.vmplat, "--quiet", "--drive", "size=64M", *args.vmplat_arg, *extra,
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
    timed = ["--set", "dram.mode=timed"]
    data = ["--set", "cpu.data_path=l1d"]
    with tempfile.TemporaryDirectory(prefix="vmplat-walker-cache-") as tmp:
        for name, path, extra in (("dram", "dram", []), ("l2", "l2", []), ("l1d", "l1d", []),
                                  ("timed", "dram", timed), ("timed+data", "l1d", timed + data)):
            code, out, err, stats = boot(args, path, tmp, extra)
            if code != 0 or not stats:
                sys.stdout.write(out + err)
                print(f"{name}: exit code {code}" + ("" if stats else ", no statistics"))
                return 1
            runs[name] = (out, stats)
        code, out, err, _ = boot(args, "dram", tmp, data)
        if code == 0 or "cpu.data_path" not in err or len(err.strip().splitlines()) != 1:
            problems.append(f"cpu.data_path=l1d in fast mode: exit code {code}, stderr {err!r}")

    base_out, base = runs["dram"]
    base_lines = [line for line in base_out.splitlines() if FUNCTIONAL.match(line)]
    if not any(line.startswith("PASS ") for line in base_lines):
        problems.append("no PASS line with path dram")
    if any(k.startswith("cache.") for k in base):
        problems.append("path dram created a cache: " +
                        ", ".join(k for k in base if k.startswith("cache."))[:200])
    walk_cycles = {p: s["mmu.walker.latency"]["sum"] for p, (_, s) in runs.items()}
    functional = {p: [line for line in out.splitlines() if FUNCTIONAL.match(line)]
                  for p, (out, _) in runs.items()}
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
    # The hart's data through the L1D (timed mode): same behaviour, fewer DRAM reads and cycles.
    t0, t1 = runs["timed"][1], runs["timed+data"][1]
    if functional["timed+data"] != functional["timed"]:
        problems.append("cpu.data_path=l1d: functional console lines differ")
    for k in ("cpu.instret", "mmu.walker.walks", "mmu.walker.pte_reads"):
        if t1.get(k) != t0.get(k):
            problems.append(f"cpu.data_path=l1d: {k} {t1.get(k)}, without {t0.get(k)}")
    # The walker's PTE reads are a small part of what the L1D sees: the rest is the hart's.
    if t1["cache.l1d.reads"] < 10 * t1["mmu.walker.pte_reads"]:
        problems.append(f"cpu.data_path=l1d: cache.l1d.reads {t1['cache.l1d.reads']}, hardly "
                        f"more than the walker's {t1['mmu.walker.pte_reads']} PTE reads")
    # Every hart data access and PTE access the L1D took is one DRAM access fewer; the L2's
    # fills and write-backs are the DRAM accesses they became. Fetch lines and DMA stay.
    for kind, became in (("reads", "fills"), ("writes", "writebacks")):
        expected = t0[f"dram.{kind}"] - t1[f"cache.l1d.{kind}"] + t1[f"cache.l2.{became}"]
        if t1[f"dram.{kind}"] != expected:
            problems.append(f"cpu.data_path=l1d: dram.{kind} {t1[f'dram.{kind}']}, expected "
                            f"{expected} (without the L1D, minus cache.l1d.{kind}, plus "
                            f"cache.l2.{became})")
    for k in ("dram.reads", "cpu.cycles"):
        if t1[k] >= t0[k]:
            problems.append(f"cpu.data_path=l1d: {k} {t1[k]} not below {t0[k]}")
    print(f"timed, data and walker through l1d: dram.reads {t1['dram.reads']} "
          f"({t0['dram.reads']} without), cpu.cycles {t1['cpu.cycles']} ({t0['cpu.cycles']}), "
          f"cache.l1d.hit_rate {t1['cache.l1d.hit_rate']:.3f}")
    if problems:
        print("; ".join(problems))
        return 1
    print(f"dram, l2, l1d: the same {len(base_lines)} functional lines, "
          f"{base['mmu.walker.walks']} walks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
