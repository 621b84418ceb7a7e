// mmu::Mmu against the privileged spec (4.3-4.5): one TEST_CASE per checklist item of
// issue 3, each building page tables in DRAM and asserting the physical address, or the
// cause and tval of the fault.
#include <catch2/catch.hpp>

#include "models/cpu/pmp.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;
using cpu::Priv;
using cpu::AccessKind;

namespace {
using test::kRW;
constexpr uint64_t kRWX = kRW | pte::kX;
using test::kVa;
using test::kPa;
constexpr uint64_t kMprvMppS = cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift);
}  // namespace

TEST_CASE("translation happens only in S/U mode or under MPRV for loads and stores")
{
  MmuBench b;
  b.map(kVa, kPa, kRWX | pte::kU);
  // M-mode: no translation, even with satp in Sv39.
  auto m = b.load(kVa + 0x10, Priv::kM);
  CHECK(m.ok);
  CHECK(m.pa == kVa + 0x10);
  // S-mode (with SUM, as the page is U) and U-mode translate.
  CHECK(b.load(kVa + 0x10, Priv::kS, cpu::mstatus::kSUM).pa == kPa + 0x10);
  CHECK(b.load(kVa + 0x18, Priv::kU).pa == kPa + 0x18);
  // M-mode with MPRV=1 and MPP=U translates loads and stores as U...
  const uint64_t mprv_u = cpu::mstatus::kMPRV;
  CHECK(b.store(kVa + 0x20, Priv::kM, mprv_u).pa == kPa + 0x20);
  // ...and as S with MPP=S (no SUM: the U page faults, proving S rules apply).
  auto s = b.load(kVa, Priv::kM, kMprvMppS);
  CHECK_FALSE(s.ok);
  CHECK(s.cause == cpu::exc::kLoadPageFault);
  // MPRV does not apply to fetches.
  CHECK(b.fetch(kVa + 4, Priv::kM, mprv_u).pa == kVa + 4);
  // MPRV with MPP=M does not translate.
  CHECK(b.load(kVa, Priv::kM, cpu::mstatus::kMPRV | cpu::mstatus::kMPP).pa == kVa);
}

TEST_CASE("unsupported satp modes are refused")
{
  SECTION("default: sv39 and sv48")
  {
    MmuBench b;
    CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeBare));
    CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeSv39));
    CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeSv48));
    CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv57));
    for (unsigned mode = 1; mode < 8; ++mode)
      CHECK_FALSE(b.mmu.supports_satp_mode(mode));
    CHECK_FALSE(b.mmu.supports_satp_mode(15));
  }
}

TEST_CASE("mmu.satp_modes=sv39 refuses sv48")
{
  MmuBench b({"mmu.satp_modes=sv39"});
  CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeSv39));
  CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv48));
}

TEST_CASE("mmu.satp_modes=bare,sv39 (the list form) refuses sv48")
{
  MmuBench b({"mmu.satp_modes=bare,sv39"});
  CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeSv39));
  CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv48));
}

TEST_CASE("mmu.satp_modes=bare accepts only Bare")
{
  MmuBench b({"mmu.satp_modes=bare"});
  CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeBare));
  CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv39));
  CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv48));
}

TEST_CASE("mmu.satp_modes with sv48 but not sv39 is an error")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.satp_modes=bare,sv48"}),
                    Catch::Contains("sv48 without sv39"));
}

TEST_CASE("mmu.satp_modes with an unknown mode is an error naming it")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.satp_modes=sv39,sv64"}),
                    Catch::Contains("'sv64'") && Catch::Contains("allowed"));
}

TEST_CASE("a non-canonical address is a page fault with tval = va")
{
  MmuBench b;
  b.map(kVa, kPa, kRWX);
  const uint64_t bad = 0x0000004000000000ull | kVa;  // bit 38 set, 63:39 clear
  auto r = b.load(bad);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == cpu::exc::kLoadPageFault);
  CHECK(r.tval == bad);
  auto f = b.fetch(0x8000000000000000ull);
  CHECK(f.cause == cpu::exc::kInstrPageFault);
  CHECK(f.tval == 0x8000000000000000ull);
  // kVa with bit 39 set: its low 39 bits name a mapped page, so only the canonical check
  // can refuse it, before any walk.
  const uint64_t alias = kVa | (1ull << 39);
  const uint64_t walks_before = MmuBench::stat("mmu.walker.walks");
  auto a = b.store(alias);
  CHECK_FALSE(a.ok);
  CHECK(a.cause == cpu::exc::kStorePageFault);
  CHECK(a.tval == alias);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks_before);
  // The sign-extended top of the Sv39 space is canonical (and unmapped: a page fault from
  // the walk, counted as a walk).
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  auto hi = b.store(0xffffffc000000000ull);
  CHECK(hi.cause == cpu::exc::kStorePageFault);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks + 1);
  CHECK(MmuBench::stat("mmu.page_faults.load") == 1);
  CHECK(MmuBench::stat("mmu.page_faults.fetch") == 1);
  CHECK(MmuBench::stat("mmu.page_faults.store") == 2);
}

TEST_CASE("Sv48 walks four levels and has its own canonical range")
{
  MmuBench b;
  b.use_sv48();
  const uint64_t va = 0x0000400000201000ull;  // bit 46 set: canonical in Sv48 only
  b.map(va, kPa, kRW);
  auto r = b.load(va + 8);
  REQUIRE(r.ok);
  CHECK(r.pa == kPa + 8);
  CHECK(MmuBench::stat("mmu.walker.levels") == 4);
  auto bad = b.load(0x0000800000000000ull);
  CHECK(bad.cause == cpu::exc::kLoadPageFault);
}

