#!/usr/bin/env python3
"""MMU knobs change the statistics as expected (issue 3, "Done when").

  mmu_knobs.py --vmplat VMPLAT --bench-dir <build>/sw/bench/mmu CHECK

Runs the sw/bench/mmu workloads with --set overrides and compares the statistics JSON
(--stats) of the runs. CHECK is one of:
  entries  hostile workload (4096 pages): more DTLB entries, strictly fewer DTLB misses
  fits     16-page working set: a 32-entry fully associative LRU DTLB has only compulsory
           misses (as many as a 1024-entry one), while an 8-entry one misses far more
  policy   the random policy is reproducible for a seed and changes with it; lru and fifo
           give different victims on the hostile workload
  l2       with no L2 TLB every DTLB miss walks; a large L2 TLB absorbs most of them
  walker   the page-walk cache saves PTE reads; walker.level_cycles raises walk latency
  priv     on our kernel (U-mode programs, S-mode kernel; --kernel) the mmu.priv.{u,s,m}.*
           counters split the totals exactly: the program's misses, walks and page faults
           are U's, the kernel's own walks S's, and M (no MPRV) has none
Exits 0 when the check holds, 1 with the figures otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

NO_L2 = ["mmu.l2tlb.entries=0"]


class Runner:
    def __init__(self, vmplat, bench_dir):
        self.vmplat = vmplat
        self.bench_dir = bench_dir

    def stats(self, workload, sets, elf=None, args=()):
        elf = elf or os.path.join(self.bench_dir, f"mmu_{workload}.elf")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "stats.json")
            cmd = [self.vmplat, "--quiet", "--stats", out, *args]
            for s in sets:
                cmd += ["--set", s]
            cmd.append(elf)
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
            if p.returncode != 0:
                sys.exit(f"FAIL {' '.join(cmd)}: exit code {p.returncode}\n"
                         f"{p.stderr.decode('utf-8', 'replace')}")
            with open(out) as f:
                return json.load(f)["stats"]


def dtlb_misses(s):
    return s["mmu.dtlb.misses.load"] + s["mmu.dtlb.misses.store"]


def fully_assoc(n, policy="lru"):
    return [f"mmu.dtlb.entries={n}", f"mmu.dtlb.ways={n}", f"mmu.dtlb.policy={policy}"]


def check_entries(r):
    sizes = [8, 64, 512]
    misses = [dtlb_misses(r.stats("hostile", NO_L2 + fully_assoc(n))) for n in sizes]
    print("hostile, fully associative LRU DTLB entries", sizes, "-> DTLB misses", misses)
    return all(a > b for a, b in zip(misses, misses[1:]))


def check_fits(r):
    fit = dtlb_misses(r.stats("fits", NO_L2 + fully_assoc(32)))
    huge = dtlb_misses(r.stats("fits", NO_L2 + fully_assoc(1024)))
    small = dtlb_misses(r.stats("fits", NO_L2 + fully_assoc(8)))
    print(f"fits (16 pages): DTLB misses with 32 entries {fit}, 1024 entries {huge}, "
          f"8 entries {small}")
    # Compulsory misses only: the 16 data pages, the stack/data gigapage and the devices.
    return fit == huge and fit <= 16 + 4 and small > 10 * fit


def check_policy(r):
    rnd = lambda seed: NO_L2 + ["mmu.dtlb.policy=random", f"mmu.dtlb.seed={seed}"]
    a = dtlb_misses(r.stats("hostile", rnd(1)))
    b = dtlb_misses(r.stats("hostile", rnd(1)))
    c = dtlb_misses(r.stats("hostile", rnd(7)))
    lru = r.stats("hostile", NO_L2 + ["mmu.dtlb.policy=lru"])
    fifo = r.stats("hostile", NO_L2 + ["mmu.dtlb.policy=fifo"])
    print(f"random seed 1: {a}, again: {b}, seed 7: {c}; lru {dtlb_misses(lru)}, "
          f"fifo {dtlb_misses(fifo)}")
    return a == b and a != c and dtlb_misses(lru) != dtlb_misses(fifo)


def check_l2(r):
    off = r.stats("hostile", NO_L2)
    big = r.stats("hostile", ["mmu.l2tlb.entries=4096", "mmu.l2tlb.ways=8"])
    l1_misses_off = dtlb_misses(off) + off["mmu.itlb.misses.fetch"]
    print(f"no L2: L1 misses {l1_misses_off}, walks {off['mmu.walker.walks']}; "
          f"4096-entry L2: DTLB misses {dtlb_misses(big)}, walks {big['mmu.walker.walks']}")
    return (off["mmu.walker.walks"] == l1_misses_off and
            big["mmu.walker.walks"] * 4 < dtlb_misses(big))


def check_walker(r):
    pwc = r.stats("hostile", NO_L2)
    nopwc = r.stats("hostile", NO_L2 + ["mmu.pwc.entries=0"])
    slow = r.stats("hostile", NO_L2 + ["mmu.walker.level_cycles=20"])
    lat = lambda s: s["mmu.walker.mean_latency"]
    print(f"PTE reads with PWC {pwc['mmu.walker.pte_reads']} (hits {pwc['mmu.pwc.hits']}), "
          f"without {nopwc['mmu.walker.pte_reads']}; mean walk latency {lat(pwc):.1f} -> "
          f"{lat(slow):.1f} with level_cycles=20")
    return (pwc["mmu.pwc.hits"] > 0 and nopwc["mmu.pwc.hits"] == 0 and
            nopwc["mmu.walker.pte_reads"] == nopwc["mmu.walker.levels"] and
            pwc["mmu.walker.pte_reads"] < nopwc["mmu.walker.pte_reads"] and
            lat(slow) > lat(pwc) + 30)


def check_priv(r):
    s = r.stats("kernel", [], elf=r.kernel,
                args=["--drive", "size=64M", "--append", "run=randacc:256"])
    by = lambda name: [s[f"mmu.priv.{p}.{name}"] for p in "usm"]
    kinds = lambda tlb: sum(s[f"mmu.{tlb}.misses.{k}"] for k in ("fetch", "load", "store"))
    totals = {"itlb_misses": kinds("itlb"),
              "dtlb_misses": kinds("dtlb"),
              "l2tlb_misses": kinds("l2tlb"),
              "walks": s["mmu.walker.walks"],
              "page_faults": s["mmu.page_faults"]}
    ok = True
    for name, total in totals.items():
        u, sv, m = by(name)
        print(f"{name}: U {u} + S {sv} + M {m} = {u + sv + m}, total {total:g}")
        ok &= u + sv + m == total and m == 0
    cycles = sum(by("walk_cycles"))
    mean = cycles / s["mmu.walker.walks"]
    print(f"walk cycles {cycles}: mean {mean:.3f}, mmu.walker.mean_latency "
          f"{s['mmu.walker.mean_latency']:.3f}")
    u, sv, _ = by("page_faults")
    uw, sw, _ = by("walks")
    return (ok and abs(mean - s["mmu.walker.mean_latency"]) < 1e-6 and u == totals["page_faults"]
            and u > 256 and sv == 0 and uw > 256 and sw > 0)


CHECKS = {"entries": check_entries, "fits": check_fits, "policy": check_policy,
          "l2": check_l2, "walker": check_walker, "priv": check_priv}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--bench-dir", required=True)
    ap.add_argument("--kernel", help="sw/kernel/kernel.elf (the priv check)")
    ap.add_argument("check", choices=sorted(CHECKS))
    args = ap.parse_args()
    runner = Runner(args.vmplat, args.bench_dir)
    runner.kernel = args.kernel
    ok = CHECKS[args.check](runner)
    print("PASS" if ok else "FAIL", args.check)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
