// The MMU's debugger interface: Mmu::debug_walk, explain and debug_map, Tlb::entries and
// TlbLevel::dump. Each case builds a page table, asserts what the call reports about it,
// and that the call changed nothing: no statistic (DRAM's included), no PTE, and no TLB
// or replacement state, so the accesses that follow behave as without it.
#include <catch2/catch.hpp>

#include <string>

#include "models/common/format.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;
using cpu::AccessKind;
using cpu::Priv;

namespace {
using test::kRW;
using test::kVa;
using test::kPa;

std::string stats_now()
{
  return common::stats().to_json().dump();
}

std::string hex(uint64_t v)
{
  return common::hex(v);
}

cpu::XlateContext ctx_of(MmuBench& b, Priv priv = Priv::kS, uint64_t mstatus = 0, uint16_t asid = 1)
{
  return {priv, mstatus, b.satp(asid), 0};
}
}  // namespace

TEST_CASE("debug_walk reports the PTEs of the table and changes nothing")
{
  MmuBench b;
  const uint64_t leaf = b.map(kVa, kPa, pte::kR | pte::kW);  // A and D clear
  const uint64_t before = b.read64(leaf);
  const std::string stats0 = stats_now();

  const auto d = b.mmu.debug_walk(kVa + 0x10, AccessKind::kStore, ctx_of(b));
  CHECK(d.translated);
  CHECK(d.levels == 3);
  REQUIRE(d.steps.count == 3);
  for (unsigned i = 0; i < 3; ++i) {
    const unsigned level = 2 - i;
    CHECK(d.steps.step[i].level == level);
    CHECK(d.steps.step[i].addr == b.slot_of(kVa, level));
    CHECK(d.steps.step[i].pte == b.read64(b.slot_of(kVa, level)));
    CHECK_FALSE(d.steps.step[i].pwc);
  }
  CHECK(d.leaf);
  CHECK(d.pte_addr == leaf);
  CHECK(d.level == 0);
  CHECK(d.pa == kPa + 0x10);
  CHECK(d.permitted);
  CHECK(d.ad_update);  // the hardware policy would set A and D
  CHECK(b.read64(leaf) == before);
  CHECK(stats_now() == stats0);

  // After a real store (which walks, sets A/D and fills), a debug walk leaves the TLB
  // entry in place: the next store hits.
  CHECK(b.store(kVa).pa == kPa);
  const std::string stats1 = stats_now();
  CHECK_FALSE(b.mmu.debug_walk(kVa, AccessKind::kStore, ctx_of(b)).ad_update);
  CHECK(stats_now() == stats1);
  CHECK(b.store(kVa + 8).pa == kPa + 8);
  CHECK(MmuBench::stat("mmu.walker.walks") == 1);
  CHECK(MmuBench::stat("mmu.dtlb.hits.store") == 1);
}

TEST_CASE("debug_walk names the fault and its reason")
{
  MmuBench b({"mmu.walker.ad_policy=fault"});
  b.map(kVa, kPa, pte::kR | pte::kA);  // read-only
  b.map(kVa + 0x1000, kPa + 0x1000, pte::kR | pte::kW | pte::kU | pte::kA | pte::kD);
  b.map(kVa + 0x2000, kPa + 0x2000, pte::kR | pte::kW);  // A clear
  const std::string stats0 = stats_now();
  auto walk = [&](uint64_t va, AccessKind kind, Priv priv = Priv::kS, uint64_t mstatus = 0) {
    return b.mmu.debug_walk(va, kind, ctx_of(b, priv, mstatus));
  };

  auto store_ro = walk(kVa, AccessKind::kStore);
  CHECK(store_ro.leaf);
  CHECK_FALSE(store_ro.permitted);
  CHECK(store_ro.cause == cpu::exc::kStorePageFault);
  CHECK(store_ro.reason == mmu::FaultReason::kPermission);
  CHECK(walk(kVa, AccessKind::kFetch).cause == cpu::exc::kInstrPageFault);

  auto user = walk(kVa + 0x1000, AccessKind::kLoad);  // U page from S without SUM
  CHECK(user.reason == mmu::FaultReason::kPermission);
  CHECK(walk(kVa + 0x1000, AccessKind::kLoad, Priv::kS, cpu::mstatus::kSUM).permitted);
  CHECK(walk(kVa + 0x1000, AccessKind::kStore, Priv::kU).permitted);

  auto a_clear = walk(kVa + 0x2000, AccessKind::kLoad);
  CHECK(a_clear.reason == mmu::FaultReason::kAdClear);
  CHECK(a_clear.cause == cpu::exc::kLoadPageFault);

  auto unmapped = walk(kVa + 0x3000, AccessKind::kLoad);
  CHECK_FALSE(unmapped.leaf);
  CHECK(unmapped.reason == mmu::FaultReason::kPteInvalid);
  CHECK(unmapped.steps.count == 3);

  auto odd = walk(0x0000004000000000ull, AccessKind::kLoad);
  CHECK(odd.reason == mmu::FaultReason::kNonCanonical);
  CHECK(odd.steps.count == 0);

  auto m_mode = walk(kVa + 0x3000, AccessKind::kLoad, Priv::kM);
  CHECK_FALSE(m_mode.translated);
  CHECK(m_mode.permitted);
  CHECK(m_mode.pa == kVa + 0x3000);
  CHECK(stats_now() == stats0);
}

