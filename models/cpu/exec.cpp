// The hart's interpreter loop: fetch from the decode cache, dispatch, retire. RV64I and the
// privileged instructions are executed here; the other extensions' semantics live in their
// own units (exec_m.h, exec_a.cpp, exec_fd.cpp, hart_csr.cpp for Zicsr) and C is
// decode-only (decode.cpp).
#include <algorithm>

#include "models/cpu/exec_m.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_access.h"
#include "models/cpu/hart_internal.h"

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
  // The pc of the next instruction, in a register: m_pc is written after each instruction,
  // but reading it back (the compiler cannot tell it from x[rd]) would put a store-to-load
  // round trip on the loop's critical path. Reloaded wherever something else may have set
  // m_pc: a trap, xRET, the debugger.
  uint64_t next_pc = m_pc;
  while (budget && m_cycles < m_stop_cycle) {
    if constexpr (kDebug)
      next_pc = m_pc;
    // Debug mode stops before an instruction at a breakpoint, and after each step, except
    // on the attempt a resume starts with (the debugger resumes from where it stopped).
    [[maybe_unused]] bool resumed = false;
    if constexpr (kDebug) {
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
          continue;
        }
      }
      if (trigger_before_fetch())
        continue;
    }
    const Insn* ip = fetch(next_pc);
    if (!ip) {
      next_pc = m_pc;  // the fetch trapped; m_pc is the handler
      continue;
    }
    if constexpr (kDebug) {
      // A watchpoint stops before the access (GDB's RISC-V watchpoints are nonsteppable:
      // it steps over the access itself). The fetch is done and stays counted once.
      StopEvent ev;
      if (!resumed && !m_watchpoints.empty() && watch_hit(*ip, x[ip->rs1], ev)) {
        const uint64_t at = m_pc;
        debug_stop(ev);
        if (m_pc != at || ip->op == Op::kUndecoded)
          continue;  // the debugger moved pc or rewrote this instruction: fetch again
        m_dbg_resumed = false;  // the resumed attempt is this one
      }
      if (trigger_before_execute(*ip, x[ip->rs1]))
        continue;
    }
    // A store to this very code clears the slot `ip` points to: every field the cases
    // need is read before their memory access (the trace keeps a copy for its line).
    const Insn& in = kTrace ? (m_trace_insn = *ip) : *ip;
    const uint64_t pc = next_pc;
    [[maybe_unused]] const Priv priv_before = m_priv;
    uint64_t npc = pc + in.len;
    m_cycles += m_cost[size_t(in.cls)];
    const uint64_t a = x[in.rs1], b = x[in.rs2];
    const int64_t imm = in.imm;
    uint64_t& rd = x[in.rd];
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
      case Op::kLb: { uint8_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(int64_t(int8_t(v))); break; }
      case Op::kLh: { uint16_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(int64_t(int16_t(v))); break; }
      case Op::kLw: { uint32_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(sext32(v)); break; }
      case Op::kLd: { uint64_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLbu: { uint8_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLhu: { uint16_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLwu: { uint32_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kSb: if (!store(a + imm, uint8_t(b))) goto trapped; break;
      case Op::kSh: if (!store(a + imm, uint16_t(b))) goto trapped; break;
      case Op::kSw: if (!store(a + imm, uint32_t(b))) goto trapped; break;
      case Op::kSd: if (!store(a + imm, uint64_t(b))) goto trapped; break;
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
      case Op::kLrW: if (!exec_lr(4, a, rd)) goto trapped; break;
      case Op::kLrD: if (!exec_lr(8, a, rd)) goto trapped; break;
      case Op::kScW: if (!exec_sc(4, a, b, rd)) goto trapped; break;
      case Op::kScD: if (!exec_sc(8, a, b, rd)) goto trapped; break;
      case Op::kAmoswapW: case Op::kAmoaddW: case Op::kAmoxorW: case Op::kAmoandW:
      case Op::kAmoorW: case Op::kAmominW: case Op::kAmomaxW: case Op::kAmominuW:
      case Op::kAmomaxuW:
        if (!exec_amo<uint32_t>(a, in.op, b, rd))
          goto trapped;
        break;
      case Op::kAmoswapD: case Op::kAmoaddD: case Op::kAmoxorD: case Op::kAmoandD:
      case Op::kAmoorD: case Op::kAmominD: case Op::kAmomaxD: case Op::kAmominuD:
      case Op::kAmomaxuD:
        if (!exec_amo<uint64_t>(a, in.op, b, rd))
          goto trapped;
        break;
      case Op::kFence: break;
      case Op::kFenceI:
        flush_decode_cache();
        break;
      case Op::kEcall:
        raise(m_priv == Priv::kU ? exc::kEcallU : m_priv == Priv::kS ? exc::kEcallS : exc::kEcallM,
              0);
        goto trapped;
      case Op::kEbreak:
        raise(exc::kBreakpoint, pc);
        goto trapped;
      case Op::kMret:
        if (m_priv != Priv::kM) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        do_mret();
        ++m_retired;
        if constexpr (kTrace)
          trace_insn(Priv::kM, pc, in);
        --budget;
        next_pc = m_pc;
        continue;
      case Op::kSret:
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTSR))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        do_sret();
        ++m_retired;
        if constexpr (kTrace)
          trace_insn(priv_before, pc, in);
        --budget;
        next_pc = m_pc;
        continue;
      case Op::kWfi:
        // U-mode WFI, and S-mode WFI with mstatus.TW, trap at once (privileged 3.1.6.5).
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTW))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        m_wfi = true;
        m_stop_cycle = 0;
        break;
      case Op::kSfenceVma:
      case Op::kSinvalVma:
        // Svinval's SINVAL.VMA is illegal exactly where SFENCE.VMA is and invalidates what
        // it does (counted apart).
        if ((in.op == Op::kSinvalVma && !m_svinval) || m_priv == Priv::kU ||
            (m_priv == Priv::kS && (m_mstatus & mstatus::kTVM))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        if (m_translator) {
          if (in.op == Op::kSfenceVma)
            m_translator->sfence_vma(in.rs1 != 0, a, in.rs2 != 0, uint16_t(b));
          else
            m_translator->sinval_vma(in.rs1 != 0, a, in.rs2 != 0, uint16_t(b));
        }
        if (m_waves)
          wave_fence(in.op == Op::kSfenceVma ? WaveFence::kSfenceVma : WaveFence::kSinvalVma);
        forget_memos();
        break;
      case Op::kSfenceWInval:
      case Op::kSfenceInvalIr:
        // Illegal in U mode only (mstatus.TVM does not apply). Each access completes before
        // the next starts, so the ordering they ask for already holds.
        if (!m_svinval || m_priv == Priv::kU) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        if (m_translator)
          m_translator->sfence_inval(in.op == Op::kSfenceInvalIr);
        if (m_waves)
          wave_fence(in.op == Op::kSfenceInvalIr ? WaveFence::kSfenceInvalIr
                                                 : WaveFence::kSfenceWInval);
        break;
      case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc:
      case Op::kCsrrwi: case Op::kCsrrsi: case Op::kCsrrci:
        if (!exec_csr(in, a, rd))
          goto trapped;
        break;
      case kFirstFpOp ... kLastFpOp:
        if (!exec_fp(in, a, rd))
          goto trapped;
        break;
      case Op::kIllegal:
      case Op::kUndecoded:
      case Op::kCount:
        raise(exc::kIllegalInstr, in.raw);
        goto trapped;
    }
    x[0] = 0;
    m_pc = npc;
    next_pc = npc;
    ++m_retired;
    --budget;
    if constexpr (kTrace)
      trace_insn(priv_before, pc, in);
    continue;
  trapped:
    x[0] = 0;
    m_trace_mem_size = 0;
    next_pc = m_pc;
  }
}

template void Hart::execute_dispatch<false>(uint64_t);
template void Hart::execute_dispatch<true>(uint64_t);

}  // namespace vmplat::cpu
