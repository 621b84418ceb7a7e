#!/usr/bin/env python3
"""System tests of regions of interest through the sim-control device (docs/exploration.md,
"Regions of interest"): one case per call.

  roi_test.py --vmplat VMPLAT --sw SW_BUILD_DIR --workdir DIR [--qemu QEMU] CASE

  firmware        sw/tests/platform/roi.elf: a snapshot before any reset holds the whole
                  run's counts; the region from RESET_STATS to SNAPSHOT "loop" holds exactly
                  the instructions the firmware's assembly executes there, and the next
                  snapshot, with no reset between, exactly those plus the next region's; the
                  checkpoint request is counted; END's argument is vmplat's exit code; the
                  summary prints a line per snapshot
  firmware_timed  the same with timed DRAM through the L1 data cache and a 50 ns quantum
                  (quantum boundaries inside the regions): the same exact counts
  kernel          our kernel with roi=1: seqscan's and randacc's regions, reached through
                  the simctl system call, hold the loads and stores those loops must make
                  (repeat translations the hart had not yet told the TLB included)
  kernel_default  our kernel without roi=1: no snapshot and no device access
  kernel_qemu     our kernel with roi=1 on QEMU, which has no such device: the programs
                  pass and the console is the one vmplat prints
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
# sw/tests/platform/roi.c: the loop counts of its two regions, two instructions an iteration.
LOOP_N, MORE_M = 1000, 500
PAGE_WORDS = 512


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}")


def run_vmplat(args, name, extra, timeout=120):
    stats = os.path.join(args.workdir, f"roi_{name}.json")
    if os.path.exists(stats):
        os.remove(stats)
    cmd = [args.vmplat, "--stats", stats, *extra]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not os.path.exists(stats):
        fail(f"{' '.join(cmd)} wrote no statistics (exit {p.returncode}):\n{p.stderr}")
    with open(stats) as f:
        return p, json.load(f)


def by_name(snapshots):
    return {s["name"]: s for s in snapshots}


def case_firmware(args, extra=()):
    p, j = run_vmplat(args, "firmware" + ("_timed" if extra else ""),
                      [*extra, os.path.join(args.sw, "tests/platform/roi.elf")])
    check(p.returncode == 7, f"END with ARG 7 is vmplat's exit code 7 (got {p.returncode})")
    check("sim-control" in j["vmplat"]["stop_reason"],
          f"the stop reason names sim-control: {j['vmplat']['stop_reason']!r}")
    check("roi: 3 snapshots" in p.stdout, "COUNT reads 3 after three snapshots")
    snaps = j["snapshots"]
    check([s["name"] for s in snaps] == ["start", "loop", "more"],
          f"the snapshots in order: {[s['name'] for s in snaps]}")
    start, loop, more = snaps
    # Before any RESET_STATS the baseline is the start of the run: the snapshot's counts
    # are the whole run's at that point.
    check(start["stats"]["cpu.instret"] == start["instret"] > 0,
          f"'start' holds the whole run's cpu.instret ({start['stats']['cpu.instret']} == "
          f"instret {start['instret']})")
    check(start["stats"]["cpu.cycles"] > 0, "'start' holds the whole run's cycles")
    want = 2 * LOOP_N + 2
    check(loop["stats"]["cpu.instret"] == want,
          f"'loop' holds exactly the region's {want} instructions "
          f"(got {loop['stats']['cpu.instret']})")
    more_want = 2 * MORE_M + 2
    check(more["stats"]["cpu.instret"] - loop["stats"]["cpu.instret"] == more_want,
          f"'more' (no reset since 'loop') adds exactly the next region's {more_want}")
    check(more["instret"] - loop["instret"] == more_want,
          "the snapshots' instret fields are as far apart")
    for name, v in loop["stats"].items():
        if isinstance(v, int) and more["stats"][name] < v:
            fail(f"{name} decreased from 'loop' to 'more' with no reset between")
    check(loop["stats"]["cpu.cycles"] >= want and loop["time_ns"] < more["time_ns"],
          "cycles and time advance through the regions")
    check(j["stats"]["simctl.commands.checkpoint"] == 1 and
          j["stats"]["simctl.commands.snapshot"] == 3 and
          j["stats"]["simctl.commands.end"] == 1 and j["stats"]["simctl.bad_commands"] == 0,
          "the device's command counters")
    check(j["stats"]["cpu.instret"] > more["instret"], "the whole run goes on after the regions")
    line = re.search(r"snapshot loop: instret (\d+), cpu.instret \+(\d+), cpu.cycles \+\d+, "
                     r"mmu.dtlb misses \+\d+", p.stderr)
    check(line and int(line.group(2)) == want, "the summary has a line per snapshot")


def kernel_run(args, name, append):
    elf = os.path.join(args.sw, "kernel/kernel.elf")
    return run_vmplat(args, name, ["--drive", "size=64M", "--append", append, elf], timeout=600)


def case_kernel(args):
    pages = {"seqscan": 64, "randacc": 32}
    p, j = kernel_run(args, "kernel",
                      f"quantum=0 roi=1 run=seqscan:{pages['seqscan']},randacc:{pages['randacc']}")
    check(p.returncode == 0, f"the kernel passes (exit {p.returncode})")
    check("suite: 2 passed, 0 failed" in p.stdout, "both programs pass")
    snaps = by_name(j["snapshots"])
    check(sorted(snaps) == ["randacc", "seqscan"], f"one snapshot per program: {sorted(snaps)}")
    seq = snaps["seqscan"]["stats"]
    words = pages["seqscan"] * PAGE_WORDS
    # seqscan stores every word once and loads it four times; each access is one DTLB
    # lookup, most of them repeats the hart counts itself until statistics are read.
    check(seq["mmu.dtlb.lookups.store"] >= words,
          f"seqscan's region has its {words} stores ({seq['mmu.dtlb.lookups.store']} lookups)")
    check(seq["mmu.dtlb.lookups.load"] >= 4 * words,
          f"seqscan's region has its {4 * words} loads ({seq['mmu.dtlb.lookups.load']} lookups)")
    check(seq["cpu.instret"] >= 5 * words and seq["cpu.instret"] < j["stats"]["cpu.instret"] / 2,
          f"seqscan's region is its loops, not the run ({seq['cpu.instret']} instructions)")
    check(seq["mmu.dtlb.misses.store"] >= pages["seqscan"] and seq["disk.requests.write"] == 0,
          "seqscan's region: a DTLB miss per page written, nothing swapped")
    rnd = snaps["randacc"]["stats"]
    accesses = 64 * pages["randacc"]
    check(rnd["mmu.dtlb.lookups.load"] >= 2 * accesses and
          rnd["mmu.dtlb.lookups.store"] >= 2 * accesses,
          f"randacc's region has its {2 * accesses} increments and decrements")
    check(snaps["randacc"]["instret"] > snaps["seqscan"]["instret"],
          "the snapshots' instret fields follow the run")
    check(j["stats"]["simctl.commands.reset_stats"] == 2 and j["stats"]["simctl.bad_commands"] == 0,
          "each program reset the statistics once")


def case_kernel_default(args):
    p, j = kernel_run(args, "kernel_default", "quantum=0 run=seqscan:64,randacc:32")
    check(p.returncode == 0 and "suite: 2 passed, 0 failed" in p.stdout, "the kernel passes")
    check(j["snapshots"] == [], "no snapshot without roi=1")
    check(sum(v for k, v in j["stats"].items() if k.startswith("simctl.")) == 0,
          "no sim-control command without roi=1")


def case_kernel_qemu(args):
    qemu = args.qemu or shutil.which("qemu-system-riscv64")
    if not qemu:
        print("SKIP: no qemu-system-riscv64")
        sys.exit(SKIP)
    elf = os.path.join(args.sw, "kernel/kernel.elf")
    append = "quantum=0 roi=1 run=seqscan:64,randacc:32"
    q = subprocess.run([qemu, "-M", "virt", "-bios", "none", "-nographic", "-m", "128M",
                        "-append", append, "-kernel", elf],
                       capture_output=True, text=True, timeout=300)
    check(q.returncode == 0, f"the kernel passes on QEMU (exit {q.returncode})")
    functional = re.compile(r"^(PASS |FAIL |suite: )")
    lines = [l for l in q.stdout.splitlines() if functional.match(l)]
    check("suite: 2 passed, 0 failed" in lines, f"both programs pass on QEMU: {lines}")
    p, _ = kernel_run(args, "kernel_vs_qemu", append)
    mine = [l for l in p.stdout.splitlines() if functional.match(l)]
    check(mine == lines, "vmplat prints the same program lines")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--sw", required=True, help="the sw build directory")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--qemu")
    ap.add_argument("case", choices=["firmware", "firmware_timed", "kernel", "kernel_default",
                                     "kernel_qemu"])
    args = ap.parse_args()
    if args.case == "firmware":
        case_firmware(args)
    elif args.case == "firmware_timed":
        case_firmware(args, ["--set", "dram.mode=timed", "--set", "cpu.data_path=l1d",
                             "--set", "cpu.quantum_ns=50"])
    else:
        globals()["case_" + args.case](args)


if __name__ == "__main__":
    main()
