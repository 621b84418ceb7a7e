#!/usr/bin/env python3
"""What checkpoints save (docs/checkpoints.md): a sweep of Linux points with and without
"checkpoint": "marker", and one Linux checkpoint's size and restore time.

  python3 bench/checkpoint_bench.py [--build build] [--sweep examples/linux/checkpoint-tlb.json]
                                    [-j 2]

Prints wall-clock seconds of the sweep both ways (each from an empty results directory)
and their ratio, then the checkpoint after the boot: instructions, RAM pages, bytes on
disk, and the wall time of the boot run and of a restored run of the same workload.
Needs the Linux kit (scripts/linux-kit.sh fetches it) and riscv64-linux-gnu-gcc.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    started = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        sys.exit(f"checkpoint_bench: {' '.join(cmd[:4])}... failed (exit {p.returncode}):\n"
                 + p.stderr[-1500:])
    return time.monotonic() - started, p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--sweep", default=os.path.join(REPO, "examples", "linux",
                                                    "checkpoint-tlb.json"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    vmplat = os.path.join(build, "platforms", "virt", "vmplat")
    tool = os.path.join(REPO, "tools", "vmplat-sweep")
    with open(a.sweep) as f:
        data = json.load(f)
    with tempfile.TemporaryDirectory(prefix="vmplat-ckbench-") as tmp:
        plain = dict(data, name="plain")
        plain.pop("checkpoint", None)
        marked = dict(data, name="marked", checkpoint="marker")
        times = {}
        for name, sweep in (("without checkpoints", plain), ("with checkpoints", marked)):
            path = os.path.join(tmp, f"{sweep['name']}.json")
            with open(path, "w") as f:
                json.dump(sweep, f)
            times[name], _ = timed([sys.executable, tool, "run", path, "--build", build,
                                    "-j", str(a.jobs), "--no-plot",
                                    "-o", os.path.join(tmp, sweep["name"])])
        points = len(json.load(open(os.path.join(tmp, "marked", "plan.json")))["points"])
        print(f"sweep {os.path.relpath(a.sweep, REPO)}: {points} points, -j{a.jobs}")
        for name, t in times.items():
            print(f"  {name:20s} {t:7.1f} s wall")
        print(f"  ratio                {times['without checkpoints'] / times['with checkpoints']:7.2f}x")

        ck = os.path.join(tmp, "ck")
        linux = ["bash", os.path.join(REPO, "scripts", "linux.sh"), "--build", build, "--run",
                 "vmwork roi checkpoint boot; randacc 256", "--"]
        boot_s, _ = timed([*linux, "--quiet", "--checkpoint-on-marker", "--checkpoint-dir", ck])
        rest_s, p = timed([vmplat, "--restore", ck, "--quiet"])
        m = json.load(open(os.path.join(ck, "manifest.json")))
        size = sum(os.path.getsize(os.path.join(ck, f)) for f in os.listdir(ck))
        print(f"Linux checkpoint after the boot: {m['instret'] / 1e6:.1f} M instructions, "
              f"{m['ram']['pages']} RAM pages, {size / 1e6:.1f} MB on disk")
        print(f"  boot and workload    {boot_s:7.1f} s wall")
        print(f"  restored workload    {rest_s:7.1f} s wall")


if __name__ == "__main__":
    main()
