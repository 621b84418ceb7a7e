#!/usr/bin/env python3
"""Start-up time and peak memory of vmplat (issue 16, docs/performance.md).

  startup_bench.py --vmplat BUILD/platforms/virt/vmplat --kernel BUILD/sw/kernel/kernel.elf
                   [--linux-kit DIR] [--runs N] [--json FILE]

Start-up: the wall time of a run that stops after one instruction (platform built, device
tree made, firmware loaded, one instruction, statistics), the median of --runs runs, with
the L1 TLBs as the C++ model and, in a build with the Verilated RTL, as the RTL.
Memory: each workload runs while the script reads /proc/PID/smaps every 20 ms. The guest's
memory is the mappings of the RAM and the in-memory disk (anonymous, of exactly their
sizes, or of their sum when the kernel merged them): their resident pages are what the
guest touched. vmplat's own memory is the rest of the resident set. The table gives the
process's peak resident memory (getrusage), the guest's resident memory at the largest
sample, and the largest sampled difference, which issue 16 wants under 50 MiB.
Workloads: the kernel demo, and Debian's Linux booting (its first 700 M instructions)
when --linux-kit names the kit (scripts/linux-kit.sh). Figures only: exits non-zero only
when a run fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MIB = 1 << 20


def guest_and_total(pid, guest_sizes):
    """(resident bytes of the guest's mappings, resident bytes in all) from /proc/PID/smaps."""
    guest = total = 0
    size = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
                    lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                    anon = len(line.split()) < 6
                    size = hi - lo if anon else None
                elif line.startswith("Rss:"):
                    kib = int(line.split()[1]) * 1024
                    total += kib
                    if size in guest_sizes:
                        guest += kib
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return guest, total


def run(cmd, guest_sizes=()):
    """Runs cmd; returns (exit code, wall seconds, peak RSS in bytes, samples): samples are
    (guest resident, total resident) pairs read every 20 ms when guest_sizes is given."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    samples = []
    if guest_sizes:
        while True:
            s = guest_and_total(p.pid, guest_sizes)
            if s:
                samples.append(s)
            try:
                if os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                    break
            except ChildProcessError:
                break
            time.sleep(0.02)
    err = p.stderr.read()
    _, status, rusage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 124):
        sys.exit(f"{' '.join(cmd)}: exit code {p.returncode}\n{err.decode()[-2000:]}")
    return p.returncode, wall, rusage.ru_maxrss * 1024, samples


def startup(vmplat, kernel, runs, extra):
    cmd = [vmplat, "--quiet", "--set", "cpu.max_instructions=1", *extra, kernel]
    run(cmd)  # warm the page cache
    return statistics.median(run(cmd)[1] for _ in range(runs))


def memory(vmplat, args, ram, disk):
    _, wall, rss, samples = run([vmplat, "--quiet", *args], {ram, disk, ram + disk})
    if not samples:
        sys.exit(f"no /proc/PID/smaps sample of {args}")
    guest, _ = max(samples)
    own = max(t - g for g, t in samples)
    return {"wall_s": wall, "peak_rss": rss, "guest_resident": guest, "own_peak": own,
            "samples": len(samples)}


def has_rtl(vmplat, kernel):
    p = subprocess.run([vmplat, "--quiet", "--set", "cpu.max_instructions=1", "--set",
                        "mmu.dtlb.impl=rtl", kernel], capture_output=True)
    return p.returncode in (0, 124)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kernel", required=True, help="sw/kernel's kernel.elf (the demo)")
    ap.add_argument("--linux-kit", help="directory of scripts/linux-kit.sh's kit")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()

    out = {"startup_s": {}, "memory": {}}
    out["startup_s"]["model TLBs"] = startup(a.vmplat, a.kernel, a.runs, [])
    if has_rtl(a.vmplat, a.kernel):
        out["startup_s"]["RTL L1 TLBs"] = startup(
            a.vmplat, a.kernel, a.runs, ["--set", "mmu.itlb.impl=rtl", "--set", "mmu.dtlb.impl=rtl"])
    print(f"start-up (median of {a.runs}, one instruction):")
    for name, s in out["startup_s"].items():
        print(f"  {name:<14} {s * 1000:7.1f} ms")

    ram, disk = 128 * MIB, 64 * MIB  # the default RAM, and the disk below
    workloads = {"kernel demo": ["--drive", "size=64M", "--append", "frames=64", a.kernel]}
    if a.linux_kit:
        k = a.linux_kit
        workloads["Linux boot"] = [
            "--bios", os.path.join(k, "fw_jump.elf"), "--kernel", os.path.join(k, "Image"),
            "--append", "console=ttyS0", "--drive", "size=64M",
            "--set", "cpu.max_instructions=700000000"]
    print("\nmemory (128 MiB RAM, 64 MiB in-memory disk; resident sizes from /proc/PID/smaps):")
    print(f"  {'workload':<12} {'wall':>7} {'peak RSS':>9} {'guest resident':>15}"
          f" {'vmplat own (peak)':>18}")
    for name, args in workloads.items():
        r = memory(a.vmplat, args, ram, disk)
        out["memory"][name] = r
        print(f"  {name:<12} {r['wall_s']:>6.1f}s {r['peak_rss'] / MIB:>7.1f} M"
              f" {r['guest_resident'] / MIB:>13.1f} M {r['own_peak'] / MIB:>16.1f} M")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
