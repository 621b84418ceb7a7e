// RtlTlbImpl<V>: the RtlTlb behaviour for one Verilated model class V (every V comes from
// rtl/tlb/tlb.sv, so all have the same ports). Included only by the generated per-geometry
// sources in the build tree; users include rtl_tlb.h.
#pragma once

#include <memory>

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "models/common/config.h"
#include "models/cosim/rtl_tlb.h"

namespace vmplat::cosim {

// The one VerilatedContext every RTL TLB of the process shares (defined in rtl_tlb.cpp).
std::shared_ptr<VerilatedContext> shared_verilated_context();

template <class V>
class RtlTlbImpl final : public RtlTlb {
 public:
  RtlTlbImpl(const mmu::TlbParams& params, const RtlOptions& options)
      : RtlTlb(params, options), m_ctx(shared_verilated_context())
  {
    // An assertion failure sets gotError instead of aborting; check_assertions reports it.
    m_ctx->fatalOnError(false);
    if (!options.wave.empty())
      m_ctx->traceEverOn(true);
    // Every model lives in one shared context under its own scope name: Verilator 5.006
    // deadlocks tearing down two models of one class that sit in separate contexts.
    std::string scope = params.name;
    for (char& c : scope)
      c = c == '.' ? '_' : c;
    m_v = std::make_unique<V>(m_ctx.get(), scope.c_str());
    if (!options.wave.empty()) {
      m_wave = std::make_unique<VerilatedVcdC>();
      m_v->trace(m_wave.get(), 99);
      m_wave->open(options.wave.c_str());
      if (!m_wave->isOpen())
        throw common::UserError(params.name + ".wave: cannot write '" + options.wave +
                                "'; allowed: a writable file path");
    }
    m_v->clk = 0;
    m_v->rst_n = 0;
    settle("reset");
    edge("reset");
    m_v->rst_n = 1;
  }

  ~RtlTlbImpl() override
  {
    if (m_wave)
      m_wave->close();
    m_v->final();
  }

  mmu::TlbLookup lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind) override
  {
    m_v->lookup_valid = 1;
    m_v->lookup_vpn = vpn & kVpnMask;
    m_v->lookup_asid = asid & m_asid_mask;
    settle("lookup");
    edge("lookup");  // the answer is registered on the edge
    mmu::TlbLookup r;
    r.hit = m_v->lookup_hit;
    if (r.hit) {
      r.way = m_v->lookup_way;
      r.entry.vpn = m_v->lookup_entry_vpn;
      r.entry.ppn = m_v->lookup_ppn;
      r.entry.level = m_v->lookup_level;
      r.entry.asid = uint16_t(m_v->lookup_entry_asid);
      r.entry.global = m_v->lookup_global;
      r.entry.flags = m_v->lookup_flags;
    }
    m_v->lookup_valid = 0;
    return r;
  }

  mmu::TlbFill fill(const mmu::TlbEntry& e) override
  {
    m_v->fill_valid = 1;
    m_v->fill_vpn = e.vpn & kVpnMask;
    m_v->fill_ppn = e.ppn & kPpnMask;
    m_v->fill_level = e.level & 3;
    m_v->fill_asid = e.asid & m_asid_mask;
    m_v->fill_global = e.global;
    m_v->fill_flags = e.flags;
    settle("fill");
    edge("fill");  // written, and where and what it replaced registered, on the edge
    mmu::TlbFill r;
    r.set = m_v->fill_set;
    r.way = m_v->fill_way;
    r.evicted = m_v->fill_evict;
    if (r.evicted) {
      r.victim.vpn = m_v->victim_vpn;
      r.victim.ppn = m_v->victim_ppn;
      r.victim.level = m_v->victim_level;
      r.victim.asid = uint16_t(m_v->victim_asid);
      r.victim.global = m_v->victim_global;
      r.victim.flags = m_v->victim_flags;
    }
    m_v->fill_valid = 0;
    return r;
  }

  unsigned flush(const mmu::FlushRequest& req) override
  {
    m_v->flush_valid = 1;
    m_v->flush_has_vaddr = req.has_vaddr;
    m_v->flush_vpn = req.vpn & kVpnMask;
    m_v->flush_has_asid = req.has_asid;
    m_v->flush_asid = req.asid & m_asid_mask;
    settle("flush");
    edge("flush");
    m_v->flush_valid = 0;
    while (m_v->busy && !m_assert_failed) {
      settle("flush");
      edge("flush");
      ++m_busy_pending;
      ++m_busy_total;
    }
    return m_v->flush_count;
  }

 private:
  // Port widths fixed in tlb.sv (VPN_BITS, PPN_BITS); Verilator expects unused high bits 0.
  static constexpr uint64_t kVpnMask = (uint64_t(1) << 52) - 1;
  static constexpr uint64_t kPpnMask = (uint64_t(1) << 44) - 1;
  // One clock is 10 time units in the waveform: low phase at 10n, high phase at 10n+5.
  void settle(const char* op)
  {
    m_v->clk = 0;
    m_v->eval();
    if (m_wave)
      m_wave->dump(m_time);
    m_time += 5;
    check_assertions(m_ctx->gotError(), op);
  }
  void edge(const char* op)
  {
    m_v->clk = 1;
    m_v->eval();
    if (m_wave)
      m_wave->dump(m_time);
    m_time += 5;
    ++m_cycles;
    check_assertions(m_ctx->gotError(), op);
  }

  const uint16_t m_asid_mask =
      uint16_t(m_params.asid_bits >= 16 ? 0xffff : (1u << m_params.asid_bits) - 1);
  std::shared_ptr<VerilatedContext> m_ctx;
  std::unique_ptr<V> m_v;
  std::unique_ptr<VerilatedVcdC> m_wave;
  uint64_t m_time = 0;
};

}  // namespace vmplat::cosim
