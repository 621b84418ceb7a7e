#!/usr/bin/env python3
"""System tests of the waveform (--vcd, waves.file; docs/debugging.md): one case per call.

  waves_test.py --vmplat VMPLAT --sw SW_BUILD_DIR --workdir DIR CASE

  firmware    sw/tests/platform/waves.elf: privilege levels and their count against the
              trap counters, timer edges at compare * 100 ns, software and PLIC lines, the
              final time stamp
  kernel      the kernel demo with and without --vcd: same console and statistics; in the
              VCD M only at boot, the disk's source rises once per request, the S context
              drives SEIP, timer edges
  smp         the kernel on two harts: per-hart signals (hart<id>.cpu.*) and the CLINT's
              and PLIC's signals of hart 1
  idle        a run that ends idle (exit 125) with and without --vcd: same console and
              statistics, WFI drawn, the file ends at SystemC's final time
  first_step  a firmware that finishes before SystemC's first time step ends: the file is
              still complete
  bad_path    an unwritable path, and one not ending in .vcd: exit 2 and one line
"""
import argparse
import json
import os
import subprocess
import sys

PS_PER_MTIME_TICK = 100_000  # 10 MHz
MTIE, STIE = 1 << 7, 1 << 5


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}")


def parse_vcd(path):
    """(timescale, {name: width}, changes as (time, name, value) in file order, the time
    stamps in file order); initial values are changes at time 0."""
    ids, widths, changes, stamps, scopes = {}, {}, [], [], []
    timescale, t, in_header, in_timescale = None, 0, True, False
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if in_header:
                if in_timescale:
                    timescale = " ".join(words)
                    in_timescale = False
                elif words[0] == "$timescale":
                    in_timescale = True
                elif words[0] == "$scope":
                    scopes.append(words[2])
                elif words[0] == "$upscope":
                    scopes.pop()
                elif words[0] == "$var":
                    name = ".".join(scopes[1:] + [words[4]])  # scopes[0]: SystemC's top
                    ids[words[3]] = name
                    widths[name] = int(words[2])
                elif words[0] == "$enddefinitions":
                    in_header = False
                continue
            head = words[0]
            if head.startswith("#"):
                t = int(head[1:])
                stamps.append(t)
            elif head.startswith("b"):
                changes.append((t, ids[words[1]], int(head[1:], 2)))
            elif head[0] in "01" and head[1:] in ids:
                changes.append((t, ids[head[1:]], int(head[0])))
    return timescale, widths, changes, stamps


class Waves:
    def __init__(self, path):
        self.timescale, self.widths, self.changes, self.stamps = parse_vcd(path)

    def history(self, name):
        """[(time, value)] with the last value of each time, changes only."""
        out = []
        for t, n, v in self.changes:
            if n != name:
                continue
            if out and out[-1][0] == t:
                out[-1] = (t, v)
            else:
                out.append((t, v))
        return [p for i, p in enumerate(out) if i == 0 or p[1] != out[i - 1][1]]

    def value_before(self, name, t):
        """The value of name just before time t."""
        v = None
        for ct, cv in self.history(name):
            if ct >= t:
                break
            v = cv
        return v

    def value_at(self, name, t):
        """The value of name at time t, after the changes at t."""
        return self.value_before(name, t + 1)

    def edges(self, name, rising):
        h = self.history(name)
        return [t for (t, v), (_, pv) in zip(h[1:], h) if v == (1 if rising else 0) and pv != v]


