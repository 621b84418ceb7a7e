#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz harnesses into tests/fuzz/corpus/<name>/seed-*.

  python3 tests/fuzz/make_seeds.py [--dtb FILE]

The seeds are small, valid examples of each input format (see each harness's header), so
the fuzzers start from inputs that go deep: minimal RV64 ELF files (static and PIE), a
Linux Image header, a raw firmware, a device tree (from `vmplat --dump-dtb`, given with
--dtb), configuration files and --set lines, a GDB session, driver and chaos programs for
the virtio device, page tables for the walker (with and without a PMP), instruction
words, and machine states (from the checkpoints given with --checkpoint). They are checked
in; run this again only to change them. Inputs that made a harness fail are kept next to
them as regress-* files, and inputs that caught a deliberate mutation of a model as
mutant-* files; neither is ever rewritten here.
"""
import argparse
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(name, seed, data):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + seed), "wb") as f:
        f.write(data)


def mmio_op(what, pick, n=0, width=0, write=False, small=False, value=0, delay=0):
    """One fuzz_mmio operation: width 0 is 4 bytes, 3 is 8, 4 is 1."""
    return struct.pack("<BBHBBQH", what, pick, n, width, int(write) | 2 * int(small),
                       value & (2**64 - 1), delay)


def mmio_line(source, high):
    """A fuzz_mmio operation that raises or lowers PLIC source line `source` (1-31)."""
    return mmio_op(9, source - 1, write=high)


def elf(pie=False, segments=((0x80000000, b"\x6f\x00\x00\x00", 4),), symbols=False):
    """A little-endian RV64 ELF executable with the given (paddr, bytes, memsz) PT_LOADs."""
    phoff, phentsize = 64, 56
    data_off = phoff + phentsize * len(segments)
    blobs, phdrs = b"", b""
    for paddr, content, memsz in segments:
        off = data_off + len(blobs)
        vaddr = paddr - 0x80000000 if pie else paddr
        phdrs += struct.pack("<IIQQQQQQ", 1, 5, off, vaddr, vaddr if pie else paddr,
                             len(content), memsz, 0x1000)
        blobs += content
    shoff, shnum, shstrndx, tail = 0, 0, 0, b""
    if symbols:
        # .symtab with "tohost", .strtab, .shstrtab: what riscv-tests programs carry.
        strtab = b"\0tohost\0fromhost\0"
        shstr = b"\0.symtab\0.strtab\0.shstrtab\0"
        sym = struct.pack("<IBBHQQ", 0, 0, 0, 0, 0, 0)
        sym += struct.pack("<IBBHQQ", 1, 0x11, 0, 1, 0x80001000, 8)
        sym += struct.pack("<IBBHQQ", 8, 0x11, 0, 1, 0x80001040, 8)
        base = data_off + len(blobs)
        tail = sym + strtab + shstr
        shoff = base + len(tail)
        null = bytes(64)
        symtab = struct.pack("<IIQQQQIIQQ", 1, 2, 0, 0, base, len(sym), 2, 1, 8, 24)
        strsec = struct.pack("<IIQQQQIIQQ", 9, 3, 0, 0, base + len(sym), len(strtab), 0, 0, 1, 0)
        shsec = struct.pack("<IIQQQQIIQQ", 17, 3, 0, 0, base + len(sym) + len(strtab),
                            len(shstr), 0, 0, 1, 0)
        tail += null + symtab + strsec + shsec
        shnum, shstrndx = 4, 3
    entry = segments[0][0] - (0x80000000 if pie else 0)
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 3 if pie else 2, 243, 1, entry, phoff, shoff, 0,
                        64, phentsize, len(segments), 64, shnum, shstrndx)
    return ehdr + phdrs + blobs + tail


def linux_image(text_offset=0x200000, image_size=0x10000):
    h = struct.pack("<IIQQQQQQI", 0x0000006f, 0, text_offset, image_size, 0, 2, 0, 0, 0)
    h = h[:48] + b"RISCV\0\0\0" + b"RSC\x05"
    return h + bytes(4) + b"\x13\x00\x00\x00" * 16


def rsp(payload):
    body = payload.replace(b"}", b"}]").replace(b"#", b"}\x03").replace(b"$", b"}\x04")
    return b"$" + body + b"#" + b"%02x" % (sum(body) % 256)


def gdb_session():
    packets = [b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+", b"vMustReplyEmpty",
               b"QStartNoAckMode", b"Hg0", b"qXfer:features:read:target.xml:0,ffb", b"qTStatus",
               b"?", b"qfThreadInfo", b"qsThreadInfo", b"qAttached", b"Hc-1", b"qC", b"g",
               b"p20", b"p41", b"p1041", b"m80000000,40", b"m1000,8",
               b"qRcmd," + b"translate 0x1000".hex().encode(), b"qRcmd," + b"tlb".hex().encode(),
               b"Z0,80000010,2", b"Z2,80000100,8", b"vCont?", b"vCont;s:1", b"c",
               b"M80000100,4:deadbeef", b"X80000104,2:ab", b"P5=0100000000000000",
               b"z0,80000010,2", b"qRcmd," + b"phys on".hex().encode(), b"D"]
    out = b""
    for p in packets:
        out += b"+" + rsp(p)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtb", help="a device tree blob (vmplat --dump-dtb FILE) for the elf seeds")
    ap.add_argument("--checkpoint", action="append", default=[], metavar="DIR",
                    help="a checkpoint (vmplat --checkpoint-dir DIR) whose state.json seeds the "
                         "checkpoint harness; repeat for several")
    args = ap.parse_args()

    # decode: a word of each major format (4 bytes each; compressed in the low half).
    words = [0x00000013, 0x00b50533, 0xfff00513, 0x0cb6b52f, 0x02b57553, 0x5805f0d3, 0x30200073,
             0x12000073, 0x0000100f, 0x00004501, 0x00008082, 0x0000e406, 0x000063a0, 0x0000b7f5]
    put("decode", "words", b"".join(struct.pack("<I", w) for w in words))

    # elf: byte 0 role (0 firmware ELF, 1 --bios, 2 --kernel, 3 --kernel with initrd,
    # 4 --initrd, 5 --dtb), byte 1 RAM size (0: 128 MiB), then the file.
    put("elf", "firmware", bytes([0, 0]) + elf(symbols=True))
    put("elf", "firmware-bss", bytes([0, 1]) + elf(segments=((0x80000000, b"\x6f\0\0\0", 4),
                                                            (0x80001000, b"\1\2\3\4", 0x3000))))
    put("elf", "pie", bytes([1, 0]) + elf(pie=True))
    put("elf", "raw-bios", bytes([1, 0]) + b"\x6f\x00\x00\x00" * 4)
    put("elf", "kernel-elf", bytes([2, 0]) + elf(segments=((0x80200000, b"\x6f\0\0\0", 4),)))
    put("elf", "kernel-image", bytes([3, 0]) + linux_image())
    put("elf", "initrd", bytes([4, 0]) + b"070701" + bytes(200))
    if args.dtb:
        with open(args.dtb, "rb") as f:
            put("elf", "dtb", bytes([5, 0]) + f.read())

    # config: a JSON file, NUL, --set lines.
    put("config", "nested", b'{"mmu": {"dtlb": {"entries": 64, "ways": 4, "policy": "lru"},'
        b' "l2tlb": {"entries": 0}}, "dram": {"mode": "timed", "size": "256M"}}\0'
        b"mmu.pwc.entries=16\ncpu.quantum_ns=500\n")
    put("config", "dotted", b'{"mmu.walker.ad_policy": "fault", "disk.size": "1M",'
        b' "cpu.isa": "rv64imac", "mmu.satp_modes": "bare,sv39"}\0disk.queue_size=64\n')
    put("config", "sets-only", b"\0mmu.itlb.entries=8\nmmu.itlb.ways=2\nmmu.itlb.policy=fifo\n"
        b"dram.channels=2\ndram.banks=8\nplic.gateway=level\ncpu.misaligned=trap\n")
    put("config", "paths", b'{"cpu": {"trace": "t.log"}, "waves": {"file": "w.vcd"}}\0'
        b"uart.output=o.txt\ndisk.image=d.img\nmmu.trace.file=m.trace\n"
        b"mmu.trace.vaddr=0x1000+0x2000\n")

    # gdb: byte 0 how the session starts, then what the client sends.
    put("gdb", "session", bytes([0]) + gdb_session())
    put("gdb", "attach-running", bytes([0xc0]) + b"\x03" + gdb_session())
    put("gdb", "noise", bytes([1]) + b"+-$g#00$m0,1#fe}$#\x03$qRcmd,7374617473#xx" + rsp(b"k"))

    # virtio: byte 0 odd = chaos, even = driver, then the program (FuzzedDataProvider).
    put("virtio", "driver", bytes([0, 3]) + bytes(range(1, 200)))
    put("virtio", "chaos", bytes([1]) + bytes((i * 37 + 11) % 256 for i in range(300)))

    # mmio: 16-byte operations (fuzz_mmio.cpp's header): what a driver of each device does.
    plic, clint, uart, simctl, finisher, debug_plic = 0, 3, 4, 5, 6, 8
    put("mmio", "plic-claim", b"".join([
        mmio_op(plic, 0, n=3, write=True, value=2),             # priority of source 3
        mmio_op(plic, 0, n=5, write=True, value=1),             # priority of source 5
        mmio_op(plic, 2, n=0, write=True, value=(1 << 3) | (1 << 5)),  # M context enables
        mmio_op(plic, 2, n=1, write=True, value=1 << 5),        # S context enables 5
        mmio_op(plic, 3, n=1, write=True, value=0),             # S threshold
        mmio_line(3, True), mmio_line(5, True),
        mmio_op(plic, 1, n=0),                                  # pending
        mmio_op(debug_plic, 4, n=0),                            # what a claim would return
        mmio_op(plic, 4, n=0), mmio_op(plic, 4, n=1),           # claim in M, claim in S
        mmio_line(3, False), mmio_line(3, True),
        mmio_op(plic, 4, n=0, write=True, value=3),             # complete 3 in M
        mmio_op(plic, 4, n=1, write=True, value=5),             # complete 5 in S
        mmio_op(plic, 4, n=0), mmio_op(plic, 4, n=0, write=True, value=3)]))
    put("mmio", "clint", b"".join([
        mmio_op(clint, 0, write=True, value=1), mmio_op(clint, 0),
        mmio_op(clint, 2, width=3, write=True, value=0x1234_5678_9abc),
        mmio_op(clint, 3, write=True, value=0), mmio_op(clint, 2, width=3),
        mmio_op(clint, 5, width=3, delay=40000), mmio_op(clint, 6, delay=65535),
        mmio_op(clint, 0, write=True, value=0)]))
    put("mmio", "uart", b"".join([
        mmio_op(uart, 3, width=4, write=True, value=0x83), mmio_op(uart, 0, width=4, write=True, value=1),
        mmio_op(uart, 3, width=4, write=True, value=0x03), mmio_op(uart, 2, width=4, write=True, value=7),
        mmio_op(uart, 1, width=4, write=True, value=3), mmio_op(uart, 0, width=4, write=True, value=0x41),
        mmio_op(uart, 2, width=4), mmio_op(uart, 5, width=4), mmio_op(uart, 7, width=4, write=True, value=0x5a),
        mmio_op(uart, 7, width=4), mmio_op(uart, 4, width=4, write=True, value=0x10), mmio_op(uart, 6, width=4)]))
    put("mmio", "simctl-finisher", b"".join([
        mmio_op(simctl, 0), mmio_op(simctl, 1), mmio_op(simctl, 2, write=True, value=7),
        mmio_op(simctl, 4, width=4, write=True, value=0x6f72), mmio_op(simctl, 3, write=True, small=True, value=2),
        mmio_op(simctl, 5), mmio_op(simctl, 3, write=True, small=True, value=4),
        mmio_op(finisher, 0, write=True, small=True, value=1 + 3 * 2), mmio_op(finisher, 0)]))
    # walker: PTE writes and operations (FuzzedDataProvider).
    put("walker", "tables", bytes((i * 73 + 5) % 256 for i in range(600)))
    put("walker", "simple", bytes([3, 0, 0, 0x01, 0, 0, 1, 0, 0, 0xcf, 0, 0, 2]) + bytes(100))
    # walker with a PMP: 'P', entries and granularity, the number of entry writes, the writes
    # (index, pmpcfg byte, address shape and its bytes), then the program as above.
    # 16 entries, 4-byte granules: DRAM pages 0-3 read-only (NAPOT 16 KiB), up to page 8
    # read-write (TOR), the ROM page read-only and locked (NAPOT 4 KiB), the rest RWX.
    put("walker", "pmp-tables", b"P" + bytes([0x00, 4, 0, 0x19, 1, 0, 11, 0, 0, 1, 0x0b, 0, 8, 0,
                                              0, 2, 0x99, 1, 16, 9, 0, 0, 3, 0x1f, 3, 0, 1])
        + bytes((i * 73 + 5) % 256 for i in range(600)))
    # 64 entries, 4-byte granules: entry 40 TOR from entry 39's address, 20 bytes into page 1
    # (the PTE at 16 straddles it), up to page 2 with R only; entry 41 NAPOT over all, RW.
    put("walker", "pmp-tor", b"P" + bytes([0x02, 3, 0xa7, 0x00, 0, 1, 20, 0, 0xa8, 0x09, 0, 2,
                                           0, 0, 0xa9, 0x1b, 3, 0, 1])
        + bytes((i * 151 + 29) % 256 for i in range(400)))

    # checkpoint: state.json, NUL, a manifest patch, NUL, RAM page records (fuzz_checkpoint).
    for i, ck in enumerate(args.checkpoint):
        with open(os.path.join(ck, "state.json")) as f:
            state = json.load(f)
        state["disk"]["capacity_bytes"] = 1 << 20  # the harness's disk
        state = json.dumps(state, separators=(",", ":")).encode()
        with open(os.path.join(ck, "manifest.json")) as f:
            config = json.load(f)["config"]
        # The harness's platform takes the checkpoint's caches and DRAM mode (its RAM and
        # disk sizes are its own).
        patch = {"config": {k: v for k, v in config.items()
                            if k.startswith("cache.") or k == "dram.mode"}}
        name = os.path.basename(os.path.normpath(ck))
        put("checkpoint", name, state + b"\0" + json.dumps(patch).encode())
        if i == 0:
            page = struct.pack("<Q", 5) + bytes((j * 29 + 3) % 256 for j in range(4096))
            put("checkpoint", name + "-patch-ram", state + b'\0{"name":"seed","instret":7}\0' + page)


if __name__ == "__main__":
    main()
