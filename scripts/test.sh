#!/usr/bin/env bash
# Set up, build, and run the whole test suite through ctest: every test of build/, then in
# the sanitizer build (build-asan: ASan and UBSan, docs/reliability.md) the unit tests, the
# system tests labelled "sanitize" and each fuzzer for 30 seconds (label "fuzz"). Long soak
# tests, labelled "soak", are left out: run them with `ctest --test-dir build -L soak`.
# Extra arguments go to both ctest runs (e.g. -R kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh asan
status=0
ctest --test-dir build --output-on-failure -j"$(nproc)" -LE soak "$@" || status=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L 'unit|sanitize|fuzz' -LE soak \
  "$@" || status=1
exit $status
