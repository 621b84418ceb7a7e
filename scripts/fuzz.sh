#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (docs/reliability.md) for a given time each.
#
#   bash scripts/fuzz.sh [--build DIR] [--seconds N] [NAME...] [-- LIBFUZZER_FLAGS...]
#
# NAME is decode, elf, config, gdb, virtio, walker, checkpoint or mmio (default: all, one
# after the other).
# --build    the build with VMPLAT_FUZZ=ON (default build-asan: `bash scripts/setup.sh asan`)
# --seconds  how long each fuzzer runs (default 60)
# Each fuzzer starts from tests/fuzz/corpus/NAME (the seeds and the input of every bug found,
# replayed first) and keeps what it finds in DIR/fuzz/corpus/NAME for the next run. A crash,
# a sanitizer report, a leak, an input slower than 25 s or one needing more than 2.5 GB
# writes the input to DIR/fuzz/artifacts/NAME/ and the script fails. One summary line per
# fuzzer: executions, coverage (edges, features), corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
seconds=60
names=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(decode elf config gdb virtio walker checkpoint mmio)
build=$(cd "$build" && pwd)
root=$PWD

# The longest input each harness takes (its input format, tests/fuzz/fuzz_<name>.cpp).
declare -A max_len=([decode]=64 [elf]=65536 [config]=4096 [gdb]=8192 [virtio]=2048 [walker]=2048
                   [checkpoint]=65536 [mmio]=2048)
status=0
for name in "${names[@]}"; do
  exe=$build/tests/fuzz/fuzz_$name
  if [ ! -x "$exe" ] || [ -z "${max_len[$name]:-}" ]; then
    echo "fuzz.sh: no fuzzer '$name' in $build/tests/fuzz (names: ${!max_len[*]})" >&2
    exit 2
  fi
  corpus=$build/fuzz/corpus/$name
  artifacts=$build/fuzz/artifacts/$name
  log=$build/fuzz/$name.log
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "$root/tests/fuzz/$name.dict" ] && dict=(-dict="$root/tests/fuzz/$name.dict")
  set +e
  started=$SECONDS
  (cd "$build/fuzz" && "$exe" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
     -max_len="${max_len[$name]}" -print_final_stats=1 -artifact_prefix="$artifacts/" \
     "${dict[@]}" "${extra[@]}" "$corpus" "$root/tests/fuzz/corpus/$name") >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1 |
         sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/' || true)
  echo "fuzz $name: $((SECONDS - started))s of ${seconds}s, ${execs:-?} executions, $last, exit $rc (log $log)"
  if [ $rc -ne 0 ]; then
    status=1
    grep -E 'ERROR|==[0-9]+==|property broken|Test unit written|SUMMARY' "$log" | head -20 >&2
  fi
done
exit $status
