// mmu.l2tlb.shared: the MMUs of several harts use one L2 TLB (docs/smp.md). The first MMU
// builds it, with its statistics under mmu.l2tlb.* for all harts; each MMU counts its own
// part (mmu.l2tlb_share.*, under its hart's prefix), including fills that evict an entry
// another hart filled.
#include <catch2/catch.hpp>

#include <memory>

#include "models/common/stats.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using namespace vmplat::test;

namespace {

constexpr uint64_t kVa2 = 0x40002000, kPa2 = 0x80204000;

// A bench whose MMU is hart 0's, plus hart 1's MMU (statistics under "hart1.") on the same
// bus, built with the bench's configuration.
struct TwoHarts {
  std::unique_ptr<mmu::Mmu> second;
  MmuBench b;
  explicit TwoHarts(std::initializer_list<std::string> sets)
      : b(sets, false, [this](MmuBench& bench) {
          common::StatsPrefix prefix("hart1.");
          second = std::make_unique<mmu::Mmu>("mmu1", sc_core::sc_time(1, sc_core::SC_NS), 1,
                                              &bench.mmu);
          second->isock.bind(bench.router.tsock);
        })
  {
    b.map(kVa, kPa, kRW);
    b.map(kVa2, kPa2, kRW);
  }
  bool load_on_second(uint64_t va)
  {
    cpu::XlateContext ctx{cpu::Priv::kS, 0, b.satp(1), 0, b.menvcfg};
    cpu::XlateResult r;
    return second->translate(va, 8, cpu::AccessKind::kLoad, ctx, r) && r.pa == kPa + (va - kVa);
  }
};

double stat(const std::string& name)
{
  return common::stats().value(name);
}

}  // namespace

TEST_CASE("shared L2 TLB: a page one hart walked hits in the L2 for another hart")
{
  TwoHarts t({"mmu.l2tlb.shared=true"});
  REQUIRE(t.b.load(kVa).ok);
  REQUIRE(t.load_on_second(kVa));
  CHECK(stat("mmu.walker.walks") == 1);        // hart 0's
  CHECK(stat("hart1.mmu.walker.walks") == 0);  // hart 1 found it in the shared L2
  CHECK(stat("mmu.l2tlb.hits.load") == 1);
  CHECK(stat("mmu.l2tlb.misses.load") == 1);
  CHECK(stat("mmu.l2tlb_share.lookups") == 1);
  CHECK(stat("mmu.l2tlb_share.misses") == 1);
  CHECK(stat("hart1.mmu.l2tlb_share.lookups") == 1);
  CHECK(stat("hart1.mmu.l2tlb_share.misses") == 0);
  CHECK(&t.second->l2tlb() == &t.b.mmu.l2tlb());
}

TEST_CASE("private L2 TLBs: each hart walks the page itself")
{
  TwoHarts t({});
  REQUIRE(t.b.load(kVa).ok);
  REQUIRE(t.load_on_second(kVa));
  CHECK(stat("mmu.walker.walks") == 1);
  CHECK(stat("hart1.mmu.walker.walks") == 1);
  CHECK(stat("hart1.mmu.l2tlb.misses.load") == 1);
  CHECK(&t.second->l2tlb() != &t.b.mmu.l2tlb());
}

TEST_CASE("shared L2 TLB: a fill that evicts another hart's entry counts as contention")
{
  TwoHarts t({"mmu.l2tlb.shared=true", "mmu.l2tlb.entries=1", "mmu.l2tlb.ways=1"});
  REQUIRE(t.b.load(kVa).ok);       // hart 0 fills the only slot
  REQUIRE(t.b.load(kVa2).ok);      // and evicts its own entry: no contention
  REQUIRE(t.load_on_second(kVa));  // hart 1 evicts hart 0's
  CHECK(stat("mmu.l2tlb.evictions") == 2);
  CHECK(stat("mmu.l2tlb_share.cross_evictions") == 0);
  CHECK(stat("hart1.mmu.l2tlb_share.cross_evictions") == 1);
}

TEST_CASE("shared L2 TLB: one hart's SFENCE.VMA empties the L2 entries the other hart uses")
{
  TwoHarts t({"mmu.l2tlb.shared=true"});
  REQUIRE(t.b.load(kVa).ok);
  t.b.mmu.sfence_vma(false, 0, false, 0);
  REQUIRE(t.load_on_second(kVa));
  CHECK(stat("hart1.mmu.walker.walks") == 1);
}
