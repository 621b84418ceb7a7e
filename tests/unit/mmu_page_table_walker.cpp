// The page-table walker's PTE checks (privileged 4.3.2 steps 2-6) where another check would
// hide a missing one: each case is chosen so that only the check named can fault.
#include <catch2/catch.hpp>

#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;

namespace {
constexpr uint64_t kVa = 0x10'0000'0000;  // an Sv39 address outside RAM
constexpr uint64_t kPa = test::kDramBase + 0x20'0000;
}  // namespace

TEST_CASE("a W-without-R leaf is reserved even when X makes it a leaf and a store wants W")
{
  // Step 3: R = 0 with W = 1 is reserved, a page fault whatever the access. With X set the
  // PTE is a leaf and W would permit the store, so only this check can refuse it.
  MmuBench b;
  b.map(kVa, kPa, pte::kX | pte::kW | pte::kA | pte::kD);
  auto r = b.store(kVa + 8);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == cpu::exc::kStorePageFault);
  CHECK(r.tval == kVa + 8);
  auto f = b.fetch(kVa);
  CHECK_FALSE(f.ok);
  CHECK(f.cause == cpu::exc::kInstrPageFault);
}
