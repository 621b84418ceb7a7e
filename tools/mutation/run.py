#!/usr/bin/env python3
"""Mutation testing for vmplat: applies each mutation of tools/mutation/mutations.toml, one at
a time, in a scratch clone of the current commit, builds the targets its tests need, runs its
ctest selection and records whether the suite killed it (docs/testing.md).

  tools/mutation/run.py                 every mutation not yet in the results file
  tools/mutation/run.py --only ID,ID    just these (run again even if recorded)
  tools/mutation/run.py --list          the mutations and their selections; runs nothing
  tools/mutation/run.py --check         checks the list only (every text once in its file)

Outcomes: killed (a selected test failed or timed out), survived (all passed), stale (the
text is missing or not unique: the list needs updating), build-error (the mutant did not
compile: "killed by the compiler", reported apart and not counted as killed), equivalent
(marked so in the list; not run). Score = killed / (total - equivalent - stale).
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(ROOT, "tools", "mutation", "mutations.toml")
REQUIRED = ("id", "block", "file", "find", "replace", "breaks")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def fail(msg):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(2)


class Parser(argparse.ArgumentParser):
    """Bad options: one line naming the problem, exit 2."""

    def error(self, message):
        fail(f"{message} (see --help)")


def load_list(path):
    """The mutation records, checked for shape; exits 2 naming the first bad record."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except tomllib.TOMLDecodeError as e:
        fail(f"{path}: not valid TOML: {e}")
    muts = data.get("mutation", [])
    seen = set()
    for i, m in enumerate(muts):
        where = f"{path}: mutation #{i + 1} ({m.get('id', 'no id')})"
        for k in REQUIRED:
            if not isinstance(m.get(k), str) or (k != "replace" and not m[k].strip()):
                fail(f"{where}: field '{k}' is missing or empty (required: {', '.join(REQUIRED)})")
        if not ID_RE.match(m["id"]):
            fail(f"{where}: id must be lower-case letters, digits, '.', '_' or '-'")
        if m["id"] in seen:
            fail(f"{where}: id used twice")
        seen.add(m["id"])
        if m["find"] == m["replace"]:
            fail(f"{where}: replace is the same as find")
        if "equivalent" not in m and not isinstance(m.get("tests"), str):
            fail(f"{where}: field 'tests' (ctest arguments) is required unless 'equivalent'")
    return muts


def check_texts(muts, root):
    """Problems with the list against the tree at root: (id, message) for each text that is
    missing or not unique."""
    problems = []
    for m in muts:
        path = os.path.join(root, m["file"])
        try:
            text = open(path, encoding="utf-8").read()
        except OSError:
            problems.append((m["id"], f"{m['file']} does not exist"))
            continue
        n = text.count(m["find"])
        if n != 1:
            problems.append((m["id"], f"text occurs {n} times in {m['file']} (must be once)"))
    return problems


def signature(m):
    """The mutant a result is for: a result is reused while the record keeps its file, text
    and replacement (a changed selection is run again with --only)."""
    key = "\0".join(m.get(k, "") for k in ("file", "find", "replace"))
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def sh(cmd, cwd, log=None, timeout=None):
    """Runs cmd in its own process group; returns (exit code, output). A timeout kills the
    group and returns code None."""
    # Output is decoded leniently: a mutant may make a test print arbitrary bytes.
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace", start_new_session=True)

    def kill_group():
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:  # the group has already ended
            pass

    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group()
        out, _ = p.communicate()
        return None, out
    except BaseException:
        kill_group()
        p.wait()
        raise
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"$ {shlex.join(cmd)}\n{out}\n")
    return p.returncode, out


