#!/usr/bin/env python3
"""CPU benchmarks: simulated MIPS of vmplat on the firmware of sw/bench, side by side with
qemu-system-riscv64 running the same ELF.

For every benchmark ELF (<sw-dir>/bench/cpu_<name>.elf, or with --sv39 the build that runs
the same work in S mode under Sv39 translation, cpu_<name>_sv39.elf) it runs vmplat with --stats and
reads cpu.instret, sim.host_seconds and sim.host_mips, then runs QEMU (-M virt -bios none)
and reports QEMU's wall time and the MIPS it implies for vmplat's instruction count, the
ratio of the two, and each child's peak resident memory. Without vmplat (--no-vmplat or
not built) the instruction count comes from a QEMU run with -icount shift=0, where the
firmware's instret line is exact.

Prints a table; --json FILE also writes the figures. Exits non-zero only when a benchmark
could not run or its firmware reported a wrong result: speed never fails it.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

BENCHES = ["crc32", "memcpy", "nqueens", "qsort", "nbody"]
INSTRET_RE = re.compile(r"\(instret (\d+)\)")


def run_child(cmd, timeout):
    """Runs cmd; returns dict(code, wall_s, maxrss_kib, stdout, stderr). code None = timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        code = None
        rusage = None
        deadline = start + timeout
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, _, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.monotonic() - start
        proc.returncode = code if code is not None else -9
        out.seek(0)
        err.seek(0)
        return {
            "code": code,
            "wall_s": wall,
            "maxrss_kib": rusage.ru_maxrss if rusage else None,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def run_vmplat(args, elf):
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = os.path.join(tmp, "stats.json")
        cmd = [args.vmplat, "--quiet", "--stats", stats_file]
        for kv in args.set:
            cmd += ["--set", kv]
        r = run_child(cmd + [elf], args.timeout)
        stats = {}
        if os.path.exists(stats_file):
            with open(stats_file) as f:
                stats = json.load(f).get("stats", {})
    instret = stats.get("cpu.instret")
    host_s = stats.get("sim.host_seconds")
    mips = stats.get("sim.host_mips")
    if mips is None and instret and host_s:
        mips = instret / host_s / 1e6
    return {
        "exit_code": r["code"],
        "ok": r["code"] == 0 and " ok " in r["stdout"],
        "console": r["stdout"].strip(),
        "error": r["stderr"].strip().splitlines()[-1:] if r["code"] != 0 else [],
        "wall_s": r["wall_s"],
        "host_seconds": host_s,
        "instret": instret,
        "cycles": stats.get("cpu.cycles"),
        "mips": mips,
        "maxrss_kib": r["maxrss_kib"],
    }


def qemu_cmd(qemu, elf, icount=False):
    cmd = [qemu, "-M", "virt", "-bios", "none", "-nographic", "-kernel", elf]
    return cmd + ["-icount", "shift=0"] if icount else cmd


def run_qemu(args, elf):
    r = run_child(qemu_cmd(args.qemu, elf), args.timeout)
    return {
        "exit_code": r["code"],
        "ok": r["code"] == 0 and " ok " in r["stdout"],
        "console": r["stdout"].strip(),
        "wall_s": r["wall_s"],
        "maxrss_kib": r["maxrss_kib"],
    }


def qemu_instret(args, elf):
    """The exact instruction count from a -icount run (the firmware prints its instret)."""
    r = run_child(qemu_cmd(args.qemu, elf, icount=True), args.timeout)
    m = INSTRET_RE.search(r["stdout"])
    return int(m.group(1)) if m else None


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def mib(kib):
    return None if kib is None else kib / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="build directory (default: build)")
    parser.add_argument("--vmplat",
                        help="vmplat executable (default: <build>/platforms/virt/vmplat)")
    parser.add_argument("--sw-dir", help="built firmware (default: <build>/sw)")
    parser.add_argument("--qemu", default=shutil.which("qemu-system-riscv64"),
                        help="qemu-system-riscv64 (default: from PATH)")
    parser.add_argument("--no-vmplat", action="store_true", help="QEMU figures only")
    parser.add_argument("--no-qemu", action="store_true", help="vmplat figures only")
    parser.add_argument("--bench", action="append", choices=BENCHES,
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a vmplat configuration override (repeatable)")
    parser.add_argument("--sv39", action="store_true",
                        help="the Sv39 builds (cpu_<name>_sv39.elf): the same work in S mode "
                             "with translation on, under an identity map of 1 GiB pages")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()

    args.vmplat = args.vmplat or os.path.join(args.build, "platforms", "virt", "vmplat")
    sw_dir = args.sw_dir or os.path.join(args.build, "sw")
    use_vmplat = not args.no_vmplat
    if use_vmplat and not os.access(args.vmplat, os.X_OK):
        print(f"vmplat not found at {args.vmplat}: QEMU figures only", file=sys.stderr)
        use_vmplat = False
    use_qemu = not args.no_qemu and bool(args.qemu)
    if not args.no_qemu and not args.qemu:
        print("qemu-system-riscv64 not found: vmplat figures only", file=sys.stderr)
    if not use_vmplat and not use_qemu:
        print("nothing to run: neither vmplat nor QEMU is available", file=sys.stderr)
        return 1

    results = []
    failed = False
    for name in args.bench or BENCHES:
        elf = os.path.join(sw_dir, "bench", f"cpu_{name}{'_sv39' if args.sv39 else ''}.elf")
        if not os.path.isfile(elf):
            print(f"{elf}: no such firmware (build the firmware first)", file=sys.stderr)
            failed = True
            continue
        row = {"name": name, "elf": elf}
        if use_vmplat:
            row["vmplat"] = run_vmplat(args, elf)
            row["instret"] = row["vmplat"]["instret"]
            row["instret_source"] = "vmplat"
            failed |= not row["vmplat"]["ok"]
        if use_qemu:
            row["qemu"] = run_qemu(args, elf)
            failed |= not row["qemu"]["ok"]
            if not use_vmplat:
                row["instret"] = qemu_instret(args, elf)
                row["instret_source"] = "qemu -icount"
            if row.get("instret") and row["qemu"]["wall_s"]:
                row["qemu"]["mips"] = row["instret"] / row["qemu"]["wall_s"] / 1e6
            else:
                row["qemu"]["mips"] = None
        if use_vmplat and use_qemu and row["vmplat"]["mips"] and row["qemu"]["mips"]:
            row["qemu_over_vmplat"] = row["qemu"]["mips"] / row["vmplat"]["mips"]
        results.append(row)

    header = f"{'benchmark':<10} {'instret':>12}"
    if use_vmplat:
        header += f" | {'vmplat wall s':>13} {'sim s':>7} {'MIPS':>7} {'maxrss MiB':>10} {'ok':>3}"
    if use_qemu:
        header += f" | {'qemu wall s':>11} {'MIPS':>7} {'maxrss MiB':>10} {'ok':>3}"
    if use_vmplat and use_qemu:
        header += f" | {'qemu/vmplat':>11}"
    print(header)
    print("-" * len(header))
    for row in results:
        line = f"{row['name']:<10} {fmt(row.get('instret'), '>12d')}"
        if use_vmplat:
            v = row["vmplat"]
            line += (f" | {fmt(v['wall_s'], '>13.2f')} {fmt(v['host_seconds'], '>7.2f')}"
                     f" {fmt(v['mips'], '>7.1f')} {fmt(mib(v['maxrss_kib']), '>10.1f')}"
                     f" {'yes' if v['ok'] else 'NO':>3}")
        if use_qemu:
            q = row["qemu"]
            line += (f" | {fmt(q['wall_s'], '>11.2f')} {fmt(q['mips'], '>7.1f')}"
                     f" {fmt(mib(q['maxrss_kib']), '>10.1f')} {'yes' if q['ok'] else 'NO':>3}")
        if use_vmplat and use_qemu:
            line += f" | {fmt(row.get('qemu_over_vmplat'), '>10.1f')}x"
        print(line)
    for row in results:
        for who in ("vmplat", "qemu"):
            r = row.get(who)
            if r and not r["ok"]:
                print(f"{row['name']} on {who}: exit code {r['exit_code']}; console: "
                      f"{r['console'][-300:]!r} {' '.join(r.get('error', []))}")
    if use_qemu:
        print("QEMU MIPS = instructions / QEMU wall time (start-up included); instructions "
              f"from {results[0].get('instret_source', 'n/a') if results else 'n/a'}.")

    if args.json:
        doc = {
            "host": {"machine": platform.machine(), "cpus": os.cpu_count(),
                     "python": platform.python_version()},
            "vmplat_config_overrides": args.set,
            "benchmarks": [{k: v for k, v in row.items()} for row in results],
        }
        for row in doc["benchmarks"]:
            for who in ("vmplat", "qemu"):
                if who in row:
                    row[who].pop("console", None)
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
