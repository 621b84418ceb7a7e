#!/usr/bin/env python3
"""Checkpoints (docs/checkpoints.md), one case per invocation, on the kernel demo (our kernel
in sw/kernel: page faults, swapping to the virtio disk, fork with copy-on-write):

  exact_fast / exact_timed
          a run that writes a checkpoint in its middle is the run without it (same console,
          same state at exit); a run restored from that checkpoint prints the rest of the
          console and ends in the same state (hart, devices, TLBs, caches, DRAM banks, RAM
          and disk, compared file for file), and its statistics count from the restore
  knobs   restored with another DTLB geometry: that TLB starts cold (named on stderr and
          counted), the others are restored, the kernel still passes; RAM size, ISA and
          PMP cannot change (one line, exit 2)
  marker  the guest asks (our kernel's init entry "checkpoint", the sim-control device's
          CHECKPOINT): --checkpoint-on-marker writes the checkpoint named "boot" and the
          restored run runs the programs after it; without the option nothing is written and
          the console is the same
  stop    --checkpoint-stop ends the run once the checkpoint is written, and the console
          stops where the checkpoint says
  corrupt truncated, corrupted, foreign or incomplete checkpoints, states a restore would
          have to change (fractions, values too wide) or software could not reach (WARL
          fields, x0, PMP, triggers, TLB rows out of order), and a checkpoint directory that
          holds other files: one line each, exit 2, nothing overwritten

  checkpoint_test.py --vmplat VMPLAT --kernel KERNEL_ELF CASE
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

DEMO = ["--drive", "size=64M", "--append", "frames=64"]
MIDDLE = 20_000_000  # instructions: the demo runs about 66 M, swapping throughout
# Where exact_* checkpoint: early, while the kernel forks and faults (a restore that loses
# the hart's DMI region or fetch line shows there, 17 cycles late).
EARLY = 5_000_000


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(vmplat, args, expect=0):
    p = subprocess.run([vmplat, *args], capture_output=True, timeout=600)
    if p.returncode != expect:
        fail(f"vmplat {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
             + p.stderr.decode(errors="replace")[-2000:])
    return p


def stats(path):
    with open(path) as f:
        return json.load(f)


def same_files(a, b, what):
    for name in ("state.json", "ram.z", "disk.z"):
        with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
            if fa.read() != fb.read():
                fail(f"{what}: {name} of {a} and {b} differ")


def exact(a, tmp, mode):
    kernel = [a.kernel, *DEMO, "--mode", mode]
    ref = run(a.vmplat, [*kernel, "--set", f"checkpoint.at_exit={tmp}/ref",
                         "--stats", f"{tmp}/ref.json"])
    mid = run(a.vmplat, [*kernel, "--checkpoint-at", str(EARLY), "--checkpoint-dir",
                         f"{tmp}/mid", "--set", f"checkpoint.at_exit={tmp}/mid_exit"])
    if mid.stdout != ref.stdout:
        fail("writing a checkpoint changed the console")
    same_files(f"{tmp}/ref", f"{tmp}/mid_exit", "writing a checkpoint changed the run")
    with open(f"{tmp}/mid/manifest.json") as f:
        manifest = json.load(f)
    # At the first quantum boundary (1000 cycles) at or after EARLY instructions + traps.
    if not EARLY <= manifest["progress"] < EARLY + 1000:
        fail(f"checkpoint at progress {manifest['progress']}, asked for {EARLY}")
    rest = run(a.vmplat, ["--restore", f"{tmp}/mid", "--set", f"checkpoint.at_exit={tmp}/rest",
                          "--stats", f"{tmp}/rest.json"])
    n = manifest["console_bytes"]
    if not 0 < n < len(ref.stdout) or rest.stdout != ref.stdout[n:]:
        fail(f"the restored run's console is not the rest of the reference's after {n} bytes")
    same_files(f"{tmp}/ref", f"{tmp}/rest", "restored run")
    restored = stats(f"{tmp}/rest.json")["vmplat"].get("restored", {})
    if restored.get("instret") != manifest["instret"]:
        fail(f"--stats does not say where the restored run began: {restored}")
    r, s = stats(f"{tmp}/ref.json")["stats"], stats(f"{tmp}/rest.json")["stats"]
    if manifest["instret"] + s["cpu.instret"] != r["cpu.instret"]:
        fail(f"restored cpu.instret {s['cpu.instret']} + checkpoint {manifest['instret']} != "
             f"{r['cpu.instret']}")
    if manifest["cycles"] + s["cpu.cycles"] != r["cpu.cycles"]:
        fail("restored cpu.cycles do not continue the checkpoint's")
    if s["checkpoint.cold"] != 0 or b"cold" in rest.stderr:
        fail("a restore with the same configuration left something cold")
    print(f"PASS: {mode}: checkpoint at {manifest['instret']} instructions, "
          f"{manifest['ram']['pages']} RAM pages; the restored run ends in the same state")


def knobs(a, tmp):
    run(a.vmplat, [a.kernel, *DEMO, "--checkpoint-at", str(MIDDLE), "--checkpoint-dir",
                   f"{tmp}/mid", "--checkpoint-stop"])
    p = run(a.vmplat, ["--restore", f"{tmp}/mid", "--set", "mmu.dtlb.entries=64",
                       "--stats", f"{tmp}/s.json"])
    if b"cold: mmu.dtlb\n" not in p.stderr:
        fail("the restore does not say the resized DTLB starts cold:\n" + p.stderr.decode())
    s = stats(f"{tmp}/s.json")
    if s["stats"]["checkpoint.cold"] != 1 or s["config"]["mmu.dtlb.entries"] != 64:
        fail("checkpoint.cold is not 1, or the DTLB size did not change")
    if b"kernel: halt, exit code 0" not in p.stdout:
        fail("the kernel did not finish its programs after the restore:\n" + p.stdout.decode())
    for key, value in (("dram.size", "256M"), ("cpu.isa", "rv64imac"), ("cpu.pmp.entries", "64")):
        p = run(a.vmplat, ["--restore", f"{tmp}/mid", "--set", f"{key}={value}"], expect=2)
        err = p.stderr.decode().strip()
        if len(err.splitlines()) != 1 or key not in err:
            fail(f"changing {key} on restore: expected one line naming it, got:\n{err}")
    print("PASS: a resized DTLB starts cold; RAM size, ISA and PMP cannot change")


def stop(a, tmp):
    full = run(a.vmplat, [a.kernel, *DEMO, "--quiet"])
    p = run(a.vmplat, [a.kernel, *DEMO, "--checkpoint-at", str(MIDDLE),
                       "--checkpoint-dir", f"{tmp}/ck", "--checkpoint-stop"])
    with open(f"{tmp}/ck/manifest.json") as f:
        manifest = json.load(f)
    if p.stdout != full.stdout[:manifest["console_bytes"]] or len(p.stdout) >= len(full.stdout):
        fail("--checkpoint-stop did not end the run where the checkpoint was written")
    if b"checkpoint.stop" not in p.stderr:
        fail("no stop reason naming checkpoint.stop")
    print(f"PASS: stopped after the checkpoint, {len(p.stdout)} of {len(full.stdout)} console bytes")


def marker(a, tmp):
    args = [a.kernel, "--drive", "size=64M", "--append", "frames=64 run=checkpoint,forktest"]
    plain = run(a.vmplat, [*args, "--quiet", "--checkpoint-dir", f"{tmp}/none"])
    if os.path.exists(f"{tmp}/none"):
        fail("a checkpoint was written without --checkpoint-on-marker")
    p = run(a.vmplat, [*args, "--quiet", "--checkpoint-on-marker", "--checkpoint-dir",
                       f"{tmp}/ck", "--set", f"checkpoint.at_exit={tmp}/ref"])
    if p.stdout != plain.stdout or b"PASS forktest" not in p.stdout:
        fail("asking for a checkpoint changed the run, or forktest did not pass")
    with open(f"{tmp}/ck/manifest.json") as f:
        manifest = json.load(f)
    if manifest["name"] != "boot":
        fail(f"the checkpoint is named {manifest['name']!r}, not the guest's 'boot'")
    if b"PASS forktest" in p.stdout[:manifest["console_bytes"]]:
        fail("the checkpoint was taken after forktest, not where the guest asked")
    rest = run(a.vmplat, ["--restore", f"{tmp}/ck", "--quiet",
                          "--set", f"checkpoint.at_exit={tmp}/rest"])
    if rest.stdout != p.stdout[manifest["console_bytes"]:]:
        fail("the restored run does not print the rest of the console")
    same_files(f"{tmp}/ref", f"{tmp}/rest", "restored from the guest's checkpoint")
    print(f"PASS: the guest's checkpoint at instret {manifest['instret']}; restored, forktest "
          f"passes and the run ends in the same state")


def rewrite(path, data):
    with open(path, "wb") as f:
        f.write(data)


def corrupt(a, tmp):
    good = f"{tmp}/good"
    run(a.vmplat, [a.kernel, *DEMO, "--quiet", "--checkpoint-at", "2000000",
                   "--checkpoint-dir", good, "--checkpoint-stop"])

    def expect_error(name, damage, needle):
        ck = f"{tmp}/{name}"
        shutil.copytree(good, ck)
        damage(ck)
        p = run(a.vmplat, ["--restore", ck], expect=2)
        err = p.stderr.decode().strip()
        if len(err.splitlines()) != 1 or needle not in err:
            fail(f"{name}: expected one line with '{needle}', got:\n{err}")

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    def set_manifest(ck, fn):
        m = json.loads(read(f"{ck}/manifest.json"))
        fn(m)
        rewrite(f"{ck}/manifest.json", json.dumps(m).encode())

    expect_error("truncated", lambda ck: rewrite(f"{ck}/ram.z", read(f"{ck}/ram.z")[:-100]),
                 "truncated")
    expect_error("flipped", lambda ck: rewrite(
        f"{ck}/state.json", read(f"{ck}/state.json").replace(b'"pc"', b'"pC"')), "CRC-32")
    expect_error("no_manifest", lambda ck: os.remove(f"{ck}/manifest.json"), "no manifest.json")
    expect_error("foreign", lambda ck: set_manifest(ck, lambda m: m.update(format="other")),
                 "not a vmplat checkpoint")
    expect_error("version", lambda ck: set_manifest(ck, lambda m: m.update(format_version=9)),
                 "format version 9")

    def edit_state(fn):
        # A consistent checkpoint (CRC updated) whose state fn changed.
        def damage(ck):
            state = json.loads(read(f"{ck}/state.json"))
            fn(state)
            data = json.dumps(state).encode()
            rewrite(f"{ck}/state.json", data)
            set_manifest(ck, lambda m: m["files"]["state.json"].update(
                bytes=len(data), crc32=zlib.crc32(data)))
        return damage

    def put(path, value):
        def fn(state):
            *parents, last = path
            for key in parents:
                state = state[key]
            state[last] = value
        return edit_state(fn)
    expect_error("missing_field", edit_state(lambda s: s["cpu"].pop("pc")), "cpu.pc is missing")
    # Values a restore would have to change to hold are refused, not truncated or masked
    # (the same rule fuzz_checkpoint checks: a restored machine saves what it was given).
    expect_error("fraction", put(["cpu", "priv"], 1.5), "cpu.priv holds a value that is not")
    expect_error("too_wide", put(["cpu", "fcsr"], 1 << 40), "at most 4294967295")
    expect_error("x0", edit_state(lambda s: s["cpu"]["x"].__setitem__(0, 1)), "non-zero x0")
    expect_error("odd_pc", edit_state(lambda s: s["cpu"].update(pc=s["cpu"]["pc"] | 1)),
                 "cpu.pc is odd")
    # States no software could reach: each CSR, PMP entry and trigger as its WARL write
    # leaves it.
    expect_error("satp_mode", put(["cpu", "csr", "satp"], 5 << 60), "csr.satp holds a value")
    expect_error("mpp_2", edit_state(lambda s: s["cpu"]["csr"].update(
        mstatus=s["cpu"]["csr"]["mstatus"] & ~(3 << 11) | (2 << 11))), "csr.mstatus holds")
    expect_error("mtvec_mode", put(["cpu", "csr", "mtvec"], 0x80000003), "csr.mtvec holds")
    expect_error("pmpcfg_w_only", edit_state(lambda s: s["cpu"]["pmp"]["cfg"].__setitem__(1, 0x0a)),
                 "no pmpcfg write leaves")
    expect_error("tdata1", edit_state(lambda s: s["cpu"]["triggers"]["tdata1"].__setitem__(
        0, (2 << 60) | (15 << 7))), "no tdata1 write leaves")
    expect_error("tlb_order", edit_state(
        lambda s: s["mmu"]["dtlb"]["tlb"]["ways"].reverse()), "out of (set, way) order")

    def bad_page(ck):
        # A consistent RAM file whose page lies past the end of RAM.
        rec = (1 << 40).to_bytes(8, "little") + bytes([1]) * 4096
        data = zlib.compress(rec)
        rewrite(f"{ck}/ram.z", data)
        set_manifest(ck, lambda m: (m["files"]["ram.z"].update(bytes=len(data),
                                                               crc32=zlib.crc32(data)),
                                    m["ram"].update(pages=1)))
    expect_error("page_outside", bad_page, "outside")

    p = run(a.vmplat, ["--restore", good, a.kernel], expect=2)
    if b"takes no firmware" not in p.stderr:
        fail("--restore with a firmware is not refused")
    p = run(a.vmplat, ["--restore", good, "--drive", "size=1M"], expect=2)
    if b"disk.size" not in p.stderr:
        fail("--restore with another disk is not refused")

    p = run(a.vmplat, [a.kernel, *DEMO, "--quiet", "--checkpoint-at", "1000000",
                       "--checkpoint-dir", "/proc/vmplat-no-such-place/ck"], expect=2)
    if len(p.stderr.splitlines()) != 1 or b"cannot create" not in p.stderr:
        fail("a checkpoint that cannot be written is not one line with exit code 2:\n"
             + p.stderr.decode())
    other = f"{tmp}/other"
    os.makedirs(other)
    rewrite(f"{other}/keep.txt", b"mine")
    p = run(a.vmplat, [a.kernel, *DEMO, "--quiet", "--checkpoint-at", "1000000",
                       "--checkpoint-dir", other], expect=2)
    if b"is not a checkpoint" not in p.stderr or len(p.stderr.splitlines()) != 1 or read(f"{other}/keep.txt") != b"mine":
        fail("a checkpoint directory holding other files was not refused, or was changed")
    print("PASS: bad checkpoints are refused with one line each")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("case",
                    choices=["exact_fast", "exact_timed", "knobs", "marker", "stop", "corrupt"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vmplat-checkpoint-") as tmp:
        if a.case == "exact_fast":
            exact(a, tmp, "fast")
        elif a.case == "exact_timed":
            exact(a, tmp, "timed")
        else:
            globals()[a.case](a, tmp)


if __name__ == "__main__":
    main()