def run(args, *cmd):
    p = subprocess.run([args.vmplat, *cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def run_with_waves(args, name, *cmd):
    vcd, stats = os.path.join(args.workdir, f"waves_{name}.vcd"), \
        os.path.join(args.workdir, f"waves_{name}.json")
    code, out, err = run(args, "--stats", stats, "--vcd", vcd, *cmd)
    return code, out, err, Waves(vcd), json.load(open(stats))


def end_time_ps(j, harts=1):
    """Where the run ended: SystemC's time, or the latest hart's where it had run ahead."""
    period_ps = 1_000_000 // j["config"]["cpu.freq_mhz"]
    st = j["stats"]
    cycles = [st["cpu.cycles"]] if harts == 1 else \
        [st[f"hart{h}.cpu.cycles"] for h in range(harts)]
    return max(round(st["sim.time_ns"] * 1000), max(cycles) * period_ps)


def check_common(w, j, harts=1):
    check(w.timescale == "1 ps", f"time unit 1 ps (got {w.timescale})")
    check(all(a <= b for a, b in zip(w.stamps, w.stamps[1:])), "time stamps never decrease")
    check(w.stamps and w.stamps[-1] == end_time_ps(j, harts),
          f"the file ends at the end of the run, {end_time_ps(j, harts)} ps "
          f"(last stamp {w.stamps[-1] if w.stamps else None})")
    expected = {"plic.source.uart": 1, "plic.source.disk": 1}
    for h in range(harts):
        pre, suffix = (f"hart{h}.", str(h) if h else "") if harts > 1 else ("", "")
        expected.update({f"{pre}cpu.priv": 2, f"{pre}cpu.wfi": 1, f"{pre}cpu.mie": 12,
                         f"{pre}cpu.stimecmp": 64, f"{pre}mmu.fence": 3, f"{pre}mmu.fences": 32,
                         f"clint.mtimecmp{suffix}": 64, f"plic.context.m{suffix}": 1,
                         f"plic.context.s{suffix}": 1})
        expected.update({f"{pre}cpu.mip.{b}": 1
                         for b in ("msip", "mtip", "meip", "ssip", "stip", "seip")})
    check(w.widths == expected, "every documented signal, with its width")


def check_timer(w, bit, compare, enable_mask, min_exact):
    """Rising edges at compare * 100 ns, exactly while the interrupt is enabled, never
    earlier otherwise; falling edges only when the compare is written."""
    exact = 0
    compare_times = {t for t, _ in w.history(compare)}
    for t in w.edges(bit, rising=True):
        due = w.value_at(compare, t)
        due_ps = due * PS_PER_MTIME_TICK
        if t < due_ps:
            fail(f"{bit} rises at {t} ps, before {compare} = {due} is due at {due_ps} ps")
        # A compare written at the edge raised it then; otherwise time did, at due_ps.
        if t not in compare_times and w.value_before("cpu.mie", t) & enable_mask:
            if t != due_ps:
                fail(f"{bit} rises at {t} ps with the interrupt enabled; {compare} = {due} "
                     f"is due at {due_ps} ps")
            exact += 1
    check(exact >= min_exact, f"{bit}: {exact} rising edges exactly at {compare} * 100 ns")
    falls = w.edges(bit, rising=False)
    check(all(t in compare_times for t in falls),
          f"{bit}: its {len(falls)} falling edges are writes of {compare}")


def same_run(args, name, *cmd):
    """The run with --vcd behaves exactly as the run without."""
    stats0 = os.path.join(args.workdir, f"waves_{name}_plain.json")
    code0, out0, err0 = run(args, "--stats", stats0, *cmd)
    code1, out1, err1, w, j1 = run_with_waves(args, name, *cmd)
    j0 = json.load(open(stats0))
    check(code0 == code1, f"same exit code ({code0}, {code1})")
    check(out0 == out1, f"same console output ({len(out0)} bytes)")
    # Besides the wall clock, the quantum ends the hart waited at: the recorder's own
    # SystemC events make it wait where it would have gone on (cpu.lazy_quanta).
    skip = lambda k: k in ("sim.host_seconds", "sim.host_mips") or "cpu.quanta." in k
    s0 = {k: v for k, v in j0["stats"].items() if not skip(k)}
    s1 = {k: v for k, v in j1["stats"].items() if not skip(k)}
    diff = sorted(k for k in s0.keys() | s1.keys() if s0.get(k) != s1.get(k))
    check(not diff, f"same statistics except wall-clock ones and cpu.quanta.* ({len(s0)} "
                    f"compared; differ: {diff})")
    c0, c1 = dict(j0["config"]), dict(j1["config"])
    c1.pop("waves.file")
    c0.pop("waves.file")
    check(c0 == c1 and j0["vmplat"] == j1["vmplat"], "same configuration and run summary")
    strip = lambda e: [l for l in e.splitlines() if "host_" not in l]
    check(strip(err0) == strip(err1), "same messages and summary on stderr")
    return code1, out1, w, j1


def fence_kinds(w):
    """The fences in time order, by their mmu.fence value: each change of the count
    mmu.fences is one fence, of the kind mmu.fence holds at that time."""
    kinds = w.history("mmu.fence")
    out, k, kind = [], 0, None
    for t, _ in w.history("mmu.fences")[1:]:
        while k < len(kinds) and kinds[k][0] <= t:
            kind = kinds[k][1]
            k += 1
        out.append(kind)
    return out


def fences_by_kind(w):
    out = {}
    for kind in fence_kinds(w):
        out[kind] = out.get(kind, 0) + 1
    return out


def stats_fences(j):
    """The same from the statistics: SFENCE.VMA and SINVAL.VMA by the DTLB's flush counts
    (one per instruction), SFENCE.W.INVAL and SFENCE.INVAL.IR by the MMU's counters."""
    s = j["stats"]
    forms = ("all", "asid", "vaddr", "vaddr_asid")
    out = {1: sum(s.get(f"mmu.dtlb.flushes.{f}", 0) for f in forms),
           2: sum(s.get(f"mmu.dtlb.flushes.sinval_{f}", 0) for f in forms),
           3: s.get("mmu.svinval.w_inval", 0), 4: s.get("mmu.svinval.inval_ir", 0)}
    return {k: v for k, v in out.items() if v}


def traps(j):
    return sum(v for k, v in j["stats"].items()
               if k.startswith(("cpu.exceptions.", "cpu.interrupts.")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--sw", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("case")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    sw = lambda rel: os.path.join(args.sw, rel)

    if args.case == "firmware":
        code, out, err, w, j = run_with_waves(args, "firmware", sw("tests/platform/waves.elf"))
        if code != 0:
            fail(f"the firmware failed with exit code {code}:\n{out.decode()}{err}")
        check_common(w, j)
        priv = w.history("cpu.priv")
        check(priv[0] == (0, 3) and {v for _, v in priv} == {0, 1, 3},
              "privilege starts in M and visits S and U")
        ups = sum(1 for (_, v), (_, pv) in zip(priv[1:], priv) if v > pv)
        check(ups == traps(j), f"entries into a higher level ({ups}) = traps taken ({traps(j)}): "
              "every trap of this firmware comes from a lower level")
        check_timer(w, "cpu.mip.mtip", "clint.mtimecmp", MTIE, 2)
        check_timer(w, "cpu.mip.stip", "cpu.stimecmp", STIE, 1)
        for line in ("cpu.mip.msip", "cpu.mip.ssip", "cpu.wfi", "plic.source.uart",
                     "plic.context.m"):
            check(w.edges(line, True) and w.edges(line, False), f"{line} rises and falls")
        check(w.history("cpu.mip.meip") == w.history("plic.context.m"),
              "cpu.mip.meip follows plic.context.m at the same times")
    elif args.case == "kernel":
        code, out, w, j = same_run(args, "kernel", "--drive", "size=64M", "--append",
                                   "frames=64 run=forktest,cowswap", sw("kernel/kernel.elf"))
        check(code == 0, f"the kernel demo passes (exit code {code})")
        check_common(w, j)
        priv = [v for _, v in w.history("cpu.priv")]
        check(priv[:2] == [3, 1] and set(priv[1:]) == {0, 1},
              "M only at boot (sw/kernel/boot.c), then S and U")
        requests = sum(v for k, v in j["stats"].items() if k.startswith("disk.requests."))
        rises = len(w.edges("plic.source.disk", True))
        check(rises == requests and len(w.edges("plic.source.disk", False)) == rises,
              f"the disk's source rises and falls once per request ({rises}, {requests}): the "
              "kernel has one request in flight and acknowledges each")
        check(w.history("cpu.mip.seip") == w.history("plic.context.s"),
              "cpu.mip.seip follows plic.context.s at the same times")
        check_timer(w, "cpu.mip.stip", "cpu.stimecmp", STIE, 1)
        fences = fences_by_kind(w)
        check(fences == stats_fences(j) and fences.get(1, 0) > 100,
              f"one mmu.fences change per SFENCE.VMA, of kind 1 ({fences}, {stats_fences(j)})")
    elif args.case == "svinval":
        # sw/tests/mmu/mmu_ext.elf with the extensions on (mmu.ext in mmu.cmake): Svinval's
        # three instructions and SFENCE.VMA, each drawn as its kind.
        code, out, err, w, j = run_with_waves(
            args, "svinval", "--set", "mmu.svpbmt=true", "--set", "mmu.svnapot=true", "--set",
            "cpu.svinval=true", "--set", "mmu.satp_modes=bare,sv39,sv48,sv57",
            sw("tests/mmu/mmu_ext.elf"))
        check(code == 0, f"mmu_ext passes (exit code {code}):\n{out.decode()}{err}")
        check_common(w, j)
        fences = fences_by_kind(w)
        check(fences == stats_fences(j) and set(fences) == {1, 2, 3, 4},
              f"every fence drawn with its kind, as the statistics count them ({fences}, "
              f"{stats_fences(j)})")
        # test_svinval in sw/tests/mmu/ext.c: in M mode SFENCE.W.INVAL, SINVAL.VMA,
        # SFENCE.INVAL.IR; in S mode SINVAL.VMA, then (with TVM, which traps SINVAL.VMA only)
        # SFENCE.W.INVAL and SFENCE.INVAL.IR; in U mode all three trap.
        seq = [k for k in fence_kinds(w) if k != 1]
        check(seq == [3, 2, 4, 2, 3, 4], f"the Svinval instructions in the firmware's order: {seq}")
    elif args.case == "smp":
        # Two harts (docs/smp.md): the kernel runs on both (docs/firmware.md); every hart's
        # signals carry its prefix, the CLINT and PLIC draw hart 1's own.
        code, out, err, w, j = run_with_waves(args, "smp", "--smp", "2", "--drive", "size=64M",
                                              "--append", "frames=64 run=forktest",
                                              sw("kernel/kernel.elf"))
        check(code == 0, f"the kernel passes on two harts (exit code {code})")
        check_common(w, j, 2)
        for h in (0, 1):
            priv = w.history(f"hart{h}.cpu.priv")
            check(priv[0] == (0, 3) and {v for _, v in priv} == {0, 1, 3},
                  f"hart {h} runs the kernel: M, then S and U")
            msi = j["stats"][f"hart{h}.cpu.interrupts.msi"]
            rises = len(w.edges(f"hart{h}.cpu.mip.msip", True))
            check(rises >= msi, f"hart {h}'s MSIP rose at least once per MSI taken "
                  f"({rises} >= {msi}): its own signal")
        check(j["stats"]["hart1.cpu.interrupts.msi"] > 0, "hart 0 sent hart 1 IPIs")
        for name in ("clint.mtimecmp1", "plic.context.m1", "plic.context.s1"):
            check(w.history(name) is not None and len(w.history(name)) >= 1,
                  f"{name}: hart 1's own signal")
    elif args.case == "idle":
        code, out, w, j = same_run(args, "idle", sw("tests/platform/idle.elf"))
        check(code == 125, f"exit code 125 (got {code})")
        check_common(w, j)
        check(w.stamps[-1] == round(j["stats"]["sim.time_ns"] * 1000),
              "the file ends at SystemC's final time")
        check(w.history("cpu.wfi")[-1] == (w.stamps[-1], 1),
              "the hart sleeps in WFI from the last time stamp on")
    elif args.case == "first_step":
        code, out, err, w, j = run_with_waves(args, "first_step", "--quantum", "1000000",
                                              sw("tests/isa/hello.elf"))
        check(code == 0, f"hello passes (exit code {code})")
        check(j["stats"]["sim.time_ns"] == 0, "the run ended inside SystemC's first time step")
        check_common(w, j)
        check("warning" not in err, "no warning from SystemC's VCD writer")
    elif args.case == "bad_path":
        hello = sw("tests/isa/hello.elf")
        for path, words in (("/nonexistent/dir/out.vcd", ["cannot open", "for writing"]),
                            (os.path.join(args.workdir, "out.txt"), ["does not end in .vcd"])):
            code, out, err = run(args, "--vcd", path, hello)
            lines = err.strip().splitlines()
            check(code == 2 and len(lines) == 1 and not out, f"exit code 2 and one line ({path})")
            for word in ["vmplat: error: waves.file", f"'{path}'", *words]:
                check(word in lines[0], f"the line names {word!r}: {lines[0]}")
    else:
        fail(f"unknown case {args.case}")


if __name__ == "__main__":
    main()
