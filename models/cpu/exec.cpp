// The hart's interpreter loop: fetch from the decode cache, dispatch, retire. RV64I and the
// privileged instructions are executed here; the other extensions' semantics live in their
// own units (exec_m.h, exec_a.cpp, exec_fd.cpp, hart_csr.cpp for Zicsr) and C is
// decode-only (decode.cpp).
#include <algorithm>

#include "models/common/sim.h"
#include "models/cpu/exec_m.h"
#include "models/cpu/fpu.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_access.h"
#include "models/cpu/hart_internal.h"

// The loop's helpers must be inlined: one left out of line takes the address of the locals
// it captures, which then live in memory again.
#define INLINE __attribute__((always_inline))

namespace vmplat::cpu {

template <bool kTrace>
void Hart::execute_dispatch(uint64_t budget)
{
  if (m_debug_mode)
    execute<kTrace, true>(budget);
  else
    execute<kTrace, false>(budget);
}

template <bool kTrace, bool kDebug>
void Hart::execute(uint64_t budget)
{
  uint64_t* const x = m_x;
  // What every instruction touches is kept in locals, in registers: as members each would
  // be a read-modify-write in memory, reloaded after every store to x[rd] (the compiler
  // cannot tell those apart). spill() writes them back before anything out of line (every
  // call below: all of them on slow paths, any of which may read or change them) and
  // fill() reads them again after it. The locals:
  // - next_pc, cycles, retired: m_pc, m_cycles, m_retired;
  // - stop: m_stop_cycle; limit: where the budget is spent (a trap takes none of it, an
  //   instruction one), as a retired count;
  // - hit_base: the fetches the fast path served and *m_fetch_hits does not count yet are
  //   retired - hit_base, one more while an instruction runs (it was fetched, it has not
  //   retired); so a fetch costs no counting of its own. Calls inside an instruction
  //   (`mid`) count that fetch and set hit_base for its retiring;
  // - the fetch fast path's virtual line (pc / 64 of the current fetch line on the page of
  //   m_fetch_vkey, or none), page and decoded page.
  // - next_ip, line_end: the slot after the last instruction and the end of its line's
  //   slots: when the last instruction went on in sequence (next_pc is seq_pc) and that
  //   slot lies in the same line, decoded, it is the next instruction. Its address then
  //   depends on the loaded length only, not on the pc through the page offset, which
  //   shortens the chain from one fetch to the next. line_end is null (no such slot) until
  //   the fast path below sets it, and after every call out of line.
  uint64_t next_pc = m_pc, cycles, stop, retired, hit_base, vline, vkey, seq_pc = ~uint64_t{0};
  const DecodedPage* page;
  const Insn *next_ip = nullptr, *line_end = nullptr;
  const uint64_t limit = m_retired + std::min(budget, ~m_retired);
  auto spill = [&](uint64_t pc, bool mid) INLINE {
    m_pc = pc;
    m_cycles = cycles;
    m_retired = retired;
    *m_fetch_hits += retired + mid - hit_base;
    m_skip_until = 0;  // what is called may schedule activity (Hart::quantum_sync)
  };
  auto fill = [&](bool mid) INLINE {
    cycles = m_cycles;
    stop = m_stop_cycle;
    retired = m_retired;
    hit_base = retired + mid;
    line_end = nullptr;
    vkey = m_fetch_vkey;
    page = m_fetch_page;
    const uint64_t line = m_fetch_line - m_fetch_pbase / 64;
    vline = line < kPageSize / 64 ? vkey * (kPageSize / 64) + line : ~uint64_t{0};
  };
  // Out of line, inside an instruction: f() between spill and fill.
  auto call = [&](uint64_t pc, auto&& f) INLINE {
    spill(pc, true);
    const bool ok = f();
    fill(true);
    return ok;
  };
  // The fetch fast path (see Hart::fetch_general): a decoded instruction in the same line,
  // or in a new line on the same virtual page of DMI (at its read latency).
  auto fetch_fast = [&](uint64_t pc) INLINE -> const Insn* {
    if (__builtin_expect(pc / 64 == vline, 1)) {
      const Insn* in = &page->slot[(pc % kPageSize) / 2];
      line_end = &page->slot[(pc % kPageSize) / 64 * 32 + 32];
      return __builtin_expect(in->op != Op::kUndecoded, 1) ? in : nullptr;
    }
    // Timed DMI: the timing model charges the line (fetch_general).
    if (pc / kPageSize != vkey || m_fetch_page_dmi != kFetchDmi)
      return nullptr;
    const Insn* in = &page->slot[(pc % kPageSize) / 2];
    if (in->op == Op::kUndecoded)
      return nullptr;
    vline = pc / 64;
    line_end = &page->slot[(pc % kPageSize) / 64 * 32 + 32];
    m_fetch_line = (m_fetch_pbase + pc % kPageSize) / 64;
    cycles += m_dmi_read_cycles;
    return in;
  };
  fill(false);
  // Quantum ends the loop may pass itself (Hart::quantum_sync): none once it calls out of
  // line (spill() before the call forgets them).
run:
  while (retired != limit && cycles < stop) {
    // Debug mode stops before an instruction at a breakpoint, and after each step, except
    // on the attempt a resume starts with (the debugger resumes from where it stopped).
    [[maybe_unused]] bool resumed = false;
    if constexpr (kDebug) {
      spill(next_pc, false);
      const bool stopped = [&]() INLINE {
        resumed = m_dbg_resumed;
        m_dbg_resumed = false;
        if (!resumed) {
          StopEvent ev;
          const auto bp = std::find_if(m_breakpoints.begin(), m_breakpoints.end(),
                                       [this](const Breakpoint& b) { return b.pc == m_pc; });
          if (bp != m_breakpoints.end()) {
            ev.cause = StopEvent::Cause::kBreakpoint;
            ev.hardware = bp->hardware;
          } else if (m_dbg_step) {
            ev.cause = StopEvent::Cause::kStep;
          }
          if (bp != m_breakpoints.end() || m_dbg_step) {
            debug_stop(ev);
            return true;
          }
        }
        return trigger_before_fetch();
      }();
      fill(false);
      next_pc = m_pc;
      if (stopped)
        continue;
    }
    const Insn* ip = next_ip;
    if (__builtin_expect(next_pc != seq_pc || ip >= line_end || ip->op == Op::kUndecoded, 0))
      ip = fetch_fast(next_pc);
    if (!ip) {
      spill(next_pc, false);
      ip = fetch_general();
      fill(ip != nullptr);
      if (!ip) {
        next_pc = m_pc;  // the fetch trapped; m_pc is the handler
        continue;
      }
    }
    if constexpr (kDebug) {
      // A watchpoint stops before the access (GDB's RISC-V watchpoints are nonsteppable:
      // it steps over the access itself). The fetch is done and stays counted once.
      spill(next_pc, true);
      const bool stopped = [&]() INLINE {
        StopEvent ev;
        if (!resumed && !m_watchpoints.empty() && watch_hit(*ip, x[ip->rs1], ev)) {
          const uint64_t at = m_pc;
          debug_stop(ev);
          if (m_pc != at || ip->op == Op::kUndecoded)
            return true;          // the debugger moved pc or rewrote this instruction: fetch again
          m_dbg_resumed = false;  // the resumed attempt is this one
        }
        return trigger_before_execute(*ip, x[ip->rs1]);
      }();
      fill(!stopped);
      if (stopped) {
        next_pc = m_pc;
        continue;
      }
    }
    // A store to this very code clears the slot `ip` points to: every field the cases
    // need is read before their memory access (the trace keeps a copy for its line).
    const Insn& in = kTrace ? (m_trace_insn = *ip) : *ip;
    const uint64_t pc = next_pc;
    [[maybe_unused]] Priv priv_before = Priv::kM;
    if constexpr (kTrace)
      priv_before = m_priv;
    uint64_t npc = pc + in.len;
    cycles += m_cost[size_t(in.cls)];
    const uint64_t a = x[in.rs1], b = x[in.rs2];
    const int64_t imm = in.imm;
    uint64_t& rd = x[in.rd];
    // Loads and stores: the fast path inline (none under the trace, which records them),
    // the rest out of line.
    auto load_quiet = [&](auto& v) INLINE { return !kTrace && load_fast(a + imm, v, cycles); };
    auto store_quiet = [&](auto v) INLINE { return !kTrace && store_fast(a + imm, v, cycles); };
    auto load = [&](auto& v) INLINE {
      return load_quiet(v) || call(pc, [&]() INLINE { return load_general(a + imm, v); });
    };
    auto store = [&](auto v) INLINE {
      return store_quiet(v) || call(pc, [&]() INLINE { return store_general(a + imm, v); });
    };
    auto fp_on = [&]() INLINE { return (m_mstatus & mstatus::kFS) != 0; };
    auto trap = [&](uint8_t cause, uint64_t tval) INLINE {
      call(pc, [&]() INLINE {
        raise(cause, tval);
        return false;
      });
    };
    // The cases are a table, one line each where it fits.
    // clang-format off
    switch (in.op) {
      case Op::kLui: rd = uint64_t(imm); break;
      case Op::kAuipc: rd = pc + uint64_t(imm); break;
      case Op::kJal: rd = npc; npc = pc + uint64_t(imm); break;
      case Op::kJalr: npc = (a + uint64_t(imm)) & ~1ull; rd = pc + in.len; break;
      case Op::kBeq: if (a == b) npc = pc + uint64_t(imm); break;
      case Op::kBne: if (a != b) npc = pc + uint64_t(imm); break;
      case Op::kBlt: if (int64_t(a) < int64_t(b)) npc = pc + uint64_t(imm); break;
      case Op::kBge: if (int64_t(a) >= int64_t(b)) npc = pc + uint64_t(imm); break;
      case Op::kBltu: if (a < b) npc = pc + uint64_t(imm); break;
      case Op::kBgeu: if (a >= b) npc = pc + uint64_t(imm); break;
      case Op::kLb: { uint8_t v; if (!load(v)) goto trapped; rd = uint64_t(int64_t(int8_t(v))); break; }
      case Op::kLh: { uint16_t v; if (!load(v)) goto trapped; rd = uint64_t(int64_t(int16_t(v))); break; }
      case Op::kLw: { uint32_t v; if (!load(v)) goto trapped; rd = uint64_t(sext32(v)); break; }
      case Op::kLd: { uint64_t v; if (!load(v)) goto trapped; rd = v; break; }
      case Op::kLbu: { uint8_t v; if (!load(v)) goto trapped; rd = v; break; }
      case Op::kLhu: { uint16_t v; if (!load(v)) goto trapped; rd = v; break; }
      case Op::kLwu: { uint32_t v; if (!load(v)) goto trapped; rd = v; break; }
      case Op::kSb: if (!store(uint8_t(b))) goto trapped; break;
      case Op::kSh: if (!store(uint16_t(b))) goto trapped; break;
      case Op::kSw: if (!store(uint32_t(b))) goto trapped; break;
      case Op::kSd: if (!store(uint64_t(b))) goto trapped; break;
      case Op::kAddi: rd = a + uint64_t(imm); break;
      case Op::kSlti: rd = int64_t(a) < imm; break;
      case Op::kSltiu: rd = a < uint64_t(imm); break;
      case Op::kXori: rd = a ^ uint64_t(imm); break;
      case Op::kOri: rd = a | uint64_t(imm); break;
      case Op::kAndi: rd = a & uint64_t(imm); break;
      case Op::kSlli: rd = a << imm; break;
      case Op::kSrli: rd = a >> imm; break;
      case Op::kSrai: rd = uint64_t(int64_t(a) >> imm); break;
      case Op::kAdd: rd = a + b; break;
      case Op::kSub: rd = a - b; break;
      case Op::kSll: rd = a << (b & 63); break;
      case Op::kSlt: rd = int64_t(a) < int64_t(b); break;
      case Op::kSltu: rd = a < b; break;
      case Op::kXor: rd = a ^ b; break;
      case Op::kSrl: rd = a >> (b & 63); break;
      case Op::kSra: rd = uint64_t(int64_t(a) >> (b & 63)); break;
      case Op::kOr: rd = a | b; break;
      case Op::kAnd: rd = a & b; break;
      case Op::kAddiw: rd = uint64_t(sext32(a + uint64_t(imm))); break;
      case Op::kSlliw: rd = uint64_t(sext32(uint32_t(a) << imm)); break;
      case Op::kSrliw: rd = uint64_t(sext32(uint32_t(a) >> imm)); break;
      case Op::kSraiw: rd = uint64_t(int64_t(int32_t(a) >> imm)); break;
      case Op::kAddw: rd = uint64_t(sext32(a + b)); break;
      case Op::kSubw: rd = uint64_t(sext32(a - b)); break;
      case Op::kSllw: rd = uint64_t(sext32(uint32_t(a) << (b & 31))); break;
      case Op::kSrlw: rd = uint64_t(sext32(uint32_t(a) >> (b & 31))); break;
      case Op::kSraw: rd = uint64_t(int64_t(int32_t(a) >> (b & 31))); break;
      case Op::kMul: rd = a * b; break;
      case Op::kMulh: rd = rv64m::mulh(a, b); break;
      case Op::kMulhsu: rd = rv64m::mulhsu(a, b); break;
      case Op::kMulhu: rd = rv64m::mulhu(a, b); break;
      case Op::kDiv: rd = rv64m::div(a, b); break;
      case Op::kDivu: rd = rv64m::divu(a, b); break;
      case Op::kRem: rd = rv64m::rem(a, b); break;
      case Op::kRemu: rd = rv64m::remu(a, b); break;
      case Op::kMulw: rd = rv64m::mulw(a, b); break;
      case Op::kDivw: rd = rv64m::divw(a, b); break;
      case Op::kDivuw: rd = rv64m::divuw(a, b); break;
      case Op::kRemw: rd = rv64m::remw(a, b); break;
      case Op::kRemuw: rd = rv64m::remuw(a, b); break;
      case Op::kLrW:
        if (!call(pc, [&]() INLINE { return exec_lr(4, a, rd); }))
          goto trapped;
        break;
      case Op::kLrD:
        if (!call(pc, [&]() INLINE { return exec_lr(8, a, rd); }))
          goto trapped;
        break;
      case Op::kScW:
        if (!call(pc, [&]() INLINE { return exec_sc(4, a, b, rd); }))
          goto trapped;
        break;
      case Op::kScD:
        if (!call(pc, [&]() INLINE { return exec_sc(8, a, b, rd); }))
          goto trapped;
        break;
      case Op::kAmoswapW: case Op::kAmoaddW: case Op::kAmoxorW: case Op::kAmoandW:
      case Op::kAmoorW: case Op::kAmominW: case Op::kAmomaxW: case Op::kAmominuW:
      case Op::kAmomaxuW:
        if (!call(pc, [&]() INLINE { return exec_amo<uint32_t>(a, in.op, b, rd); }))
          goto trapped;
        break;
      case Op::kAmoswapD: case Op::kAmoaddD: case Op::kAmoxorD: case Op::kAmoandD:
      case Op::kAmoorD: case Op::kAmominD: case Op::kAmomaxD: case Op::kAmominuD:
      case Op::kAmomaxuD:
        if (!call(pc, [&]() INLINE { return exec_amo<uint64_t>(a, in.op, b, rd); }))
          goto trapped;
        break;
      case Op::kFence: break;
      case Op::kFenceI:
        call(pc, [&]() INLINE {
          flush_decode_cache();
          return true;
        });
        break;
      case Op::kEcall:
        trap(m_priv == Priv::kU   ? exc::kEcallU
             : m_priv == Priv::kS ? exc::kEcallS
                                  : exc::kEcallM,
             0);
        goto trapped;
      case Op::kEbreak: trap(exc::kBreakpoint, pc); goto trapped;
      case Op::kMret:
        if (m_priv != Priv::kM) {
          trap(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        call(pc, [&]() INLINE {
          do_mret();
          return true;
        });
        ++retired;
        next_pc = m_pc;
        if constexpr (kTrace) {
          spill(next_pc, false);
          trace_insn(Priv::kM, pc, in);
          fill(false);
        }
        continue;
      case Op::kSret:
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTSR))) {
          trap(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        call(pc, [&]() INLINE {
          do_sret();
          return true;
        });
        ++retired;
        next_pc = m_pc;
        if constexpr (kTrace) {
          spill(next_pc, false);
          trace_insn(priv_before, pc, in);
          fill(false);
        }
        continue;
      case Op::kWfi:
        // U-mode WFI, and S-mode WFI with mstatus.TW, trap at once (privileged 3.1.6.5).
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTW))) {
          trap(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        m_wfi = true;
        m_stop_cycle = stop = 0;
        break;
      case Op::kSfenceVma:
      case Op::kSinvalVma:
        // Svinval's SINVAL.VMA is illegal exactly where SFENCE.VMA is and invalidates what
        // it does (counted apart).
        if ((in.op == Op::kSinvalVma && !m_svinval) || m_priv == Priv::kU ||
            (m_priv == Priv::kS && (m_mstatus & mstatus::kTVM))) {
          trap(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        call(pc, [&]() INLINE {
          if (m_translator) {
            if (in.op == Op::kSfenceVma)
              m_translator->sfence_vma(in.rs1 != 0, a, in.rs2 != 0, uint16_t(b));
            else
              m_translator->sinval_vma(in.rs1 != 0, a, in.rs2 != 0, uint16_t(b));
          }
          if (m_waves)
            wave_fence(in.op == Op::kSfenceVma ? WaveFence::kSfenceVma : WaveFence::kSinvalVma);
          forget_memos();
          return true;
        });
        break;
      case Op::kSfenceWInval:
      case Op::kSfenceInvalIr:
        // Illegal in U mode only (mstatus.TVM does not apply). Each access completes before
        // the next starts, so the ordering they ask for already holds.
        if (!m_svinval || m_priv == Priv::kU) {
          trap(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        call(pc, [&]() INLINE {
          if (m_translator)
            m_translator->sfence_inval(in.op == Op::kSfenceInvalIr);
          if (m_waves)
            wave_fence(in.op == Op::kSfenceInvalIr ? WaveFence::kSfenceInvalIr
                                                   : WaveFence::kSfenceWInval);
          return true;
        });
        break;
      case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc:
      case Op::kCsrrwi: case Op::kCsrrsi: case Op::kCsrrci:
        if (!call(pc, [&]() INLINE { return exec_csr(in, a, rd); }))
          goto trapped;
        break;
      // F and D make no call out of line where they cannot trap: loads and stores on the
      // fast path with mstatus.FS on, and the other ops with FS on and a valid rounding
      // mode (reserved static modes never decode; funct3 is 7 only for a dynamic one).
      // Those leave every local alone. Anything else takes exec_fp between spill and fill.
      case Op::kFlw: { uint32_t v; if (fp_on() && load_quiet(v)) { m_f[in.rd] = fp::nan_box(v); fp_dirty(); break; } goto fp_general; }
      case Op::kFld: { uint64_t v; if (fp_on() && load_quiet(v)) { m_f[in.rd] = v; fp_dirty(); break; } goto fp_general; }
      case Op::kFsw: if (fp_on() && store_quiet(uint32_t(m_f[in.rs2]))) break; goto fp_general;
      case Op::kFsd: if (fp_on() && store_quiet(m_f[in.rs2])) break; goto fp_general;
      case Op::kFmaddS ... Op::kFmvWX:
      case Op::kFmaddD ... kLastFpOp:
        if (fp_on() && (insn_rm(in) != 7 || ((m_fcsr >> 5) & 7) <= 4)) {
          exec_fp(in, a, rd);  // cannot trap
          break;
        }
      fp_general:
        if (!call(pc, [&]() INLINE { return exec_fp(in, a, rd); }))
          goto trapped;
        break;
      case Op::kIllegal:
      case Op::kUndecoded:
      case Op::kCount: trap(exc::kIllegalInstr, in.raw); goto trapped;
      default: __builtin_unreachable();  // every op has its case: no range check
    }
    // clang-format on
    x[0] = 0;
    next_pc = npc;
    // The successor in sequence. After a call out of line the slot may have been cleared
    // (a store to this code) or its page dropped (FENCE.I: flush_decode_cache keeps the
    // memory until the next run): the values read then are never used, as line_end is
    // null and the next fetch takes the fast path by the pc.
    seq_pc = pc + in.len;
    next_ip = ip + in.len / 2;
    ++retired;
    if constexpr (kTrace) {
      spill(npc, false);
      trace_insn(priv_before, pc, in);
      fill(false);
    }
    continue;
  trapped:
    x[0] = 0;
    m_trace_mem_size = 0;
    next_pc = m_pc;
    hit_base = retired;
  }
  // At a quantum's end that nothing else is scheduled before (and no timer deadline or
  // cycle limit, WFI or instruction budget ended the run), go on as the loop in thread()
  // would after quantum_sync passed it, without leaving: the same cycles, the same next
  // quantum.
  if (cycles >= m_quantum_end && cycles < m_skip_until && cycles < m_other_stop && !m_wfi &&
      retired != limit) {
    pass_quantum_end(cycles);
    m_quantum_end = cycles + m_quantum_cycles;
    stop = std::min(m_quantum_end, m_other_stop);
    if (!common::sim().timed_out())
      goto run;
  }
  spill(next_pc, false);
}

template void Hart::execute_dispatch<false>(uint64_t);
template void Hart::execute_dispatch<true>(uint64_t);

}  // namespace vmplat::cpu