TEST_CASE("a PTE read from a hole or an A/D write to ROM is an access fault")
{
  MmuBench b;
  // Leaf table in a hole: the root points at 0x1000_0000_0000 (nothing there).
  b.write64(b.root + ((kVa >> 30) & 0x1ff) * 8, MmuBench::pte(0x100000000000ull, pte::kV));
  auto f = b.fetch(kVa);
  CHECK_FALSE(f.ok);
  CHECK(f.cause == cpu::exc::kInstrAccessFault);
  CHECK(f.tval == kVa);
  CHECK(b.load(kVa).cause == cpu::exc::kLoadAccessFault);
  CHECK(b.store(kVa).cause == cpu::exc::kStoreAccessFault);
  CHECK(MmuBench::stat("mmu.access_faults.load") == 1);

  // A leaf PTE in ROM without A: reading it works, the A/D write fails → access fault.
  const uint64_t va2 = 0x80200000;  // another root slot than kVa (whose pointer the PWC holds)
  const uint64_t l1 = b.alloc_table();
  b.write64(b.root + ((va2 >> 30) & 0x1ff) * 8, MmuBench::pte(l1, pte::kV));
  b.write64(l1 + ((va2 >> 21) & 0x1ff) * 8, MmuBench::pte(test::kRomBase, pte::kV));
  b.write64(test::kRomBase + 8, MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW));
  auto s = b.store(va2 + 0x1000 + 0x40);
  CHECK_FALSE(s.ok);
  CHECK(s.cause == cpu::exc::kStoreAccessFault);
  CHECK(s.tval == va2 + 0x1040);
  // With A and D already set nothing is written: the access goes through.
  b.write64(test::kRomBase + 8, MmuBench::pte(kPa, pte::kV | kRW));
  CHECK(b.store(va2 + 0x1040).pa == kPa + 0x40);
}

TEST_CASE("V=0, W without R, reserved bits, N and PBMT all page-fault")
{
  MmuBench b;
  const uint64_t slot = b.map(kVa, kPa, kRWX);
  auto expect_fault = [&](uint64_t value) {
    b.write64(slot, value);
    b.mmu.sfence_vma(false, 0, false, 0);
    auto r = b.load(kVa + 4);
    CHECK_FALSE(r.ok);
    CHECK(r.cause == cpu::exc::kLoadPageFault);
    CHECK(r.tval == kVa + 4);
  };
  const uint64_t good = MmuBench::pte(kPa, pte::kV | kRWX);
  expect_fault(good & ~uint64_t(pte::kV));
  expect_fault(MmuBench::pte(kPa, pte::kV | pte::kW | pte::kA | pte::kD));
  for (unsigned bit = 54; bit <= 60; ++bit)
    expect_fault(good | (1ull << bit));
  expect_fault(good | (1ull << 63));  // N: no Svnapot
  expect_fault(good | (1ull << 61));  // PBMT: no Svpbmt
  expect_fault(good | (2ull << 61));
  b.write64(slot, good);
  CHECK(b.load(kVa + 4).pa == kPa + 4);
}

TEST_CASE("a non-leaf PTE with A, D or U set page-faults")
{
  MmuBench b;
  b.map(kVa, kPa, kRWX);
  const uint64_t ptr_slot = b.root + ((kVa >> 30) & 0x1ff) * 8;
  const uint64_t ptr = b.read64(ptr_slot);
  for (uint64_t bit : {uint64_t(pte::kA), uint64_t(pte::kD), uint64_t(pte::kU)}) {
    b.write64(ptr_slot, ptr | bit);
    b.mmu.sfence_vma(false, 0, false, 0);
    auto r = b.store(kVa);
    CHECK_FALSE(r.ok);
    CHECK(r.cause == cpu::exc::kStorePageFault);
  }
  b.write64(ptr_slot, ptr);
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.store(kVa).ok);
}

TEST_CASE("no leaf at the last level is a page fault")
{
  MmuBench b;
  const uint64_t slot = b.map(kVa, kPa, kRWX);
  b.write64(slot, MmuBench::pte(b.alloc_table(), pte::kV));  // a pointer at level 0
  auto r = b.fetch(kVa);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == cpu::exc::kInstrPageFault);
  CHECK(r.tval == kVa);
  CHECK(MmuBench::stat("mmu.walker.levels") == 3);
}

TEST_CASE("a misaligned superpage is a page fault")
{
  MmuBench b;
  const uint64_t va = 0x40400000;  // 2 MiB aligned
  b.map(va, 0x80201000, kRWX, 1);  // PPN[0] != 0
  auto r = b.load(va + 0x1234);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == cpu::exc::kLoadPageFault);
  CHECK(r.tval == va + 0x1234);
  // 1 GiB superpage with PPN[1] != 0.
  b.map(0xc0000000, 0x80200000, kRWX, 2);
  CHECK(b.load(0xc0000000).cause == cpu::exc::kLoadPageFault);
}

TEST_CASE("superpage physical addresses take the low bits from the virtual address")
{
  MmuBench b;
  b.map(0x40400000, 0x80600000, kRWX, 1);  // 2 MiB
  CHECK(b.load(0x40400000 + 0x1abcde).pa == 0x80600000 + 0x1abcde);
  CHECK(b.fetch(0x40400000 + 0x3456).pa == 0x80600000 + 0x3456);
  b.map(0x100000000ull, 0xc0000000ull, kRWX, 2);  // 1 GiB
  CHECK(b.store(0x100000000ull + 0x2345678).pa == 0xc0000000ull + 0x2345678);
  // Held at their level: one walk serves the whole superpage.
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  CHECK(b.load(0x40400000 + 0x100000).pa == 0x80600000 + 0x100000);
  CHECK(b.store(0x100000000ull + 0x3000000).pa == 0xc0000000ull + 0x3000000);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks);
  // Each walk counted under its leaf's page size.
  CHECK(MmuBench::stat("mmu.leaves.2m") == 1);  // the fetch found it in the L2 TLB
  CHECK(MmuBench::stat("mmu.leaves.1g") == 1);
  CHECK(MmuBench::stat("mmu.leaves.4k") == 0);
}

