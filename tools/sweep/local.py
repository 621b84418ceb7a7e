"""The local backend: up to `jobs` vmplat processes at a time, a progress bar on stderr.

SIGINT or SIGTERM stops the sweep cleanly: no new point starts, the running ones are killed
and left unrecorded (a rerun runs them again), the finished ones stay in the results
directory, so the same command resumes.
"""
import signal
import sys
import time

from .results import PointRun


class Progress:
    def __init__(self, total, stream=sys.stderr):
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.done = self.failed = 0

    def update(self, running, res=None):
        if res is not None:
            self.done += 1
            self.failed += res["status"] == "failed"
        elapsed = time.monotonic() - self.started
        eta = ""
        if self.done and self.done < self.total:
            eta = f", ~{elapsed / self.done * (self.total - self.done):.0f} s left"
        width = 30
        fill = width * self.done // max(self.total, 1)
        bar = f"[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total}"
        text = f"{bar} {self.failed} failed, {running} running, {elapsed:.0f} s{eta}"
        if self.tty:
            self.stream.write("\r" + text.ljust(100)[:100])
            self.stream.flush()
        elif res is not None:
            # Not a terminal (a log, CI): one line per finished point instead of redrawing.
            self.stream.write(f"sweep: {bar} point {res['index']} {res['status']}"
                              f"{' (' + res['error'] + ')' if 'error' in res else ''}\n")
            self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def run(out, plan, todo, jobs):
    """Runs the plan points `todo`; returns (results, signal number or None)."""
    stop = []

    def on_signal(signum, _frame):
        stop.append(signum)

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    progress = Progress(len(todo))
    running, results = [], []
    queue = list(todo)
    try:
        progress.update(0)
        while queue or running:
            if stop:
                break
            while queue and len(running) < jobs and not stop:
                running.append(PointRun(out, plan["points"][queue.pop(0)], plan["timeout"]))
                progress.update(len(running))
            for r in [r for r in running if r.poll()]:
                running.remove(r)
                res = r.finish()
                results.append(res)
                progress.update(len(running), res)
            time.sleep(0.02)
    finally:
        # Children live in sessions of their own, so a point that has ended was not ended by
        # the signal that stops the sweep: record it; kill and forget the others.
        for r in running:
            if r.proc.poll() is not None:
                results.append(r.finish())
            else:
                r.discard()
        progress.close()
        for s, h in old.items():
            signal.signal(s, h)
    return results, (stop[0] if stop else None)
