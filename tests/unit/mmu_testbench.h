// A small platform for MMU unit tests: mmu::Mmu's walker on a bus::Router with DRAM at
// 0x8000_0000, a read-only "ROM" at 0x2000_0000 (writes get a TLM error: A/D updates to a
// PTE there are access faults), and a hole everywhere else (PTE reads there are access
// faults). Page tables are built directly in DRAM through host_ptr().
//
// Usage: MmuBench b({"mmu.walker.ad_policy=fault"}); then b.map(...), b.load(...).
// MmuBench b({}, true) puts a mem::Cache (keys cache.walker.*: 1 KiB, 2 ways, 64-byte lines,
// 4 cycles) between the walker and the bus, caching every address (DRAM, ROM and
// holes alike), so its pass-through of errors is on trial too.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/bus/router.h"
#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "models/mem/cache.h"
#include "models/mem/dram.h"
#include "models/mmu/mmu.h"

namespace vmplat::test {

constexpr uint64_t kDramBase = 0x80000000;
constexpr uint64_t kRomBase = 0x20000000;
constexpr uint64_t kRomSize = 0x10000;
// The page most cases map: a user-ish virtual page, its physical page, read-write flags.
constexpr uint64_t kVa = 0x40001000;
constexpr uint64_t kPa = 0x80203000;
constexpr uint64_t kRW = mmu::pte::kR | mmu::pte::kW | mmu::pte::kA | mmu::pte::kD;

// Read-only memory: reads succeed, writes get TLM_COMMAND_ERROR_RESPONSE.
class TestRom : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TestRom> tsock;
  uint8_t mem[kRomSize] = {};

  explicit TestRom(sc_core::sc_module_name name) : sc_module(name), tsock("tsock")
  {
    tsock.register_b_transport(this, &TestRom::b_transport);
    tsock.register_transport_dbg(this, &TestRom::transport_dbg);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay)
  {
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    if (tx.is_write() || tx.get_address() + tx.get_data_length() > kRomSize) {
      tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    transport_dbg(tx);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& tx)
  {
    if (tx.is_write() || tx.get_address() + tx.get_data_length() > kRomSize)
      return 0;
    std::memcpy(tx.get_data_ptr(), mem + tx.get_address(), tx.get_data_length());
    return tx.get_data_length();
  }
};

struct ResetGlobals {
  explicit ResetGlobals(std::initializer_list<std::string> sets)
  {
    common::config().reset();
    common::stats().reset();
    common::sim().reset();
    for (const auto& s : sets)
      common::config().set(s, "test");
  }
};

class MmuBench : private ResetGlobals {
 public:
  static constexpr uint64_t kSv39 = uint64_t(cpu::satp::kModeSv39) << 60;
  static constexpr uint64_t kSv48 = uint64_t(cpu::satp::kModeSv48) << 60;

  bus::Router router{"router"};
  mem::Dram dram{"dram"};
  TestRom rom{"rom"};
  mmu::Mmu mmu{"mmu", sc_core::sc_time(1, sc_core::SC_NS)};

  std::unique_ptr<mem::Cache> cache;
  // `before_start` binds further models (a second hart's MMU) before elaboration ends.
  explicit MmuBench(std::initializer_list<std::string> sets = {}, bool walker_cache = false,
                    const std::function<void(MmuBench&)>& before_start = {})
      : ResetGlobals(sets)
  {
    router.map(kDramBase, dram.size(), "dram");
    router.isock.bind(dram.tsock);
    router.map(kRomBase, kRomSize, "rom");
    router.isock.bind(rom.tsock);
    if (walker_cache) {
      const mem::Cache::Params p = mem::Cache::read_config(
          "cache.walker", {1024, 2, 64, 4, mem::Cache::Policy::kLru, false, 1});
      cache = std::make_unique<mem::Cache>("walker_cache", "cache.walker", p,
                                           sc_core::sc_time(1, sc_core::SC_NS), 0, 1ull << 56);
      mmu.isock.bind(cache->tsock);
      cache->isock.bind(router.tsock);
    } else {
      mmu.isock.bind(router.tsock);
    }
    if (before_start)
      before_start(*this);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    root = alloc_table();
  }

