#!/usr/bin/env python3
"""Runs firmware on vmplat, alone or side by side with qemu-system-riscv64.

  run_firmware.py run  --vmplat VMPLAT [--expect REGEX]... [--exit-code N]
                       [--stat NAME<=N | NAME>=N | NAME==N]... ELF
      Passes when vmplat exits 0 (or N), no console line starts with "FAIL ", every --expect
      regular expression matches a whole console line and every --stat holds for the
      run's statistics (--stats JSON).
  run_firmware.py diff --vmplat VMPLAT --qemu QEMU ELF
      Runs the ELF on both and passes when the console outputs and exit codes are equal.
      Exits 77 (ctest's SKIP_RETURN_CODE) when QEMU is not installed.

The console is the process's stdout on both: vmplat writes only the guest UART there, and
QEMU's -nographic serial port is stdio. Extra vmplat options go after --vmplat-arg.

  run_firmware.py same --vmplat VMPLAT --a-arg OPT... --b-arg OPT... ELF
      Runs vmplat twice, with the --vmplat-arg options plus the --a-arg ones, then plus the
      --b-arg ones, and passes when both exit 0 with the same console and the same
      statistics (all but sim.host_*, which measure the host, and those under an --ignore
      prefix), and every --a-stat and --b-stat holds for its run: for two ways of computing
      one model.
"""
import argparse
import difflib
import json
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def run(cmd, timeout):
    """Returns (exit code, stdout text, stderr text); a timeout is exit code None."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        err = (e.stderr or b"").decode("utf-8", "replace")
        return None, out, err
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def vmplat_cmd(args, extra=()):
    return [args.vmplat, *args.vmplat_arg, *extra, args.elf]


def qemu_cmd(qemu, elf, extra=()):
    return [qemu, "-M", "virt", "-bios", "none", "-nographic", *extra, "-kernel", elf]


def describe(code):
    return "timed out" if code is None else f"exit code {code}"


STAT_OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}


def parse_stat(text):
    m = re.fullmatch(r"([\w.]+)(<=|>=|==)(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"--stat '{text}': expected NAME<=N, NAME>=N or NAME==N")
    return m.group(1), m.group(2), int(m.group(3))


def stat_problems(checks, stats, run_name=""):
    """What fails of the --stat checks on a run's statistics, one line each."""
    problems = []
    for name, op, value in checks:
        if name not in stats:
            problems.append(f"{run_name}no statistic {name}")
        elif not STAT_OPS[op](stats[name], value):
            problems.append(f"{run_name}{name} = {stats[name]}, expected {op} {value}")
    return problems


def cmd_run(args):
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        code, out, err = run(vmplat_cmd(args, ["--stats", stats_file]), args.timeout)
        stats = json.load(open(stats_file))["stats"] if os.path.isfile(stats_file) else {}
    problems = []
    if code != args.exit_code:
        problems.append(f"vmplat {describe(code)}, expected {args.exit_code}")
    problems += stat_problems(args.stat, stats)
    lines = out.splitlines()
    problems += [line for line in lines if line.startswith("FAIL ")]
    for pattern in args.expect:
        if not any(re.fullmatch(pattern, line) for line in lines):
            problems.append(f"no console line matches {pattern!r}")
    if problems:
        sys.stdout.write(out)
        sys.stdout.write(err)
        print(f"{args.elf}: " + "; ".join(problems))
        return 1
    shown = ", ".join(f"{name} = {stats[name]}" for name, _, _ in args.stat)
    print(f"{args.elf}: passed ({len(lines)} console lines, {describe(code)}"
          + (f"; {shown}" if shown else "") + ")")
    return 0


def cmd_diff(args):
    qemu = args.qemu if args.qemu and os.path.isfile(args.qemu) else shutil.which(
        args.qemu or "qemu-system-riscv64")
    if not qemu:
        print("qemu-system-riscv64 not found: differential test skipped")
        return SKIP
    vcode, vout, verr = run(vmplat_cmd(args), args.timeout)
    qcode, qout, _ = run(qemu_cmd(qemu, args.elf, args.qemu_arg), args.timeout)
    ok = True
    if vcode != qcode:
        print(f"exit codes differ: vmplat {describe(vcode)}, qemu {describe(qcode)}")
        ok = False
    if vout != qout:
        print("console output differs (--- qemu, +++ vmplat):")
        sys.stdout.writelines(difflib.unified_diff(
            qout.splitlines(keepends=True), vout.splitlines(keepends=True),
            "qemu", "vmplat", n=2))
        ok = False
    if not ok:
        sys.stdout.write(verr)
        return 1
    print(f"{args.elf}: vmplat and qemu agree ({len(vout.splitlines())} console lines, "
          f"{describe(vcode)})")
    return 0


