#!/usr/bin/env python3
"""How fast vmplat-sweep gets through a sweep: wall time with 1..N parallel jobs against the
time the vmplat processes themselves took, so the tool's own overhead (validation, process
start, result files, table, plots) shows. Prints figures; never fails on speed.

  bench/sweep_scaling.py [--sweep examples/tlb-size.json] [--build build] [--jobs 1,2]

Each measurement starts from an empty results directory (no cache).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", default=os.path.join(ROOT, "examples", "tlb-size.json"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--jobs", default=f"1,{len(os.sched_getaffinity(0))}")
    args = ap.parse_args()
    tool = os.path.join(ROOT, "tools", "vmplat-sweep")
    print(f"{'jobs':>4} {'points':>6} {'wall s':>8} {'vmplat s':>9} {'points/s':>9} "
          f"{'overhead s':>10}")
    for jobs in [int(j) for j in args.jobs.split(",")]:
        out = tempfile.mkdtemp(prefix="sweep-bench-")
        try:
            t0 = time.monotonic()
            p = subprocess.run([sys.executable, tool, "run", args.sweep, "-o", out, "-j",
                                str(jobs), "--build", args.build], capture_output=True,
                               text=True)
            wall = time.monotonic() - t0
            if p.returncode != 0:
                sys.exit(f"sweep failed (exit {p.returncode}): {p.stderr[-500:]}")
            points = [json.load(open(os.path.join(out, "points", n)))
                      for n in os.listdir(os.path.join(out, "points"))]
            busy = sum(r["seconds"] for r in points)
            print(f"{jobs:>4} {len(points):>6} {wall:>8.2f} {busy:>9.2f} "
                  f"{len(points) / wall:>9.1f} {wall - busy / jobs:>10.2f}")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