class Scratch:
    """A clone of the current commit outside the repository, configured and built once."""

    def __init__(self, path, commit, jobs):
        self.path = path
        self.build = os.path.join(path, "build")
        self.commit = commit
        self.jobs = jobs
        self.log = os.path.join(path, "mutation.log")

    def prepare(self):
        if not os.path.isdir(os.path.join(self.path, ".git")):
            print(f"cloning {ROOT} into {self.path}")
            code, out = sh(["git", "clone", "-q", "--no-checkout", ROOT, self.path], cwd="/")
            if code != 0:
                fail(f"cannot clone into {self.path}: {out.strip()}")
        # The commit may be newer than the clone: fetch it from the repository.
        sh(["git", "fetch", "-q", ROOT, self.commit], cwd=self.path)
        code, out = sh(["git", "checkout", "-q", "--force", self.commit], cwd=self.path)
        if code != 0:
            fail(f"cannot check out {self.commit} in {self.path}: {out.strip()}")
        sh(["git", "reset", "-q", "--hard"], cwd=self.path)
        if not os.path.exists(os.path.join(self.build, "CMakeCache.txt")):
            print("configuring the scratch build (Release, ccache, RTL off)")
            code, out = sh(["cmake", "-S", ".", "-B", "build", "-DCMAKE_BUILD_TYPE=Release",
                            "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache",
                            "-DCMAKE_C_COMPILER_LAUNCHER=ccache", "-DVMPLAT_WITH_RTL=OFF"],
                           cwd=self.path, log=self.log)
            if code != 0:
                fail(f"configuring {self.path} failed (see {self.log})")
        print("building the unmutated tree")
        code, out = self.make([])
        if code != 0:
            fail(f"the unmutated tree does not build (see {self.log})")
        self.targets = self.known_targets()

    def make(self, targets):
        cmd = ["cmake", "--build", "build", f"-j{self.jobs}"]
        for t in targets:
            cmd += ["--target", t]
        return sh(cmd, cwd=self.path, log=self.log)

    def known_targets(self):
        _, out = sh(["cmake", "--build", "build", "--target", "help"], cwd=self.path)
        return {line[4:].split(":")[0].strip() for line in out.splitlines() if line.startswith("... ")}

    def selection(self, args):
        """The ctest tests args selects: (names, build targets they run)."""
        code, out = sh(["ctest", "--test-dir", "build", "--show-only=json-v1", *args], cwd=self.path)
        if code != 0:
            return None, None
        tests = json.loads(out).get("tests", [])
        targets = set()
        for t in tests:
            for a in t.get("command", []):
                name = os.path.basename(a)
                if a.startswith(self.build) and name in self.targets:
                    targets.add(name)
        return [t["name"] for t in tests], sorted(targets)

    def restore(self, relpath):
        sh(["git", "checkout", "-q", "--", relpath], cwd=self.path)


def first_failure(out):
    m = re.search(r"The following tests FAILED:\s*\n\s*\d+ - (.+) \(([^()]*)\)[ \t]*$", out, re.M)
    if m:
        return m.group(1).strip(), m.group(2)
    m = re.search(r"Test\s+#\d+: (\S.*?) \.+\s*\*+(Failed|Timeout|Exception)", out)
    if m:
        return m.group(1).strip(), m.group(2)
    return None, None


def run_one(s, m, args):
    """Applies, builds, tests and reverts one mutation; returns its result record."""
    rec = {"id": m["id"], "block": m["block"], "commit": s.commit, "sig": signature(m),
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    start = time.monotonic()
    path = os.path.join(s.path, m["file"])
    text = open(path, encoding="utf-8").read()
    n = text.count(m["find"])
    if n != 1:
        rec.update(outcome="stale", detail=f"text occurs {n} times in {m['file']}", seconds=0)
        return rec
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(m["find"], m["replace"]))
        sel = shlex.split(m["tests"])
        names, targets = s.selection(sel)
        if not names:
            rec.update(outcome="error", detail=f"the selection '{m['tests']}' matches no test")
            return rec
        targets = m.get("targets", targets) or ["all"]
        code, out = s.make(targets)
        build_s = time.monotonic() - start
        if code != 0:
            err = next((l.strip() for l in out.splitlines() if "error:" in l), "build failed")
            rec.update(outcome="build-error", detail=err[:200])
            return rec
        stop = (datetime.datetime.now() + datetime.timedelta(seconds=args.budget)).strftime("%H:%M:%S")
        code, out = sh(["ctest", "--test-dir", "build", f"-j{args.jobs}", "--timeout",
                        str(args.timeout), "--stop-time", stop, "--stop-on-failure",
                        "--output-on-failure", *sel],
                       cwd=s.path, log=s.log, timeout=args.budget + 60)
        if code == 0:
            rec.update(outcome="survived", detail=f"{len(names)} tests passed")
        else:
            test, why = first_failure(out)
            if code is None:
                test, why = test or "(ctest)", "Timeout"
            rec.update(outcome="killed", test=test or "(unknown)", detail=why or f"ctest exit {code}")
        rec["build_seconds"] = round(build_s, 1)
        rec["tests"] = len(names)
    finally:
        s.restore(m["file"])
        rec["seconds"] = round(time.monotonic() - start, 1)
    return rec