TEST_CASE("U pages: S-mode only with SUM and never executable, U mode only U pages")
{
  MmuBench b;
  b.map(kVa, kPa, kRWX | pte::kU);
  b.map(kVa + 0x1000, kPa + 0x1000, kRWX);  // supervisor page
  CHECK(b.load(kVa, Priv::kS).cause == cpu::exc::kLoadPageFault);
  CHECK(b.store(kVa, Priv::kS).cause == cpu::exc::kStorePageFault);
  CHECK(b.load(kVa, Priv::kS, cpu::mstatus::kSUM).pa == kPa);
  CHECK(b.store(kVa, Priv::kS, cpu::mstatus::kSUM).pa == kPa);
  auto f = b.fetch(kVa, Priv::kS, cpu::mstatus::kSUM);
  CHECK_FALSE(f.ok);
  CHECK(f.cause == cpu::exc::kInstrPageFault);
  CHECK(b.fetch(kVa, Priv::kU).pa == kPa);
  CHECK(b.load(kVa + 0x1000, Priv::kU).cause == cpu::exc::kLoadPageFault);
  CHECK(b.fetch(kVa + 0x1000, Priv::kU).cause == cpu::exc::kInstrPageFault);
  CHECK(b.fetch(kVa + 0x1000, Priv::kS).pa == kPa + 0x1000);
}

TEST_CASE("MXR makes execute-only pages readable")
{
  MmuBench b;
  b.map(kVa, kPa, pte::kX | pte::kA);
  CHECK(b.fetch(kVa).pa == kPa);
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
  CHECK(b.load(kVa, Priv::kS, cpu::mstatus::kMXR).pa == kPa);
  // MXR does not make it writable.
  CHECK(b.store(kVa, Priv::kS, cpu::mstatus::kMXR).cause == cpu::exc::kStorePageFault);
}

// The MMU sees an AMO (and an SC) as a store-kind access: it needs W. The AMO instructions
// themselves, with their causes, are tests/unit/cpu_hart.cpp's "AMO and SC page faults".
TEST_CASE("a store-kind access (AMO, SC) to an execute-only or read-only page "
          "is a store page fault")
{
  MmuBench b;
  b.map(kVa, kPa, pte::kX | pte::kA | pte::kD);              // execute-only
  b.map(kVa + 0x1000, kPa + 0x1000, pte::kR | pte::kA | pte::kD);  // read-only
  auto x = b.store(kVa + 8);
  CHECK(x.cause == cpu::exc::kStorePageFault);
  CHECK(x.tval == kVa + 8);
  CHECK(b.store(kVa + 0x1000).cause == cpu::exc::kStorePageFault);
  CHECK(MmuBench::stat("mmu.page_faults.store") == 2);
  CHECK(MmuBench::stat("mmu.page_faults.load") == 0);
}

TEST_CASE("A/D policy hardware: the walker sets A, and D on stores, in memory")
{
  MmuBench b;
  const uint64_t slot = b.map(kVa, kPa, pte::kR | pte::kW);
  const uint64_t dram_writes = MmuBench::stat("dram.writes");
  CHECK(b.load(kVa).pa == kPa);
  CHECK((b.read64(slot) & (pte::kA | pte::kD)) == pte::kA);
  CHECK(MmuBench::stat("mmu.walker.ad_updates") == 1);
  CHECK(MmuBench::stat("dram.writes") == dram_writes + 1);
  // The TLB entry has no D: a store must walk again and set D.
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  CHECK(b.store(kVa + 8).pa == kPa + 8);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks + 1);
  CHECK((b.read64(slot) & (pte::kA | pte::kD)) == (pte::kA | pte::kD));
  CHECK(MmuBench::stat("mmu.walker.ad_updates") == 2);
  // Now the entry has D: stores hit.
  CHECK(b.store(kVa + 16).pa == kPa + 16);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks + 1);
  // A forbidden access sets nothing.
  const uint64_t ro = b.map(kVa + 0x1000, kPa + 0x1000, pte::kR);
  CHECK(b.store(kVa + 0x1000).cause == cpu::exc::kStorePageFault);
  CHECK((b.read64(ro) & pte::kA) == 0);
}

TEST_CASE("A/D policy fault (Svade): clear A, or clear D on a store, page-faults")
{
  MmuBench b({"mmu.walker.ad_policy=fault"});
  const uint64_t slot = b.map(kVa, kPa, pte::kR | pte::kW);
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
  CHECK(b.fetch(kVa).cause == cpu::exc::kInstrPageFault);
  b.write64(slot, MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW | pte::kA));
  CHECK(b.load(kVa).pa == kPa);
  auto s = b.store(kVa + 4);
  CHECK(s.cause == cpu::exc::kStorePageFault);
  CHECK(s.tval == kVa + 4);
  CHECK(b.read64(slot) == MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW | pte::kA));
  b.write64(slot, MmuBench::pte(kPa, pte::kV | kRW));
  CHECK(b.store(kVa + 4).pa == kPa + 4);  // the stale entry without D is not trusted
  CHECK(MmuBench::stat("mmu.walker.ad_updates") == 0);
}

