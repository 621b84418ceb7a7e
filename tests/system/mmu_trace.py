#!/usr/bin/env python3
"""System tests of the MMU event trace (--mmu-trace, mmu.trace.*; docs/debugging.md).

  mmu_trace.py --vmplat VMPLAT --kernel KERNEL_ELF --workdir DIR CASE

CASE is one of:
  counts   a kernel run (fork, COW, swapping; the ITLB without ASIDs, so satp writes flush
           it) with --mmu-trace and --stats: the lines of each event, TLB and access kind
           equal the statistics exactly, and the statistics (but sim.host_*), the console
           and stderr equal those of the same run without the trace; a second traced run
           writes the same trace
  events   mmu.trace.events=walk writes walk lines only, one per walk
  vaddr    mmu.trace.vaddr keeps only lines whose va is in the range (and flushes by no
           address); fewer lines than unfiltered, but some; LO+SIZE equals LO-HI
  errors   an unknown event name, a bad range and an unwritable file: exit code 2 and one
           error line naming the key
Exits 0 when the case holds, 1 with the reason otherwise.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

APPEND = "frames=64 run=forktest,randacc:96"
SETS = ["--set", "mmu.itlb.asid_bits=0"]
TLBS = ["itlb", "dtlb", "l2tlb"]
KINDS = ["fetch", "load", "store"]
FLUSH_KINDS = ["all", "asid", "vaddr", "vaddr_asid", "satp"]


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


class Runner:
    def __init__(self, args):
        self.args = args

    def path(self, name):
        return os.path.join(self.args.workdir, f"mmu_trace_{self.args.case}_{name}")

    def run(self, *extra, stats=None, check=True):
        cmd = [self.args.vmplat, "--quiet", "--drive", "size=64M", *SETS, *extra]
        if stats:
            cmd += ["--stats", stats]
        cmd += ["--append", APPEND, self.args.kernel]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        if check and p.returncode != 0:
            fail(f"{' '.join(cmd)}: exit code {p.returncode}\n{err}")
        return p.returncode, out, err

    def traced(self, name, *sets):
        """Runs with a trace; returns (events as dicts, stats, stdout, stderr)."""
        trace, stats = self.path(f"{name}.trace"), self.path(f"{name}.json")
        extra = ["--mmu-trace", trace]
        for s in sets:
            extra += ["--set", s]
        _, out, err = self.run(*extra, stats=stats)
        with open(stats) as f:
            j = json.load(f)
        return parse(trace), j, out, err


def parse(path):
    events = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            words = line.split()
            e = {"cycle": int(words[0]), "hart": int(words[1]), "event": words[2]}
            for kv in words[3:]:
                k, v = kv.split("=", 1)
                e[k] = v
            events.append(e)
    if not events:
        fail(f"{path} holds no event")
    return events


def check_equal(what, traced, counted, errors):
    if traced != counted:
        errors.append(f"{what}: {traced} lines in the trace, statistic {counted}")


def case_counts(r):
    events, j, out, err = r.traced("on")
    s = j["stats"]
    stats_off = r.path("off.json")
    _, out_off, err_off = r.run(stats=stats_off)
    with open(stats_off) as f:
        j_off = json.load(f)

    # The trace perturbs nothing: statistics, console and stderr are identical.
    host = {"sim.host_seconds", "sim.host_mips"}
    diff = sorted(k for k in set(s) | set(j_off["stats"])
                  if k not in host and s.get(k) != j_off["stats"].get(k))
    if diff:
        fail(f"statistics differ with the trace: {diff[:8]}")
    cfg_diff = sorted(k for k in set(j["config"]) | set(j_off["config"])
                      if not k.startswith("mmu.trace.") and
                      j["config"].get(k) != j_off["config"].get(k))
    if cfg_diff:
        fail(f"effective configuration differs beyond mmu.trace.*: {cfg_diff}")
    if out != out_off or err != err_off:
        fail("console output or stderr differs with the trace")
    if "PASS randacc" not in out:
        fail("the workload did not pass:\n" + out[-2000:])
    again, _, _, _ = r.traced("again")
    if again != events:
        fail("two identical runs give different traces")

    count = collections.Counter()
    sums = collections.Counter()
    last_cycle = 0
    for e in events:
        ev = e["event"]
        if e["hart"] != 0:
            fail(f"hart {e['hart']} in a one-hart trace")
        if e["cycle"] < last_cycle:
            fail(f"cycle goes back from {last_cycle} to {e['cycle']}")
        last_cycle = e["cycle"]
        if ev == "miss":
            count["miss", e["tlb"], e["access"]] += 1
        elif ev in ("fill", "evict"):
            count[ev, e["tlb"]] += 1
        elif ev == "flush":
            count["flush", e["tlb"], e["kind"]] += 1
            sums["flushed", e["tlb"]] += int(e["entries"])
        elif ev == "walk":
            ptes = e["ptes"].split(",")
            count["walk"] += 1
            sums["levels"] += int(e["levels"])
            sums["pwc"] += sum(p.endswith("(pwc)") for p in ptes)
            sums["reads"] += sum(not p.endswith("(pwc)") for p in ptes)
            sums["latency"] += int(e["latency"])
            sums["ad_update"] += "ad_update" in e
            sums["rewalk"] += "rewalk" in e
            if len(ptes) != int(e["levels"]):
                fail(f"walk lists {len(ptes)} PTEs for {e['levels']} levels: {e}")
            if e["result"] != "ok":
                count["fault", e["result"]] += 1
        else:
            fail(f"unknown event {ev}")

    errors = []
    for t in TLBS:
        for k in KINDS:
            check_equal(f"{t} {k} misses", count["miss", t, k], s[f"mmu.{t}.misses.{k}"], errors)
        check_equal(f"{t} fills", count["fill", t], s[f"mmu.{t}.fills"], errors)
        check_equal(f"{t} evictions", count["evict", t], s[f"mmu.{t}.evictions"], errors)
        for k in FLUSH_KINDS:
            check_equal(f"{t} {k} flushes", count["flush", t, k], s[f"mmu.{t}.flushes.{k}"],
                        errors)
        check_equal(f"{t} flushed entries", sums["flushed", t], s[f"mmu.{t}.flushed_entries"],
                    errors)
    check_equal("walks", count["walk"], s["mmu.walker.walks"], errors)
    check_equal("walk levels", sums["levels"], s["mmu.walker.levels"], errors)
    check_equal("PWC hits", sums["pwc"], s["mmu.pwc.hits"], errors)
    check_equal("PTE reads", sums["reads"], s["mmu.walker.pte_reads"], errors)
    check_equal("walk latency", sums["latency"], s["mmu.walker.latency"]["sum"], errors)
    check_equal("A/D updates", sums["ad_update"], s["mmu.walker.ad_updates"], errors)
    check_equal("rewalks", sums["rewalk"], s["mmu.rewalks"], errors)
    # Every MMU fault of this workload comes from a walk (no access is non-canonical).
    for k, name in [("fetch", "instr"), ("load", "load"), ("store", "store")]:
        check_equal(f"{k} page faults", count["fault", f"{name}_page_fault"],
                    s[f"mmu.page_faults.{k}"], errors)
        check_equal(f"{k} access faults", count["fault", f"{name}_access_fault"],
                    s[f"mmu.access_faults.{k}"], errors)
    if errors:
        fail("; ".join(errors))
    # The workload must exercise what it claims to, or the equalities prove little.
    for need in [("evict", "dtlb"), ("evict", "l2tlb"), ("flush", "itlb", "satp"),
                 ("flush", "dtlb", "vaddr_asid"), ("flush", "dtlb", "asid"),
                 ("fault", "store_page_fault")]:
        if not count[need]:
            fail(f"the workload has no {need} event")
    if not sums["pwc"] or not sums["ad_update"] or not sums["rewalk"]:
        fail(f"no PWC hit, A/D update or rewalk in the trace: {dict(sums)}")
    print(f"ok: {len(events)} events equal the statistics; stats and console unchanged")


def case_events(r):
    events, j, _, _ = r.traced("walk", "mmu.trace.events=walk")
    kinds = {e["event"] for e in events}
    if kinds != {"walk"}:
        fail(f"mmu.trace.events=walk wrote {sorted(kinds)}")
    check = []
    check_equal("walks", len(events), j["stats"]["mmu.walker.walks"], check)
    if check:
        fail(check[0])
    events, _, _, _ = r.traced("missflush", "mmu.trace.events=flush,miss")
    kinds = {e["event"] for e in events}
    if kinds != {"miss", "flush"}:
        fail(f"mmu.trace.events=flush,miss wrote {sorted(kinds)}")
    print(f"ok: walk lines only ({len(events)} miss/flush lines in the second run)")


def case_vaddr(r):
    lo, hi = 0x40000000, 0x4001ffff  # the first 32 pages of the user heap
    everything, _, _, _ = r.traced("all")
    inside, _, _, _ = r.traced("range", f"mmu.trace.vaddr=0x{lo:x}-0x{hi:x}")
    for e in inside:
        if "va" in e and not lo <= int(e["va"], 16) <= hi:
            fail(f"a line outside the range: {e}")
        if "va" not in e and (e["event"] != "flush" or e["kind"] in ("vaddr", "vaddr_asid")):
            fail(f"a line without va: {e}")
    with_va = [e for e in inside if "va" in e]
    expected = [e for e in everything
                if "va" not in e or lo <= int(e["va"], 16) <= hi]
    if not with_va or len(inside) >= len(everything):
        fail(f"{len(inside)} lines in the range ({len(with_va)} with va), "
             f"{len(everything)} unfiltered")
    if inside != expected:
        fail("the filtered trace is not the unfiltered one restricted to the range")
    sized, _, _, _ = r.traced("sized", f"mmu.trace.vaddr=0x{lo:x}+128K")
    if sized != inside:
        fail("LO+SIZE and the equivalent LO-HI give different traces")
    print(f"ok: {len(inside)} of {len(everything)} lines in 0x{lo:x}-0x{hi:x}")


def case_errors(r):
    def expect(words, *extra):
        code, out, err = r.run(*extra, check=False)
        lines = err.strip().splitlines()
        if code != 2 or len(lines) != 1 or not lines[0].startswith("vmplat: error: "):
            fail(f"{extra}: exit code {code}, stderr {err!r} (expected 2 and one error line)")
        for w in words:
            if w not in lines[0]:
                fail(f"{extra}: the error line does not mention {w!r}: {lines[0]}")
        if out:
            fail(f"{extra}: output on stdout: {out!r}")
        print(f"ok: {lines[0]}")

    expect(["mmu.trace.events", "'wlak'", "allowed", "miss, fill, evict, flush, walk"],
           "--set", "mmu.trace.events=miss,wlak")
    expect(["mmu.trace.vaddr", "'0x2000-0x1000'", "allowed", "LO-HI"],
           "--set", "mmu.trace.vaddr=0x2000-0x1000")
    expect(["mmu.trace.vaddr", "'0x1000+'", "allowed"], "--set", "mmu.trace.vaddr=0x1000+")
    bad = os.path.join(r.args.workdir, "no-such-dir", "t.log")
    expect(["mmu.trace.file", f"cannot open '{bad}' for writing"], "--mmu-trace", bad)
    p = subprocess.run([r.args.vmplat, "--help"], capture_output=True, text=True)
    if p.returncode != 0 or "--mmu-trace FILE" not in p.stdout or \
            "[mmu.trace.file]" not in p.stdout:
        fail("--help does not describe --mmu-trace")
    print("ok: --help describes --mmu-trace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("case", choices=["counts", "events", "vaddr", "errors"])
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    globals()[f"case_{args.case}"](Runner(args))


if __name__ == "__main__":
    main()
