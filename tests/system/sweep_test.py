#!/usr/bin/env python3
"""System tests of tools/vmplat-sweep (issue 7) on the real vmplat and kernel.

  sweep_test.py --tool tools/vmplat-sweep --vmplat VMPLAT --build BUILD --workdir DIR CASE

CASE is one of:
  table      a small sweep produces results.csv / results.jsonl with the knob and metric
             columns, a summary and PNG/SVG plots; a fully associative LRU DTLB never misses
             more when it grows (LRU's inclusion property, same trace: quantum=0)
  resume     SIGINT after some points: the tool stops, reports it, and a rerun runs exactly
             the missing points, leaving the finished result files untouched
  resume_sigterm  the same with SIGTERM (a batch system or `kill` stopping the tool)
  failed     a point vmplat stops early is recorded with its exit code and stderr tail; the
             other points still run and the tool exits 1
  bad_files  unknown knob, bad value, a constraint vmplat refuses, unknown workload, no
             workloads, bad JSON: each rejected with exit 2 and a message naming it, before
             anything runs
  checkpoint "checkpoint": "marker": one boot per value of the keys a restore keeps (Sv39,
             Sv48), every point restored from it, counting only what follows the checkpoint;
             a rerun boots and runs nothing; a checkpoint directory given as a workload
             ("restore") runs the same restored points
Exits 0 when the case holds, 1 with the figures otherwise.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time


class Case:
    def __init__(self, args):
        self.args = args
        self.dir = os.path.join(args.workdir, f"sweep_{args.case}")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def sweep_file(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(data if isinstance(data, str) else json.dumps(data, indent=1))
        return path

    def cmd(self, sweep, out, *extra):
        return [sys.executable, self.args.tool, "run", sweep, "-o", out, "--vmplat",
                self.args.vmplat, "--build", self.args.build, *extra]

    def run(self, sweep, out, *extra):
        p = subprocess.run(self.cmd(sweep, out, *extra), capture_output=True, text=True,
                           timeout=200)
        return p


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def read_csv(path):
    with open(path) as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


FULL_LRU = {"label": "full-lru", "mmu.dtlb.ways": "=mmu.dtlb.entries", "mmu.dtlb.policy": "lru"}


def case_table(c):
    sweep = c.sweep_file("table.json", {
        "name": "table", "boot": "quantum=0",
        "base": {"mmu.l2tlb.entries": 0},
        "grid": {"mmu.dtlb.entries": [2, 4, 8, 16, 32, 64, 128],
                 "assoc": [FULL_LRU, {"label": "2-way", "mmu.dtlb.ways": 2}]},
        "workloads": ["randacc:48", "ptrchase:48"]})
    out = os.path.join(c.dir, "out")
    p = c.run(sweep, out)
    print(p.stderr[-1500:])
    check(p.returncode == 0, f"exit code {p.returncode}")
    cols, rows = read_csv(os.path.join(out, "results.csv"))
    want = ["index", "status", "workload", "mmu.dtlb.entries", "assoc", "mmu.dtlb.ways",
            "mmu.dtlb.policy", "instret", "cycles", "ipc", "itlb_mpki", "dtlb_mpki",
            "walks", "walk_cycles", "error"]
    missing = [w for w in want if w not in cols]
    check(not missing, f"results.csv lacks columns {missing}: {cols}")
    check(len(rows) == 28 and all(r["status"] == "ok" for r in rows),
          f"expected 28 ok rows, got {[(r['index'], r['status']) for r in rows]}")
    with open(os.path.join(out, "results.jsonl")) as f:
        lines = [json.loads(l) for l in f]
    check(len(lines) == 28 and lines[0]["stats"]["cpu.instret"] == int(rows[0]["instret"]),
          "results.jsonl does not hold the rows with their statistics")
    for r in rows:
        mpki = 1000 * int(r["dtlb_misses"]) / int(r["instret"])
        check(abs(float(r["dtlb_mpki"]) - mpki) < 1e-3 * max(mpki, 1),
              f"point {r['index']}: dtlb_mpki {r['dtlb_mpki']} but misses/instret*1000 {mpki}")
        mean = int(r["walk_cycles"]) / int(r["walks"])
        check(abs(float(r["mean_walk_cycles"]) - mean) < 1e-3 * mean,
              f"point {r['index']}: mean_walk_cycles {r['mean_walk_cycles']} but {mean}")
        # The kernel maps its own DRAM and MMIO with gigapages: some walks end there.
        check(0 < int(r["superpage_walks"]) < int(r["walks"]) <= int(r["walk_levels"]),
              f"point {r['index']}: superpage_walks {r['superpage_walks']}, walks "
              f"{r['walks']}, walk_levels {r['walk_levels']}")
    for w in ("randacc:48", "ptrchase:48"):
        full = sorted((int(r["mmu.dtlb.entries"]), int(r["dtlb_misses"])) for r in rows
                      if r["workload"] == w and r["assoc"] == "full-lru")
        print(w, "fully associative LRU: entries -> DTLB misses", full)
        check(all(a[1] >= b[1] for a, b in zip(full, full[1:])),
              f"{w}: a larger fully associative LRU DTLB missed more: {full}")
        check(full[0][1] > 2 * full[-1][1], f"{w}: size made no difference: {full}")
    with open(os.path.join(out, "summary.txt")) as f:
        summary = f.read()
    check("workload randacc:48" in summary and "best  point" in summary,
          f"summary lacks the best point per workload:\n{summary}")
    for m in ("dtlb_mpki", "walk_cycles"):
        for ext in ("png", "svg"):
            path = os.path.join(out, "plots", f"{m}.{ext}")
            check(os.path.getsize(path) > 1000, f"plot {path} missing or empty")
    print("PASS table")


def case_resume(c, signum=signal.SIGINT):
    sweep = c.sweep_file("resume.json", {
        "name": "resume", "base": {"mmu.l2tlb.entries": 0, "mmu.dtlb.ways": "=mmu.dtlb.entries"},
        "grid": {"mmu.dtlb.entries": [4, 8, 16, 32, 64, 128, 256, 512]},
        "workloads": ["randacc:384"]})
    out = os.path.join(c.dir, "out")
    points = os.path.join(out, "points")
    proc = subprocess.Popen(c.cmd(sweep, out, "-j", "1"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = [n for n in os.listdir(points) if n.endswith(".json")] \
            if os.path.isdir(points) else []
        if len(done) >= 3 or proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    print(err[-1500:])
    check(proc.returncode == 128 + signum,
          f"interrupted sweep exited {proc.returncode}, expected {128 + signum}")
    check("interrupted:" in err, "the tool did not report the interruption")
    first = {n: os.stat(os.path.join(points, n)).st_mtime_ns for n in os.listdir(points)}
    check(0 < len(first) < 8, f"{len(first)} points finished before the signal; expected 1..7")
    check(not os.path.exists(os.path.join(out, "results.csv")),
          "an interrupted sweep wrote a table")
    p = c.run(sweep, out, "-j", "1")
    print(p.stderr[-1500:])
    check(p.returncode == 0, f"resumed sweep exited {p.returncode}")
    check(f"{len(first)} cached, {8 - len(first)} to run" in p.stderr and
          f"ran {8 - len(first)} points" in p.stderr,
          f"the rerun did not run exactly the {8 - len(first)} missing points")
    for n, mtime in first.items():
        check(os.stat(os.path.join(points, n)).st_mtime_ns == mtime,
              f"finished point {n} was run again")
    _, rows = read_csv(os.path.join(out, "results.csv"))
    check(len(rows) == 8 and all(r["status"] == "ok" for r in rows), "incomplete table")
    again = c.run(sweep, out, "-j", "1", "--no-plot")
    check("8 cached, 0 to run" in again.stderr and "ran 0 points" in again.stderr,
          f"a third run ran something: {again.stderr[-500:]}")
    print(f"PASS resume: {len(first)} points before {signal.Signals(signum).name}, "
          f"{8 - len(first)} after")


def case_failed(c):
    sweep = c.sweep_file("failed.json", {
        "name": "failed",
        "grid": {"cpu.max_instructions": [0, 200000]},
        "workloads": ["randacc:32"]})
    out = os.path.join(c.dir, "out")
    p = c.run(sweep, out, "--no-plot")
    print(p.stderr[-1000:])
    check(p.returncode == 1, f"a sweep with a failed point exited {p.returncode}, expected 1")
    _, rows = read_csv(os.path.join(out, "results.csv"))
    by = {r["cpu.max_instructions"]: r for r in rows}
    check(by["0"]["status"] == "ok", "the good point did not run")
    bad = by["200000"]
    check(bad["status"] == "failed" and bad["error"] == "exit code 124",
          f"failed point recorded as {bad['status']} / {bad['error']!r}")
    with open(os.path.join(out, "results.jsonl")) as f:
        rec = [json.loads(l) for l in f][int(bad["index"])]
    check("instruction limit" in rec.get("stderr_tail", ""),
          f"no stderr tail in the failed point's record: {rec.get('stderr_tail')!r}")
    again = c.run(sweep, out, "--no-plot")
    check("2 cached, 0 to run" in again.stderr,
          "a deterministic failure was run again without --retry-failed")
    print("PASS failed point recorded:", bad["error"])


BAD = {
    "unknown_knob": ({"grid": {"mmu.dtlb.entires": [8, 16]}, "workloads": ["randacc:8"]},
                     "unknown configuration key 'mmu.dtlb.entires' (did you mean "
                     "mmu.dtlb.entries?)"),
    "bad_value": ({"grid": {"mmu.dtlb.policy": ["lru", "lfu"]}, "workloads": ["randacc:8"]},
                  "mmu.dtlb.policy = 'lfu' is not allowed; allowed: one of lru, plru, fifo"),
    "out_of_range": ({"base": {"mmu.dtlb.entries": 0}, "workloads": ["randacc:8"]},
                     "base: mmu.dtlb.entries = '0' is not allowed; allowed: integer"),
    "constraint": ({"grid": {"mmu.dtlb.entries": [64, 48]}, "base": {"mmu.dtlb.ways": 32},
                    "workloads": ["randacc:8"]},
                   "point 1 (workload randacc:8, mmu.dtlb.entries=48): vmplat refuses the "
                   "configuration: mmu.dtlb.ways: 32 does not divide"),
    "unknown_workload": ({"workloads": ["randacc:8", "nosuchprog:4"]},
                         "workload 'nosuchprog:4': the kernel has no program 'nosuchprog'"),
    "no_workloads": ({"grid": {"mmu.dtlb.entries": [8]}}, "no workloads"),
    "missing_elf": ({"workloads": [{"label": "x", "firmware": "/nonexistent/x.elf"}]},
                    "workload 'x': firmware /nonexistent/x.elf does not exist"),
    "bad_json": ('{"workloads": ["randacc:8"],}', ":1:29: not valid JSON"),
}


def case_bad_files(c):
    for name, (data, expect) in BAD.items():
        sweep = c.sweep_file(f"{name}.json", data)
        out = os.path.join(c.dir, f"out_{name}")
        p = c.run(sweep, out)
        err = p.stderr.strip()
        print(f"{name}: exit {p.returncode}: {err}")
        check(p.returncode == 2, f"{name}: exit code {p.returncode}, expected 2")
        check(err.startswith(f"vmplat-sweep: error: {sweep}") and expect in err,
              f"{name}: message does not name the file and '{expect}'")
        check(len(err.splitlines()) == 1, f"{name}: the error is not one line")
        check(not os.path.exists(out), f"{name}: something ran (results directory created)")
    print(f"PASS bad files: {len(BAD)} rejected before running")


def case_checkpoint(c):
    data = {"name": "ck", "boot": "quantum=0", "checkpoint": "marker",
            "base": {"mmu.dtlb.ways": 4, "mmu.l2tlb.entries": 0},
            "grid": {"mmu.dtlb.entries": [8, 64],
                     "mode": [{"label": "Sv39", "mmu.satp_modes": "bare,sv39"},
                              {"label": "Sv48", "mmu.satp_modes": "bare,sv39,sv48"}]},
            "workloads": ["randacc:256"]}
    sweep = c.sweep_file("ck.json", data)
    out = os.path.join(c.dir, "out")
    p = c.run(sweep, out)
    print(p.stderr[-1500:])
    check(p.returncode == 0, f"exit code {p.returncode}")
    check("sweep: booting 2 checkpoints" in p.stderr and p.stderr.count(" booted\n") == 2,
          "not exactly one boot per satp mode")
    cks = sorted(os.listdir(os.path.join(out, "checkpoints")))
    check(len(cks) == 2, f"expected 2 checkpoints, found {cks}")
    boot_instret = []
    for ck in cks:
        with open(os.path.join(out, "checkpoints", ck, "manifest.json")) as f:
            m = json.load(f)
        check(m["name"] == "boot", f"checkpoint {ck} is named {m['name']!r}, not the marker's")
        boot_instret.append(m["instret"])
    _, rows = read_csv(os.path.join(out, "results.csv"))
    check(len(rows) == 4 and all(r["status"] == "ok" for r in rows), "not 4 ok points")
    # The same points booted from reset: the restored points count only the workload.
    plain = dict(data, name="plain")
    del plain["checkpoint"]
    p2 = c.run(c.sweep_file("plain.json", plain), os.path.join(c.dir, "plain"))
    check(p2.returncode == 0, f"plain sweep: exit code {p2.returncode}")
    _, plain_rows = read_csv(os.path.join(c.dir, "plain", "results.csv"))
    for r, q in zip(rows, plain_rows):
        restored, full = int(r["instret"]), int(q["instret"])
        print(f"point {r['index']} {r['mode']} dtlb {r['mmu.dtlb.entries']}: restored "
              f"{restored} instructions, from reset {full}, boots {boot_instret}")
        check(restored < full and any(abs(restored + b - full) < full // 50 for b in boot_instret),
              f"point {r['index']}: restored {restored} + boot != from reset {full}")
    by = {(r["mode"], r["mmu.dtlb.entries"]): int(r["dtlb_misses"]) for r in rows}
    check(by[("Sv39", "8")] > by[("Sv39", "64")] and by[("Sv48", "8")] > by[("Sv48", "64")],
          f"a larger DTLB did not miss less after the restore: {by}")
    p = c.run(sweep, out)
    check(p.returncode == 0 and "booting" not in p.stderr and "0 to run" in p.stderr,
          f"the rerun booted or ran again:\n{p.stderr[-800:]}")
    # A checkpoint directory as a workload: the same restored runs as the sweep's own.
    sv39 = [ck for ck in cks if json.load(open(os.path.join(out, "checkpoints", ck,
                                                            "manifest.json")))
            ["config"]["mmu.satp_modes"] == "bare,sv39"]
    check(len(sv39) == 1, f"no single Sv39 checkpoint among {cks}")
    given = c.sweep_file("given.json", {
        "name": "given", "base": data["base"], "grid": {"mmu.dtlb.entries": [8, 64]},
        "workloads": [{"label": "sv39-boot",
                       "restore": os.path.join(out, "checkpoints", sv39[0])}]})
    p = c.run(given, os.path.join(c.dir, "given"))
    check(p.returncode == 0, f"the sweep over a given checkpoint failed:\n{p.stderr[-800:]}")
    _, given_rows = read_csv(os.path.join(c.dir, "given", "results.csv"))
    for g in given_rows:
        same = [r for r in rows if r["mode"] == "Sv39" and
                r["mmu.dtlb.entries"] == g["mmu.dtlb.entries"]]
        check(len(same) == 1 and (g["instret"], g["dtlb_misses"]) ==
              (same[0]["instret"], same[0]["dtlb_misses"]),
              f"restoring the given checkpoint with dtlb {g['mmu.dtlb.entries']} differs "
              f"from the sweep's own restore: {g['instret']} {g['dtlb_misses']}")
    print("PASS checkpoint: 2 boots for 4 points; a given checkpoint restores the same")


CASES = {"checkpoint": case_checkpoint, "table": case_table, "resume": case_resume,
         "resume_sigterm": lambda c: case_resume(c, signal.SIGTERM), "failed": case_failed,
         "bad_files": case_bad_files}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True)
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()
    CASES[args.case](Case(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