TEST_CASE("global entries match any ASID")
{
  MmuBench b;
  const uint64_t g = b.map(kVa, kPa, kRWX | pte::kG);
  const uint64_t n = b.map(kVa + 0x1000, kPa + 0x1000, kRWX);
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  CHECK(b.load(kVa + 0x1000, Priv::kS, 0, 1).pa == kPa + 0x1000);
  // Remove both mappings from memory: only what the TLB holds can still translate.
  b.write64(g, 0);
  b.write64(n, 0);
  CHECK(b.load(kVa, Priv::kS, 0, 7).pa == kPa);  // global: hits under ASID 7
  CHECK(b.load(kVa + 0x1000, Priv::kS, 0, 7).cause == cpu::exc::kLoadPageFault);
  CHECK(b.load(kVa + 0x1000, Priv::kS, 0, 1).pa == kPa + 0x1000);  // still cached for ASID 1
}

// Privileged 4.3.1: "G on a non-leaf PTE marks all mappings in the subsequent levels of the
// page table as global". A pointer with G over a leaf without it: the translation is
// global, so an ASID-specific fence keeps it and every ASID hits it.
TEST_CASE("G on a non-leaf PTE makes its whole subtree global: it survives an ASID fence")
{
  MmuBench b;
  const uint64_t leaf = b.map(kVa, kPa, kRWX);  // no G on the leaf
  const uint64_t pointer = b.slot_of(kVa, 2);   // the root PTE over it
  b.write64(pointer, b.read64(pointer) | pte::kG);
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  b.write64(leaf, 0);  // from now on only the TLB can translate kVa
  b.mmu.sfence_vma(false, 0, true, 1);
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  CHECK(b.load(kVa, Priv::kS, 0, 9).pa == kPa);
  // The control: without G anywhere the same fence drops it.
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.load(kVa, Priv::kS, 0, 1).cause == cpu::exc::kLoadPageFault);
}

TEST_CASE("a satp write does not flush, without ASID bits it does")
{
  {
    MmuBench b;
    const uint64_t slot = b.map(kVa, kPa, kRWX);
    CHECK(b.load(kVa).ok);
    b.write64(slot, 0);
    b.mmu.satp_written(b.satp(1), b.satp(2));
    CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
    CHECK(MmuBench::stat("mmu.dtlb.flushes.satp") == 0);
  }
}

TEST_CASE("asid_bits=0: a satp write flushes every TLB")
{
  MmuBench b({"mmu.itlb.asid_bits=0", "mmu.dtlb.asid_bits=0", "mmu.l2tlb.asid_bits=0"});
  const uint64_t slot = b.map(kVa, kPa, kRWX);
  CHECK(b.load(kVa).ok);
  b.write64(slot, 0);
  CHECK(b.load(kVa, Priv::kS, 0, 5).pa == kPa);  // no ASID tags: ASID 5 hits ASID 1's entry
  b.mmu.satp_written(b.satp(1), b.satp(5));
  CHECK(b.load(kVa, Priv::kS, 0, 5).cause == cpu::exc::kLoadPageFault);
  CHECK(MmuBench::stat("mmu.dtlb.flushes.satp") == 1);
  CHECK(MmuBench::stat("mmu.dtlb.flushed_entries") == 1);
}

TEST_CASE("fewer ASID tag bits than satp's: a satp write changing an untagged bit flushes")
{
  // Two address spaces map kVa to different frames; their ASIDs 1 and 3 differ only in
  // bit 1, which a 1-bit tag drops. Found by the random-knob soak (a forked child read its
  // parent's stack through the DTLB) and by fuzz_walker (tests/fuzz/corpus/walker).
  MmuBench b({"mmu.itlb.asid_bits=1", "mmu.dtlb.asid_bits=1", "mmu.l2tlb.asid_bits=1"});
  const uint64_t root1 = b.root;
  b.map(kVa, kPa, kRWX);
  b.root = b.alloc_table();
  b.map(kVa, kPa + 0x1000, kRWX);
  const uint64_t root3 = b.root;
  b.root = root1;
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  const uint64_t satp1 = b.satp(1);
  b.root = root3;
  b.mmu.satp_written(satp1, b.satp(3));
  CHECK(b.load(kVa, Priv::kS, 0, 3).pa == kPa + 0x1000);
  CHECK(MmuBench::stat("mmu.dtlb.flushes.satp") == 1);
  // A switch within the tagged bits keeps the entries: ASID 2 (tag 0) next to 3 (tag 1).
  b.mmu.satp_written(b.satp(3), b.satp(2));
  CHECK(b.load(kVa, Priv::kS, 0, 2).pa == kPa + 0x1000);
  b.mmu.satp_written(b.satp(2), b.satp(3));
  CHECK(MmuBench::stat("mmu.dtlb.flushes.satp") == 1);
  const uint64_t hits = MmuBench::stat("mmu.dtlb.hits.load");
  CHECK(b.load(kVa, Priv::kS, 0, 3).pa == kPa + 0x1000);
  CHECK(MmuBench::stat("mmu.dtlb.hits.load") == hits + 1);
}

