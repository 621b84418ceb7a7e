#!/usr/bin/env python3
"""Runs the firmware demo with the C++ TLB model, then with mmu.dtlb and mmu.itlb in lockstep
(model and RTL compared on every operation), both with a 64 MiB swap disk, and checks that the lockstep run has the same
exit code and console output and reports zero mismatches.
Usage: lockstep_firmware.py VMPLAT KERNEL_ELF. Exits 77 (skipped) when the ELF is missing."""
import os
import subprocess
import sys


def run(vmplat, elf, extra):
    # A 64 MiB swap disk, as the kernel demo runs (tests/system/kernel_run.py).
    cmd = [vmplat, "--drive", "size=64M"] + extra + [elf]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    return r.returncode, r.stdout, r.stderr


def main():
    vmplat, elf = sys.argv[1], sys.argv[2]
    if not os.path.exists(elf):
        print(f"skipped: {elf} is not built")
        return 77
    code_m, out_m, _ = run(vmplat, elf, [])
    lockstep = ["--set", "mmu.dtlb.impl=lockstep", "--set", "mmu.itlb.impl=lockstep"]
    code_l, out_l, err_l = run(vmplat, elf, lockstep)
    ok = True
    if code_l != code_m:
        print(f"exit code: model {code_m}, lockstep {code_l}\n{err_l}")
        ok = False
    if "lockstep mismatch" in err_l:
        print(f"lockstep reported a mismatch:\n{err_l}")
        ok = False
    if out_l != out_m:
        print("console output differs between model and lockstep runs")
        print("--- model ---\n" + out_m[-2000:] + "\n--- lockstep ---\n" + out_l[-2000:])
        ok = False
    if ok:
        print(f"same console output ({len(out_m.splitlines())} lines) and exit code {code_m}; "
              "zero mismatches")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
