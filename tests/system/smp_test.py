#!/usr/bin/env python3
"""System tests of multi-hart runs (vmplat --smp N) with the litmus firmware
(sw/tests/smp/smp.elf) that run_firmware.py's single runs do not cover.

  smp_test.py --vmplat VMPLAT --elf SMP_ELF [--harts N] CASE

  determinism  two runs with N harts: the same exit code, console and statistics (all but
               sim.host_*, which measure the host)
  stats        one run with N harts: hart<i>.cpu.instret > 0 for i < N and no hart<N>;
               cpu.instret is their sum; hart<i>.cpu.interrupts.msi counts the IPIs the
               firmware sends (none to hart 0, 4 to each other hart) and cpu.interrupts.msi
               their sum
  bad_values   options that cannot work with more than one hart (or are no hart count):
               exit code 2, one "vmplat: error:" line on stderr naming the key, no stdout
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

IPI_ROUNDS = 4  # sw/tests/smp/smp.c


def run(cmd, timeout=60):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def run_with_stats(args, tmp, name, *extra):
    stats_file = os.path.join(tmp, name + ".json")
    code, out, err = run([args.vmplat, "--smp", str(args.harts), *extra, "--stats", stats_file,
                          args.elf])
    stats = json.load(open(stats_file))["stats"] if os.path.isfile(stats_file) else {}
    return code, out, err, stats


def report(problems, out="", err=""):
    if problems:
        sys.stdout.write(out)
        sys.stdout.write(err)
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    return 0


def case_determinism(args):
    with tempfile.TemporaryDirectory() as tmp:
        a = run_with_stats(args, tmp, "a")
        b = run_with_stats(args, tmp, "b")
    (a_code, a_out, a_err, a_stats), (b_code, b_out, b_err, b_stats) = a, b
    problems = []
    if not a_stats or not b_stats:
        problems.append("no statistics written")
    if a_code != b_code:
        problems.append(f"exit codes differ: {a_code} and {b_code}")
    if a_out != b_out:
        problems.append("console output differs")
    host = lambda k: k.startswith("sim.host")
    differ = sorted(k for k in set(a_stats) | set(b_stats)
                    if not host(k) and a_stats.get(k) != b_stats.get(k))
    for k in differ[:20]:
        print(f"{k}: {a_stats.get(k)} != {b_stats.get(k)}")
    if differ:
        problems.append(f"{len(differ)} statistics differ")
    if report(problems, a_out, a_err + b_err):
        return 1
    print(f"ok: two runs with {args.harts} harts agree: exit code {a_code}, "
          f"{len(a_out.splitlines())} console lines, {len(a_stats)} statistics, "
          f"{a_stats.get('cpu.instret')} instructions")
    return 0


def case_stats(args):
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err, stats = run_with_stats(args, tmp, "run")
    n = args.harts
    problems = []
    if not stats:
        problems.append(f"no statistics written (exit code {code})")
    instret = [stats.get(f"hart{h}.cpu.instret") for h in range(n)]
    for h, v in enumerate(instret):
        if v is None:
            problems.append(f"no statistic hart{h}.cpu.instret")
        elif not v > 0:
            problems.append(f"hart{h}.cpu.instret = {v}, expected > 0")
    extra = sorted(k for k in stats if k.startswith(f"hart{n}."))
    if extra:
        problems.append(f"statistics of a hart that does not exist: {extra[0]} ...")
    if None not in instret and stats.get("cpu.instret") != sum(instret):
        problems.append(f"cpu.instret = {stats.get('cpu.instret')}, expected the sum of the "
                        f"harts' {instret} = {sum(instret)}")
    msi = [stats.get(f"hart{h}.cpu.interrupts.msi") for h in range(n)]
    want = [0] + [IPI_ROUNDS] * (n - 1)
    if msi != want:
        problems.append(f"hart<i>.cpu.interrupts.msi = {msi}, expected {want}")
    if stats.get("cpu.interrupts.msi") != sum(want):
        problems.append(f"cpu.interrupts.msi = {stats.get('cpu.interrupts.msi')}, "
                        f"expected {sum(want)}")
    if report(problems, out, err):
        return 1
    print(f"ok: {n} harts, instret {instret}, cpu.instret = {stats['cpu.instret']}; "
          f"interrupts.msi {msi} (exit code {code})")
    return 0


BAD_VALUES = [
    (["--smp", "0"], "cpu.harts"),
    (["--smp", "9"], "cpu.harts"),
    (["--smp", "x"], "cpu.harts"),
    (["--smp", "2", "--gdb", "0"], "gdb.port"),
    (["--smp", "2", "--set", "cpu.data_path=l1d", "--mode", "timed", "--set",
      "dram.timed_dmi=true"], "cpu.data_path"),
    (["--smp", "2", "--set", "checkpoint.at=1000"], "checkpoint.at"),
]


def case_bad_values(args):
    failures = 0
    for opts, key in BAD_VALUES:
        code, out, err = run([args.vmplat, *opts, args.elf])
        lines = err.strip().splitlines()
        what = " ".join(opts)
        problems = []
        if code != 2:
            problems.append(f"{what}: exit code {code}, expected 2")
        if len(lines) != 1 or not lines[0].startswith("vmplat: error: "):
            problems.append(f"{what}: expected exactly one 'vmplat: error:' line on stderr")
        elif key not in lines[0]:
            problems.append(f"{what}: the error does not name {key}")
        if out:
            problems.append(f"{what}: nothing may reach stdout on an error")
        if problems:
            failures += report(problems, out, err)
        else:
            print(f"ok: {what}: {lines[0]}")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=["determinism", "stats", "bad_values"])
    parser.add_argument("--vmplat", required=True)
    parser.add_argument("--elf", required=True, help="sw/tests/smp/smp.elf, built")
    parser.add_argument("--harts", type=int, default=4)
    args = parser.parse_args()
    if not os.path.isfile(args.elf):
        print(f"{args.elf}: no such firmware (was the firmware built?)")
        return 1
    return {"determinism": case_determinism, "stats": case_stats,
            "bad_values": case_bad_values}[args.case](args)


if __name__ == "__main__":
    sys.exit(main())