TEST_CASE("debug_walk: a PTE read from a hole is an access fault, the superpage level shows")
{
  MmuBench b;
  const uint64_t gva = 0x80000000;  // root slot 2: a 1 GiB identity page
  b.map(gva, gva, kRW | pte::kX, 2);
  b.write64(b.root + ((kVa >> 30) & 0x1ff) * 8, MmuBench::pte(0x100000000000ull, pte::kV));
  const auto hole = b.mmu.debug_walk(kVa, AccessKind::kLoad, ctx_of(b));
  CHECK(hole.cause == cpu::exc::kLoadAccessFault);
  CHECK(hole.reason == mmu::FaultReason::kPteBusError);
  REQUIRE(hole.steps.count == 2);
  CHECK(hole.steps.step[1].addr == 0x100000000000ull + ((kVa >> 21) & 0x1ff) * 8);

  const auto giga = b.mmu.debug_walk(gva + 0x123456, AccessKind::kFetch, ctx_of(b));
  CHECK(giga.permitted);
  CHECK(giga.level == 2);
  CHECK(giga.steps.count == 1);
  CHECK(giga.pa == gva + 0x123456);
  CHECK(MmuBench::stat("mmu.walker.walks") == 0);
  CHECK(MmuBench::stat("dram.reads") == 0);
}

TEST_CASE("translate_debug agrees with debug_walk")
{
  MmuBench b;
  b.map(kVa, kPa, pte::kR | pte::kX | pte::kA);
  cpu::XlateResult r;
  REQUIRE(b.mmu.translate_debug(kVa + 4, AccessKind::kFetch, ctx_of(b), r));
  CHECK(r.pa == kPa + 4);
  CHECK(r.cycles == 0);
  CHECK_FALSE(b.mmu.translate_debug(kVa + 4, AccessKind::kStore, ctx_of(b), r));
  CHECK(r.cause == cpu::exc::kStorePageFault);
  CHECK(r.tval == kVa + 4);
}

TEST_CASE("debug_map ignores permissions and A/D, not the mapping")
{
  MmuBench b({"mmu.walker.ad_policy=fault"});
  b.map(kVa, kPa, pte::kR | pte::kU);  // a user page without A: every S access faults
  const std::string stats0 = stats_now();
  uint64_t pa = 0;
  CHECK(b.mmu.debug_map(kVa + 0x20, ctx_of(b), pa));
  CHECK(pa == kPa + 0x20);
  CHECK_FALSE(b.mmu.debug_map(kVa + 0x1000, ctx_of(b), pa));
  CHECK_FALSE(b.mmu.debug_map(0x0000004000000000ull, ctx_of(b), pa));
  // Translation does not apply in M mode, nor with satp Bare: pa = va.
  CHECK(b.mmu.debug_map(0x1234, ctx_of(b, Priv::kM), pa));
  CHECK(pa == 0x1234);
  CHECK(b.mmu.debug_map(0x5678, {Priv::kS, 0, 0, 0}, pa));
  CHECK(pa == 0x5678);
  // M mode with MPRV = 1 and MPP = S reads through the S address space, as a load would.
  const uint64_t mprv_s = cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift);
  CHECK(b.mmu.debug_map(kVa + 8, ctx_of(b, Priv::kM, mprv_s), pa));
  CHECK(pa == kPa + 8);
  CHECK(stats_now() == stats0);
}

