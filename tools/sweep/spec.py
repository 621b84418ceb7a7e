"""The sweep file (JSON): what to run. docs/exploration.md describes the format.

  name        the sweep's name (default: the file name); results go to sweep-out/<name>
  description free text (a string or a list of lines)
  firmware    ELF for every workload (default {build}/sw/kernel/kernel.elf)
  args        extra vmplat arguments for every run (default ["--drive", "size=64M"])
  boot        boot parameters added to every kernel workload's --append (e.g. "quantum=0")
  base        configuration keys set in every point
  grid        column -> list of values; the points are the cartesian product. A column named
              after a configuration key lists its values; any other column lists options,
              each an object of keys (and an optional "label")
  points      explicit list of configurations (objects of keys, optional "label"), each
              crossed with the grid
  workloads   list of "program:arg" (a kernel program run with run=program:arg) or objects
              {"name", "arg", "boot", "label"} or {"label", "firmware", "args"} (an ELF of its own)
              or {"label", "linux", "boot", "args"} (commands run on Debian's Linux, linux.py)
              or {"label", "restore"}: a checkpoint directory each point restores from
              (what the guest does after it is the workload; docs/checkpoints.md)
  timeout     seconds one point may run (default 600)
  objective   metric the summary minimises (default "cycles")
  plot        {"x": column, "series": [columns], "metrics": [metrics], "logx": true}
  checkpoint  "marker": boot once per workload and distinct value of the keys a restore
              keeps (mmu.satp_modes, dram.size, ...), checkpoint where the workload starts
              (our kernel's init entry "checkpoint", Linux's `vmwork roi checkpoint boot`),
              and run every point restored from it (docs/checkpoints.md); kernel and Linux
              workloads only; the checkpoints are kept in <results>/checkpoints

A value "=KEY" takes the value KEY has in the same point (fully associative: "ways": "=entries"
with the full key name).
"""
import itertools
import json
import os

from . import SweepError, linux, results
from .vmplat import value_text

DEFAULT_FIRMWARE = "{build}/sw/kernel/kernel.elf"
DEFAULT_ARGS = ["--drive", "size=64M"]
KNOWN_FIELDS = {"name", "description", "firmware", "args", "boot", "base", "grid", "points",
                "workloads", "timeout", "objective", "plot", "slurm", "checkpoint"}


class Workload:
    def __init__(self, label, program=None, arg=None, boot="", firmware=None, args=(),
                 linux=None, restore=None):
        self.label = label
        self.program = program
        self.arg = arg
        self.boot = boot
        self.firmware = firmware
        self.args = list(args)
        self.linux = linux      # "CMD; CMD" for Linux's init, or None
        self.images = []        # a Linux workload's firmware, kernel and initramfs
        self.linux_args = []    # and the vmplat arguments that boot them (linux.prepare)
        self.restore = restore  # a checkpoint directory, or None

    def vmplat_args(self, common_boot, checkpoint=False):
        """The vmplat arguments that select this workload (beyond the firmware); with
        `checkpoint`, our kernel's init first asks for a checkpoint."""
        args = list(self.args) + self.linux_args
        if self.program:
            run = f"run={'checkpoint,' if checkpoint else ''}{self.program}" + \
                (f":{self.arg}" if self.arg not in (None, "") else "")
            boot = " ".join(b for b in (run, common_boot, self.boot) if b)
            args += ["--append", boot]
        return args

    def describe(self):
        d = {"label": self.label, "program": self.program, "arg": self.arg,
             "boot": self.boot, "firmware": self.firmware, "args": self.args}
        if self.restore is not None:
            d["restore"] = self.restore
        if self.linux is not None:
            d["linux"] = self.linux
        return d


class Point:
    def __init__(self, index, workload, knobs, overrides):
        self.index = index
        self.workload = workload
        self.knobs = knobs            # column -> value shown in the table
        self.overrides = overrides    # configuration key -> --set text

    def describe(self):
        knobs = ", ".join(f"{k}={v}" for k, v in self.knobs.items())
        return f"point {self.index} (workload {self.workload.label}{', ' if knobs else ''}{knobs})"


