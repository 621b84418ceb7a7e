#!/usr/bin/env python3
"""What a disk image holds after vmplat is killed (docs/reliability.md, "Crash consistency").

  crash_test.py --vmplat VMPLAT --kernel KERNEL_ELF [--kills N] [--seed S] [--disk-mb M]
                [--append ARGS] [--workdir DIR] [--vmplat-arg ARG]...

The kernel (sw/kernel) swaps to a raw image with the boot option disklog=1, which makes it
print, for every page it writes, "disklog: w SEQ SECTOR H0..H7" (a hash of each 512-byte
sector) before the device sees the request and "disklog: c SEQ STATUS" after the device
completed it. The image starts with a distinct pattern in every sector.

First one whole run (nothing killed): afterwards every sector holds what the last write to
it wrote, or its starting pattern. Then --kills runs on the same image, each killed with
SIGKILL at a random point: after a random write's "w" line (uniform over the writes the
whole run made), plus a random delay of up to 3 ms, or right away. After each kill, every
sector of the image must hold
  - the data of the last write to it that the guest saw complete ("c" line), or its
    content before the run if none, or
  - the data of the one write in flight at the kill (a "w" line without its "c" line),
exactly: a sector matching neither (a torn sector, a lost completed write, a stray write)
fails the test. The promise holds for kill -9 because the device writes the image through
(pwrite) before it completes a request; see docs/storage.md.

Random kills rarely land in the few microseconds between the device's pwrite of a request
and the guest's "c" line. When strace can trace (it needs ptrace), two more kills land
there deterministically, with strace's syscall fault injection: one as the device enters
the pwrite of a random write (the image must still hold the old data), one as vmplat enters
the write(2) of that request's "c" line to the console (the device completed the request,
the guest did not get to say so: the image must hold the new data).
"""
import argparse
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

SECTOR = 512
W_LINE = re.compile(r"^disklog: w (\d+) (\d+)((?: [0-9a-f]{16}){8})$")
C_LINE = re.compile(r"^disklog: c (\d+) (\d+)$")


def fail(msg, *texts):
    print(f"FAIL: {msg}")
    for t in texts:
        print("----\n" + t)
    sys.exit(1)


def sector_hash(data):
    """The kernel's sector_hash: FNV-1a over the sector's 64 little-endian 64-bit words."""
    h = 0xcbf29ce484222325
    for w in struct.unpack("<64Q", data):
        h = ((h ^ w) * 0x100000001b3) & 0xffffffffffffffff
    return h


def image_hashes(path):
    with open(path, "rb") as f:
        data = f.read()
    return [sector_hash(data[i:i + SECTOR]) for i in range(0, len(data), SECTOR)]