TEST_CASE("explain describes each PTE, the result and the TLB entries holding the page")
{
  MmuBench b;
  const uint64_t leaf = b.map(kVa, kPa, kRW | pte::kU);
  b.load(kVa, Priv::kS, cpu::mstatus::kSUM);  // fills the DTLB and the L2 TLB
  const std::string stats0 = stats_now();

  const std::string ok =
      b.mmu.explain(kVa + 0x18, AccessKind::kLoad, ctx_of(b, Priv::kS, cpu::mstatus::kSUM));
  INFO(ok);
  CHECK(ok.find("satp Sv39 asid 1") != std::string::npos);
  for (unsigned level = 0; level < 3; ++level)
    CHECK(ok.find("level " + std::to_string(level) + ": PTE " + hex(b.slot_of(kVa, level))) !=
          std::string::npos);
  CHECK(ok.find("DA-U-WRV  ppn " + hex(kPa >> 12) + "  leaf, 4 KiB page") != std::string::npos);
  CHECK(ok.find("result: pa " + hex(kPa + 0x18) + " in the 4 KiB page " + hex(kVa) + " -> " +
                hex(kPa) + "; load permitted") != std::string::npos);
  CHECK(ok.find("  dtlb set 0 way 0: 4 KiB page " + hex(kVa)) != std::string::npos);
  CHECK(ok.find("  l2tlb set ") != std::string::npos);
  CHECK(ok.find("  itlb: none") != std::string::npos);

  const std::string no_sum = b.mmu.explain(kVa, AccessKind::kLoad, ctx_of(b));
  INFO(no_sum);
  CHECK(no_sum.find("result: load_page_fault (cause 13, tval " + hex(kVa) + "): a U page") !=
        std::string::npos);
  CHECK(no_sum.find("mstatus.SUM = 1") != std::string::npos);

  b.write64(leaf, 0);
  const std::string invalid = b.mmu.explain(kVa, AccessKind::kStore, ctx_of(b));
  INFO(invalid);
  CHECK(invalid.find("store_page_fault (cause 15") != std::string::npos);
  CHECK(invalid.find("V = 0 in the level-0 PTE") != std::string::npos);
  // The stale entries are still listed: the explanation shows what a lookup would hit.
  CHECK(invalid.find("  dtlb set 0 way 0") != std::string::npos);

  CHECK(b.mmu.explain(kVa, AccessKind::kLoad, ctx_of(b, Priv::kM)).find("not translated") !=
        std::string::npos);
  CHECK(stats_now() == stats0);
}

TEST_CASE("entries and dump list the valid entries without touching replacement state")
{
  // 2-entry fully associative LRU DTLB: A then B filled; listing them must not refresh A,
  // so C still evicts A (the least recently used).
  MmuBench b(
      {"mmu.dtlb.entries=2", "mmu.dtlb.ways=2", "mmu.dtlb.policy=lru", "mmu.l2tlb.entries=0"});
  const uint64_t va_a = kVa, va_b = kVa + 0x1000, va_c = kVa + 0x2000;
  b.map(va_a, kPa, kRW);
  b.map(va_b, kPa + 0x5000, kRW | pte::kG);
  b.map(va_c, kPa + 0x2000, kRW);
  b.load(va_a);
  b.load(va_b);
  const std::string stats0 = stats_now();

  const auto list = b.mmu.dtlb().entries();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].way == 0);
  CHECK((*list)[0].entry.vpn == va_a >> 12);
  CHECK((*list)[0].entry.ppn == kPa >> 12);
  CHECK((*list)[1].way == 1);
  CHECK((*list)[1].entry.global);

  const std::string dump = b.mmu.dtlb().dump();
  INFO(dump);
  CHECK(dump.rfind(b.mmu.dtlb().describe() + "\n", 0) == 0);
  CHECK(dump.find("    0    0  0x0000000040001000  0x0000000080203000  4K        1  DA---WRV") !=
        std::string::npos);
  CHECK(dump.find("    0    1  0x0000000040002000  0x0000000080208000  4K        1  DAG--WRV") !=
        std::string::npos);
  CHECK(dump.find("2 of 2 entries valid") != std::string::npos);
  CHECK(b.mmu.l2tlb().dump() == "mmu.l2tlb: off\n");
  CHECK(b.mmu.l2tlb().entries()->empty());
  CHECK(stats_now() == stats0);

  b.load(va_c);  // evicts A
  const auto after = b.mmu.dtlb().entries();
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].entry.vpn == va_c >> 12);
  CHECK((*after)[1].entry.vpn == va_b >> 12);
}

TEST_CASE("dump shows superpages and sign-extended kernel addresses")
{
  MmuBench b;
  const uint64_t kva = 0xffffffffc0000000ull;  // the top 1 GiB of Sv39
  b.map(kva, 0x80000000, kRW | pte::kX | pte::kG, 2);
  CHECK(b.load(kva + 0x1000).pa == 0x80001000);
  const std::string dump = b.mmu.dtlb().dump();
  INFO(dump);
  CHECK(dump.find("0xffffffffc0000000  0x0000000080000000  1G") != std::string::npos);
  CHECK(dump.find("1 of 32 entries valid") != std::string::npos);
  const auto held = b.mmu.l2tlb().holding((kva >> 12) & ((1ull << 36) - 1), 7);
  REQUIRE(held);
  CHECK(held->size() == 1);  // global: any ASID
}
