#!/usr/bin/env python3
"""System tests of the vmplat command line: one case per invocation.

  cli_test.py --vmplat VMPLAT --sw SW_BUILD_DIR --workdir DIR CASE

Bad input must give exactly one line on stderr starting with "vmplat: error:" that names
the problem, and a non-zero exit code (2); each way a run can end has its exit code.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys


def run(args, *cmd, timeout=60):
    p = subprocess.run([args.vmplat, *cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def fail(msg, out="", err=""):
    print(f"FAIL: {msg}\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
    sys.exit(1)


def expect_error(args, words, *cmd):
    code, out, err = run(args, *cmd)
    lines = err.strip().splitlines()
    if code != 2:
        fail(f"exit code {code}, expected 2", out, err)
    if len(lines) != 1 or not lines[0].startswith("vmplat: error: "):
        fail("expected exactly one 'vmplat: error:' line on stderr", out, err)
    for w in words:
        if w not in lines[0]:
            fail(f"error line does not mention {w!r}", out, err)
    if out:
        fail("nothing may reach stdout on an error", out, err)
    print(f"ok: {lines[0]}")


def write_elf64(path, segments, machine=243, entry=0x80000000):
    """A minimal little-endian ELF64 executable with the given (paddr, bytes) segments."""
    phoff, phsize = (64 if segments else 0), 56
    data_off = 64 + phsize * len(segments)
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header += struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, entry, phoff, 0, 0, 64, phsize,
                          len(segments), 64, 0, 0)
    phdrs, blobs, off = b"", b"", data_off
    for paddr, blob in segments:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, off, paddr, paddr, len(blob), len(blob), 8)
        blobs += blob
        off += len(blob)
    with open(path, "wb") as f:
        f.write(header + phdrs + blobs)


def write_elf32(path):
    header = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    header += struct.pack("<HHIIIIIHHHHHH", 2, 243, 1, 0x80000000, 52, 0, 0, 52, 32, 1, 40, 0, 0)
    phdr = struct.pack("<IIIIIIII", 1, 84, 0x80000000, 0x80000000, 4, 4, 7, 4)
    with open(path, "wb") as f:
        f.write(header + phdr + b"\x13\x00\x00\x00")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--sw", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("case")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    tmp = lambda name: os.path.join(args.workdir, f"cli_{args.case}_{name}")
    hello = os.path.join(args.sw, "tests/isa/hello.elf")
    plat = lambda name: os.path.join(args.sw, f"tests/platform/{name}.elf")
    case = args.case

    if case == "missing_file":
        expect_error(args, ["/nonexistent/fw.elf", "cannot be read"], "/nonexistent/fw.elf")
    elif case == "not_elf":
        path = tmp("text.elf")
        open(path, "w").write("this is not an ELF file\n")
        expect_error(args, [path, "not an ELF"], path)
    elif case == "elf32":
        path = tmp("rv32.elf")
        write_elf32(path)
        expect_error(args, [path, "32-bit", "64-bit"], path)
    elif case == "not_riscv":
        path = tmp("x86.elf")
        write_elf64(path, [(0x80000000, b"\x90" * 4)], machine=62)
        expect_error(args, [path, "62", "RISC-V"], path)
    elif case == "outside_ram":
        path = tmp("low.elf")
        write_elf64(path, [(0x1000, b"\x13\x00\x00\x00")], entry=0x1000)
        expect_error(args, [path, "0x1000", "outside RAM", "0x80000000"], path)
    elif case == "no_segments":
        path = tmp("empty.elf")
        write_elf64(path, [])
        expect_error(args, [path, "no loadable segment"], path)
    elif case == "unknown_option":
        expect_error(args, ["--bogus", "unknown option"], "--bogus", hello)
    elif case == "bad_value":
        expect_error(args, ["cpu.freq_mhz", "'fast'", "allowed"], "--set", "cpu.freq_mhz=fast",
                     hello)
    elif case == "unknown_key":
        expect_error(args, ["cpu.nonsense", "unknown configuration key"], "--set",
                     "cpu.nonsense=1", hello)
    elif case == "bad_ram":
        expect_error(args, ["dram.size", "'12Q'", "allowed"], "--ram", "12Q", hello)
    elif case == "two_firmwares":
        expect_error(args, ["more than one firmware"], hello, hello)
    elif case == "no_firmware":
        expect_error(args, ["no firmware given"])
    elif case == "bad_config_json":
        path = tmp("bad.json")
        open(path, "w").write("{ \"cpu\": { \"freq_mhz\": 100, }")
        expect_error(args, [path, "not valid JSON"], "--config", path, hello)
    elif case == "instruction_limit":
        code, out, err = run(args, "--max-instructions", "5000", plat("spin"))
        if code != 124 or "instruction limit of 5000 reached" not in err:
            fail(f"exit code {code}, expected 124 with a message", out, err)
        if "spin: looping forever" not in out:
            fail("the console output before the limit is missing", out, err)
        print("ok: limit reached with exit code 124")
    elif case == "trap_loop":
        code, out, err = run(args, plat("trap_loop"), timeout=20)
        if code != 93:
            fail(f"exit code {code}, expected 93 (trap loop)", out, err)
        for w in ["trap loop", "M-mode trap vector 0x0", "mtvec = 0x0", "instr_access_fault",
                  "began with illegal_instr"]:
            if w not in err:
                fail(f"the message does not mention {w!r}", out, err)
        print("ok: an unfetchable M-mode vector ends the run with exit code 93")
    elif case == "trap_loop_s":
        code, out, err = run(args, "--set", "cpu.trap_loop_limit=50", "--append", "loop=s",
                             plat("trap_loop"), timeout=20)
        if code != 93 or "50 traps in a row" not in err or "stvec = 0x0" not in err:
            fail(f"exit code {code}, expected 93 after 50 traps naming stvec", out, err)
        print("ok: a run of traps with no instruction retired ends the run with exit code 93")
    elif case == "trap_progress":
        # With loop detection off, traps still count towards the instruction limit: exactly
        # 20000 instructions retired and traps taken.
        path = tmp("stats.json")
        code, out, err = run(args, "--set", "cpu.trap_loop_limit=0", "--max-instructions",
                             "20000", "--stats", path, "--append", "loop=s", plat("trap_loop"),
                             timeout=20)
        if code != 124 or "instruction limit of 20000 reached" not in err:
            fail(f"exit code {code}, expected 124 at the instruction limit", out, err)
        st = json.load(open(path))["stats"]
        steps = st["cpu.instret"] + sum(v for k, v in st.items()
                                        if k.startswith(("cpu.exceptions.", "cpu.interrupts.")))
        if steps != 20000:
            fail(f"instructions + traps = {steps}, expected 20000", out, err)
        code, out, err = run(args, "--set", "cpu.trap_loop_limit=0", "--max-cycles", "200000",
                             plat("trap_loop"), timeout=20)
        if code != 124 or "cycle limit of 200000 reached" not in err:
            fail(f"exit code {code}, expected 124 at the cycle limit", out, err)
        print("ok: trap loops end at the instruction and cycle limits")
    elif case == "cycle_limit":
        path = tmp("stats.json")
        code, out, err = run(args, "--max-cycles", "300000", "--stats", path, plat("spin"))
        if code != 124 or "cycle limit of 300000 reached" not in err:
            fail(f"exit code {code}, expected 124 with a message", out, err)
        cycles = json.load(open(path))["stats"]["cpu.cycles"]
        if not 300000 <= cycles < 300100:
            fail(f"cpu.cycles {cycles}: not at the limit", out, err)
        code, out, err = run(args, "--max-cycles", "20000", plat("idle"))
        if code != 124:
            fail(f"a hart in WFI: exit code {code}, expected 124", out, err)
        print("ok: the cycle limit stops running and sleeping harts, exit code 124")
    elif case == "timeout":
        code, out, err = run(args, "--timeout", "0.5", plat("spin"), timeout=20)
        if code != 94 or "wall-clock timeout of 0.5 s reached" not in err:
            fail(f"exit code {code}, expected 94 with a message", out, err)
        print("ok: the wall-clock timeout ends the run with exit code 94")
    elif case == "bad_limits":
        expect_error(args, ["--max-cycles", "'many'", "cpu.max_cycles"], "--max-cycles", "many",
                     hello)
        expect_error(args, ["--timeout", "'-1'", "sim.timeout"], "--timeout", "-1", hello)
        expect_error(args, ["cpu.trap_loop_limit", "'x'"], "--set", "cpu.trap_loop_limit=x",
                     hello)
    elif case == "bad_pmp_triggers":
        expect_error(args, ["cpu.pmp.entries", "'8'", "0, 16, 64"], "--set",
                     "cpu.pmp.entries=8", hello)
        expect_error(args, ["cpu.pmp.granularity", "12", "power of two"], "--set",
                     "cpu.pmp.granularity=12", hello)
        expect_error(args, ["cpu.pmp.granularity", "'2'"], "--set", "cpu.pmp.granularity=2",
                     hello)
        expect_error(args, ["cpu.triggers", "'65'", "0..64"], "--set", "cpu.triggers=65", hello)
    elif case == "idle":
        code, out, err = run(args, plat("idle"))
        if code != 125 or "WFI" not in err:
            fail(f"exit code {code}, expected 125 naming WFI", out, err)
        print("ok: idle hart ends the run with exit code 125")
    elif case == "htif":
        code, out, err = run(args, plat("htif"))
        if code != 3 or out != "htif console works\n":
            fail(f"exit code {code}, expected 3 and the HTIF console line", out, err)
        print("ok: HTIF console and exit code")
    elif case == "stats_json":
        path = tmp("stats.json")
        code, out, err = run(args, "--quiet", "--stats", path, "--set", "cpu.cycles.alu=2", hello)
        if code != 0 or err:
            fail(f"exit code {code} (expected 0) or output on stderr despite --quiet", out, err)
        j = json.load(open(path))
        stats, cfg = j["stats"], j["config"]
        if j["vmplat"]["exit_code"] != 0 or cfg["cpu.cycles.alu"] != 2:
            fail("exit code or configuration missing from the JSON", json.dumps(j)[:2000])
        if not stats["cpu.instret"] > 100 or not stats["cpu.cycles"] >= stats["cpu.instret"]:
            fail("cpu.instret/cpu.cycles implausible", json.dumps(stats)[:2000])
        # Deterministic: the same run gives the same cycles and counters.
        path2 = tmp("stats2.json")
        run(args, "--quiet", "--stats", path2, "--set", "cpu.cycles.alu=2", hello)
        s2 = json.load(open(path2))["stats"]
        host = {"sim.host_seconds", "sim.host_mips"}
        diff = [k for k in stats if k not in host and stats[k] != s2.get(k)]
        if diff:
            fail(f"two identical runs differ in {diff[:5]}")
        print(f"ok: {len(stats)} statistics, deterministic")
    elif case == "trace":
        path = tmp("trace.log")
        code, out, err = run(args, "--quiet", "--trace", path, hello)
        lines = open(path).read().splitlines()
        first = re.compile(r"core   0: 3 0x0000000080000000 \(0x[0-9a-f]{4,8}\)( x\d+ +0x[0-9a-f]{16})?$")
        if code != 0 or not lines or not first.match(lines[0]):
            fail(f"trace does not start in Spike's commit-log format: {lines[:2]}", out, err)
        stores = [l for l in lines if re.search(r" mem 0x[0-9a-f]{16} 0x[0-9a-f]+$", l)]
        if not stores:
            fail("no store with its address and value in the trace")
        print(f"ok: {len(lines)} trace lines")
    elif case == "help":
        code, out, err = run(args, "--help")
        if code != 0 or "usage: vmplat" not in out or "--max-instructions" not in out:
            fail("--help does not print the usage", out, err)
        print("ok")
    elif case == "help_config":
        code, out, err = run(args, "--help-config")
        for key in ["cpu.freq_mhz", "cpu.quantum_ns", "dram.size", "mmu.dtlb.entries"]:
            if key not in out:
                fail(f"--help-config does not list {key}", out, err)
        print("ok")
    else:
        fail(f"unknown case {case}")


if __name__ == "__main__":
    main()
