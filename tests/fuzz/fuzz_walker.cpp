// Fuzz harness: address translation (mmu::Mmu with its TLBs, page-walk cache and
// mmu::PageTableWalker) against a reference walker written here from privileged spec
// 4.3.2 and 4.4-4.5, over random page tables, with or without a PMP (3.7.1) on the walker's
// own accesses.
//
// Input: an optional PMP block, then a list of PTE writes into 16 DRAM pages and one
// read-only page (where an A/D write is an access fault), then a list of operations:
// translations (any va, access kind, privilege, MPRV/MPP/SUM/MXR, Sv39 or Sv48, root,
// ASID), debugger translations, SFENCE.VMA in its four forms and, with a PMP, PMP entry
// writes (each followed by the SFENCE.VMA x0, x0 that 3.7.2 asks of software). Four MMUs
// with different knobs (A/D policy hardware and fault, TLBs from one entry to the defaults,
// L2 TLB and PWC on and off, FIFO/LRU/PLRU/random, ASID tags of 0 to 16 bits, Sv39 only)
// each get their own copy of the memory and the same operations.
//
// The PMP block: an input starting with 'P' gives each MMU a cpu::Pmp, attached with
// set_protection() as the hart attaches its own, of 0, 16 or 64 entries and a granularity
// of 4 bytes to 64 KiB, then up to 8 entry writes (index, pmpcfg byte with any A, R/W/X
// and L, pmpaddr aimed at a table page's boundaries, a NAPOT region around one, or anything),
// made as software makes them: pmpaddr, then a read-modify-write of the pmpcfg register.
// Without the 'P' (every input from before PMP), no PMP is attached and the input means
// what it always did.
//
// Properties, for every translation on every MMU: the same outcome as the reference (the
// physical address, or the exception code and tval), and the same memory afterwards (the
// A/D bits written into exactly the PTE the reference writes, nothing else touched). The
// reference checks each PTE read as an S-mode 8-byte load and each A/D write as an S-mode
// store against its own copy of the PMP entries; a denied one is an access fault of the
// translated access's kind, and a denied A/D write writes nothing. After every PMP write,
// every MMU's pmpcfg and pmpaddr read back as the reference holds them (WARL, locks).
// The TLBs may hold entries across operations, as software may let them: page tables change
// only through the MMU's own A/D writes, and either (input bit) all ASIDs share one set of
// tables and the harness fences whenever it switches to another root or mode, or each ASID
// keeps the root and mode it first had, without global PTEs (global mappings must be the
// same in every address space) and without fences at switches. The ASIDs include ones
// that differ only in high bits, which a TLB with fewer ASID tag bits than satp's 16
// cannot tell apart. So a correct MMU never makes a result differ from a walk of memory.
// Debugger translations (translate_debug) must agree with the reference and change
// nothing.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "models/bus/router.h"
#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/stats.h"
#include "models/cpu/pmp.h"
#include "models/mem/dram.h"
#include "models/mmu/mmu.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using cpu::AccessKind;
using cpu::Priv;
using fuzz::fail;

namespace {

constexpr uint64_t kDramBase = 0x8000'0000;
constexpr unsigned kDramPages = 16;
constexpr uint64_t kDramSize = kDramPages * 4096;
constexpr uint64_t kRomBase = test::kRomBase;  // one page of it holds PTEs
constexpr uint64_t kPage = 4096;

// One MMU with its own bus, DRAM and ROM.
struct Bench : sc_core::sc_module {
  bus::Router router{"router"};
  mem::Dram dram{"dram"};
  test::TestRom rom{"rom"};
  mmu::Mmu mmu{"mmu", sc_core::sc_time(1, sc_core::SC_NS)};
  cpu::Pmp pmp;  // attached to the walker only by inputs with a PMP block
  bool svade;
  bool sv48;

