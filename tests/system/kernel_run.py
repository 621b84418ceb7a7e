#!/usr/bin/env python3
"""Boots the vmplat kernel (sw/kernel) on vmplat or QEMU and checks what it reports.

  kernel_run.py check --platform vmplat|qemu --exe PATH ELF [options]
      Passes when the run exits 0, every program named on the kernel's "kernel: run" line
      printed "PASS <program>", no line starts with "FAIL ", the suite line reports 0 failed,
      every --nonzero counter is above zero and every --expect regex matches a whole line.
  kernel_run.py diff --vmplat PATH --qemu PATH ELF [options]
      Runs the same boot arguments on both and compares the functional lines: PASS/FAIL,
      kill messages, the suite line and "counter" lines ("counter~" lines depend on timing
      and are left out), and the exit codes. Exits 77 (ctest's skip code) without QEMU.

Options: --append ARGS (boot arguments), --disk-mb N (swap disk size, default 64; 0: none),
--timeout SECONDS, --rounds N (check only: repeat the run N times, for the soak),
--at-least COUNTER=N (check only: the counter summed over the rounds reaches N),
--stats-match COUNTER=STAT (check on vmplat only: a kernel counter equals a vmplat statistic;
STAT may be a sum "a+b", and "name.sum" reads a histogram's sum),
--vmplat-arg ARG (an extra vmplat option, repeatable; use --vmplat-arg=--set ...),
--qemu-arg ARG (an extra QEMU option, repeatable; use --qemu-arg=-cpu ...),
--exit-code N (check: the run must end with exit code N; when N is not 0 only the --expect
lines are checked, for boots the kernel refuses),
--fewer STAT (check on vmplat only, with --baseline ARGS: the vmplat statistic is lower than
in a second boot whose arguments are ARGS instead of --append's, e.g. superpages=off),
--smp N (harts: vmplat --smp N, QEMU -smp N),
--holds EXPR (check: a relation between kernel counters and, on vmplat, statistics, e.g.
"ipi.received == ipi.sent" or "mmu.shootdown.entries <= 3 * shootdown.pages"; a name is a
kernel counter if the kernel printed one of that name, else a vmplat statistic),
--deterministic (check on vmplat only: a second boot prints the same console and writes the
same statistics, but for the host's time).
On QEMU the script creates a raw disk image in a temporary directory; on vmplat the disk is
in memory (--drive size=NM).
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
FUNCTIONAL = re.compile(r"^(PASS |FAIL |kill: |suite: |counter )")


def qemu_command(qemu, elf, append, image, extra=()):
    disk = ["-global", "virtio-mmio.force-legacy=false",
            "-drive", f"file={image},if=none,format=raw,id=d0",
            "-device", "virtio-blk-device,drive=d0"] if image else []
    return [qemu, "-M", "virt", "-bios", "none", "-nographic", "-m", "128M", *extra, *disk,
            "-append", append, "-kernel", elf]


def vmplat_command(vmplat, elf, append, disk_mb, stats=None, extra=()):
    disk = ["--drive", f"size={disk_mb}M"] if disk_mb else []
    json_out = ["--stats", stats] if stats else []
    return [vmplat, "--quiet", *extra, *disk, *json_out, "--append", append, elf]


HOST_STATS = ("sim.host_mips", "sim.host_seconds")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")


def holds_problems(exprs, kernel, stats):
    """Each expression, with its dotted names replaced by kernel counters (first) or vmplat
    statistics, must be true."""
    problems = []
    for expr in exprs:
        missing = []

        def value(m):
            name = m.group(0)
            v = kernel.get(name, stat_value(stats or {}, name))
            if v is None:
                missing.append(name)
                return "0"
            return str(v)

        text = NAME.sub(value, expr)
        if missing:
            problems.append(f"{expr}: {', '.join(missing)} missing")
        elif not eval(text, {"__builtins__": {}}):
            problems.append(f"{expr}: false ({text})")
        else:
            print(f"{expr}: {text}")
    return problems


def boot(platform, exe, elf, append, disk_mb, timeout, stats=None, extra=()):
    """Returns (exit code or None on timeout, console text); on vmplat, fills the stats dict
    from --stats JSON when one is given."""
    with tempfile.TemporaryDirectory(prefix="vmplat-kernel-") as tmp:
        if platform == "qemu":
            image = os.path.join(tmp, "swap.img") if disk_mb else None
            if image:
                with open(image, "wb") as f:
                    f.truncate(disk_mb << 20)
            cmd = qemu_command(exe, elf, append, image, extra)
        else:
            json_path = os.path.join(tmp, "stats.json") if stats is not None else None
            cmd = vmplat_command(exe, elf, append, disk_mb, json_path, extra)
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return None, (e.stdout or b"").decode("utf-8", "replace")
        out = p.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
        if p.returncode != 0 and p.stderr:
            out += p.stderr.decode("utf-8", "replace")
        if platform == "vmplat" and stats is not None and os.path.isfile(json_path):
            with open(json_path) as f:
                stats.update(json.load(f).get("stats", {}))
        return p.returncode, out


def counters(lines):
    values = {}
    for line in lines:
        m = re.fullmatch(r"counter~? (\S+) (\d+)", line)
        if m:
            values[m.group(1)] = int(m.group(2))
    return values


def problems_in(code, out, nonzero, expect, exit_code=0):
    lines = out.splitlines()
    problems = []
    if code != exit_code:
        problems.append("timed out" if code is None else
                        f"exit code {code}, expected {exit_code}")
    if exit_code != 0:
        return problems + [f"no line matches {pattern!r}" for pattern in expect
                           if not any(re.fullmatch(pattern, line) for line in lines)]
    run = next((line[len("kernel: run "):] for line in lines
                if line.startswith("kernel: run ")), None)
    if run is None:
        problems.append("no 'kernel: run' line")
    else:
        for entry in run.split(","):
            name = entry.split(":")[0]
            if not any(line.startswith(f"PASS {name} ") for line in lines):
                problems.append(f"no PASS line for {name}")
    problems += [line for line in lines if line.startswith("FAIL ")]
    if not any(re.fullmatch(r"suite: \d+ passed, 0 failed", line) for line in lines):
        problems.append("no 'suite: N passed, 0 failed' line")
    values = counters(lines)
    for name in nonzero:
        if values.get(name, 0) == 0:
            problems.append(f"counter {name} is {values.get(name, 'missing')}, expected > 0")
    for pattern in expect:
        if not any(re.fullmatch(pattern, line) for line in lines):
            problems.append(f"no line matches {pattern!r}")
    return problems


def stat_value(stats, expr):
    """The value of "a+b+...": each term a statistic, or "name.sum" for a histogram's sum;
    None when a term is missing."""
    total = 0
    for term in expr.split("+"):
        if isinstance(stats.get(term), (int, float)):
            total += stats[term]
        elif term.endswith(".sum") and isinstance(stats.get(term[:-4]), dict):
            total += stats[term[:-4]]["sum"]
        else:
            return None
    return total


def stats_mismatches(kernel, stats, pairs):
    """Each pair "counter=stat" must have equal values in the kernel's output and vmplat's
    statistics (e.g. the kernel's fences and the MMU's flush counts)."""
    problems = []
    for pair in pairs:
        counter, stat = pair.split("=", 1)
        value = stat_value(stats, stat)
        if counter not in kernel or value is None:
            problems.append(f"{pair}: kernel counter or vmplat statistic missing")
        elif kernel[counter] != value:
            problems.append(f"{pair}: kernel {kernel[counter]}, vmplat {value}")
        else:
            print(f"{pair}: both {kernel[counter]}")
    return problems


def fewer_problems(args, stats):
    """Each --fewer statistic must be lower in this run than in a --baseline boot."""
    if not args.fewer:
        return []
    base = {}
    code, out = boot("vmplat", args.exe, args.elf, args.baseline, args.disk_mb, args.timeout,
                     base, args.vmplat_arg)
    problems = [f"baseline run: {p}" for p in problems_in(code, out, [], [])]
    for stat in args.fewer:
        value, before = stat_value(stats, stat), stat_value(base, stat)
        if value is None or before is None:
            problems.append(f"{stat}: statistic missing")
        elif value >= before:
            problems.append(f"{stat}: {value}, not fewer than {before} with '{args.baseline}'")
        else:
            print(f"{stat}: {value}, {before} with '{args.baseline}'")
    return problems


def find_qemu(path):
    if path and os.path.isfile(path):
        return path
    return shutil.which(path or "qemu-system-riscv64")


def cmd_check(args):
    exe = find_qemu(args.exe) if args.platform == "qemu" else args.exe
    if not exe:
        print("qemu-system-riscv64 not found: skipped")
        return SKIP
    total = {}
    for r in range(args.rounds):
        vmplat = args.platform == "vmplat"
        stats = {} if vmplat and (args.stats_match or args.fewer or args.holds or
                                  args.deterministic) else None
        extra = args.qemu_arg if args.platform == "qemu" else args.vmplat_arg
        if args.smp:
            extra = [*extra, "-smp" if args.platform == "qemu" else "--smp", str(args.smp)]
        code, out = boot(args.platform, exe, args.elf, args.append, args.disk_mb, args.timeout,
                         stats, extra)
        problems = problems_in(code, out, args.nonzero, args.expect, args.exit_code)
        problems += stats_mismatches(counters(out.splitlines()), stats, args.stats_match)
        problems += holds_problems(args.holds, counters(out.splitlines()), stats)
        if args.deterministic and not problems:
            again = {}
            code2, out2 = boot(args.platform, exe, args.elf, args.append, args.disk_mb,
                               args.timeout, again, extra)
            if (code2, out2) != (code, out):
                problems.append("a second boot printed another console")
            differ = sorted(k for k in set(stats) | set(again)
                            if k not in HOST_STATS and stats.get(k) != again.get(k))
            if differ:
                problems.append(f"a second boot gave other statistics: {', '.join(differ[:8])}")
            if not problems:
                print(f"a second boot: same console and {len(stats)} statistics")
        if not problems and r == 0:
            problems += fewer_problems(args, stats)
        if problems:
            sys.stdout.write(out)
            print(f"round {r + 1}: " + "; ".join(problems))
            return 1
        for name, value in counters(out.splitlines()).items():
            total[name] = total.get(name, 0) + value
        passes = [line for line in out.splitlines() if line.startswith("PASS ")]
        print(f"round {r + 1}: {len(passes)} programs passed")
        for line in passes:
            print("  " + line)
    for name in ("swap.outs", "swap.ins", "swap.drops", "page_faults.cow",
                 "page_faults.demand_zero", "instructions"):
        if name in total:
            print(f"total {name} {total[name]}")
    short = []
    for pair in args.at_least:
        name, need = pair.split("=", 1)
        if total.get(name, 0) < int(need):
            short.append(f"counter {name} totals {total.get(name, 0)}, expected at least {need}")
    if short:
        print("; ".join(short))
        return 1
    return 0


def cmd_diff(args):
    qemu = find_qemu(args.qemu)
    if not qemu:
        print("qemu-system-riscv64 not found: differential test skipped")
        return SKIP
    vcode, vout = boot("vmplat", args.vmplat, args.elf, args.append, args.disk_mb, args.timeout,
                       extra=args.vmplat_arg)
    qcode, qout = boot("qemu", qemu, args.elf, args.append, args.disk_mb, args.timeout,
                       extra=args.qemu_arg)
    vlines = [line for line in vout.splitlines() if FUNCTIONAL.match(line)]
    qlines = [line for line in qout.splitlines() if FUNCTIONAL.match(line)]
    ok = vcode == qcode and vlines == qlines and vcode == 0
    if vcode != qcode or vcode != 0:
        print(f"exit codes: vmplat {vcode}, qemu {qcode}")
    if vlines != qlines:
        sys.stdout.writelines(difflib.unified_diff(
            [line + "\n" for line in qlines], [line + "\n" for line in vlines],
            "qemu", "vmplat"))
    if not vlines:
        print("no functional lines")
        ok = False
    print(f"{len(vlines)} functional lines {'equal' if ok else 'differ'}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "diff"):
        p = sub.add_parser(name)
        p.add_argument("elf")
        p.add_argument("--append", default="")
        p.add_argument("--disk-mb", type=int, default=64)
        p.add_argument("--timeout", type=float, default=600)
        p.add_argument("--vmplat-arg", action="append", default=[])
        p.add_argument("--qemu-arg", action="append", default=[])
        if name == "check":
            p.add_argument("--platform", choices=("vmplat", "qemu"), required=True)
            p.add_argument("--exe", required=True)
            p.add_argument("--nonzero", action="append", default=[])
            p.add_argument("--expect", action="append", default=[])
            p.add_argument("--rounds", type=int, default=1)
            p.add_argument("--at-least", action="append", default=[])
            p.add_argument("--stats-match", action="append", default=[],
                           metavar="COUNTER=STAT")
            p.add_argument("--exit-code", type=int, default=0)
            p.add_argument("--fewer", action="append", default=[], metavar="STAT")
            p.add_argument("--baseline", default="superpages=off", metavar="ARGS")
            p.add_argument("--smp", type=int, default=0)
            p.add_argument("--holds", action="append", default=[], metavar="EXPR")
            p.add_argument("--deterministic", action="store_true")
        else:
            p.add_argument("--vmplat", required=True)
            p.add_argument("--qemu", default="")
    args = parser.parse_args()
    return cmd_check(args) if args.command == "check" else cmd_diff(args)


if __name__ == "__main__":
    sys.exit(main())
