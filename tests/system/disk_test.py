#!/usr/bin/env python3
"""The virtio-blk firmware test (sw/tests/disk) on vmplat and on QEMU.

  disk_test.py run   --vmplat VMPLAT ELF    vmplat passes the firmware (exit 0, "disk: PASS")
  disk_test.py image --vmplat VMPLAT ELF    after vmplat exits, the image file holds the
                                            firmware's pattern in every sector it wrote and
                                            zeros elsewhere
  disk_test.py diff  --vmplat VMPLAT --qemu QEMU ELF
                                            the console outputs and exit codes are equal
                                            (exit 77, a ctest skip, without QEMU)

Each run gets a fresh zero-filled 1 MiB raw image in a temporary directory.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
IMAGE_BYTES = 1 << 20
SECTOR = 512
# Must match sw/tests/disk/disk.c.
NREQ, STRIDE, MAXSECT = 128, 16, 8


def pattern(sector, offset):
    return (sector * 131 + offset * 7 + 0x5A) & 0xFF


def make_image(directory, name):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.truncate(IMAGE_BYTES)
    return path


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout:.0f} s: {' '.join(cmd)}"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def on_vmplat(args, image):
    return run([args.vmplat, "--drive", f"file={image}", args.elf], args.timeout)


def on_qemu(args, image):
    return run([args.qemu, "-M", "virt", "-bios", "none", "-nographic",
                "-global", "virtio-mmio.force-legacy=false",
                "-drive", f"file={image},if=none,format=raw,id=d0",
                "-device", "virtio-blk-device,drive=d0", "-kernel", args.elf], args.timeout)


def expect_pass(name, code, out, err):
    if code != 0 or "disk: PASS" not in out.splitlines():
        print(f"{name}: exit code {code}\n--- stdout\n{out}--- stderr\n{err}")
        return False
    return True


def check_image(image):
    data = open(image, "rb").read()
    if len(data) != IMAGE_BYTES:
        print(f"image is {len(data)} bytes, expected {IMAGE_BYTES}")
        return False
    expected = bytearray(IMAGE_BYTES)
    for i in range(NREQ):
        for s in range(i * STRIDE, i * STRIDE + 1 + i % MAXSECT):
            expected[s * SECTOR:(s + 1) * SECTOR] = bytes(pattern(s, o) for o in range(SECTOR))
    if data != bytes(expected):
        bad = next(i for i in range(IMAGE_BYTES) if data[i] != expected[i])
        print(f"image differs first at byte {bad} (sector {bad // SECTOR}): "
              f"0x{data[bad]:02x}, expected 0x{expected[bad]:02x}")
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["run", "image", "diff"])
    ap.add_argument("elf")
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--qemu")
    # A run takes about a second; the firmware itself gives up on a hung device after 200 ms
    # of simulated time. This only catches a simulator that stops making progress, and
    # stays below ctest's TIMEOUT so the message below is printed.
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="vmplat-disk-") as tmp:
        if args.mode == "diff" and (not args.qemu or not shutil.which(args.qemu)):
            print("qemu-system-riscv64 not found: skipped")
            return SKIP
        image = make_image(tmp, "vmplat.img")
        code, out, err = on_vmplat(args, image)
        ok = expect_pass("vmplat", code, out, err)
        if args.mode == "image":
            ok = ok and check_image(image)
        elif args.mode == "diff":
            qimage = make_image(tmp, "qemu.img")
            qcode, qout, qerr = on_qemu(args, qimage)
            ok = expect_pass("qemu", qcode, qout, qerr) and ok
            if (code, out) != (qcode, qout):
                print(f"vmplat exit {code}, qemu exit {qcode}")
                sys.stdout.writelines(difflib.unified_diff(
                    out.splitlines(True), qout.splitlines(True), "vmplat", "qemu"))
                ok = False
            ok = ok and check_image(qimage)
        if ok:
            print(out, end="")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