TEST_CASE("an entry the L2 TLB passes to an L1 TLB with more ASID tag bits carries the whole ASID")
{
  // The L2 TLB tags 1 ASID bit, the L1 TLBs 4. ASID 2 maps kVa; ASID 0 does not. ASID 2's
  // entry reaches the ITLB from the L2 TLB (the load filled the L2 TLB and the DTLB); then a
  // switch to ASID 0 flushes the L2 TLB (bit 1 changed) but not the ITLB, whose 4-bit tags
  // tell 0 and 2 apart, if the entry came over with its ASID and not the L2's 1-bit tag.
  // Found by fuzz_walker (tests/fuzz/corpus/walker/regress-l2-to-l1-asid).
  MmuBench b({"mmu.itlb.asid_bits=4", "mmu.dtlb.asid_bits=4", "mmu.l2tlb.asid_bits=1"});
  const uint64_t root2 = b.root;
  b.map(kVa, kPa, kRWX);
  const uint64_t root0 = b.alloc_table();  // ASID 0's tables: nothing mapped
  CHECK(b.load(kVa, Priv::kS, 0, 2).pa == kPa);
  const uint64_t l2_hits = MmuBench::stat("mmu.l2tlb.hits.fetch");
  CHECK(b.fetch(kVa, Priv::kS, 0, 2).pa == kPa);
  CHECK(MmuBench::stat("mmu.l2tlb.hits.fetch") == l2_hits + 1);
  const uint64_t satp2 = b.satp(2);
  b.root = root0;
  b.mmu.satp_written(satp2, b.satp(0));
  CHECK(MmuBench::stat("mmu.l2tlb.flushes.satp") == 1);
  CHECK(MmuBench::stat("mmu.itlb.flushes.satp") == 0);
  const auto f = b.fetch(kVa, Priv::kS, 0, 0);
  CHECK_FALSE(f.ok);
  CHECK(f.cause == cpu::exc::kInstrPageFault);
  // Back in ASID 2, its ITLB entry still serves it.
  const uint64_t satp0 = b.satp(0);
  b.root = root2;
  b.mmu.satp_written(satp0, b.satp(2));
  const uint64_t itlb_hits = MmuBench::stat("mmu.itlb.hits.fetch");
  CHECK(b.fetch(kVa, Priv::kS, 0, 2).pa == kPa);
  CHECK(MmuBench::stat("mmu.itlb.hits.fetch") == itlb_hits + 1);
}

namespace {
// Entries: A (asid 1, va0), B (asid 2, va0), C (asid 1, va1), G (global, va2). After the
// mappings are erased from memory, an entry still translates exactly when it survived the
// fence.
struct Survivors {
  bool a, b, c, g;
};
constexpr uint64_t kVa0 = kVa, kVa1 = kVa + 0x1000, kVa2 = kVa + 0x2000;

void check_sfence(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid, Survivors want)
{
  MmuBench b;
  const uint64_t s0 = b.map(kVa0, kPa, kRWX);
  const uint64_t s1 = b.map(kVa1, kPa + 0x1000, kRWX);
  const uint64_t s2 = b.map(kVa2, kPa + 0x2000, kRWX | pte::kG);
  REQUIRE(b.load(kVa0, Priv::kS, 0, 1).ok);
  REQUIRE(b.load(kVa0, Priv::kS, 0, 2).ok);
  REQUIRE(b.load(kVa1, Priv::kS, 0, 1).ok);
  REQUIRE(b.load(kVa2, Priv::kS, 0, 1).ok);
  b.write64(s0, 0);
  b.write64(s1, 0);
  b.write64(s2, 0);
  b.mmu.sfence_vma(has_vaddr, vaddr, has_asid, asid);
  CHECK(b.load(kVa0, Priv::kS, 0, 1).ok == want.a);
  CHECK(b.load(kVa0, Priv::kS, 0, 2).ok == want.b);
  CHECK(b.load(kVa1, Priv::kS, 0, 1).ok == want.c);
  CHECK(b.load(kVa2, Priv::kS, 0, 3).ok == want.g);
}
}  // namespace

TEST_CASE("sfence.vma x0, x0 flushes everything")
{
  check_sfence(false, 0, false, 0, {false, false, false, false});
  CHECK(MmuBench::stat("mmu.dtlb.flushes.all") == 1);
}

TEST_CASE("sfence.vma x0, asid flushes that ASID's non-global entries")
{
  check_sfence(false, 0, true, 1, {false, true, false, true});
  CHECK(MmuBench::stat("mmu.dtlb.flushes.asid") == 1);
}

TEST_CASE("sfence.vma va, x0 flushes that page in every ASID, global included")
{
  check_sfence(true, kVa0 + 0x123, false, 0, {false, false, true, true});
  CHECK(MmuBench::stat("mmu.dtlb.flushes.vaddr") == 1);
}

TEST_CASE("sfence.vma va, x0 on a global page")
{
  check_sfence(true, kVa2, false, 0, {true, true, true, false});
}

TEST_CASE("sfence.vma va, asid flushes that page of that ASID only")
{
  check_sfence(true, kVa0, true, 1, {false, true, true, true});
  CHECK(MmuBench::stat("mmu.dtlb.flushes.vaddr_asid") == 1);
}

TEST_CASE("sfence.vma va, asid keeps a global page")
{
  check_sfence(true, kVa2, true, 1, {true, true, true, true});
}

TEST_CASE("several matching entries are tolerated")
{
  MmuBench b({"mmu.l2tlb.entries=0"});
  const uint64_t slot = b.map(kVa, kPa, kRWX);
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  // Remap the page global to another frame without a fence; ASID 2 misses, walks and fills
  // a second entry that also matches ASID 1.
  b.write64(slot, MmuBench::pte(kPa + 0x5000, pte::kV | kRWX | pte::kG));
  CHECK(b.load(kVa, Priv::kS, 0, 2).pa == kPa + 0x5000);
  // Both match ASID 1: the lowest way (the old entry) wins, and nothing breaks.
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa);
  CHECK(b.load(kVa, Priv::kS, 0, 3).pa == kPa + 0x5000);
  b.mmu.sfence_vma(true, kVa, false, 0);
  CHECK(b.load(kVa, Priv::kS, 0, 1).pa == kPa + 0x5000);
}