def summary(muts, results):
    by_id = {r["id"]: r for r in results}
    blocks = {}
    rows = []
    for m in muts:
        r = by_id.get(m["id"])
        outcome = "equivalent" if "equivalent" in m else (r["outcome"] if r else "not run")
        b = blocks.setdefault(m["block"], {})
        b[outcome] = b.get(outcome, 0) + 1
        rows.append((m, r, outcome))
    print(f"\n{'id':34} {'outcome':11} {'secs':>6}  test / detail")
    for m, r, outcome in rows:
        secs = f"{r['seconds']:.0f}" if r and "seconds" in r else ""
        what = (r.get("test") or r.get("detail", "")) if r else ""
        if outcome == "equivalent":
            what = m["equivalent"].split(".")[0]
        print(f"{m['id']:34} {outcome:11} {secs:>6}  {what}")
    total = {}
    for b in blocks.values():
        for k, v in b.items():
            total[k] = total.get(k, 0) + v
    print(f"\n{'block':14} killed/scored  survived  build-error  stale  equivalent  not-run")
    for name, b in sorted(blocks.items()) + [("TOTAL", total)]:
        scored = sum(b.values()) - b.get("equivalent", 0) - b.get("stale", 0)
        print(f"{name:14} {b.get('killed', 0):>6}/{scored:<6} {b.get('survived', 0):>8}"
              f" {b.get('build-error', 0):>12} {b.get('stale', 0):>6} {b.get('equivalent', 0):>11}"
              f" {b.get('not run', 0):>8}")
    scored = len(muts) - total.get("equivalent", 0) - total.get("stale", 0)
    pct = 100.0 * total.get("killed", 0) / scored if scored else 0.0
    print(f"\nscore: {total.get('killed', 0)} killed / {scored} "
          f"(= {len(muts)} total - {total.get('equivalent', 0)} equivalent - "
          f"{total.get('stale', 0)} stale) = {pct:.1f}%")
    if total.get("not run"):
        print(f"{total['not run']} not run yet")


def markdown(muts, results):
    """The per-block score and the survivors as Markdown tables, for docs/testing.md."""
    by_id = {r["id"]: r for r in results}
    blocks = {}
    for m in muts:
        r = by_id.get(m["id"])
        outcome = "equivalent" if "equivalent" in m else (r["outcome"] if r else "not run")
        blocks.setdefault(m["block"], []).append((m, r, outcome))
    print("| block | killed/run | survived | build error | equivalent | not run |")
    print("|---|---|---|---|---|---|")
    for name, rows in blocks.items():
        count = lambda o: sum(1 for _, _, x in rows if x == o)
        scored = len(rows) - count("equivalent") - count("stale") - count("not run")
        print(f"| {name} | {count('killed')}/{scored} | {count('survived')} | "
              f"{count('build-error')} | {count('equivalent')} | {count('not run')} |")
    print("\n| mutation | what it breaks | why it survived |")
    print("|---|---|---|")
    for rows in blocks.values():
        for m, r, outcome in rows:
            if outcome in ("survived", "equivalent", "build-error", "stale"):
                why = m.get("equivalent") or m.get("note") or "(no note yet)"
                print(f"| `{m['id']}` ({outcome}) | {m['breaks']} | {why} |")