def cmd_same(args):
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("a", args.a_arg), ("b", args.b_arg)):
            stats_file = os.path.join(tmp, name + ".json")
            code, out, err = run(vmplat_cmd(args, [*extra, "--stats", stats_file]), args.timeout)
            stats = json.load(open(stats_file))["stats"] if os.path.isfile(stats_file) else {}
            runs.append((" ".join(extra), code, out, err, stats))
    (a_name, a_code, a_out, a_err, a_stats), (b_name, b_code, b_out, b_err, b_stats) = runs
    problems = [f"[{n}] vmplat {describe(c)}" for n, c in ((a_name, a_code), (b_name, b_code))
                if c != 0]
    if a_out != b_out:
        problems.append("console output differs")
        sys.stdout.writelines(difflib.unified_diff(a_out.splitlines(keepends=True),
                                                   b_out.splitlines(keepends=True),
                                                   a_name, b_name, n=2))
    ignored = lambda k: k.startswith(("sim.host", *args.ignore))
    differ = sorted(k for k in set(a_stats) | set(b_stats)
                    if not ignored(k) and a_stats.get(k) != b_stats.get(k))
    for k in differ[:20]:
        print(f"{k}: {a_stats.get(k)} [{a_name}] != {b_stats.get(k)} [{b_name}]")
    if differ:
        problems.append(f"{len(differ)} statistics differ")
    if not a_stats:
        problems.append("no statistics written")
    problems += stat_problems(args.a_stat, a_stats, f"[{a_name}] ")
    problems += stat_problems(args.b_stat, b_stats, f"[{b_name}] ")
    if problems:
        sys.stdout.write(a_err + b_err)
        print(f"{args.elf}: " + "; ".join(problems))
        return 1
    print(f"{args.elf}: [{a_name}] and [{b_name}] agree ({len(a_out.splitlines())} console "
          f"lines, {len(a_stats)} statistics, {a_stats.get('cpu.instret', '?')} instructions)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["run", "diff", "same"])
    parser.add_argument("elf")
    parser.add_argument("--vmplat", required=True, help="the vmplat executable")
    parser.add_argument("--vmplat-arg", action="append", default=[],
                        help="an extra vmplat option (repeatable)")
    parser.add_argument("--a-arg", action="append", default=[],
                        help="a vmplat option of the first run only (same mode; repeatable)")
    parser.add_argument("--b-arg", action="append", default=[],
                        help="a vmplat option of the second run only (same mode; repeatable)")
    parser.add_argument("--ignore", action="append", default=[],
                        help="a statistic name prefix the runs may differ in (same mode; "
                             "repeatable)")
    parser.add_argument("--a-stat", type=parse_stat, action="append", default=[],
                        help="as --stat, on the first run (same mode)")
    parser.add_argument("--b-stat", type=parse_stat, action="append", default=[],
                        help="as --stat, on the second run (same mode)")
    parser.add_argument("--qemu", help="qemu-system-riscv64 (default: from PATH)")
    parser.add_argument("--qemu-arg", action="append", default=[],
                        help="an argument for QEMU before -kernel (repeatable), e.g. -cpu")
    parser.add_argument("--expect", action="append", default=[],
                        help="a regular expression some console line must match (run mode)")
    parser.add_argument("--exit-code", type=int, default=0,
                        help="the exit code vmplat must give (run mode; default 0)")
    parser.add_argument("--stat", type=parse_stat, action="append", default=[],
                        help="NAME<=N, NAME>=N or NAME==N on the run's statistics (run mode)")
    parser.add_argument("--timeout", type=float, default=25.0, help="seconds per run")
    args = parser.parse_args()
    if not os.path.isfile(args.elf):
        print(f"{args.elf}: no such firmware (was the firmware built?)")
        return 1
    return {"run": cmd_run, "diff": cmd_diff, "same": cmd_same}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
