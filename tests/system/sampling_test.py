#!/usr/bin/env python3
"""Fast-forward and sampling (docs/exploration.md, "Fast-forward and sampling"), one case per
invocation, on a steady TLB-hostile bare-metal workload (mmu_hostile: random word updates
over 4096 pages under Sv39) in timed DRAM mode:

  fast_forward   the same console, exit code and cpu.instret as a run without it; the
                 DRAM model counted nothing before the switch and something after; the
                 "detailed" counts are the whole run's minus the fast-forward's
  switch_point   the switch happens at the first quantum boundary at or after N
  cache_path     with the hart's data and the walker through L1D and L2 (cpu.data_path=l1d):
                 the caches are bypassed during the fast-forward (they count nothing), the
                 console and instructions are those of the run without it
  samples        as many samples as the period implies, each measuring between LENGTH and
                 LENGTH plus one quantum's instructions, each starting where it is due
  estimate       the sampled CPI's 95% interval holds the CPI of the full timed run of the
                 same part of the program, and the estimated cycles its cycles
  determinism    two sampled runs give identical samples
  bad_values     0 length, LENGTH + warm-up > PERIOD, non-numbers: one line, exit code 2

  sampling_test.py --vmplat VMPLAT --elf MMU_HOSTILE_ELF CASE
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# Past the workload's setup (mapping 4096 pages), into its steady loop.
FAST_FORWARD = 1_000_000


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, *extra, timed=True):
    with tempfile.TemporaryDirectory(prefix="vmplat-sampling-") as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        cmd = [args.vmplat, *(["--mode", "timed"] if timed else []), "--stats", stats_file,
               *extra, args.elf]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        if p.returncode != 0:
            fail(f"{' '.join(cmd)}: exit code {p.returncode}\n{out}\n{err}")
        return out, err, json.load(open(stats_file))


def quantum_instructions(j):
    """An upper bound of the instructions one quantum holds: one per cycle at most."""
    return int(j["config"]["cpu.quantum_ns"] * j["config"]["cpu.freq_mhz"] / 1000)


def case_fast_forward(args):
    out0, _, full = run(args)
    out1, err1, ff = run(args, "--fast-forward", str(FAST_FORWARD))
    out2, _, fast = run(args, timed=False)
    if not (out0 == out1 == out2) or "hostile:" not in out0:
        fail(f"consoles differ:\n{out0}\n{out1}\n{out2}")
    for name in ("cpu.instret", "mmu.dtlb.misses.load", "mmu.walker.walks"):
        if not full["stats"][name] == ff["stats"][name] == fast["stats"][name]:
            fail(f"{name}: {full['stats'][name]} without fast-forward, {ff['stats'][name]} "
                 f"with it, {fast['stats'][name]} in fast mode")
    before, detailed = ff["fast_forward"]["stats"], ff["detailed"]["stats"]
    for name in ("dram.reads", "dram.writes", "dram.bursts"):
        if before[name] != 0:
            fail(f"{name} = {before[name]} during the fast-forward: the DRAM model was used")
        if detailed[name] == 0 or detailed[name] != ff["stats"][name]:
            fail(f"{name}: detailed {detailed[name]}, whole run {ff['stats'][name]}")
    for name in ("cpu.instret", "cpu.cycles", "mmu.walker.walks", "mmu.dtlb.misses.load"):
        if detailed[name] != ff["stats"][name] - before[name] or detailed[name] == 0:
            fail(f"{name}: detailed {detailed[name]} != {ff['stats'][name]} - {before[name]}")
    d = ff["detailed"]
    if abs(d["cpi"] - detailed["cpu.cycles"] / detailed["cpu.instret"]) > 1e-9:
        fail(f"detailed CPI {d['cpi']}")
    if "fast-forward of 1000000 instructions ended at" not in err1:
        fail("the summary does not say what the statistics cover:\n" + err1)
    print(f"ok: {ff['stats']['cpu.instret']} instructions, {d['instructions']} detailed, "
          f"CPI {d['cpi']:.4f}, DRAM reads {detailed['dram.reads']} all after the switch")


def case_switch_point(args):
    for n in (FAST_FORWARD, FAST_FORWARD + 12345):
        _, _, j = run(args, "--fast-forward", str(n))
        f = j["fast_forward"]
        q = quantum_instructions(j)
        if not (f["reached"] and n <= f["progress"] < n + q):
            fail(f"--fast-forward {n}: switched at {f['progress']}, not in [{n}, {n + q})")
        if f["instructions"] != f["stats"]["cpu.instret"] or f["instructions"] > f["progress"]:
            fail(f"recorded instructions {f['instructions']}, progress {f['progress']}")
        print(f"ok: --fast-forward {n} switched at {f['progress']}")


def case_cache_path(args):
    paths = ["--set", "cpu.data_path=l1d", "--set", "mmu.walker.path=l1d"]
    out0, _, full = run(args, *paths)
    out1, _, ff = run(args, *paths, "--fast-forward", str(FAST_FORWARD))
    if out0 != out1 or full["stats"]["cpu.instret"] != ff["stats"]["cpu.instret"]:
        fail("the console or instructions differ with a fast-forward through the caches")
    before, detailed = ff["fast_forward"]["stats"], ff["detailed"]["stats"]
    for name in ("cache.l1d.reads", "cache.l1d.writes", "cache.l2.fills", "dram.reads"):
        if before[name] != 0 or detailed[name] == 0:
            fail(f"{name}: {before[name]} during the fast-forward, {detailed[name]} after")
    print(f"ok: L1D reads {detailed['cache.l1d.reads']} all after the switch")


def sampled(args, period=200_000, length=10_000, warmup=2_000):
    return run(args, "--fast-forward", str(FAST_FORWARD), "--sample", f"{period}:{length}",
               "--set", f"sampling.warmup={warmup}")


def case_samples(args):
    period, length, warmup = 200_000, 10_000, 2_000
    _, err, j = sampled(args, period, length, warmup)
    q = quantum_instructions(j)
    total = j["stats"]["cpu.instret"] + sum(
        v for k, v in j["stats"].items() if k.startswith("cpu.exceptions.")
        or k.startswith("cpu.interrupts."))
    samples = j["samples"]
    # Sample k's warm-up is due at FAST_FORWARD + k * period; it completes when the run
    # still has warmup + length (plus up to two quanta of lateness) left.
    fits = [k for k in range(total) if FAST_FORWARD + k * period + warmup + length <= total]
    sure = [k for k in fits if FAST_FORWARD + k * period + warmup + length + 3 * q <= total]
    if not len(sure) <= len(samples) <= len(fits) or len(samples) < 5:
        fail(f"{len(samples)} samples over {total} instructions, expected "
             f"{len(sure)}..{len(fits)}")
    for k, s in enumerate(samples):
        due = FAST_FORWARD + k * period + warmup
        if not due <= s["start"] < due + 2 * q:
            fail(f"sample {k} measured from {s['start']}, due at {due}")
        if not length <= s["end"] - s["start"] <= length + q:
            fail(f"sample {k} measured {s['end'] - s['start']} instructions, not in "
                 f"[{length}, {length + q}]")
        if s["instructions"] > s["end"] - s["start"] or s["cycles"] == 0:
            fail(f"sample {k}: {s}")
    if j["sample_estimate"]["cpi"]["n"] != len(samples):
        fail("the estimate is not over every sample")
    if "sampled CPI" not in err:
        fail("no CPI estimate on standard error:\n" + err)
    print(f"ok: {len(samples)} samples over {total} instructions")


def case_estimate(args):
    _, _, full = run(args, "--fast-forward", str(FAST_FORWARD))
    _, _, j = sampled(args)
    truth = full["detailed"]["cpi"]
    est = j["sample_estimate"]
    lo, hi = est["cpi"]["ci95"]
    if not lo <= truth <= hi or hi - lo <= 0:
        fail(f"CPI of the timed run {truth:.4f} outside the sampled interval [{lo:.4f}, "
             f"{hi:.4f}] (mean {est['cpi']['mean']:.4f}, n {est['cpi']['n']})")
    cycles = full["detailed"]["cycles"]
    clo, chi = est["cycles"]["ci95"]
    if est["instructions"] != full["detailed"]["instructions"] or not clo <= cycles <= chi:
        fail(f"estimated cycles [{clo:.0f}, {chi:.0f}] for {est['instructions']} instructions, "
             f"timed run {cycles} for {full['detailed']['instructions']}")
    dtlb = est["dtlb_mpki"]
    truth_dtlb = 1000 * sum(v for k, v in full["detailed"]["stats"].items()
                            if k.startswith("mmu.dtlb.misses.")) / full["detailed"]["instructions"]
    if not dtlb["ci95"][0] <= truth_dtlb <= dtlb["ci95"][1]:
        fail(f"DTLB MPKI {truth_dtlb:.2f} outside [{dtlb['ci95'][0]:.2f}, {dtlb['ci95'][1]:.2f}]")
    print(f"ok: timed CPI {truth:.4f} in [{lo:.4f}, {hi:.4f}] (n {est['cpi']['n']}); "
          f"DTLB MPKI {truth_dtlb:.2f} in [{dtlb['ci95'][0]:.2f}, {dtlb['ci95'][1]:.2f}]")


def case_determinism(args):
    _, _, a = sampled(args)
    _, _, b = sampled(args)
    if a["samples"] != b["samples"] or a["sample_estimate"] != b["sample_estimate"]:
        fail("two sampled runs differ")
    print(f"ok: {len(a['samples'])} identical samples")


def case_bad_values(args):
    cases = [
        (["--sample", "100000:0"], "sampling.length"),
        (["--sample", "100000:90000", "--set", "sampling.warmup=20000"], "sampling.period"),
        (["--sample", "1000:2000"], "sampling.period"),
        (["--sample", "abc:100"], "sampling.period"),
        (["--sample", "100000:ten"], "sampling.length"),
        (["--sample", "100000"], "PERIOD:LENGTH"),
        (["--fast-forward", "-5"], "sampling.fast_forward"),
        (["--fast-forward", "1e6"], "sampling.fast_forward"),
    ]
    for extra, word in cases:
        p = subprocess.run([args.vmplat, *extra, args.elf], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        if p.returncode != 2 or len(lines) != 1 or not lines[0].startswith("vmplat: error:") \
                or word not in lines[0] or p.stdout:
            fail(f"{' '.join(extra)}: exit code {p.returncode}, stderr {lines}")
        print(f"ok: {lines[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vmplat", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("case")
    args = parser.parse_args()
    globals()["case_" + args.case](args)


if __name__ == "__main__":
    main()
