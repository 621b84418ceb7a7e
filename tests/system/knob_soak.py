#!/usr/bin/env python3
"""Random-knob soak (docs/reliability.md): many boots of the kernel (sw/kernel), each with
MMU and memory knobs drawn at random, each required to pass with zero corrupted bytes.

  knob_soak.py --vmplat VMPLAT --kernel KERNEL_ELF [--boots N] [--seconds S] [--seed S]

Per boot: the geometry and replacement policy of the ITLB, DTLB and L2 TLB (from one entry
to 1024, direct-mapped to fully associative, lru/plru/fifo/random, ASID tags of 0 to 16
bits, hit latencies), the page-walk cache size, the A/D policy (hardware or Svade faults),
Sv48 on or off, the DRAM mode and the quantum, and a workload that swaps, forks and
copies on write under a small frame pool (memhog, cowswap, forktest and one of randacc,
seqscan, ptrchase). A boot passes when kernel_run.py's rules hold (exit 0, a PASS line for
every program, "0 failed"; the programs verify every byte they wrote, swapped or shared).
Stops at the first failure and prints the knobs that failed, so the boot can be repeated;
at the end prints the boots, the time, the pages swapped out and in and the COW faults.
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_run  # noqa: E402


def tlb_knobs(rng, name, max_entries, optional):
    entries = 0 if optional and rng.random() < 0.2 else 2 ** rng.randint(0, max_entries)
    if entries == 0:
        return [f"mmu.{name}.entries=0"]
    ways = 2 ** rng.randint(0, entries.bit_length() - 1)
    knobs = [f"mmu.{name}.entries={entries}", f"mmu.{name}.ways={ways}",
             f"mmu.{name}.policy={rng.choice(['lru', 'plru', 'fifo', 'random'])}",
             f"mmu.{name}.asid_bits={rng.choice([0, 1, 4, 9, 16])}",
             f"mmu.{name}.hit_latency={rng.choice([0, 0, 1, 3, 10])}",
             f"mmu.{name}.seed={rng.randint(1, 1 << 30)}"]
    return knobs


def draw(rng):
    knobs = tlb_knobs(rng, "itlb", 7, False) + tlb_knobs(rng, "dtlb", 7, False) + \
        tlb_knobs(rng, "l2tlb", 10, True)
    knobs += [f"mmu.pwc.entries={rng.choice([0, 1, 2, 8, 32])}",
              f"mmu.walker.ad_policy={rng.choice(['hardware', 'fault'])}",
              f"mmu.walker.level_cycles={rng.choice([0, 1, 5])}",
              f"mmu.satp_modes={rng.choice(['bare,sv39', 'bare,sv39,sv48'])}",
              f"dram.mode={rng.choice(['fast', 'fast', 'fast', 'timed'])}",
              f"cpu.quantum_ns={rng.choice([100, 1000, 10000])}"]
    frames = rng.choice([16, 24, 32, 64])
    extra = rng.choice(["randacc:2048", "seqscan:512", "ptrchase:1024"])
    append = (f"frames={frames} run=memhog:{rng.randint(2, 6) * frames}x2,"
              f"cowswap:{rng.randint(2, 4) * frames},forktest,{extra}")
    return knobs, append


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--boots", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = time.monotonic()
    totals = {}
    boots = 0
    for b in range(args.boots):
        if args.seconds and time.monotonic() - start > args.seconds:
            break
        knobs, append = draw(rng)
        extra = [x for k in knobs for x in ("--set", k)]
        code, out = kernel_run.boot("vmplat", args.vmplat, args.kernel, append, 64, 1800,
                                    extra=extra)
        problems = kernel_run.problems_in(code, out, ["swap.outs"], [])
        if problems:
            sys.stdout.write(out)
            print(f"boot {b + 1} FAILED: {'; '.join(problems)}")
            print(f"repeat: {args.vmplat} --drive size=64M --append '{append}' "
                  + " ".join(extra) + f" {args.kernel}")
            return 1
        for name, value in kernel_run.counters(out.splitlines()).items():
            totals[name] = totals.get(name, 0) + value
        boots += 1
        print(f"boot {b + 1}: pass ({append}; " + " ".join(knobs) + ")", flush=True)
    print(f"knob_soak: {boots} boots, {time.monotonic() - start:.0f} s, every byte verified; "
          f"swap.outs {totals.get('swap.outs', 0)}, swap.ins {totals.get('swap.ins', 0)}, "
          f"page_faults.cow {totals.get('page_faults.cow', 0)}, corrupted pages 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