  Bench(sc_core::sc_module_name name, bool svade_policy, bool has_sv48)
      : sc_module(name), svade(svade_policy), sv48(has_sv48)
  {
    router.map(kDramBase, dram.size(), "dram");
    router.isock.bind(dram.tsock);
    router.map(kRomBase, test::kRomSize, "rom");
    router.isock.bind(rom.tsock);
    mmu.isock.bind(router.tsock);
  }
  uint8_t* dram_bytes() { return dram.host_ptr(); }
};

// The memory as the reference sees it: host copies of the DRAM and of the ROM.
struct Memory {
  std::vector<uint8_t> dram = std::vector<uint8_t>(kDramSize);
  std::vector<uint8_t> rom = std::vector<uint8_t>(test::kRomSize);

  uint8_t* at(uint64_t pa, bool& writable)
  {
    if (pa >= kDramBase && pa - kDramBase <= kDramSize - 8) {
      writable = true;
      return &dram[pa - kDramBase];
    }
    if (pa >= kRomBase && pa - kRomBase <= test::kRomSize - 8) {
      writable = false;
      return &rom[pa - kRomBase];
    }
    return nullptr;
  }
};

// The PMP as privileged spec 3.7.1 describes it, for the walker's accesses only (S mode):
// its own copy of the CSRs with the WARL rules the model documents (models/cpu/pmp.h), and a
// byte-by-byte matcher. No entries implemented: nothing is checked (also "no PMP attached").
struct RefPmp {
  static constexpr uint8_t kR = 1, kW = 2, kL = 0x80;
  static constexpr uint64_t kAddrMask = (uint64_t(1) << 54) - 1;  // pmpaddr: bits 55:2
  unsigned entries = 0;
  unsigned g = 0;  // granularity 2^(g+2) bytes
  std::array<uint8_t, 64> cfg{};
  std::array<uint64_t, 64> addr{};

  static unsigned mode(uint8_t c) { return (c >> 3) & 3; }  // 0 OFF, 1 TOR, 2 NA4, 3 NAPOT
  bool locked(unsigned i) const { return (cfg[i] & kL) != 0; }

