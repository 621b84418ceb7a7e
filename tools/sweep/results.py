"""The results directory: the plan of a sweep, one result file per point, and running a point.

  <out>/plan.json           every point: its key, knobs, overrides and vmplat command
  <out>/points/<key>.json   one finished point (ok or failed), written atomically
  <out>/logs/<key>.out|err  the console and vmplat's messages of the last run of a point

A point's key is the SHA-256 of what decides its result: the effective configuration (every
key), the workload's arguments, the firmware's bytes and the vmplat binary's bytes. Runs are
deterministic, so a result file with that key is the result: reruns skip it.
"""
import hashlib
import json
import os
import signal
import subprocess
import time

PLAN = "plan.json"
TAIL_LINES = 15


def file_digest(path, _memo={}):
    st = os.stat(path)
    memo_key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if memo_key not in _memo:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _memo[memo_key] = h.hexdigest()
    return _memo[memo_key]


def point_key(effective_config, run_args, firmware_digest, vmplat_digest):
    blob = json.dumps({"config": effective_config, "args": run_args,
                       "firmware": firmware_digest, "vmplat": vmplat_digest},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def write_json_atomic(path, data):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def result_path(out, key):
    return os.path.join(out, "points", key + ".json")


def load_result(out, key):
    try:
        with open(result_path(out, key)) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def load_plan(out):
    try:
        with open(os.path.join(out, PLAN)) as f:
            return json.load(f)
    except OSError as e:
        raise SystemExit(f"vmplat-sweep: {out}: no sweep plan ({e.strerror}); run "
                         f"`vmplat-sweep run SWEEP.json -o {out}` first")


def _tail(path, lines=TAIL_LINES):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class PointRun:
    """One vmplat process running one point of the plan."""

    def __init__(self, out, pp, timeout):
        self.out = out
        self.pp = pp
        self.key = pp["key"]
        self.timeout = timeout
        logs = os.path.join(out, "logs")
        os.makedirs(logs, exist_ok=True)
        os.makedirs(os.path.join(out, "points"), exist_ok=True)
        self.stats_file = os.path.join(logs, f"{self.key}.stats.{os.getpid()}.json")
        self.out_file = os.path.join(logs, f"{self.key}.out")
        self.err_file = os.path.join(logs, f"{self.key}.err")
        cmd = pp["command"][:1] + ["--stats", self.stats_file] + pp["command"][1:]
        self.started = time.monotonic()
        self.timed_out = False
        with open(self.out_file, "w") as o, open(self.err_file, "w") as e:
            # A session of its own: a Ctrl-C on the terminal reaches the tool, which decides
            # what happens to its children, not the children directly.
            self.proc = subprocess.Popen(cmd, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                         start_new_session=True)

    def poll(self):
        """True when the process has ended (killing it first if it ran out of time)."""
        if self.proc.poll() is not None:
            return True
        if time.monotonic() - self.started > self.timeout:
            self.timed_out = True
            self.kill()
            return True
        return False

    def wait(self):
        while not self.poll():
            time.sleep(0.05)

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def discard(self):
        self.kill()
        try:
            os.unlink(self.stats_file)
        except OSError:
            pass

    def finish(self):
        """Records the result (ok or failed) atomically and returns it."""
        rc = self.proc.returncode
        res = {"key": self.key, "index": self.pp["index"], "exit_code": rc,
               "seconds": round(time.monotonic() - self.started, 3),
               "command": self.pp["command"], "finished": time.time()}
        stats = None
        try:
            with open(self.stats_file) as f:
                stats = json.load(f)
        except (OSError, json.JSONDecodeError):
            pass
        if self.timed_out:
            res["error"] = f"timeout: killed after {self.timeout} s"
        elif rc != 0:
            res["error"] = (f"exit code {rc}" if rc > 0 else f"killed by signal {-rc}")
        elif stats is None:
            res["error"] = "vmplat wrote no statistics file"
        res["status"] = "failed" if "error" in res else "ok"
        if stats is not None:
            res["stats"] = stats.get("stats", {})
            res["vmplat"] = stats.get("vmplat", {})
        if res["status"] == "failed":
            res["stderr_tail"] = _tail(self.err_file)
            res["console_tail"] = _tail(self.out_file)
        write_json_atomic(result_path(self.out, self.key), res)
        try:
            os.unlink(self.stats_file)
        except OSError:
            pass
        return res