  // Page tables come from DRAM above 1 MiB; data pages are wherever the test maps them.
  uint64_t alloc_table()
  {
    const uint64_t pa = m_next_table;
    m_next_table += 4096;
    std::memset(host(pa), 0, 4096);
    return pa;
  }
  uint8_t* host(uint64_t pa) { return dram.host_ptr() + (pa - kDramBase); }
  uint64_t read64(uint64_t pa)
  {
    if (pa >= kRomBase && pa < kRomBase + kRomSize) {
      uint64_t v;
      std::memcpy(&v, rom.mem + (pa - kRomBase), 8);
      return v;
    }
    uint64_t v;
    std::memcpy(&v, host(pa), 8);
    return v;
  }
  void write64(uint64_t pa, uint64_t v)
  {
    if (pa >= kRomBase && pa < kRomBase + kRomSize)
      std::memcpy(rom.mem + (pa - kRomBase), &v, 8);
    else
      std::memcpy(host(pa), &v, 8);
  }

  static uint64_t pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }

  // Maps va → pa with a leaf of `level` holding `flags` (V is added), creating pointer
  // tables as needed. Returns the physical address of the leaf PTE.
  uint64_t map(uint64_t va, uint64_t pa, uint64_t flags, unsigned level = 0)
  {
    uint64_t table = root;
    for (int i = int(m_levels) - 1; i > int(level); --i) {
      const uint64_t slot = table + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
      uint64_t p = read64(slot);
      if (!(p & mmu::pte::kV)) {
        p = pte(alloc_table(), mmu::pte::kV);
        write64(slot, p);
      }
      table = ((p >> 10) & ((1ull << 44) - 1)) << 12;
    }
    const uint64_t slot = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
    write64(slot, pte(pa, flags | mmu::pte::kV));
    return slot;
  }
  // The PTE slot a map() of va at `level` used (tables must exist).
  uint64_t slot_of(uint64_t va, unsigned level = 0)
  {
    uint64_t table = root;
    for (int i = int(m_levels) - 1; i > int(level); --i) {
      const uint64_t p = read64(table + ((va >> (12 + 9 * i)) & 0x1ff) * 8);
      table = ((p >> 10) & ((1ull << 44) - 1)) << 12;
    }
    return table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
  }
  void use_sv48() { m_levels = 4; }
  void use_sv57() { m_levels = 5; }

  uint64_t satp(uint16_t asid = 1) const
  {
    return (uint64_t(cpu::satp::kModeSv39 + m_levels - 3) << 60) | (uint64_t(asid) << 44) |
           (root >> 12);
  }

  struct Outcome {
    bool ok;
    uint64_t pa;
    uint8_t cause;
    uint64_t tval;
    uint64_t cycles;
  };
  Outcome access(uint64_t va, cpu::AccessKind kind, cpu::Priv priv = cpu::Priv::kS,
                 uint64_t mstatus = 0, uint16_t asid = 1)
  {
    cpu::XlateContext ctx{priv, mstatus, satp(asid), 0, menvcfg};
    cpu::XlateResult r;
    const bool ok = mmu.translate(va, 8, kind, ctx, r);
    return {ok, r.pa, r.cause, r.tval, r.cycles};
  }
  Outcome load(uint64_t va, cpu::Priv priv = cpu::Priv::kS, uint64_t mstatus = 0,
               uint16_t asid = 1)
  {
    return access(va, cpu::AccessKind::kLoad, priv, mstatus, asid);
  }
  Outcome store(uint64_t va, cpu::Priv priv = cpu::Priv::kS, uint64_t mstatus = 0,
                uint16_t asid = 1)
  {
    return access(va, cpu::AccessKind::kStore, priv, mstatus, asid);
  }
  Outcome fetch(uint64_t va, cpu::Priv priv = cpu::Priv::kS, uint64_t mstatus = 0,
                uint16_t asid = 1)
  {
    return access(va, cpu::AccessKind::kFetch, priv, mstatus, asid);
  }

  static uint64_t stat(const std::string& name) { return uint64_t(common::stats().value(name)); }

  uint64_t root = 0;
  uint64_t menvcfg = 0;  // the hart's menvcfg as the accesses pass it (PBMTE, ADUE)

 private:
  uint64_t m_next_table = kDramBase + 0x100000;
  unsigned m_levels = 3;
};

}  // namespace vmplat::test