// What LR (load kind) and SC (store kind) ask of the MMU; the reservation itself, by physical
// address through two aliases, is tests/unit/cpu_hart.cpp's "LR and SC through two virtual
// aliases".
TEST_CASE("load- and store-kind translations of one address agree, "
          "a read-only page refuses the store kind")
{
  MmuBench b;
  b.map(kVa, kPa, kRW);
  b.map(kVa + 0x1000, kPa + 0x1000, pte::kR | pte::kA);
  // LR is a load, SC a store: both reach the same physical address (the hart reserves pa).
  auto lr = b.load(kVa + 0x40);
  auto sc = b.store(kVa + 0x40);
  CHECK(lr.pa == kPa + 0x40);
  CHECK(sc.pa == lr.pa);
  // On a read-only page LR works and SC raises a store page fault.
  CHECK(b.load(kVa + 0x1040).pa == kPa + 0x1040);
  auto bad = b.store(kVa + 0x1040);
  CHECK(bad.cause == cpu::exc::kStorePageFault);
  CHECK(bad.tval == kVa + 0x1040);
}

// The hart splits an access crossing a page into one translation per page; this is what the
// MMU answers to each half. The split itself (data from both frames, the fault naming the
// second page) is tests/unit/cpu_hart.cpp's "a misaligned load across two pages".
TEST_CASE("the two halves of a page-crossing access translate to their own frames, "
          "tval is each half's address")
{
  MmuBench b;
  b.map(kVa, kPa, kRW);
  b.map(kVa + 0x1000, kPa + 0x7000, kRW);  // not physically contiguous
  CHECK(b.load(kVa + 0xffc).pa == kPa + 0xffc);
  CHECK(b.load(kVa + 0x1000).pa == kPa + 0x7000);
  // With the second page unmapped, the fault names the second page's address.
  b.map(kVa + 0x2000, kPa + 0x2000, kRW);
  CHECK(b.store(kVa + 0x2ffc).ok);
  auto f = b.store(kVa + 0x3000);
  CHECK(f.cause == cpu::exc::kStorePageFault);
  CHECK(f.tval == kVa + 0x3000);
}

TEST_CASE("statistics: hits, misses, L2 hits, page-walk cache, walk latency")
{
  MmuBench b({"mmu.pwc.entries=4"});
  b.map(kVa, kPa, kRWX);
  b.map(kVa + 0x1000, kPa + 0x1000, kRWX);
  const uint64_t reads0 = MmuBench::stat("dram.reads");
  auto first = b.load(kVa);
  CHECK(first.cycles > 0);
  CHECK(MmuBench::stat("mmu.dtlb.misses.load") == 1);
  CHECK(MmuBench::stat("mmu.l2tlb.misses.load") == 1);
  CHECK(MmuBench::stat("mmu.walker.pte_reads") == 3);
  CHECK(MmuBench::stat("dram.reads") == reads0 + 3);
  CHECK(MmuBench::stat("mmu.pwc.misses") == 2);
  // Second page: the two pointer PTEs come from the page-walk cache.
  b.load(kVa + 0x1000);
  CHECK(MmuBench::stat("mmu.pwc.hits") == 2);
  CHECK(MmuBench::stat("mmu.walker.pte_reads") == 4);
  CHECK(MmuBench::stat("mmu.walker.levels") == 6);
  CHECK(MmuBench::stat("mmu.walker.mem_refs") == 4);
  // Repeated hits count as lookups and hits and cost the L1 hit latency only (0).
  for (int i = 0; i < 10; ++i)
    CHECK(b.load(kVa + 0x1000 + 8 * i).cycles == 0);
  CHECK(MmuBench::stat("mmu.dtlb.lookups.load") == 12);
  CHECK(MmuBench::stat("mmu.dtlb.hits.load") == 10);
  // A fetch misses the itlb but hits the L2 (filled by the load's walk): no walk.
  auto f = b.fetch(kVa);
  CHECK(f.pa == kPa);
  CHECK(f.cycles == 6);  // the L2 hit latency
  CHECK(MmuBench::stat("mmu.itlb.misses.fetch") == 1);
  CHECK(MmuBench::stat("mmu.l2tlb.hits.fetch") == 1);
  CHECK(MmuBench::stat("mmu.walker.walks") == 2);
  const auto* h = common::stats().find_histogram("mmu.walker.latency");
  REQUIRE(h);
  CHECK(h->count() == 2);
  CHECK(h->max() >= 3);
  CHECK(common::stats().value("mmu.walker.mean_latency") > 0);
}

// The page-walk cache holds pointer PTEs, least recently used out (docs/mmu.md). With four
// entries and walks in three gigabytes A, B, C (two pointer PTEs each): A and B fill it, a
// walk in A refreshes A's two, so C's walk evicts B's two; A then still hits, B misses.
TEST_CASE("the page-walk cache beyond capacity evicts the least recently used pointer PTEs")
{
  MmuBench b({"mmu.pwc.entries=4", "mmu.l2tlb.entries=0"});
  const uint64_t a = 0x40000000, bb = 0x80000000, c = 0xc0000000;
  for (uint64_t base : {a, bb, c})
    for (uint64_t page = 0; page < 3; ++page)
      b.map(base + page * 0x1000, kPa + page * 0x1000, kRWX);
  const auto walk = [&](uint64_t va) { REQUIRE(b.load(va).ok); };
  walk(a);
  walk(bb);
  CHECK(MmuBench::stat("mmu.pwc.misses") == 4);
  walk(a + 0x1000);  // A's two hit and become the most recently used
  CHECK(MmuBench::stat("mmu.pwc.hits") == 2);
  walk(c);           // two misses, two evictions: B's
  CHECK(MmuBench::stat("mmu.pwc.misses") == 6);
  walk(a + 0x2000);
  CHECK(MmuBench::stat("mmu.pwc.hits") == 4);
  walk(bb + 0x1000);
  CHECK(MmuBench::stat("mmu.pwc.misses") == 8);
  CHECK(MmuBench::stat("mmu.walker.walks") == 6);
}

