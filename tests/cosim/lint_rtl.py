#!/usr/bin/env python3
"""Lints rtl/tlb/tlb.sv with verilator --lint-only -Wall --assert, with its default parameters
and with each geometry given as entries:ways:asid_bits:levels:policy[:defect].
Usage: lint_rtl.py VERILATOR TLB_SV [GEOMETRY...]; exit 0 when every run is warning-free."""
import subprocess
import sys

POLICY = {"plru": 0, "lru": 1, "fifo": 2}


def params(geometry):
    f = geometry.split(":")
    out = [f"-GENTRIES={f[0]}", f"-GWAYS={f[1]}", f"-GASID_BITS={f[2]}", f"-GLEVELS={f[3]}",
           f"-GPOLICY={POLICY[f[4]]}"]
    if len(f) > 5 and f[5] == "ignore_asid":
        out.append("-GIGNORE_ASID=1")
    return out


def main():
    verilator, source = sys.argv[1], sys.argv[2]
    failed = 0
    for g in [None] + sys.argv[3:]:
        cmd = [verilator, "--lint-only", "-Wall", "--assert"] + (params(g) if g else []) + [source]
        r = subprocess.run(cmd, capture_output=True, text=True)
        name = g or "default parameters"
        if r.returncode != 0 or r.stderr.strip():
            failed += 1
            print(f"FAIL {name}:\n{r.stderr}")
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