def make_image(path, mb):
    with open(path, "wb") as f:
        for s in range(mb * 2048):
            f.write(struct.pack("<Q", 0x5ec7000000000000 | s) * (SECTOR // 8))


def traced_env():
    """The environment for vmplat under strace: LeakSanitizer (in the sanitizer build) stops
    a traced program, so leaks are checked by the untraced runs only."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def vmplat_cmd(args, image):
    return [args.vmplat, "--uart-in", "none", "--quiet", "--drive", f"file={image}",
            "--append", args.append + " disklog=1", *args.vmplat_arg, args.kernel]


def run(args, image, kill_after=None, delay=0.0, inject=None):
    """Boots the kernel on the image; with kill_after=K, SIGKILLs vmplat `delay` seconds after
    the K-th write's "w" line; with inject=(syscall, n), strace kills it as it enters its n-th
    call of that syscall. Returns (writes, completions, killed, output): writes maps seq to
    (sector, hashes), completions seq to status."""
    cmd = vmplat_cmd(args, image)
    if inject:
        cmd = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={inject[0]}", "-e",
               f"inject={inject[0]}:signal=SIGKILL:when={inject[1]}", *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=traced_env() if inject else None)
    writes, completions, lines = {}, {}, []
    killed = inject is not None
    for raw in proc.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        if not raw.endswith(b"\n"):
            break  # a line cut by the kill: not something the guest finished printing
        lines.append(line)
        m = W_LINE.match(line)
        if m:
            seq = int(m.group(1))
            writes[seq] = (int(m.group(2)), [int(h, 16) for h in m.group(3).split()])
            if kill_after is not None and len(writes) == kill_after and not killed:
                if delay:
                    end = time.perf_counter() + delay
                    while time.perf_counter() < end:
                        pass
                proc.send_signal(signal.SIGKILL)
                killed = True
            continue
        m = C_LINE.match(line)
        if m:
            completions[int(m.group(1))] = int(m.group(2))
    proc.stdout.close()
    err = proc.stderr.read().decode(errors="replace")
    rc = proc.wait()
    out = "\n".join(l for l in lines if not l.startswith("disklog:"))
    if not killed and rc != 0:
        fail(f"vmplat exited with {rc} without being killed", out, err)
    if killed and rc not in (0, -signal.SIGKILL, 128 + signal.SIGKILL):
        fail(f"vmplat exited with {rc} when killed", out, err)
    if inject and rc == 0:
        fail(f"vmplat was not killed at its call {inject[1]} of {inject[0]}", out, err)
    return writes, completions, killed, out


def check(before, after, writes, completions, what):
    """Every sector holds its last completed write, its old content, or the write in flight."""
    expected = list(before)
    in_flight = {}  # sector -> hash of the unfinished write
    for seq in sorted(writes):
        sector, hashes = writes[seq]
        if seq in completions:
            if completions[seq] != 0:
                fail(f"{what}: write {seq} completed with status {completions[seq]}")
            for i, h in enumerate(hashes):
                expected[sector + i] = h
                in_flight.pop(sector + i, None)
        else:
            for i, h in enumerate(hashes):
                in_flight[sector + i] = h
    unfinished = [s for s in writes if s not in completions]
    if len(unfinished) > 1:
        fail(f"{what}: more than one write unfinished at once ({unfinished}); the kernel has one "
             "request in flight")
    new = old = 0
    for s, h in enumerate(after):
        if h == expected[s]:
            if s in in_flight and h != in_flight[s]:
                old += 1
            continue
        if s in in_flight and h == in_flight[s]:
            new += 1
            continue
        fail(f"{what}: sector {s} holds data that is neither its last completed write nor the "
             f"write in flight (hash {h:016x}, expected {expected[s]:016x}"
             + (f" or {in_flight[s]:016x}" if s in in_flight else "") + ")")
    return len(unfinished), new, old


def traced_syscalls(args, image):
    """The order of vmplat's pwrite64 and write calls in a whole run: for each pwrite64 of
    the image (1-based), the number of the first write(2) to standard output after it."""
    log = image + ".strace"
    subprocess.run(["strace", "-f", "-qq", "-o", log, "-e", "trace=write,pwrite64",
                    *vmplat_cmd(args, image)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, env=traced_env())
    writes = 0
    pending = []  # pwrite numbers waiting for their next console write
    after = {}
    pwrites = 0
    with open(log) as f:
        for line in f:
            if " pwrite64(" in line or line.startswith("pwrite64("):
                pwrites += 1
                pending.append(pwrites)
            elif " write(" in line or line.startswith("write("):
                writes += 1
                if re.search(r"\bwrite\(1,", line):
                    for p in pending:
                        after[p] = writes
                    pending = []
    os.unlink(log)
    return after


def strace_works():
    if not shutil.which("strace"):
        return False
    return subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--disk-mb", type=int, default=4)
    ap.add_argument("--append", default="frames=24 run=memhog:160x2,cowswap:64")
    ap.add_argument("--workdir", default=".")
    ap.add_argument("--vmplat-arg", action="append", default=[])
    args = ap.parse_args()
    rng = random.Random(args.seed)
    image = os.path.join(args.workdir, f"crash-{os.getpid()}.img")
    make_image(image, args.disk_mb)
    try:
        before = image_hashes(image)
        writes, completions, _, out = run(args, image)
        if not writes or "suite: " not in out or ", 0 failed" not in out:
            fail("the whole run did not swap and pass", out)
        check(before, image_hashes(image), writes, completions, "whole run")
        total = len(writes)
        print(f"whole run: {total} writes, image as the log says")
        in_flight_kills = new_total = old_total = 0
        for k in range(args.kills):
            kill_after = rng.randint(1, total)
            delay = rng.choice([0.0, rng.uniform(0, 0.003)])
            before = image_hashes(image)
            writes, completions, killed, _ = run(args, image, kill_after, delay)
            what = f"kill {k + 1} (after write {kill_after}, +{delay * 1000:.2f} ms)"
            unfinished, new, old = check(before, image_hashes(image), writes, completions, what)
            in_flight_kills += unfinished
            new_total += new
            old_total += old
            print(f"{what}: {'killed' if killed else 'ended first'}, {len(completions)} writes "
                  f"completed, {unfinished} in flight ({new} sectors new, {old} old): image "
                  f"consistent")
        kills = args.kills
        if strace_works():
            after = traced_syscalls(args, image)
            # A write whose data the image already holds (the guest wrote the same page to the
            # same slot in an earlier run) cannot show old or new sectors: such a write is
            # skipped for the next one in a random order, up to eight.
            candidates = list(range(1, len(after) + 1))
            rng.shuffle(candidates)
            for n in candidates[:8]:
                kills_before = kills
                for inject, expect in ((("pwrite64", n), "old"), (("write", after[n]), "new")):
                    before = image_hashes(image)
                    writes, completions, _, _ = run(args, image, inject=inject)
                    what = f"kill at {inject[0]} call {inject[1]} (pwrite {n})"
                    unfinished, new, old = check(before, image_hashes(image), writes,
                                                 completions, what)
                    if unfinished == 1 and new == old == 0 and expect == "old":
                        print(f"{what}: the write in flight holds what the image already has; "
                              "another write")
                        break
                    if unfinished != 1 or (new if expect == "new" else old) == 0:
                        fail(f"{what}: expected the write in flight with its sectors {expect}, "
                             f"got {unfinished} in flight, {new} sectors new, {old} old")
                    kills += 1
                    in_flight_kills += unfinished
                    new_total += new
                    old_total += old
                    print(f"{what}: {len(completions)} writes completed, 1 in flight ({new} "
                          f"sectors new, {old} old): image consistent")
                if kills == kills_before + 2:
                    break
            else:
                fail("none of eight writes tried differs from what the image holds")
        else:
            print("crash_test: strace cannot trace here; the two kills inside the window are "
                  "left out")
        print(f"crash_test: {kills} kills, {in_flight_kills} with a write in flight "
              f"({new_total} sectors already written, {old_total} not yet): every sector "
              f"consistent")
    finally:
        os.unlink(image)


if __name__ == "__main__":
    main()
