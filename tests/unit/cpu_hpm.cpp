// cpu::Hpm, the machine performance counters (privileged spec 3.1.10-3.1.12) over a fake
// event source: counting from the moment an event is selected, exact on every read, writes,
// WARL event numbers, and mcountinhibit freezing the HPM counters, mcycle and minstret.
#include <catch2/catch.hpp>

#include <map>

#include "models/cpu/hpm.h"

using vmplat::cpu::Hpm;
namespace ev = vmplat::cpu::hpm_event;

namespace {

struct FakeSource {
  std::map<uint64_t, uint64_t> count;
  Hpm::Source fn()
  {
    return [this](uint64_t e) { return count[e]; };
  }
};

}  // namespace

TEST_CASE("a counter counts its event from when it is selected, exact on every read")
{
  FakeSource src;
  Hpm hpm(src.fn());
  src.count[ev::kWalk] = 100;  // before the selection: not counted
  CHECK(hpm.counter(3) == 0);
  hpm.write_event(3, ev::kWalk);
  CHECK(hpm.event(3) == 0x101);
  CHECK(hpm.counter(3) == 0);
  src.count[ev::kWalk] += 7;
  CHECK(hpm.counter(3) == 7);
  hpm.write_counter(3, 1000);
  src.count[ev::kWalk] += 2;
  CHECK(hpm.counter(3) == 1002);
  // Another event: the counter keeps its value and goes on with the new event.
  hpm.write_event(3, ev::kPageFault);
  src.count[ev::kWalk] += 50;
  src.count[ev::kPageFault] += 1;
  CHECK(hpm.counter(3) == 1003);
  // Two counters on the same event are independent.
  hpm.write_event(31, ev::kPageFault);
  src.count[ev::kPageFault] += 3;
  CHECK(hpm.counter(31) == 3);
  CHECK(hpm.counter(3) == 1006);
}

TEST_CASE("an instructions counter starts after the instruction that writes it")
{
  FakeSource src;
  Hpm hpm(src.fn());
  src.count[ev::kInstructions] = 50;
  hpm.write_event(4, ev::kInstructions);
  hpm.write_counter(4, 10);
  src.count[ev::kInstructions] = 51;  // the writing instruction retires
  CHECK(hpm.counter(4) == 10);
  src.count[ev::kInstructions] = 53;
  CHECK(hpm.counter(4) == 12);
}

TEST_CASE("mhpmevent is WARL: unknown events read 0 and stop the counter")
{
  FakeSource src;
  Hpm hpm(src.fn());
  hpm.write_event(5, ev::kDtlbLoadMiss);
  CHECK(hpm.event(5) == 0x10019);
  src.count[ev::kDtlbLoadMiss] = 4;
  hpm.write_event(5, 0x42);
  CHECK(hpm.event(5) == 0);
  src.count[ev::kDtlbLoadMiss] = 40;
  CHECK(hpm.counter(5) == 4);
  hpm.write_event(5, (uint64_t(1) << 63) | ev::kDtlbLoadMiss);  // Sscofpmf's OF bit
  CHECK(hpm.event(5) == 0);
  hpm.write_counter(5, 77);  // with no event a counter holds what was written
  CHECK(hpm.counter(5) == 77);
  for (uint64_t e : {ev::kCycles, ev::kInstructions, ev::kDtlbLoadMiss, ev::kDtlbStoreMiss,
                     ev::kItlbMiss, ev::kL2tlbMiss, ev::kWalk, ev::kWalkCycles, ev::kPageFault})
    CHECK(Hpm::supported(e));
}

TEST_CASE("mcountinhibit freezes HPM counters, mcycle and minstret, and TM reads 0")
{
  FakeSource src;
  Hpm hpm(src.fn());
  hpm.write_event(4, ev::kItlbMiss);
  src.count[ev::kItlbMiss] = 10;
  hpm.write_inhibit(~uint64_t(0), 500, 100);
  CHECK(hpm.inhibit() == 0xfffffffd);
  src.count[ev::kItlbMiss] = 25;
  CHECK(hpm.counter(4) == 10);
  CHECK(hpm.cycle(900) == 500);
  CHECK(hpm.instret(180) == 100);  // the inhibiting instruction (the 101st) is not counted
  hpm.write_counter(4, 3);
  hpm.write_cycle(900, 7);
  CHECK(hpm.cycle(1000) == 7);
  hpm.write_inhibit(0, 1000, 200);
  src.count[ev::kItlbMiss] = 30;
  CHECK(hpm.counter(4) == 8);
  CHECK(hpm.cycle(1010) == 17);
  CHECK(hpm.instret(201) == 101);  // the releasing instruction counts
  hpm.write_instret(201, 5000);
  CHECK(hpm.instret(202) == 5000);  // the writing instruction does not
}