class Sweep:
    def __init__(self, path, data, build_dir):
        self.path = path
        self.data = data
        self.build_dir = build_dir
        self.name = data.get("name") or os.path.splitext(os.path.basename(path))[0]
        self.timeout = data.get("timeout", 600)
        self.objective = data.get("objective", "cycles")
        self.plot = data.get("plot", {})
        self.slurm = data.get("slurm", {})
        self.boot = data.get("boot", "")
        self.checkpoint = data.get("checkpoint")
        self.args = data.get("args", DEFAULT_ARGS)
        self.firmware = self.resolve_path(data.get("firmware", DEFAULT_FIRMWARE))
        self.columns = []       # workload, point (with explicit points), grid columns
        self.key_columns = []   # configuration keys that differ between points
        self.workloads = []
        self.points = []

    def resolve_path(self, p):
        return os.path.abspath(p.replace("{build}", self.build_dir))

    def where(self, what):
        return f"{self.path}: {what}"


def _fail(sweep_path, msg):
    raise SweepError(f"{sweep_path}: {msg}")


def load(path, build_dir):
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise SweepError(f"{path}: cannot read the sweep file: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise SweepError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    if not isinstance(data, dict):
        _fail(path, "the sweep file must be a JSON object")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        _fail(path, f"unknown field '{unknown[0]}'; allowed: {', '.join(sorted(KNOWN_FIELDS))}")
    sweep = Sweep(path, data, build_dir)
    _check_types(sweep)
    return sweep


def _check_types(s):
    d = s.data
    for field, kind, name in (("base", dict, "an object"), ("grid", dict, "an object"),
                              ("points", list, "a list"), ("workloads", list, "a list"),
                              ("args", list, "a list of strings"), ("plot", dict, "an object"),
                              ("slurm", dict, "an object")):
        if field in d and not isinstance(d[field], kind):
            _fail(s.path, f"'{field}' must be {name}")
    if not isinstance(s.timeout, (int, float)) or s.timeout <= 0:
        _fail(s.path, "'timeout' must be a positive number of seconds")
    if not d.get("workloads"):
        _fail(s.path, "no workloads: add \"workloads\": [\"randacc:256\", ...]")
    if "checkpoint" in d and d["checkpoint"] != "marker":
        _fail(s.path, f"'checkpoint' is {json.dumps(d['checkpoint'])}; allowed: \"marker\" "
                      f"(boot once, restore every point)")
    for column, values in d.get("grid", {}).items():
        if not isinstance(values, list) or not values:
            _fail(s.path, f"grid column '{column}' must be a non-empty list of values")


def _parse_workloads(s):
    out = []
    for i, w in enumerate(s.data["workloads"]):
        where = f"workloads[{i}]"
        if isinstance(w, str):
            program, _, arg = w.partition(":")
            if not program:
                _fail(s.path, f"{where}: empty program name in '{w}'")
            out.append(Workload(w, program, arg or None))
        elif isinstance(w, dict):
            allowed = {"name", "arg", "boot", "label", "firmware", "args", "linux", "restore"}
            bad = sorted(set(w) - allowed)
            if bad:
                _fail(s.path, f"{where}: unknown field '{bad[0]}'; allowed: "
                              f"{', '.join(sorted(allowed))}")
            kinds = [k for k in ("name", "firmware", "linux", "restore") if k in w]
            if len(kinds) != 1:
                _fail(s.path, f"{where}: a workload needs one of \"name\" (a kernel program), "
                              f"\"firmware\" (an ELF), \"linux\" (commands for Linux) or "
                              f"\"restore\" (a checkpoint directory)")
            if "restore" in w:
                extra = sorted(set(w) - {"restore", "label"})
                if extra:
                    _fail(s.path, f"{where}: a \"restore\" workload takes only a \"label\" "
                                  f"(the checkpoint holds the rest), not '{extra[0]}'")
                ck = s.resolve_path(str(w["restore"]))
                if not os.path.isfile(os.path.join(ck, "manifest.json")):
                    _fail(s.path, f"{where}: '{ck}' is not a checkpoint directory (no "
                                  f"manifest.json)")
                out.append(Workload(str(w.get("label") or os.path.basename(ck)), restore=ck))
                continue
            if "linux" in w:
                if not isinstance(w["linux"], str) or not linux.commands(w["linux"]):
                    _fail(s.path, f"{where}: \"linux\" must be commands, e.g. "
                                  f"\"memhog 48; forktest\"")
                label = w.get("label") or w["linux"]
                out.append(Workload(str(label), boot=w.get("boot", ""),
                                    args=[str(a) for a in w.get("args", [])],
                                    linux=w["linux"]))
                continue
            program = w.get("name")
            arg = None if w.get("arg") is None else str(w["arg"])
            label = w.get("label") or (f"{program}:{arg}" if arg else program) \
                or os.path.splitext(os.path.basename(w["firmware"]))[0]
            fw = s.resolve_path(w["firmware"]) if "firmware" in w else None
            out.append(Workload(str(label), program, arg, w.get("boot", ""), fw,
                                [str(a) for a in w.get("args", [])]))
        else:
            _fail(s.path, f"{where}: a workload is \"program:arg\" or an object")
    labels = [w.label for w in out]
    dup = {l for l in labels if labels.count(l) > 1}
    if dup:
        _fail(s.path, f"workload '{sorted(dup)[0]}' is listed twice; give each a \"label\"")
    return out


def _option_label(option):
    if "label" in option:
        return str(option["label"])
    return ",".join(f"{k.rsplit('.', 1)[-1]}={value_text(v)}" for k, v in option.items())


def _check_keys(s, vm, keyvals, where):
    """Checks names and (non-reference) values of a key -> value object; returns --set texts."""
    out = {}
    for k, v in keyvals.items():
        if k == "label":
            continue
        vm.key(k, s.where(where))
        try:
            text = value_text(v)
        except SweepError as e:
            _fail(s.path, f"{where}: {k}: {e}")
        if not text.startswith("="):
            vm.check_value(k, text, s.where(where))
        else:
            vm.key(text[1:], s.where(f"{where}: {k} = '{text}'"))
        out[k] = text
    return out


def expand(s, vm):
    """Validates the sweep against vmplat's configuration schema and builds its points."""
    workloads = _parse_workloads(s)
    base = _check_keys(s, vm, s.data.get("base", {}), "base")
    grid = []   # (column, [(display value, {key: text})])
    for column, values in s.data.get("grid", {}).items():
        opts = []
        if column in vm.keys:
            for v in values:
                if isinstance(v, (dict, list)):
                    _fail(s.path, f"grid column '{column}' is a configuration key: list its "
                                  f"values, not objects")
                texts = _check_keys(s, vm, {column: v}, f"grid '{column}'")
                opts.append((texts[column], texts))
        else:
            if "." in column:
                vm.key(column, s.where(f"grid '{column}'"))
            for j, v in enumerate(values):
                if not isinstance(v, dict):
                    _fail(s.path, f"grid '{column}'[{j}]: '{column}' is not a configuration "
                                  f"key, so its values are objects of keys (and a \"label\")")
                opts.append((_option_label(v),
                             _check_keys(s, vm, v, f"grid '{column}'[{j}]")))
        grid.append((column, opts))
    explicit = s.data.get("points") or [None]
    for j, p in enumerate(explicit):
        if p is not None and not isinstance(p, dict):
            _fail(s.path, f"points[{j}] must be an object of configuration keys")
    point_opts = [(None, {}) if p is None else
                  (_option_label(p), _check_keys(s, vm, p, f"points[{j}]"))
                  for j, p in enumerate(explicit)]

    s.columns = ["workload"] + (["point"] if explicit != [None] else []) + [c for c, _ in grid]
    points = []
    for w in workloads:
        for plabel, poverrides in point_opts:
            for combo in itertools.product(*[opts for _, opts in grid]):
                knobs = {}
                if plabel is not None:
                    knobs["point"] = plabel
                overrides = dict(base)
                overrides.update(poverrides)
                for (column, _), (label, texts) in zip(grid, combo):
                    knobs[column] = label
                    overrides.update(texts)
                points.append(Point(len(points), w, knobs, overrides))
    for p in points:
        _resolve_references(s, vm, p)
    # Keys that differ between points become columns of their own (a grid option sets them).
    varying = sorted({k for p in points for k in p.overrides
                      if len({q.overrides.get(k) for q in points}) > 1} - set(s.columns))
    s.key_columns = varying
    if s.checkpoint:
        own = [w.label for w in workloads if w.firmware is not None or w.restore is not None]
        if own:
            _fail(s.path, f"workload '{own[0]}' runs an ELF of its own, which cannot ask for "
                          f"a checkpoint; \"checkpoint\" needs kernel programs or Linux "
                          f"commands")
    linux.prepare(s, workloads, checkpoint=bool(s.checkpoint))
    s.workloads = workloads
    s.points = points
    return points


def _resolve_references(s, vm, p):
    for k, text in list(p.overrides.items()):
        seen = {k}
        while text.startswith("="):
            ref = text[1:]
            if ref in seen:
                _fail(s.path, f"{p.describe()}: '{k}' refers to itself through '{ref}'")
            seen.add(ref)
            text = p.overrides.get(ref, vm.keys[ref].default)
        vm.check_value(k, text, s.where(p.describe()))
        p.overrides[k] = text


def run_args(s, w, checkpoint=False):
    """The vmplat arguments of a workload's runs besides the configuration and the firmware:
    the sweep's own (the disk, ...) and the workload's, or only --restore for a checkpoint,
    which holds the machine (a disk option would be refused)."""
    if w.restore is not None:
        return ["--restore", w.restore]
    return list(s.args) + w.vmplat_args(s.boot, checkpoint)


def firmware(s, w):
    """The positional ELF of a workload's runs; None for Linux (--bios and --kernel) and for
    a checkpoint."""
    if w.linux is not None or w.restore is not None:
        return None
    return w.firmware or s.firmware


def firmware_digest(s, w):
    """The digest of what a workload boots, part of each point's key."""
    if w.linux is not None:
        return linux.images_digest(w.images)
    if w.restore is not None:
        # The manifest holds the size and CRC-32 of every file of the checkpoint.
        return results.file_digest(os.path.join(w.restore, "manifest.json"))
    return results.file_digest(firmware(s, w))


def probe(s, vm, points):
    """Asks vmplat to accept each distinct configuration and the kernel to know each program,
    before anything runs."""
    seen = set()
    for p in points:
        fw = firmware(s, p.workload)
        if fw and not os.path.isfile(fw):
            _fail(s.path, f"workload '{p.workload.label}': firmware {fw} does not exist "
                          f"(build it, or pass --build)")
        key = (tuple(sorted(p.overrides.items())), fw)
        if key in seen:
            continue
        seen.add(key)
        ok, _, err = vm.probe(p.overrides, run_args(s, p.workload), fw)
        if not ok:
            _fail(s.path, f"{p.describe()}: vmplat refuses the configuration: {err}")
    checked = set()
    for p in points:
        w = p.workload
        if not w.program or w.program in checked:
            continue
        checked.add(w.program)
        fw = w.firmware or s.firmware
        # The kernel boots in about half a million instructions and looks the program up
        # before running it.
        _, out, err = vm.probe(p.overrides, s.args + w.vmplat_args(s.boot), fw, 3_000_000)
        if err:
            _fail(s.path, f"workload '{w.label}': vmplat refuses its arguments: {err}")
        if f"FAIL {w.program} no such program" in out:
            _fail(s.path, f"workload '{w.label}': the kernel has no program '{w.program}' "
                          f"(docs/firmware.md lists them: seqscan, randacc, ptrchase, "
                          f"matmul, ...)")