  void write_cfg(unsigned i, uint8_t value)
  {
    if (i >= entries || locked(i))
      return;
    uint8_t c = value & 0x9f;  // bits 6:5 are reserved, read as zero
    if ((c & 3) == kW)         // R=0 W=1 is reserved: W is dropped
      c &= uint8_t(~kW);
    if (g >= 1 && mode(c) == 2)  // NA4 is not selectable with G >= 1: NAPOT instead
      c |= 3 << 3;
    cfg[i] = c;
  }
  void write_addr(unsigned i, uint64_t value)
  {
    // A locked entry keeps its address, and a locked TOR entry the address below it.
    if (i >= entries || locked(i) || (i + 1 < entries && locked(i + 1) && mode(cfg[i + 1]) == 1))
      return;
    addr[i] = value & kAddrMask;
  }
  // pmpaddr as read: with G >= 2, NAPOT reads bits G-2:0 as ones; with G >= 1, OFF and TOR
  // read bits G-1:0 as zeros.
  uint64_t read_addr(unsigned i) const
  {
    if (i >= entries)
      return 0;
    if (mode(cfg[i]) >= 2)
      return g >= 2 ? addr[i] | ((uint64_t(1) << (g - 1)) - 1) : addr[i];
    return addr[i] >> g << g;
  }
  // Whether entry i's region holds the byte at b.
  bool holds(unsigned i, uint64_t b) const
  {
    switch (mode(cfg[i])) {
      case 1: {  // TOR: pmpaddr[i-1] <= b/4 < pmpaddr[i], bits G-1:0 ignored
        const uint64_t below = i ? addr[i - 1] >> g << g : 0;
        const uint64_t top = addr[i] >> g << g;
        return below <= b >> 2 && b >> 2 < top;
      }
      case 2: return b >> 2 == addr[i];  // NA4
      case 3: {  // NAPOT: yyy...y01...1 with t ones is a 2^(t+3)-byte region
        const uint64_t a = read_addr(i);
        unsigned t = 0;
        while (t < 54 && (a >> t & 1)) ++t;
        return t == 54 || b >> (t + 3) == a >> (t + 1);
      }
      default: return false;
    }
  }
  // An S-mode access of the 8 bytes at pa: the lowest-numbered entry holding any of them
  // decides, and fails the access unless it holds all of them; no such entry fails it.
  bool allows(uint64_t pa, bool write) const
  {
    if (entries == 0)
      return true;
    for (unsigned i = 0; i < entries; ++i) {
      unsigned held = 0;
      for (uint64_t b = pa; b < pa + 8; ++b) held += holds(i, b);
      if (held == 0)
        continue;
      return held == 8 && (cfg[i] & (write ? kW : kR)) != 0;
    }
    return false;
  }
};

struct RefResult {
  bool ok = false;
  uint64_t pa = 0;
  uint8_t cause = 0;
  bool ad_write = false;         // the walker writes A/D into the leaf PTE (done here already)
  bool ad_write_failed = false;  // the A/D write got a bus error (PMP let it through)
};

uint64_t load64(const uint8_t* p)
{
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Privileged spec 4.3.2, with 4.4 (Sv39) and 4.5 (Sv48); N, PBMT and bits 60:54 are
// reserved (neither Svnapot nor Svpbmt), as are A, D and U on a non-leaf PTE. `mem` gets
// the A/D update when the walk makes one (hardware policy) and `pmp` lets it.
RefResult reference(Memory& mem, const RefPmp& pmp, uint64_t va, AccessKind kind, Priv priv,
                    uint64_t mstatus, uint64_t satp, bool svade, bool has_sv48)
{
  using namespace cpu;
  RefResult r;
  const uint8_t page_fault = kind == AccessKind::kFetch  ? exc::kInstrPageFault
                             : kind == AccessKind::kLoad ? exc::kLoadPageFault
                                                         : exc::kStorePageFault;
  const uint8_t access_fault = kind == AccessKind::kFetch  ? exc::kInstrAccessFault
                               : kind == AccessKind::kLoad ? exc::kLoadAccessFault
                                                           : exc::kStoreAccessFault;
  if (kind != AccessKind::kFetch && priv == Priv::kM && (mstatus & mstatus::kMPRV))
    priv = Priv((mstatus >> mstatus::kMPPShift) & 3);
  const unsigned mode = satp::mode(satp);
  const bool translated =
      priv != Priv::kM && (mode == satp::kModeSv39 || (mode == satp::kModeSv48 && has_sv48));
  if (!translated) {
    r.ok = true;
    r.pa = va;
    return r;
  }
  const unsigned levels = mode == satp::kModeSv48 ? 4 : 3;
  const unsigned va_bits = 12 + 9 * levels;
  const uint64_t top = va >> (va_bits - 1);
  if (top != 0 && top != (~uint64_t(0) >> (va_bits - 1))) {
    r.cause = page_fault;
    return r;
  }
  uint64_t a = satp::ppn(satp) * kPage;
  for (int i = int(levels) - 1; i >= 0; --i) {
    const uint64_t pte_addr = a + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
    bool writable = false;
    uint8_t* p = mem.at(pte_addr, writable);
    if (!pmp.allows(pte_addr, false) || !p) {  // step 2: PMP, then the bus
      r.cause = access_fault;
      return r;
    }
    const uint64_t pte = load64(p);
    const bool v = pte & 1, rd = pte & 2, wr = pte & 4, x = pte & 8, u = pte & 16,
               ad_bits = pte & 0xc0;
    if (!v || (!rd && wr) || (pte >> 54) != 0) {
      r.cause = page_fault;
      return r;
    }
    if (!rd && !x) {  // a pointer to the next level
      if (u || ad_bits || i == 0) {
        r.cause = page_fault;
        return r;
      }
      a = ((pte >> 10) & satp::kPpnMask) * kPage;
      continue;
    }
    // A leaf (step 5: permissions).
    bool allowed;
    if (u)
      allowed = priv == Priv::kU || (kind != AccessKind::kFetch && (mstatus & mstatus::kSUM) != 0);
    else
      allowed = priv == Priv::kS;
    if (allowed) {
      if (kind == AccessKind::kFetch)
        allowed = x;
      else if (kind == AccessKind::kLoad)
        allowed = rd || (x && (mstatus & mstatus::kMXR));
      else
        allowed = wr;
    }
    const uint64_t ppn = (pte >> 10) & satp::kPpnMask;
    const uint64_t low = (uint64_t(1) << (9 * i)) - 1;  // step 6: superpage alignment
    if (!allowed || (ppn & low)) {
      r.cause = page_fault;
      return r;
    }
    const uint64_t need = 0x40 | (kind == AccessKind::kStore ? 0x80 : 0);  // step 7
    if ((pte & need) != need) {
      if (svade) {
        r.cause = page_fault;
        return r;
      }
      if (!pmp.allows(pte_addr, true)) {
        r.cause = access_fault;
        return r;
      }
      r.ad_write = true;
      if (!writable) {
        r.ad_write_failed = true;
        r.cause = access_fault;
        return r;
      }
      const uint64_t updated = pte | need;
      std::memcpy(p, &updated, 8);
    }
    r.ok = true;
    r.pa = ((ppn & ~low) << 12) | (va & ((low << 12) | 0xfff));
    return r;
  }
  r.cause = page_fault;
  return r;
}

struct World {
  std::vector<std::unique_ptr<Bench>> benches;
};

World& world()
{
  static World* w = [] {
    common::install_report_handler("error");
    auto* world = new World;
    auto& cfg = common::config();
    cfg.set("dram.size", std::to_string(kDramSize), "fuzz");
    struct Variant {
      const char* name;
      bool svade, sv48;
      std::vector<std::string> sets;
    };
    const Variant variants[] = {
        {"defaults", false, true, {}},
        {"tiny_svade",
         true,
         true,
         {"mmu.walker.ad_policy=fault", "mmu.itlb.entries=1", "mmu.itlb.ways=1",
          "mmu.dtlb.entries=1", "mmu.dtlb.ways=1", "mmu.l2tlb.entries=0", "mmu.pwc.entries=0"}},
        {"small_mixed",
         false,
         true,
         {"mmu.walker.ad_policy=hardware", "mmu.itlb.entries=2", "mmu.itlb.ways=1",
          "mmu.itlb.policy=lru", "mmu.itlb.asid_bits=4", "mmu.dtlb.entries=4", "mmu.dtlb.ways=2",
          "mmu.dtlb.policy=fifo", "mmu.dtlb.asid_bits=0", "mmu.l2tlb.entries=8", "mmu.l2tlb.ways=2",
          "mmu.l2tlb.policy=lru", "mmu.l2tlb.asid_bits=1", "mmu.pwc.entries=2"}},
        {"sv39_random",
         true,
         false,
         {"mmu.walker.ad_policy=fault", "mmu.satp_modes=bare,sv39", "mmu.itlb.entries=4",
          "mmu.itlb.ways=4", "mmu.itlb.policy=random", "mmu.dtlb.entries=8", "mmu.dtlb.ways=8",
          "mmu.dtlb.policy=random", "mmu.dtlb.seed=7", "mmu.l2tlb.entries=16", "mmu.l2tlb.ways=4",
          "mmu.l2tlb.policy=fifo", "mmu.l2tlb.asid_bits=16", "mmu.pwc.entries=1"}},
    };
    for (const Variant& v : variants) {
      for (const std::string& s : v.sets) cfg.set(s, "fuzz");
      world->benches.push_back(std::make_unique<Bench>(v.name, v.svade, v.sv48));
    }
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return world;
  }();
  return *w;
}

// A PTE from the input: flags, then a PPN aimed at one of the table pages most of the time
// (so walks go deep), or at a superpage-aligned or arbitrary frame.
uint64_t make_pte(FuzzedDataProvider& in)
{
  const uint64_t flags =
      in.ConsumeIntegral<uint8_t>() | (uint64_t(in.ConsumeIntegral<uint8_t>() & 3) << 8);
  uint64_t ppn;
  switch (in.ConsumeIntegralInRange<unsigned>(0, 7)) {
    case 0:
    case 1:
    case 2:
    case 3:
      ppn = (kDramBase / kPage) + in.ConsumeIntegralInRange<unsigned>(0, kDramPages - 1);
      break;
    case 4: ppn = kRomBase / kPage; break;
    case 5:
      ppn = uint64_t(in.ConsumeIntegralInRange<unsigned>(0, 7))
            << (9 * in.ConsumeIntegralInRange<unsigned>(1, 3));
      break;
    case 6: ppn = (kDramBase / kPage) & ~uint64_t(0x3ffff); break;  // a 1 GiB-aligned frame at DRAM
    default: ppn = in.ConsumeIntegral<uint64_t>() & cpu::satp::kPpnMask; break;
  }
  uint64_t pte = ppn << 10 | flags;
  if (in.ConsumeIntegralInRange<unsigned>(0, 15) == 0)
    pte |= uint64_t(in.ConsumeIntegralInRange<unsigned>(1, 1023)) << 54;  // reserved bits
  return pte;
}

// A virtual address whose VPN fields index slots the PTE writes are likely to fill.
uint64_t make_va(FuzzedDataProvider& in, unsigned levels)
{
  static const uint64_t kSlots[] = {0, 1, 2, 3, 256, 511};
  uint64_t va = in.ConsumeIntegral<uint16_t>() & 0xfff;
  for (unsigned i = 0; i < levels; ++i) {
    const unsigned pick = in.ConsumeIntegralInRange<unsigned>(0, 7);
    const uint64_t vpn = pick < 6 ? kSlots[pick] : in.ConsumeIntegralInRange<uint64_t>(0, 511);
    va |= vpn << (12 + 9 * i);
  }
  const unsigned va_bits = 12 + 9 * levels;
  switch (in.ConsumeIntegralInRange<unsigned>(0, 3)) {
    case 0: return in.ConsumeIntegral<uint64_t>();  // anything, canonical or not
    case 1: return va | (~uint64_t(0) << va_bits) * ((va >> (va_bits - 1)) & 1);  // canonical
    default: return va;
  }
}

uint64_t page_base(unsigned index)
{
  return index < kDramPages ? kDramBase + index * kPage : kRomBase;
}

// One PMP entry write; `next` gives the input bytes it is made of.
struct PmpWrite {
  unsigned index;
  uint8_t cfg;
  uint64_t addr;
};

template <class NextByte>
PmpWrite make_pmp_write(NextByte next)
{
  PmpWrite pw;
  const uint8_t index = next();
  pw.index = index & 0x80 ? index & 63 : index & 15;  // mostly the first 16
  pw.cfg = next();
  const uint8_t shape = next();
  const uint64_t table = page_base(next() % (kDramPages + 1));
  auto next16 = [&next] {
    const uint64_t low = next();
    return low | uint64_t(next()) << 8;
  };
  switch (shape & 3) {
    case 0:  // a boundary up to two pages above a table page's start (TOR, NA4)
      pw.addr = (table + next16() % (2 * kPage + 1)) >> 2;
      break;
    case 1: {  // a NAPOT region of 8 bytes to 8 GiB around a table page
      const unsigned bits = 3 + next() % 31;
      const uint64_t base = (table + (next16() & 0x1ff8)) & ~((uint64_t(1) << bits) - 1);
      pw.addr = base >> 2 | ((uint64_t(1) << (bits - 3)) - 1);
      break;
    }
    case 2:  // anything, bits 63:54 included (pmpaddr drops them)
      pw.addr = 0;
      for (unsigned k = 0; k < 8; ++k) pw.addr |= uint64_t(next()) << (8 * k);
      break;
    default:  // the extremes: 0 and all ones (NAPOT over every address)
      pw.addr = next() & 1 ? ~uint64_t(0) : 0;
      break;
  }
  return pw;
}

// A PMP entry write on the reference and on every MMU's PMP, as software makes it: pmpaddr,
// then a read-modify-write of the pmpcfg register holding the entry. Every entry must then
// read back as the reference holds it.
void write_pmp(World& w, RefPmp& ref, const PmpWrite& pw, bool trace)
{
  if (trace)
    std::fprintf(stderr, "pmp entry %u: cfg 0x%02x addr 0x%llx\n", pw.index, pw.cfg,
                 (unsigned long long)pw.addr);
  ref.write_addr(pw.index, pw.addr);
  ref.write_cfg(pw.index, pw.cfg);
  const unsigned reg = pw.index / 8 * 2, shift = pw.index % 8 * 8;
  for (auto& bench : w.benches) {
    cpu::Pmp& pmp = bench->pmp;
    pmp.write_addr(pw.index, pw.addr);
    const uint64_t others = pmp.read_cfg(reg) & ~(uint64_t(0xff) << shift);
    pmp.write_cfg(reg, others | uint64_t(pw.cfg) << shift);
    for (unsigned i = 0; i < cpu::Pmp::kMaxEntries; ++i) {
      const uint8_t cfg = uint8_t(pmp.read_cfg(i / 8 * 2) >> (i % 8 * 8));
      if (cfg != ref.cfg[i] || pmp.read_addr(i) != ref.read_addr(i))
        fail(std::string(bench->basename()) + ": after writing pmp entry " +
             std::to_string(pw.index) + ", entry " + std::to_string(i) + " reads cfg " +
             std::to_string(cfg) + " addr " + std::to_string(pmp.read_addr(i)) +
             ", the reference's " + std::to_string(ref.cfg[i]) + " " +
             std::to_string(ref.read_addr(i)));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  World& w = world();
  // FUZZ_WALKER_TRACE=1 prints every operation and each MMU's answer (to read a failure).
  static const bool trace = std::getenv("FUZZ_WALKER_TRACE") != nullptr;
  // The PMP block (see the top of the file).
  RefPmp pmp;
  const bool has_pmp = size > 0 && data[0] == 'P';
  if (has_pmp) {
    size_t at = 1;
    auto next = [&]() -> uint8_t { return at < size ? data[at++] : 0; };
    static const unsigned kEntries[4] = {16, 16, 64, 0};
    static const unsigned kGrains[8] = {0, 0, 0, 1, 2, 3, 10, 14};  // G: 4 << G bytes
    const uint8_t shape = next();
    pmp.entries = kEntries[shape & 3];
    pmp.g = kGrains[shape >> 2 & 7];
    if (trace)
      std::fprintf(stderr, "pmp: %u entries, granularity %llu\n", pmp.entries, 4ull << pmp.g);
    for (auto& bench : w.benches) {
      bench->pmp = cpu::Pmp(pmp.entries, uint64_t(4) << pmp.g);
      bench->mmu.set_protection(&bench->pmp);
    }
    const unsigned writes = next() % 9;
    for (unsigned k = 0; k < writes; ++k) write_pmp(w, pmp, make_pmp_write(next), trace);
    data += at;
    size -= at;
  } else {
    for (auto& bench : w.benches) bench->mmu.set_protection(nullptr);
  }
  FuzzedDataProvider in(data, size);
  const bool per_asid_tables = in.ConsumeBool();
  if (trace)
    std::fprintf(stderr, "%s tables\n", per_asid_tables ? "per-ASID" : "shared");
  Memory initial;
  const unsigned writes = in.ConsumeIntegralInRange<unsigned>(0, 48);
  for (unsigned k = 0; k < writes; ++k) {
    const unsigned page = in.ConsumeIntegralInRange<unsigned>(0, kDramPages);
    const unsigned pick = in.ConsumeIntegralInRange<unsigned>(0, 7);
    static const unsigned kSlots[] = {0, 1, 2, 3, 256, 511};
    const unsigned slot = pick < 6 ? kSlots[pick] : in.ConsumeIntegralInRange<unsigned>(0, 511);
    uint64_t pte = make_pte(in);
    if (per_asid_tables)
      pte &= ~uint64_t(mmu::pte::kG);
    uint8_t* dst =
        page < kDramPages ? &initial.dram[page * kPage + slot * 8] : &initial.rom[slot * 8];
    std::memcpy(dst, &pte, 8);
  }

  std::vector<Memory> mem(w.benches.size(), initial);
  for (size_t b = 0; b < w.benches.size(); ++b) {
    Bench& bench = *w.benches[b];
    std::memcpy(bench.dram_bytes(), initial.dram.data(), kDramSize);
    std::memcpy(bench.rom.mem, initial.rom.data(), test::kRomSize);
    bench.mmu.sfence_vma(false, 0, false, 0);  // nothing of the previous input survives
  }

  uint64_t satp = 0, last_tables = ~uint64_t(0);
  std::map<uint16_t, uint64_t> tables_of;  // per-ASID tables: an ASID's mode and root
  const unsigned ops = in.ConsumeIntegralInRange<unsigned>(1, 24);
  for (unsigned op = 0; op < ops && in.remaining_bytes() > 0; ++op) {
    const unsigned what = in.ConsumeIntegralInRange<unsigned>(0, has_pmp ? 10 : 9);
    if (what == 10) {  // a PMP write, then the fence 3.7.2 asks for after one
      write_pmp(w, pmp, make_pmp_write([&in] { return in.ConsumeIntegral<uint8_t>(); }), trace);
      for (auto& bench : w.benches) bench->mmu.sfence_vma(false, 0, false, 0);
      continue;
    }
    if (what == 0) {  // SFENCE.VMA: rs1 and rs2 x0 or not
      const bool has_va = in.ConsumeBool(), has_asid = in.ConsumeBool();
      const uint64_t va = make_va(in, 4);
      const uint16_t asid = in.ConsumeIntegral<uint16_t>();
      for (auto& bench : w.benches) bench->mmu.sfence_vma(has_va, va, has_asid, asid);
      if (trace)
        std::fprintf(stderr, "op %u: sfence.vma %s, %s\n", op, has_va ? "va" : "x0",
                     has_asid ? std::to_string(asid).c_str() : "x0");
      continue;
    }
    // The translation context.
    const bool sv48 = in.ConsumeBool();
    const unsigned mode_pick = in.ConsumeIntegralInRange<unsigned>(0, 7);
    const unsigned mode = mode_pick == 0   ? cpu::satp::kModeBare
                          : mode_pick == 1 ? cpu::satp::kModeSv57
                          : sv48           ? cpu::satp::kModeSv48
                                           : cpu::satp::kModeSv39;
    const unsigned root = in.ConsumeIntegralInRange<unsigned>(0, kDramPages);
    static const uint16_t kAsids[] = {0, 1, 2, 3, 0x8001, 0xffff};
    const uint16_t asid = kAsids[in.ConsumeIntegralInRange<unsigned>(0, 5)];
    uint64_t tables = uint64_t(mode) << 60 | (page_base(root) / kPage);
    if (per_asid_tables) {
      tables = tables_of.emplace(asid, tables).first->second;
    } else if (tables != last_tables) {
      // A new root or mode for every ASID: fence first, as software must.
      for (auto& bench : w.benches) bench->mmu.sfence_vma(false, 0, false, 0);
      last_tables = tables;
    }
    const uint64_t new_satp = tables | uint64_t(asid) << 44;
    if (new_satp != satp) {
      for (auto& bench : w.benches) bench->mmu.satp_written(satp, new_satp);
      satp = new_satp;
    }
    const unsigned mode_now = cpu::satp::mode(satp);
    static const Priv kPrivs[] = {Priv::kU, Priv::kS, Priv::kM};
    const Priv priv = kPrivs[in.ConsumeIntegralInRange<unsigned>(0, 2)];
    uint64_t mstatus = 0;
    if (in.ConsumeBool())
      mstatus |= cpu::mstatus::kSUM;
    if (in.ConsumeBool())
      mstatus |= cpu::mstatus::kMXR;
    if (in.ConsumeBool())
      mstatus |= cpu::mstatus::kMPRV;
    mstatus |= uint64_t(kPrivs[in.ConsumeIntegralInRange<unsigned>(0, 2)])
               << cpu::mstatus::kMPPShift;
    const AccessKind kind = AccessKind(in.ConsumeIntegralInRange<unsigned>(0, 2));
    const uint64_t va = make_va(in, mode_now == cpu::satp::kModeSv48 ? 4 : 3);
    const bool debug = what == 1;
    const cpu::XlateContext ctx{priv, mstatus, satp, 0};

    if (trace)
      std::fprintf(stderr, "op %u: %s va 0x%llx kind %u priv %u mstatus 0x%llx satp 0x%llx\n", op,
                   what == 1 ? "debug" : "translate", (unsigned long long)va, unsigned(kind),
                   unsigned(priv), (unsigned long long)mstatus, (unsigned long long)satp);
    for (size_t b = 0; b < w.benches.size(); ++b) {
      Bench& bench = *w.benches[b];
      Memory expected = mem[b];
      const RefResult ref =
          reference(expected, pmp, va, kind, priv, mstatus, satp, bench.svade, bench.sv48);
      cpu::XlateResult got;
      const bool ok = debug ? bench.mmu.translate_debug(va, kind, ctx, got)
                            : bench.mmu.translate(va, 8, kind, ctx, got);
      if (trace)
        std::fprintf(stderr, "  %s: %s pa 0x%llx cause %u; reference %s pa 0x%llx cause %u%s\n",
                     bench.basename(), ok ? "ok" : "fault", (unsigned long long)got.pa, got.cause,
                     ref.ok ? "ok" : "fault", (unsigned long long)ref.pa, ref.cause,
                     ref.ad_write ? " (A/D write)" : "");
      char where[200];
      std::snprintf(
          where, sizeof where,
          "%s: %s va 0x%llx kind %u priv %u mstatus 0x%llx satp 0x%llx: ", bench.basename(),
          debug ? "translate_debug" : "translate", (unsigned long long)va, unsigned(kind),
          unsigned(priv), (unsigned long long)mstatus, (unsigned long long)satp);
      // A debugger translation makes no A/D write, so it cannot see one fail.
      const bool ref_ok = debug ? (ref.ok || ref.ad_write_failed) : ref.ok;
      if (ok != ref_ok)
        fail(std::string(where) +
             (ok ? "translated, the reference faults" : "faulted, the reference translates"));
      if (ok && !(debug && ref.ad_write_failed) && got.pa != ref.pa)
        fail(std::string(where) + "pa differs from the reference's");
      if (!ok && (got.cause != ref.cause || got.tval != va))
        fail(std::string(where) + "cause " + std::to_string(got.cause) + ", the reference's " +
             std::to_string(ref.cause));
      if (!debug)
        mem[b] = expected;
      if (std::memcmp(bench.dram_bytes(), mem[b].dram.data(), kDramSize) != 0 ||
          std::memcmp(bench.rom.mem, mem[b].rom.data(), test::kRomSize) != 0)
        fail(std::string(where) + "memory after the access differs from the reference's" +
             (ref.ad_write ? " (which writes A/D)" : " (which writes nothing)"));
      if (debug)
        (void)bench.mmu.explain(va, kind, ctx);
    }
  }
  return 0;
}
