#!/usr/bin/env python3
"""Fails when a configuration key from `vmplat --help-config` is not named in README.md or
docs/*.md, listing the missing keys."""
import argparse
import glob
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--vmplat", required=True)
ap.add_argument("--root", required=True)
args = ap.parse_args()

out = subprocess.run([args.vmplat, "--help-config"], capture_output=True, text=True,
                     check=True).stdout
keys = [line.split(" ", 1)[0] for line in out.splitlines() if line and not line[0].isspace()]
text = ""
for path in [os.path.join(args.root, "README.md"), *glob.glob(os.path.join(args.root, "docs", "*.md"))]:
    text += open(path, encoding="utf-8").read()
missing = [k for k in keys if k not in text]
if missing:
    print(f"{len(missing)} of {len(keys)} configuration keys are not documented:")
    for k in missing:
        print("  " + k)
    sys.exit(1)
print(f"all {len(keys)} configuration keys are documented")
