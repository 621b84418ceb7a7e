// The MMU's debugger interface: Tlb::entries and TlbLevel::dump. Each case builds a page
// table, asserts what the call reports about it, and that the call changed nothing: no
// statistic (DRAM's included), no PTE, and no TLB or replacement state, so the accesses
// that follow behave as without it.
#include <catch2/catch.hpp>

#include <string>

#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;
using cpu::AccessKind;
using cpu::Priv;

namespace {
constexpr uint64_t kRW = pte::kR | pte::kW | pte::kA | pte::kD;
constexpr uint64_t kVa = 0x40001000;
constexpr uint64_t kPa = 0x80203000;

std::string stats_now()
{
  return common::stats().to_json().dump();
}
}  // namespace

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
