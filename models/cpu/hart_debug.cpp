// The hart's debugging support: the stops a debugger asks for (breakpoints, watchpoints,
// single steps; models/cpu/debug_if.h) and the instruction trace in Spike's commit-log
// format (cpu.trace).
#include <algorithm>
#include <cinttypes>

#include "models/common/sim.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

void Hart::set_debugger(Debugger* debugger, bool halt_at_reset)
{
  m_debugger = debugger;
  m_debug_halt_at_reset = debugger && halt_at_reset;
  update_debug_mode();
}

void Hart::update_debug_mode()
{
  // Armed Sdtrig triggers need the same per-instruction checks as a debugger's stops.
  m_debug_mode =
      (m_debugger && (m_dbg_step || !m_breakpoints.empty() || !m_watchpoints.empty())) ||
      m_triggers.armed();
}

void Hart::debug_stop(const StopEvent& event)
{
  const Resume how = m_debugger->stopped(event);
  m_dbg_step = how == Resume::kStep;
  m_dbg_resumed = true;
  update_debug_mode();
  if (common::sim().stop_requested())
    m_stop_cycle = 0;  // killed by the debugger
}

void Hart::debug_breakpoint(uint64_t pc, bool hardware, bool insert)
{
  const auto same = [&](const Breakpoint& b) { return b.pc == pc && b.hardware == hardware; };
  const auto it = std::find_if(m_breakpoints.begin(), m_breakpoints.end(), same);
  if (insert && it == m_breakpoints.end())
    m_breakpoints.push_back({pc, hardware});
  else if (!insert && it != m_breakpoints.end())
    m_breakpoints.erase(it);
  update_debug_mode();
}

void Hart::debug_watchpoint(uint64_t addr, uint64_t len, WatchKind kind, bool insert)
{
  const auto same = [&](const Watchpoint& w) {
    return w.addr == addr && w.len == len && w.kind == kind;
  };
  const auto it = std::find_if(m_watchpoints.begin(), m_watchpoints.end(), same);
  if (insert && it == m_watchpoints.end())
    m_watchpoints.push_back({addr, len, kind});
  else if (!insert && it != m_watchpoints.end())
    m_watchpoints.erase(it);
  update_debug_mode();
}

void Hart::debug_clear()
{
  m_breakpoints.clear();
  m_watchpoints.clear();
  m_dbg_step = false;
  update_debug_mode();
}

bool mem_access_of(const Insn& in, uint64_t rs1_value, MemAccess& out)
{
  unsigned size = 0;
  bool reads = false, writes = false;
  switch (in.op) {
    case Op::kLb: case Op::kLbu: size = 1; reads = true; break;
    case Op::kLh: case Op::kLhu: size = 2; reads = true; break;
    case Op::kLw: case Op::kLwu: size = 4; reads = true; break;
    case Op::kLd: size = 8; reads = true; break;
    case Op::kSb: size = 1; writes = true; break;
    case Op::kSh: size = 2; writes = true; break;
    case Op::kSw: size = 4; writes = true; break;
    case Op::kSd: size = 8; writes = true; break;
    case Op::kFlw: size = 4; reads = true; break;
    case Op::kFld: size = 8; reads = true; break;
    case Op::kFsw: size = 4; writes = true; break;
    case Op::kFsd: size = 8; writes = true; break;
    case Op::kLrW: size = 4; reads = true; break;
    case Op::kLrD: size = 8; reads = true; break;
    case Op::kScW: size = 4; writes = true; break;
    case Op::kScD: size = 8; writes = true; break;
    default:
      if (in.op > Op::kScW && in.op <= Op::kAmomaxuW)
        size = 4;
      else if (in.op > Op::kScD && in.op <= Op::kAmomaxuD)
        size = 8;
      else
        return false;
      reads = writes = true;
  }
  out = {rs1_value + uint64_t(int64_t(in.imm)), size, reads, writes};
  return true;
}

bool Hart::watch_hit(const Insn& in, uint64_t rs1_value, StopEvent& event) const
{
  MemAccess a;
  if (!mem_access_of(in, rs1_value, a))
    return false;
  const uint64_t lo = a.addr;
  for (const Watchpoint& w : m_watchpoints) {
    const bool kind =
        w.kind == WatchKind::kAccess || (w.kind == WatchKind::kWrite ? a.writes : a.reads);
    if (kind && lo < w.addr + w.len && w.addr < lo + a.size) {
      event.cause = StopEvent::Cause::kWatchpoint;
      event.watch = w.kind;
      event.data_addr = std::max(lo, w.addr);
      return true;
    }
  }
  return false;
}

bool Hart::set_freg(unsigned i, uint64_t value)
{
  if (!m_has_fd)
    return false;
  m_f[i & 31] = value;
  fp_dirty();
  return true;
}

bool Hart::set_fcsr(uint32_t value)
{
  if (!m_has_fd)
    return false;
  m_fcsr = value & 0xff;
  fp_dirty();
  return true;
}

void Hart::trace_insn(Priv priv, uint64_t pc, const Insn& in)
{
  // Spike's --log-commits format: privilege, pc, instruction bits, then what it wrote.
  std::fprintf(m_trace,
               in.len == 2 ? "core %3u: %u 0x%016" PRIx64 " (0x%04x)"
                           : "core %3u: %u 0x%016" PRIx64 " (0x%08x)",
               m_id, unsigned(priv), pc, in.raw);
  if (writes_x_rd(in.op) && in.rd != 0)
    std::fprintf(m_trace, " x%-2u 0x%016" PRIx64, unsigned(in.rd), m_x[in.rd]);
  else if (writes_f_rd(in.op))
    std::fprintf(m_trace, " f%-2u 0x%016" PRIx64, unsigned(in.rd), m_f[in.rd]);
  if (m_trace_mem_size) {
    if (m_trace_mem_write)
      std::fprintf(m_trace, " mem 0x%016" PRIx64 " 0x%0*" PRIx64, m_trace_mem_addr,
                   int(m_trace_mem_size * 2), m_trace_mem_value);
    else
      std::fprintf(m_trace, " mem 0x%016" PRIx64, m_trace_mem_addr);
    m_trace_mem_size = 0;
  }
  std::fputc('\n', m_trace);
}

}  // namespace vmplat::cpu
