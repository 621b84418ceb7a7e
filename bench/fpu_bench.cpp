// Nanoseconds per operation of the software FPU (models/cpu/fpu.h), next to the host FPU
// doing the same operation, on operands typical of numeric code: normal values between
// 1/16 and 16 with random significands (so results are mostly inexact and normal), 4096 of
// them, cycled so everything stays in the L1 cache. The operations are independent, so the
// figure is a throughput, call overhead included. Time is the thread's CPU time, so other
// processes on a shared machine inflate it less than wall time. Prints a table; never fails.
//
//   build/bench/fpu_bench [millions of operations per row, default 8]
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "models/cpu/fpu.h"

namespace fp = vmplat::cpu::fp;

namespace {

constexpr unsigned kOperands = 4096;
uint32_t g_a32[kOperands], g_b32[kOperands], g_c32[kOperands];
uint64_t g_a64[kOperands], g_b64[kOperands], g_c64[kOperands];
volatile uint64_t g_sink;

uint64_t next(uint64_t& s)
{
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

void fill()
{
  uint64_t s = 0x2545f4914f6cdd1dull;
  for (unsigned i = 0; i < kOperands; ++i) {
    uint32_t* f32[] = {&g_a32[i], &g_b32[i], &g_c32[i]};
    uint64_t* f64[] = {&g_a64[i], &g_b64[i], &g_c64[i]};
    for (int k = 0; k < 3; ++k) {
      uint64_t r = next(s);
      uint32_t e32 = 127 - 4 + static_cast<uint32_t>(r % 9);
      uint64_t e64 = 1023 - 4 + (r >> 8) % 9;
      *f32[k] = static_cast<uint32_t>(r >> 32) >> 31 << 31 | e32 << 23 |
                (static_cast<uint32_t>(r >> 20) & 0x7fffff);
      *f64[k] = (r & 0x8000000000000000ull) | e64 << 52 | (next(s) & 0xfffffffffffffull);
    }
  }
}

double cpu_ns()
{
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

template <typename Body>
double ns_per_op(unsigned long ops, Body body)
{
  double start = cpu_ns();
  uint64_t acc = 0;
  for (unsigned long n = 0; n < ops; ++n) acc += body(n % kOperands);
  g_sink = acc;
  return (cpu_ns() - start) / ops;
}

template <typename T, typename B>
T as(B bits)
{
  T v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

template <typename B, typename T>
B bits(T v)
{
  B b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

}  // namespace

int main(int argc, char** argv)
{
  unsigned long ops = (argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 8) * 1000000ul;
  if (ops == 0) {
    std::fprintf(stderr,
                 "fpu_bench: the argument is millions of operations, a positive "
                 "integer\n");
    return 2;
  }
  fill();
  const fp::Rm rne = fp::Rm::kRNE;
  struct Row {
    const char* name;
    double ours;
    double host;
  };
  uint8_t fl = 0;
  const Row rows[] = {
      {"f32_add",
       ns_per_op(ops, [&](unsigned i) { return fp::f32_add(g_a32[i], g_b32[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint32_t>(as<float>(g_a32[i]) + as<float>(g_b32[i])); })},
      {"f32_mul",
       ns_per_op(ops, [&](unsigned i) { return fp::f32_mul(g_a32[i], g_b32[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint32_t>(as<float>(g_a32[i]) * as<float>(g_b32[i])); })},
      {"f32_div",
       ns_per_op(ops, [&](unsigned i) { return fp::f32_div(g_a32[i], g_b32[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint32_t>(as<float>(g_a32[i]) / as<float>(g_b32[i])); })},
      {"f32_sqrt",
       ns_per_op(ops, [&](unsigned i) { return fp::f32_sqrt(g_a32[i] & 0x7fffffff, rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint32_t>(std::sqrt(as<float>(g_a32[i] & 0x7fffffff))); })},
      {"f32_muladd",
       ns_per_op(ops,
                 [&](unsigned i) {
                   return fp::f32_muladd(g_a32[i], g_b32[i], g_c32[i], false, false, rne, fl);
                 }),
       ns_per_op(ops,
                 [](unsigned i) {
                   return bits<uint32_t>(
                       std::fma(as<float>(g_a32[i]), as<float>(g_b32[i]), as<float>(g_c32[i])));
                 })},
      {"f64_add",
       ns_per_op(ops, [&](unsigned i) { return fp::f64_add(g_a64[i], g_b64[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint64_t>(as<double>(g_a64[i]) + as<double>(g_b64[i])); })},
      {"f64_mul",
       ns_per_op(ops, [&](unsigned i) { return fp::f64_mul(g_a64[i], g_b64[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint64_t>(as<double>(g_a64[i]) * as<double>(g_b64[i])); })},
      {"f64_div",
       ns_per_op(ops, [&](unsigned i) { return fp::f64_div(g_a64[i], g_b64[i], rne, fl); }),
       ns_per_op(
           ops,
           [](unsigned i) { return bits<uint64_t>(as<double>(g_a64[i]) / as<double>(g_b64[i])); })},
      {"f64_sqrt",
       ns_per_op(ops,
                 [&](unsigned i) { return fp::f64_sqrt(g_a64[i] & 0x7fffffffffffffff, rne, fl); }),
       ns_per_op(ops,
                 [](unsigned i) {
                   return bits<uint64_t>(std::sqrt(as<double>(g_a64[i] & 0x7fffffffffffffff)));
                 })},
      {"f64_muladd",
       ns_per_op(ops,
                 [&](unsigned i) {
                   return fp::f64_muladd(g_a64[i], g_b64[i], g_c64[i], false, false, rne, fl);
                 }),
       ns_per_op(ops,
                 [](unsigned i) {
                   return bits<uint64_t>(
                       std::fma(as<double>(g_a64[i]), as<double>(g_b64[i]), as<double>(g_c64[i])));
                 })},
      {"f64_to_i64",
       ns_per_op(
           ops,
           [&](unsigned i) { return static_cast<uint64_t>(fp::f64_to_i64(g_a64[i], rne, fl)); }),
       ns_per_op(
           ops,
           [](unsigned i) { return static_cast<uint64_t>(std::llrint(as<double>(g_a64[i]))); })},
      {"i64_to_f64",
       ns_per_op(
           ops,
           [&](unsigned i) { return fp::i64_to_f64(static_cast<int64_t>(g_a64[i]), rne, fl); }),
       ns_per_op(ops,
                 [](unsigned i) {
                   return bits<uint64_t>(static_cast<double>(static_cast<int64_t>(g_a64[i])));
                 })},
      {"f64_lt",
       ns_per_op(
           ops,
           [&](unsigned i) { return static_cast<uint64_t>(fp::f64_lt(g_a64[i], g_b64[i], fl)); }),
       ns_per_op(ops,
                 [](unsigned i) {
                   return static_cast<uint64_t>(as<double>(g_a64[i]) < as<double>(g_b64[i]));
                 })},
  };
  std::printf("%-11s %12s %12s %8s\n", "operation", "cpu::fp ns", "host ns", "ratio");
  for (const Row& r : rows)
    std::printf("%-11s %12.2f %12.2f %7.1fx\n", r.name, r.ours, r.host, r.ours / r.host);
  std::printf(
      "(%lu operations per row, loop overhead included in both columns; the host's fma "
      "may be a library call without -mfma)\n",
      ops);
  return 0;
}
