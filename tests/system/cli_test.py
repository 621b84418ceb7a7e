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
import shutil
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


def write_linux_image(path, text_offset=0x200000, image_size=0x10000, body=b"\x13\x00\x00\x00"):
    """A RISC-V Linux Image: the 64-byte boot header (magic "RSC\\x05" at 0x38), then code."""
    header = struct.pack("<IIQQQIIQQII", 0, 0, text_offset, image_size, 0, 2, 0, 0,
                         0x5643534952, 0x05435352, 0)
    with open(path, "wb") as f:
        f.write(header + body)


def dtc_tree(dtb, out="", err=""):
    """The device tree source of a DTB, through dtc (which must accept it without a warning)."""
    p = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", dtb], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr.strip():
        fail(f"dtc does not accept {dtb}: {p.stderr}", out, err)
    return p.stdout


def dts_node(dts, path):
    """The properties of one node of a dtc -O dts listing, by path ("cpus/cpu@0"); None if
    the node does not exist."""
    stack, props = [], {}
    for line in dts.splitlines():
        s = line.strip()
        if s.endswith("{"):
            name = s[:-1].strip()
            stack.append(name)
            props.setdefault("/".join(stack[1:]), [])
        elif s.startswith("};"):
            stack.pop()
        elif s and stack:
            props["/".join(stack[1:])].append(s)
    return "\n".join(props[path]) if path in props else None


