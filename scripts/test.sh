#!/usr/bin/env bash
# Set up, build, and run the whole test suite through ctest (long soak tests, labelled
# "soak", are left out: run them with `ctest --test-dir build -L soak`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" -LE soak "$@"
