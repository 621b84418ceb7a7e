"""The vmplat executable as the sweep tool uses it.

The configuration schema comes from `vmplat --help-config` (so the tool never carries its
own copy of the keys), and a point's configuration is checked by vmplat itself with a one
instruction run, which catches constraints between keys (ways must divide entries).
"""
import difflib
import re
import subprocess

from . import SweepError

# `vmplat --help-config` prints, per key: "key = default [unit]", an indented doc line and
# an indented "allowed: ..." line.
_KEY_LINE = re.compile(r"^(\S+) = (.*?)(?: \[([^\]]+)\])?$")
_INT_RANGE = re.compile(r"^integer (\d+)\.\.(\d+)( \(suffix K, M or G allowed\))?$")
_REAL_RANGE = re.compile(r"^number ([-0-9.eE+]+)\.\.([-0-9.eE+]+)$")
_SIZE_SUFFIX = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class Key:
    def __init__(self, name, default, unit):
        self.name = name
        self.default = default
        self.unit = unit
        self.allowed = "any text"
        self.kept_on_restore = False  # a checkpoint fixes it (--help-config says so)

    def check(self, text):
        """Returns None when `text` is allowed, else what is allowed."""
        a = self.allowed
        m = _INT_RANGE.match(a)
        if m:
            lo, hi, suffix = int(m.group(1)), int(m.group(2)), m.group(3)
            s = text
            mult = 1
            if suffix and s[-1:].upper() in _SIZE_SUFFIX:
                mult = _SIZE_SUFFIX[s[-1].upper()]
                s = s[:-1]
            if not re.fullmatch(r"\d+", s) or not lo <= int(s) * mult <= hi:
                return a
            return None
        m = _REAL_RANGE.match(a)
        if m:
            try:
                v = float(text)
            except ValueError:
                return a
            return None if float(m.group(1)) <= v <= float(m.group(2)) else a
        if a == "true or false":
            return None if text in ("true", "false") else a
        if a == "any text":
            return None
        return None if text in [c.strip() for c in a.split(",")] else "one of " + a


def value_text(value):
    """A sweep-file JSON value as vmplat's --set spells it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise SweepError(f"value {value!r} is not a number, string or boolean")


class Vmplat:
    def __init__(self, path):
        self.path = path
        try:
            p = subprocess.run([path, "--help-config"], capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=60)
        except OSError as e:
            raise SweepError(f"vmplat executable {path}: {e.strerror}; build it or pass "
                             f"--vmplat") from None
        if p.returncode != 0:
            raise SweepError(f"{path} --help-config failed (exit {p.returncode}): "
                             f"{p.stderr.strip()[-200:]}")
        self.keys = {}
        last = None
        for line in p.stdout.splitlines():
            m = _KEY_LINE.match(line)
            if m and not line.startswith(" "):
                default = m.group(2)
                if default == '""':
                    default = ""
                last = self.keys[m.group(1)] = Key(m.group(1), default, m.group(3))
            elif last and line.strip().startswith("allowed: "):
                last.allowed = line.strip()[len("allowed: "):]
            elif last and line.strip().startswith("restore: kept as saved"):
                last.kept_on_restore = True
        if not self.keys:
            raise SweepError(f"{path} --help-config listed no configuration keys")

    def key(self, name, where):
        if name not in self.keys:
            close = difflib.get_close_matches(name, self.keys, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SweepError(f"{where}: unknown configuration key '{name}'{hint}; "
                             f"`{self.path} --help-config` lists them")
        return self.keys[name]

    def check_value(self, name, text, where):
        problem = self.key(name, where).check(text)
        if problem:
            raise SweepError(f"{where}: {name} = '{text}' is not allowed; allowed: {problem}")

    def effective_config(self, overrides):
        """Every key's value for a run with these --set overrides."""
        cfg = {k: v.default for k, v in self.keys.items()}
        cfg.update(overrides)
        return cfg

    def command(self, overrides, args, firmware, stats_file=None, extra=()):
        cmd = [self.path, "--quiet"]
        if stats_file:
            cmd += ["--stats", stats_file]
        cmd += list(args)
        for k in sorted(overrides):
            cmd += ["--set", f"{k}={overrides[k]}"]
        cmd += list(extra)
        if firmware:
            cmd.append(firmware)
        return cmd

    def probe(self, overrides, args, firmware, max_instructions=1):
        """Runs at most `max_instructions` instructions; returns (ok, stdout, error line).

        vmplat exits 124 at the instruction limit, 2 for a configuration it refuses."""
        cmd = self.command(overrides, args, firmware,
                           extra=["--max-instructions", str(max_instructions)])
        p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=120, errors="replace")
        if p.returncode == 2:
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            msg = lines[-1] if lines else "exit code 2"
            return False, p.stdout, msg.replace("vmplat: error: ", "")
        return True, p.stdout, ""