def read_dtb(path):
    """{node path: {property: bytes}} of a DTB (devicetree specification 5.4)."""
    b = open(path, "rb").read()
    magic, _, off_struct, off_strings = struct.unpack(">IIII", b[:16])
    if magic != 0xD00DFEED:
        fail(f"{path} is not a DTB")
    nodes, stack, pos = {}, [], off_struct
    while True:
        token = struct.unpack(">I", b[pos:pos + 4])[0]
        pos += 4
        if token == 1:
            end = b.index(b"\0", pos)
            stack.append(b[pos:end].decode())
            nodes["/".join(stack[1:])] = {}
            pos = (end + 4) & ~3
        elif token == 2:
            stack.pop()
        elif token == 3:
            length, nameoff = struct.unpack(">II", b[pos:pos + 8])
            name = b[off_strings + nameoff:b.index(b"\0", off_strings + nameoff)].decode()
            nodes["/".join(stack[1:])][name] = b[pos + 8:pos + 8 + length]
            pos = (pos + 8 + length + 3) & ~3
        elif token == 9:
            return nodes


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
        if code != 95:
            fail(f"exit code {code}, expected 95 (trap loop)", out, err)
        for w in ["trap loop", "M-mode trap vector 0x0", "mtvec = 0x0", "instr_access_fault",
                  "began with illegal_instr"]:
            if w not in err:
                fail(f"the message does not mention {w!r}", out, err)
        print("ok: an unfetchable M-mode vector ends the run with exit code 95")
    elif case == "trap_loop_s":
        code, out, err = run(args, "--set", "cpu.trap_loop_limit=50", "--append", "loop=s",
                             plat("trap_loop"), timeout=20)
        if code != 95 or "50 traps in a row" not in err or "stvec = 0x0" not in err:
            fail(f"exit code {code}, expected 95 after 50 traps naming stvec", out, err)
        print("ok: a run of traps with no instruction retired ends the run with exit code 95")
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
    elif case == "initrd_without_kernel":
        path = tmp("initrd.cpio")
        open(path, "wb").write(b"07070100")
        expect_error(args, ["--initrd", path, "--kernel"], "--initrd", path, hello)
    elif case == "bios_and_firmware":
        expect_error(args, ["--bios", "positional", "one"], "--bios", hello, hello)
    elif case == "kernel_unknown_format":
        path = tmp("kernel.txt")
        open(path, "w").write("#!/bin/sh\necho not a kernel\n" * 8)
        expect_error(args, [path, "neither an ELF file nor a RISC-V Linux Image"], "--bios",
                     hello, "--kernel", path)
    elif case == "image_without_bios":
        image = tmp("Image")
        write_linux_image(image)
        expect_error(args, [image, "Linux Image", "--bios"], "--kernel", image)
    elif case == "kernel_overlaps_firmware":
        fw, image = tmp("big_fw.elf"), tmp("Image")
        write_elf64(fw, [(0x80000000, b"\x13\x00\x00\x00" * 0x80400)])  # 2 MiB + 4 KiB
        write_linux_image(image)
        expect_error(args, [image, "overlaps", fw, "0x80200000"], "--bios", fw, "--kernel", image)
    elif case == "kernel_outside_ram":
        image = tmp("Image")
        write_linux_image(image, image_size=256 << 20)
        expect_error(args, [image, "outside RAM", "--ram"], "--ram", "128M", "--bios", hello,
                     "--kernel", image)
    elif case == "initrd_too_big":
        image, initrd = tmp("Image"), tmp("initrd.cpio")
        write_linux_image(image)
        with open(initrd, "wb") as f:
            f.truncate(30 << 20)
        expect_error(args, [initrd, "does not fit", "--ram"], "--ram", "32M", "--bios", hello,
                     "--kernel", image, "--initrd", initrd)
    elif case == "initrd_larger_than_ram":
        # Refused by its size, before it is read (docs/reliability.md, "Resource limits").
        image, initrd = tmp("Image"), tmp("initrd.cpio")
        write_linux_image(image)
        with open(initrd, "wb") as f:
            f.truncate(64 << 30)
        expect_error(args, [initrd, "68719476736 bytes", "at most 33554432 bytes", "--ram"],
                     "--ram", "32M", "--bios", hello, "--kernel", image, "--initrd", initrd)
    elif case == "initrd_endless":
        # A file without a size is read only up to the RAM size.
        image = tmp("Image")
        write_linux_image(image)
        expect_error(args, ["/dev/zero", "holds more than 33554432 bytes", "--ram"], "--ram",
                     "32M", "--bios", hello, "--kernel", image, "--initrd", "/dev/zero")
    elif case == "elf_segments_exceed_ram":
        # 200 program headers, each loading the same 1 MiB of the file at its own address:
        # refused before 200 MiB are copied out of a 1 MiB file.
        path, n, size = tmp("many_segments.elf"), 200, 1 << 20
        header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
        header += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, 0x80000000, 64, 0, 0, 64, 56, n,
                              64, 0, 0)
        data_off = 64 + 56 * n
        phdrs = b"".join(struct.pack("<IIQQQQQQ", 1, 7, data_off, 0x80000000 + i * size,
                                     0x80000000 + i * size, size, size, 8) for i in range(n))
        with open(path, "wb") as f:
            f.write(header + phdrs + b"\x13\x00\x00\x00" * (size // 4))
        expect_error(args, [path, "loadable segments need more than 134217728 bytes"], "--ram",
                     "128M", path)
    elif case == "bad_dtb":
        path = tmp("not.dtb")
        open(path, "w").write("/dts-v1/; / { };\n")
        expect_error(args, [path, "not a flattened device tree"], "--dtb", path, hello)
    elif case == "dump_dtb":
        # The generated tree as Linux and OpenSBI get it, with /chosen filled in for a
        # kernel and an initrd (no kit needed: a header-only Image will do).
        image, initrd, dtb = tmp("Image"), tmp("initrd.cpio"), tmp("virt.dtb")
        write_linux_image(image)
        open(initrd, "wb").write(b"\x5a" * 5000)
        code, out, err = run(args, "--ram", "256M", "--dump-dtb", dtb, "--bios", hello,
                             "--kernel", image, "--initrd", initrd, "--append", "console=ttyS0 quiet")
        if code != 0 or out:
            fail(f"--dump-dtb: exit code {code}, expected 0 and no console", out, err)
        dts = dtc_tree(dtb, out, err)
        chosen = dts_node(dts, "chosen")
        start = re.search(r"linux,initrd-start = <0x00 (0x[0-9a-f]+)>", chosen or "")
        end = re.search(r"linux,initrd-end = <0x00 (0x[0-9a-f]+)>", chosen or "")
        if not start or not end or int(end.group(1), 16) - int(start.group(1), 16) != 5000:
            fail(f"/chosen lacks linux,initrd-start/end 5000 bytes apart:\n{chosen}")
        if int(start.group(1), 16) < 0x88000000 or int(start.group(1), 16) % 4096:
            fail(f"the initrd is not page-aligned in high RAM: {start.group(1)}")
        expected = {
            "chosen": ['bootargs = "console=ttyS0 quiet";',
                       'stdout-path = "/soc/serial@10000000";'],
            "memory@80000000": ['device_type = "memory";',
                                "reg = <0x00 0x80000000 0x00 0x10000000>;"],
            "cpus": ["timebase-frequency = <0x989680>;"],
            "cpus/cpu@0": ['riscv,isa = "rv64imafdc_zicntr_zicsr_zifencei_zihpm_sstc";',
                           'riscv,isa-base = "rv64i";', 'mmu-type = "riscv,sv48";',
                           'riscv,isa-extensions = "i\\0m\\0a\\0f\\0d\\0c\\0zicntr\\0zicsr\\0zifencei\\0zihpm\\0sstc";'],
            "cpus/cpu@0/interrupt-controller": ['compatible = "riscv,cpu-intc";',
                                                "interrupt-controller;"],
            "soc/clint@2000000": ["interrupts-extended = <0x02 0x03 0x02 0x07>;"],
            "soc/plic@c000000": ["riscv,ndev = <0x1f>;",
                                 "interrupts-extended = <0x02 0x0b 0x02 0x09>;"],
            "soc/serial@10000000": ['compatible = "ns16550a";', "interrupts = <0x0a>;",
                                    "clock-frequency = "],
            "soc/test@100000": ['compatible = "sifive,test1\\0sifive,test0\\0syscon";'],
            "soc/sim-control@102000": ['compatible = "vmplat,sim-control";',
                                       "reg = <0x00 0x102000 0x00 0x1000>;"],
            "poweroff": ['compatible = "syscon-poweroff";', "value = <0x5555>;"],
            "reboot": ['compatible = "syscon-reboot";', "value = <0x7777>;"],
        }
        for i in range(8):
            expected[f"soc/virtio_mmio@1000{i + 1}000"] = [
                'compatible = "virtio,mmio";', f"interrupts = <0x{i + 1:02x}>;"]
        for node, props in expected.items():
            text = dts_node(dts, node)
            if text is None:
                fail(f"the device tree has no node {node}:\n{dts}")
            for prop in props:
                if prop not in text:
                    fail(f"node {node} lacks {prop!r}:\n{text}")
        clock = subprocess.run(["fdtget", "-t", "u", dtb, "/soc/serial@10000000",
                                "clock-frequency"], capture_output=True, text=True).stdout
        if clock.strip() != "3686400":
            fail(f"the UART's clock-frequency is {clock!r}, expected 3686400 (as QEMU's)")
        # A hart without F and D: the tree says so, or Linux would use them.
        run(args, "--dump-dtb", dtb, "--set", "cpu.isa=rv64imac")
        cpu = dts_node(dtc_tree(dtb), "cpus/cpu@0")
        if ('riscv,isa = "rv64imac_' not in cpu or
                'riscv,isa-extensions = "i\\0m\\0a\\0c\\0' not in cpu):
            fail(f"cpu.isa=rv64imac does not give an rv64imac tree:\n{cpu}")
        # Sv39 only: the tree says so (Linux would try Sv48 first otherwise).
        run(args, "--dump-dtb", dtb, "--set", "mmu.satp_modes=bare,sv39")
        if 'mmu-type = "riscv,sv39";' not in dts_node(dtc_tree(dtb), "cpus/cpu@0"):
            fail("mmu.satp_modes=bare,sv39 does not give mmu-type riscv,sv39")
        print(f"ok: {len(expected)} nodes as expected; initrd at {start.group(1)}")
    elif case == "dtb_roundtrip":
        # A user's tree (--dtb) is used as given, with /chosen/bootargs from --append.
        dtb, again = tmp("in.dtb"), tmp("out.dtb")
        run(args, "--dump-dtb", dtb, "--set", "mmu.satp_modes=bare,sv39")
        code, out, err = run(args, "--dtb", dtb, "--append", "from=append", "--dump-dtb", again)
        dts = dtc_tree(again, out, err)
        if code != 0 or 'bootargs = "from=append";' not in dts or "riscv,sv39" not in dts:
            fail(f"--dtb with --append does not keep the tree and set bootargs:\n{dts}", out, err)
        # The hello firmware boots with a user's tree as with the generated one.
        code, out, err = run(args, "--dtb", dtb, hello)
        if code != 0 or "hello from vmplat firmware" not in out:
            fail(f"hello with --dtb: exit code {code}", out, err)
        print("ok")
    elif case in ("dtb_vs_qemu", "dtb_vs_qemu_smp4"):
        # Node by node against QEMU's virt machine: every node vmplat generates exists there
        # with the same values, except the properties listed here with the reason. The smp4
        # case compares 4 harts (--smp 4, QEMU -smp 4): cpu nodes, cpu-map, the CLINT's and
        # PLIC's interrupts-extended per hart.
        qemu = shutil.which("qemu-system-riscv64")
        if not qemu:
            print("SKIP: qemu-system-riscv64 is not installed")
            sys.exit(77)
        harts = 4 if case == "dtb_vs_qemu_smp4" else 1
        ours_path, qemu_path = tmp("vmplat.dtb"), tmp("qemu.dtb")
        run(args, "--dump-dtb", ours_path, "--append", "x", "--smp", str(harts))
        q = subprocess.run([qemu, "-M", f"virt,dumpdtb={qemu_path}", "-m", "128M", "-bios",
                            "none", "-kernel", hello, "-append", "x", "-display", "none",
                            "-smp", str(harts)],
                           capture_output=True, text=True, timeout=60)
        if not os.path.exists(qemu_path):
            fail(f"QEMU wrote no device tree: {q.stderr}")
        ours, theirs = read_dtb(ours_path), read_dtb(qemu_path)
        differ = {
            "model": "vmplat names itself",
            "riscv,isa": "the hart's own extensions (QEMU: rv64imafdch...)",
            "riscv,isa-base": "QEMU 7.2 predates it",
            "riscv,isa-extensions": "QEMU 7.2 predates it",
            **{f"#address-cells@cpus/cpu@{h}/interrupt-controller":
               "dtc asks for it; QEMU 7.2 omits it" for h in range(harts)},
            "mmu-type": "the widest of mmu.satp_modes (QEMU 7.2: sv57)",
            "riscv,ndev": "vmplat's PLIC has 31 sources (QEMU: 95)",
            "reg@soc/plic@c000000": "vmplat maps the whole PLIC window (64 MiB; QEMU: 6 MiB)",
            "rng-seed": "a fixed seed (QEMU: random)",
        }
        # vmplat's own device; software that looks for it does without it on QEMU.
        only_ours = {"soc/sim-control@102000"}
        checked = 0
        for node, props in ours.items():
            if node in only_ours:
                continue
            if node not in theirs:
                fail(f"node '{node}' is not in QEMU's tree")
            for prop, value in props.items():
                if prop in differ or f"{prop}@{node}" in differ:
                    continue
                if theirs[node].get(prop) != value:
                    fail(f"{node}: {prop} = {value!r}, QEMU has {theirs[node].get(prop)!r}")
                checked += 1
        cpu_nodes = lambda tree: sorted(n for n in tree if re.fullmatch(r"cpus/cpu@\d+", n))
        if len(cpu_nodes(ours)) != harts or cpu_nodes(ours) != cpu_nodes(theirs):
            fail(f"{harts} harts: cpu nodes {cpu_nodes(ours)}, QEMU's {cpu_nodes(theirs)}")
        print(f"ok: {harts} hart(s), {len(ours)} nodes, {checked} properties equal to QEMU's")
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