def main():
    ap = Parser(description=__doc__.split("\n")[0],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list-file", default=LIST, help="the mutation list (default: %(default)s)")
    ap.add_argument("--only", help="comma-separated mutation ids to run (again)")
    ap.add_argument("--list", action="store_true", help="print the mutations and exit")
    ap.add_argument("--check", action="store_true",
                    help="check the list against this tree (every text exactly once) and exit")
    ap.add_argument("--jobs", type=int, default=2, help="ctest and build parallelism (default 2)")
    ap.add_argument("--timeout", type=int, default=90,
                    help="seconds per test without a timeout of its own (default 90)")
    ap.add_argument("--budget", type=int, default=240,
                    help="seconds for one mutation's whole ctest run (default 240)")
    ap.add_argument("--results", help="JSON-lines results file, appended to and resumed from "
                    "(default: <scratch>/results.jsonl)")
    ap.add_argument("--scratch", default=os.environ.get("VMPLAT_MUTATION_DIR", "/tmp/vmplat-mutation"),
                    help="scratch clone (default: $VMPLAT_MUTATION_DIR or %(default)s)")
    ap.add_argument("--summary", action="store_true", help="print the results' summary and exit")
    ap.add_argument("--markdown", action="store_true",
                    help="with --summary: the per-block score and survivors as Markdown")
    ap.add_argument("--rerun", action="store_true",
                    help="run every selected mutation again, even those with a result")
    args = ap.parse_args()
    if args.jobs < 1 or args.timeout < 1 or args.budget < 1:
        fail("--jobs, --timeout and --budget must be positive")
    muts = load_list(args.list_file)
    ids = {m["id"] for m in muts}
    only = None
    if args.only is not None:
        only = [i for i in args.only.split(",") if i]
        unknown = [i for i in only if i not in ids]
        if not only or unknown:
            fail(f"--only: unknown mutation id '{(unknown or [''])[0]}' (see --list)")
    if args.list:
        for m in muts:
            sel = "equivalent" if "equivalent" in m else m["tests"]
            print(f"{m['id']:34} {m['block']:10} {m['file']:36} {sel}")
        return 0
    if args.check:
        problems = check_texts(muts, ROOT)
        for i, p in problems:
            print(f"{i}: {p}")
        print(f"{len(muts)} mutations, {len(problems)} stale")
        return 1 if problems else 0

    results_path = args.results or os.path.join(args.scratch, "results.jsonl")
    results = []
    if os.path.exists(results_path):
        try:
            with open(results_path, encoding="utf-8") as f:
                results = [json.loads(l) for l in f if l.strip()]
        except (OSError, json.JSONDecodeError) as e:
            fail(f"--results: cannot read {results_path}: {e}")
    if args.summary:
        (markdown if args.markdown else summary)(muts, latest_results(muts, results))
        return 0

    code, commit = sh(["git", "rev-parse", "HEAD"], cwd=ROOT)
    commit = commit.strip()
    code, dirty = sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT)
    if dirty.strip():
        print("note: the working tree has uncommitted changes; the scratch clone tests "
              f"the commit {commit[:10]} without them")
    # A result stays valid while its record is unchanged (the mutated file may have moved on:
    # --check and the ctest mutation.list catch that); --only and --rerun run again.
    sigs = {m["id"]: signature(m) for m in muts}
    done = {r["id"] for r in results if r.get("sig") == sigs.get(r["id"])}
    by_id = {m["id"]: m for m in muts}
    if only is not None:  # in the order given
        todo = [by_id[i] for i in dict.fromkeys(only) if "equivalent" not in by_id[i]]
    else:
        todo = [m for m in muts if "equivalent" not in m and (args.rerun or m["id"] not in done)]
    print(f"{len(muts)} mutations, {len(todo)} to run, commit {commit[:10]}")

    s = Scratch(args.scratch, commit, args.jobs)
    os.makedirs(os.path.dirname(os.path.abspath(results_path)), exist_ok=True)
    current = None
    try:
        if todo:
            s.prepare()
        for k, m in enumerate(todo):
            current = m
            print(f"[{k + 1}/{len(todo)}] {m['id']}: ", end="", flush=True)
            rec = run_one(s, m, args)
            current = None
            print(f"{rec['outcome']} {rec.get('test', rec.get('detail', ''))} ({rec.get('seconds', 0)} s)",
                  flush=True)
            results.append(rec)
            with open(results_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
    except KeyboardInterrupt:
        if current:
            s.restore(current["file"])
        print("\ninterrupted: the scratch tree is restored; results so far are kept in "
              f"{results_path}", file=sys.stderr)
        return 130
    summary(muts, latest_results(muts, results))
    return 0


def latest_results(muts, results):
    """The last result of each mutation whose record has not changed since."""
    sigs = {m["id"]: signature(m) for m in muts}
    latest = {}
    for r in results:
        if r.get("sig") == sigs.get(r["id"]):
            latest[r["id"]] = r
    return list(latest.values())


if __name__ == "__main__":
    sys.exit(main())