TEST_CASE("the hit shortcut keeps replacement state identical to full lookups")
{
  // 2-entry fully associative LRU dtlb, no L2: A, B filled; hits on A repeated many times
  // (shortcut) then B, then A again: LRU victim must be B after A's last touch.
  MmuBench b({"mmu.dtlb.entries=2", "mmu.dtlb.ways=2", "mmu.dtlb.policy=lru",
              "mmu.l2tlb.entries=0"});
  const uint64_t va_a = kVa, va_b = kVa + 0x1000, va_c = kVa + 0x2000;
  b.map(va_a, kPa, kRW);
  b.map(va_b, kPa + 0x1000, kRW);
  b.map(va_c, kPa + 0x2000, kRW);
  b.load(va_a);
  b.load(va_b);
  for (int i = 0; i < 5; ++i)
    b.load(va_a);
  b.load(va_c);  // evicts B (least recently used)
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  CHECK(b.load(va_a).ok);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks);  // A still there
  CHECK(b.load(va_b).ok);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks + 1);  // B was the victim
  CHECK(MmuBench::stat("mmu.dtlb.evictions") == 2);
}

TEST_CASE("translate_debug has no side effect")
{
  MmuBench b;
  const uint64_t slot = b.map(kVa, kPa, pte::kR | pte::kW);
  cpu::XlateContext ctx{Priv::kS, 0, b.satp(1), 0};
  cpu::XlateResult r;
  REQUIRE(b.mmu.translate_debug(kVa + 0x10, AccessKind::kStore, ctx, r));
  CHECK(r.pa == kPa + 0x10);
  CHECK(b.read64(slot) == MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW));
  CHECK(MmuBench::stat("mmu.walker.walks") == 0);
  CHECK(MmuBench::stat("mmu.dtlb.lookups.store") == 0);
  CHECK_FALSE(b.mmu.translate_debug(kVa + 0x10, AccessKind::kFetch, ctx, r));
  CHECK(r.cause == cpu::exc::kInstrPageFault);
}

TEST_CASE("an unavailable TLB implementation is a user error")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.dtlb.impl=rtl"}),
                    Catch::Contains("mmu.dtlb.impl: 'rtl' is not available"));
}

TEST_CASE("the superpage hit shortcut never hides a smaller entry probed first")
{
  // No PWC: it would rightly keep the old pointer PTE, which only a full fence orders.
  MmuBench b({"mmu.l2tlb.entries=0", "mmu.pwc.entries=0"});
  const uint64_t va = 0x40400000;  // a 2 MiB region
  // First a 4 KiB mapping of its page 5, cached in the DTLB.
  b.map(va + 0x5000, kPa, kRW);
  CHECK(b.load(va + 0x5000).pa == kPa);
  // Then, without a fence, the region becomes a 2 MiB superpage elsewhere.
  b.write64(b.slot_of(va, 1), MmuBench::pte(0x80600000, pte::kV | kRW));
  CHECK(b.load(va + 0x7000).pa == 0x80600000 + 0x7000);  // walk, 2 MiB entry
  CHECK(b.load(va + 0x8000).pa == 0x80600000 + 0x8000);  // hit on the superpage
  // Page 5 still finds the 4 KiB entry first (level 0 is probed before level 1).
  CHECK(b.load(va + 0x5008).pa == kPa + 8);
  CHECK(b.load(va + 0x9000).pa == 0x80600000 + 0x9000);
  CHECK(b.load(va + 0x5010).pa == kPa + 0x10);
  CHECK(MmuBench::stat("mmu.walker.walks") == 2);
  CHECK(MmuBench::stat("mmu.dtlb.hits.load") == 4);
}

// PMP on the walker's implicit accesses (privileged 3.7.1, 4.3.2 steps 2 and 7): they are
// S-mode loads (PTE reads) and stores (A/D writes), and a denied one is an access fault of
// the original access type, not a page fault.
TEST_CASE("PMP: a PTE read PMP denies is an access fault of the original access type")
{
  MmuBench b;
  cpu::Pmp pmp(16);
  b.mmu.set_protection(&pmp);
  b.map(kVa, kPa, kRWX);
  // Entry 0 denies the page of the root table to S; entry 1 allows everything else.
  pmp.write_addr(0, (b.root >> 2) | 0x1ff);  // NAPOT 4 KiB
  pmp.write_addr(1, ~uint64_t(0));
  pmp.write_cfg(0, (uint64_t(0x1f) << 8) | 0x18);
  auto l = b.load(kVa + 8);
  CHECK_FALSE(l.ok);
  CHECK(l.cause == cpu::exc::kLoadAccessFault);
  CHECK(l.tval == kVa + 8);
  CHECK(b.fetch(kVa).cause == cpu::exc::kInstrAccessFault);
  CHECK(b.store(kVa).cause == cpu::exc::kStoreAccessFault);
  CHECK(MmuBench::stat("mmu.access_faults.load") == 1);
  CHECK(MmuBench::stat("mmu.page_faults") == 0);
  CHECK(MmuBench::stat("mmu.walker.pte_reads") == 0);  // denied reads never reach the bus
  CHECK(pmp.walker_faults() == 3);
  // The debugger's walk says the same, and counts nothing.
  cpu::XlateContext ctx{Priv::kS, 0, b.satp(1), 0};
  const auto d = b.mmu.debug_walk(kVa, AccessKind::kLoad, ctx);
  CHECK(d.reason == mmu::FaultReason::kPtePmp);
  CHECK(d.cause == cpu::exc::kLoadAccessFault);
  CHECK(pmp.walker_faults() == 3);
  CHECK(b.mmu.explain(kVa, AccessKind::kLoad, ctx).find("PMP denies") != std::string::npos);
  // Read permission is all a PTE read needs.
  pmp.write_cfg(0, (uint64_t(0x1f) << 8) | 0x18 | cpu::Pmp::kR);
  CHECK(b.load(kVa + 8).pa == kPa + 8);
}

TEST_CASE("PMP: every PTE the walk visits is checked, page-walk-cache hits included")
{
  MmuBench b;
  cpu::Pmp pmp(16);
  b.mmu.set_protection(&pmp);
  b.map(kVa, kPa, kRWX);
  b.map(kVa + 0x1000, kPa + 0x1000, kRWX);
  pmp.write_addr(0, ~uint64_t(0));
  pmp.write_cfg(0, 0x1f);
  CHECK(b.load(kVa).ok);  // fills the PWC with the root and level-1 PTEs
  CHECK(pmp.checks() == 3);
  // Deny the root table's page: the next walk's root PTE comes from the PWC, yet it is
  // still checked and denied.
  pmp.write_addr(0, (b.root >> 2) | 0x1ff);
  pmp.write_addr(1, ~uint64_t(0));
  pmp.write_cfg(0, (uint64_t(0x1f) << 8) | 0x18);
  const uint64_t pwc_hits = MmuBench::stat("mmu.pwc.hits");
  auto l = b.load(kVa + 0x1000);
  CHECK(l.cause == cpu::exc::kLoadAccessFault);
  CHECK(MmuBench::stat("mmu.pwc.hits") == pwc_hits);  // denied before the cache is asked
}

TEST_CASE("PMP: an A/D write PMP denies is an access fault and writes nothing")
{
  MmuBench b;
  cpu::Pmp pmp(16);
  b.mmu.set_protection(&pmp);
  const uint64_t leaf = b.map(kVa, kPa, pte::kR | pte::kW);  // A and D clear
  // The leaf table's page is read-only for S.
  pmp.write_addr(0, ((leaf & ~uint64_t(0xfff)) >> 2) | 0x1ff);
  pmp.write_addr(1, ~uint64_t(0));
  pmp.write_cfg(0, (uint64_t(0x1f) << 8) | 0x18 | cpu::Pmp::kR);
  auto s = b.store(kVa + 0x10);
  CHECK_FALSE(s.ok);
  CHECK(s.cause == cpu::exc::kStoreAccessFault);
  CHECK(s.tval == kVa + 0x10);
  auto l = b.load(kVa + 0x10);
  CHECK(l.cause == cpu::exc::kLoadAccessFault);  // setting A is a write too
  CHECK(b.read64(leaf) == MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW));
  CHECK(MmuBench::stat("mmu.walker.pte_writes") == 0);
  CHECK(MmuBench::stat("mmu.walker.ad_updates") == 0);
  cpu::XlateContext ctx{Priv::kS, 0, b.satp(1), 0};
  CHECK(b.mmu.debug_walk(kVa, AccessKind::kStore, ctx).reason == mmu::FaultReason::kAdPmp);
  // With A and D already set the walker writes nothing, and the access goes through.
  b.write64(leaf, MmuBench::pte(kPa, pte::kV | kRW));
  CHECK(b.store(kVa + 0x10).pa == kPa + 0x10);
}

TEST_CASE("performance-counter events equal their statistics")
{
  MmuBench b;
  b.map(kVa, kPa, kRWX);
  b.map(kVa + 0x1000, kPa + 0x1000, pte::kR | pte::kW);  // A clear: the walker sets it
  CHECK(b.load(kVa).ok);
  CHECK(b.fetch(kVa).ok);
  CHECK(b.store(kVa + 0x1008).ok);
  CHECK_FALSE(b.load(kVa + 0x5000).ok);  // unmapped: a page fault
  CHECK(b.load(kVa + 8).ok);
  using cpu::MmuEvent;
  const auto ev = [&b](MmuEvent e) { return b.mmu.event_count(e); };
  CHECK(ev(MmuEvent::kItlbMiss) == MmuBench::stat("mmu.itlb.misses.fetch"));
  CHECK(ev(MmuEvent::kItlbMiss) == 1);
  CHECK(ev(MmuEvent::kDtlbLoadMiss) == MmuBench::stat("mmu.dtlb.misses.load"));
  CHECK(ev(MmuEvent::kDtlbLoadMiss) == 2);
  CHECK(ev(MmuEvent::kDtlbStoreMiss) == MmuBench::stat("mmu.dtlb.misses.store"));
  CHECK(ev(MmuEvent::kDtlbStoreMiss) == 1);
  CHECK(ev(MmuEvent::kL2tlbMiss) == MmuBench::stat("mmu.l2tlb.misses.fetch") +
                                        MmuBench::stat("mmu.l2tlb.misses.load") +
                                        MmuBench::stat("mmu.l2tlb.misses.store"));
  CHECK(ev(MmuEvent::kWalk) == MmuBench::stat("mmu.walker.walks"));
  CHECK(ev(MmuEvent::kWalk) == 3);
  CHECK(ev(MmuEvent::kWalkCycles) == common::stats().find_histogram("mmu.walker.latency")->sum());
  CHECK(ev(MmuEvent::kWalkCycles) > 0);
  CHECK(ev(MmuEvent::kPageFault) == 1);
}
