// cpu::Hart — an RV64IMAFDC (RV64GC) + Zicntr + Sstc instruction-set simulator with privilege
// modes M, S and U, loosely timed with temporal decoupling; F and D can be switched off
// (cpu.isa=rv64imac).
//
// One class, implemented in units a reader can find by name (docs/hart.md):
//   hart.cpp         construction, configuration, statistics, reset, the run loop and time
//   exec.cpp         the interpreter loop: fetch, dispatch, RV64I and privileged instructions
//   exec_m.h         the M extension (pure functions)      exec_a.cpp   the A extension
//   exec_fd.cpp      the F and D extensions (IEEE arithmetic: fpu.h)
//   hart_csr.cpp     the CSR file: a table of descriptors (csr.h), Zicsr instructions
//   hart_trap.cpp    traps, interrupts, xRET, privilege changes
//   hart_memory.cpp  translation, DMI, physical accesses, decode cache, fetch
//   hart_access.h    the inline fast paths of fetch, load and store
//   hart_debug.cpp   debugger stops and the commit-log trace
//   hart_waves.cpp   waveform hooks
//   decode.cpp       decoding (the C extension is decode-only: it expands to base ops)
//
// Speed comes from three things: each instruction is decoded once into a per-physical-page
// cache (invalidated by stores to that page and by FENCE.I); DRAM is reached through a DMI
// pointer; the hart runs a whole quantum (or until the next timer deadline or interrupt
// change) in a tight loop that touches no SystemC object, counting integer cycles.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/state.h"
#include "models/common/stats.h"
#include "models/common/timed_memory.h"
#include "models/common/wave_recorder.h"
#include "models/cpu/csr.h"
#include "models/cpu/debug_if.h"
#include "models/cpu/decode.h"
#include "models/cpu/hart_group.h"
#include "models/cpu/hpm.h"
#include "models/cpu/irq_if.h"
#include "models/cpu/pmp.h"
#include "models/cpu/riscv.h"
#include "models/cpu/translate_if.h"
#include "models/cpu/triggers.h"

namespace vmplat::cpu {

class Hart : public sc_core::sc_module, public IrqTarget {
 public:
  // Instruction fetches, loads, stores and AMOs, after translation (physical addresses).
  tlm_utils::simple_initiator_socket<Hart> isock;

  // Configuration (cpu.*), see docs/configuration.md:
  //   freq_mhz, quantum_ns, max_instructions, misaligned (perform|trap), trace (file),
  //   cycles.<class> for alu, mul, div, load, store, branch, jump, csr, system, amo.
  // Statistics (cpu.*): instret, cycles, ipc, exceptions.<cause>, interrupts.<cause>,
  //   wfi_cycles, decode_cache.pages, decode_cache.invalidations.
  SC_HAS_PROCESS(Hart);
  // The hart joins `group` (the harts of one platform, hart_group.h) and takes the next
  // hart id (mhartid); without one it is hart 0 of a group of its own. Every hart reads
  // the same configuration keys (cpu.*).
  explicit Hart(sc_core::sc_module_name name, HartGroup* group = nullptr);
  ~Hart() override;

  // A translator (the MMU) enables satp modes other than Bare; the hart's PMP checks its
  // page-table walker's accesses.
  void set_translator(Translator* translator);
  // Architectural reset state: M-mode at pc, a0/a1 as the virt machine's boot ROM sets them.
  void reset(uint64_t pc, uint64_t a0 = 0, uint64_t a1 = 0);

  // IrqTarget
  void set_irq_line(unsigned bit, bool level) override;
  void set_mtimecmp(uint64_t value) override;

  // State, for the platform, tests and debuggers.
  unsigned id() const { return m_id; }
  uint64_t pc() const { return m_pc; }
  uint64_t reg(unsigned i) const { return m_x[i & 31]; }
  uint64_t freg(unsigned i) const { return m_f[i & 31]; }
  uint32_t fcsr() const { return m_fcsr; }
  // Whether the hart has the F and D extensions (cpu.isa).
  bool has_fd() const { return m_has_fd; }
  Priv priv() const { return m_priv; }
  uint64_t instret() const { return m_retired; }
  uint64_t cycles() const { return m_cycles; }
  const sc_core::sc_time& period() const { return m_period; }
  // CSR value as software at M level would read it; false if not implemented.
  bool peek_csr(uint16_t csr, uint64_t& value) const;
  // Whether the hart implements Sstc (cpu.sstc): stimecmp and menvcfg.STCE.
  bool has_sstc() const { return m_sstc; }
  // Whether the hart implements Svinval (cpu.svinval).
  bool has_svinval() const { return m_svinval; }
  // True when the run ended because the instruction or cycle limit was reached.
  bool hit_instruction_limit() const { return m_limit_hit; }
  // Exit code of a run the hart ends because it loops from trap to trap (README).
  static constexpr int kTrapLoopExitCode = 95;
  // True while the hart sleeps in WFI.
  bool in_wfi() const { return m_wfi; }
  // The time of the caller: inside the hart's own thread its local time (m_cycles, ahead
  // of SystemC's under temporal decoupling), anywhere else sc_time_stamp().
  sc_core::sc_time now() const;
  // SystemC's time as it would be had every quantum ended in a wait: the hart skips the
  // waits that would only move SystemC time (quantum_sync); sim.time_ns reports this.
  sc_core::sc_time synced_time() const
  {
    return sc_core::sc_time::from_value(m_quantum_sync_cycles * m_period.value());
  }

  // Records cpu.priv, cpu.wfi, cpu.mip.*, cpu.mie and cpu.stimecmp in `waves` from now on
  // (docs/debugging.md, "Waveforms"). Without it the hooks cost one null test each, none of
  // them in the instruction loop.
  void set_waves(common::WaveRecorder& waves);

  // Checkpoints (hart_state.cpp, docs/checkpoints.md): the architectural state and the
  // hart's clock into `j`, and back. After restore_state the hart's thread first waits until
  // SystemC time reaches the restored clock, and its statistics count from there.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // Debugging (models/cpu/debug_if.h). The debugger calls these only while the hart is
  // stopped in Debugger::stopped(), or before the simulation starts.
  void set_debugger(Debugger* debugger, bool halt_at_reset);
  void debug_breakpoint(uint64_t pc, bool hardware, bool insert);
  void debug_watchpoint(uint64_t addr, uint64_t len, WatchKind kind, bool insert);
  // Removes every breakpoint and watchpoint (the debugger detached or went away).
  void debug_clear();
  void set_reg(unsigned i, uint64_t value)
  {
    if (i & 31)
      m_x[i & 31] = value;
  }
  void set_pc(uint64_t pc) { m_pc = pc; }
  // FP registers and fcsr as a debugger writes them, whatever mstatus.FS says (which then
  // becomes Dirty); false on a hart without F and D.
  bool set_freg(unsigned i, uint64_t value);
  bool set_fcsr(uint32_t value);
  // Writes a CSR as M-mode software would (with its side effects on translation state);
  // false if it is not implemented or read-only.
  bool poke_csr(uint16_t csr, uint64_t value);
  void set_priv_debug(Priv p) { set_priv(p); }
  // The translation context of a data access in the current state (MPRV applies).
  XlateContext xlate_context() const { return {m_priv, m_mstatus, m_satp, 0, m_menvcfg}; }
  // A physical access with no timing and no side effect on devices (transport_dbg), that
  // drops decoded instructions it overwrites; false where nothing answers.
  bool debug_access(uint64_t pa, uint8_t* buf, unsigned len, bool write)
  {
    return phys_access(pa, buf, len, write, true);
  }

 private:
  // Decoded instructions of one physical page, one slot per 2-byte offset. line_mask has a
  // bit per 64-byte line that holds decoded instructions, so a store to data that shares a
  // page with code only clears the lines it touches (and usually none).
  struct DecodedPage {
    Insn slot[2048];
    uint64_t line_mask = 0;
  };
  void thread();
  template <bool kTrace, bool kDebug>
  void execute(uint64_t budget);
  template <bool kTrace>
  void execute_dispatch(uint64_t budget);
  // Debug mode: stop checks before each instruction (breakpoints, watchpoints, steps).
  void debug_stop(const StopEvent& event);
  void update_debug_mode();
  bool watch_hit(const Insn& in, uint64_t rs1_value, StopEvent& event) const;
  // Sdtrig (hart_triggers.cpp): whether native triggers may fire now, and the checks
  // before a fetch and before an instruction executes; true after raising the breakpoint.
  bool triggers_enabled() const;
  bool trigger_before_fetch();
  bool trigger_before_execute(const Insn& in, uint64_t rs1_value);
  void sync();
  void quantum_sync();
  // A quantum's end passed without waiting, here or in execute(): counted, and SystemC's
  // time as it would have been (synced_time).
  void pass_quantum_end(uint64_t cycles)
  {
    ++m_quanta_passed;
    m_quantum_sync_cycles = cycles;
  }
  // Waits `t`, or until `event` if given (then at most `t` when t is not zero), parking
  // the reservation meanwhile (hart_group.h).
  void yield(const sc_core::sc_time& t, const sc_core::sc_event* event = nullptr);
  void wait_for_interrupt();
  sc_core::sc_time local_time() const;
  uint64_t now_mtime() const;
  uint64_t timer_deadline_cycle() const;
  void recompute_limits();

  // Traps (hart_trap.cpp; privileged spec 3.1.6, 3.3.1, 4.1.1): exception code or
  // interrupt number.
  void raise(uint8_t cause, uint64_t tval);
  void take_interrupt(unsigned irq);
  void enter_trap(bool to_s, uint64_t cause, uint64_t tval, uint64_t vector_offset);
  // A trap with no instruction retired since the last: ends the run when it repeats the
  // last one forever or when too many came in a row (cpu.trap_loop_limit).
  void note_trap_streak(bool to_s, uint64_t cause, uint64_t tval, uint64_t vector);
  // After a change that may make an interrupt pending or enabled: the run loop must look.
  void interrupt_state_changed();
  bool check_interrupts();
  uint64_t pending_interrupts() const;
  void do_mret();
  void do_sret();
  // The software-interrupt handler taken at m_ipi_handler returned (xRET at that level).
  void end_ipi_handler();
  void set_priv(Priv p);
  void update_xlate_flags();

  // Memory (hart_memory.cpp, hart_access.h). Each returns false after raising the trap.
  const Insn* fetch_repeat(uint64_t pc, uint64_t& pa) const;  // decoded, same virtual page
  const Insn* fetch_slow(uint64_t pa);
  const Insn* fetch_general();
  bool translate_fast(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa);
  bool translate_memo(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa);
  void forget_memos();
  void fetch_page(uint64_t pa);
  bool fetch_cross_page(uint64_t pa_lo, Insn& out);
  bool read_code(uint64_t pa, void* buf, unsigned len);
  void charge_fetch_line(uint64_t pa);  // advances m_cycles by one line read
  // Advances m_cycles by an access through the DMI pointer at offset `off`: the fixed DMI
  // latency, or under timed DMI the memory's timing model (charge_timed_dmi).
  void charge_dmi(uint64_t off, unsigned len, bool write);
  void charge_timed_dmi(common::TimedMemory* memory, uint64_t off, unsigned len, bool write);
  template <typename T>
  bool load(uint64_t va, T& out);
  template <typename T>
  bool store(uint64_t va, T value);
  // The execute loop's inline fast paths of load and store (charged to its local cycle
  // count), and the rest of them out of line.
  template <bool kWrite, typename T>
  bool access_fast(uint64_t va, T* data, uint64_t& cycles);
  template <typename T>
  bool load_fast(uint64_t va, T& out, uint64_t& cycles);
  template <typename T>
  bool store_fast(uint64_t va, T value, uint64_t& cycles);
  template <typename T>
  bool load_general(uint64_t va, T& out);
  template <typename T>
  bool store_general(uint64_t va, T value);
  // Translation (where the MMU applies) then PMP (where it applies); raises on a fault.
  bool translate(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa);
  bool pmp_check(uint64_t va, uint64_t pa, unsigned size, AccessKind kind);
  // The privilege loads and stores are made at (MPRV applies in M mode).
  Priv data_priv() const;
  bool access_slow(uint64_t va, uint8_t* buf, unsigned len, AccessKind kind);
  // Physical access outside the DMI fast path; false on a bus error.
  bool phys_access(uint64_t pa, uint8_t* buf, unsigned len, bool write, bool debug = false);
  void try_dmi(uint64_t pa);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  // A write reached memory: every hart of the group drops the code it overwrote, and
  // parked reservations it overlaps break (HartGroup::note_write).
  void note_code_write(uint64_t pa, unsigned len) { m_group->note_write(pa, len); }
  // This hart's part of it: the decoded instructions of the 64-byte lines written.
  friend class HartGroup;
  void drop_decoded(uint64_t pa, uint64_t len);
  void flush_decode_cache();

  // The A extension (exec_a.cpp); each returns false after raising the trap.
  bool exec_lr(unsigned size, uint64_t va, uint64_t& rd);
  bool exec_sc(unsigned size, uint64_t va, uint64_t value, uint64_t& rd);
  template <typename T>
  bool exec_amo(uint64_t va, Op op, uint64_t operand, uint64_t& old);
  // F and D (exec_fd.cpp): every FP op, through a handler per op (FpExec); rd is the
  // integer destination (compares, conversions to integers, FMV.X.*). False after raising
  // the trap.
  friend struct FpExec;
  bool exec_fp(const Insn& in, uint64_t rs1_value, uint64_t& rd);
  // Any FP state changed: mstatus.FS becomes Dirty.
  void fp_dirty() { m_mstatus |= mstatus::kFSDirty; }

  // The CSRs held as plain members, by name (save_state).
  static const std::vector<std::pair<const char*, uint64_t Hart::*>>& csr_members();

  // CSRs (hart_csr.cpp, csr.h). The table is the same for every hart.
  static const std::vector<CsrDesc>& csr_table();
  static const CsrDesc* find_csr(uint16_t number);
  // The descriptor if the current privilege and the CSR's own rule allow the access.
  const CsrDesc* csr_access(uint16_t csr) const;
  uint64_t csr_value(const CsrDesc& d) const;
  void csr_store(const CsrDesc& d, uint64_t value);
  // satp's WARL rule: the modes a write may select (bare, and what the MMU implements).
  bool satp_mode_supported(unsigned mode) const;
  // Refuses restored CSRs that hold a value no write could have left (restore_state).
  void check_restored_csrs(const common::StateIn& csr);
  bool exec_csr(const Insn& in, uint64_t rs1_value, uint64_t& rd);
  uint64_t read_mip() const;
  uint64_t mip_at(uint64_t mtime) const;
  bool counter_enabled(unsigned bit) const;
  // How many of a performance-counter event (cpu::hpm_event) happened since reset.
  uint64_t hpm_event_count(uint64_t event) const;

  void trace_insn(Priv priv, uint64_t pc, const Insn& in);

  // Waveform: for each timer bit (MTIP, STIP) whether it followed its compare at the last
  // look, and which compare, so an edge that time alone made is drawn when it happened.
  struct WaveTimer {
    unsigned signal = 0;
    bool timed = false;
    uint64_t cmp = 0;
  };
  void wave_update();
  void wave_timer(WaveTimer& timer, bool timed, uint64_t cmp, bool enabled, bool level);
  // The address-translation fences the waves show (mmu.fence), by their values there.
  enum class WaveFence : uint8_t { kSfenceVma = 1, kSinvalVma, kSfenceWInval, kSfenceInvalIr };
  void wave_fence(WaveFence kind);

  std::unique_ptr<HartGroup> m_own_group;
  HartGroup* m_group = nullptr;
  unsigned m_id = 0;
  // The statistics prefix the hart was built under ("hart1."; "" with one hart): its
  // waveform signals carry it too.
  std::string m_label;

  // Architectural state.
  uint64_t m_x[32] = {};
  uint64_t m_f[32] = {};  // FP registers; singles NaN-boxed
  uint32_t m_fcsr = 0;    // frm (bits 7:5) and fflags (bits 4:0)
  bool m_has_fd = true;   // cpu.isa has F and D
  uint64_t m_misa = 0;
  uint64_t m_pc = 0;
  Priv m_priv = Priv::kM;
  uint64_t m_mstatus = 0, m_medeleg = 0, m_mideleg = 0, m_mie = 0, m_mip_sw = 0;
  uint64_t m_mtvec = 0, m_stvec = 0, m_mepc = 0, m_sepc = 0, m_mcause = 0, m_scause = 0;
  uint64_t m_mtval = 0, m_stval = 0, m_mscratch = 0, m_sscratch = 0, m_satp = 0;
  uint64_t m_mcounteren = 0, m_scounteren = 0, m_menvcfg = 0, m_senvcfg = 0;
  uint64_t m_stimecmp = ~uint64_t{0}, m_mtimecmp = ~uint64_t{0};
  uint64_t m_mip_lines = 0;  // MSIP, MEIP, SEIP as driven by CLINT and PLIC
  Pmp m_pmp;
  Triggers m_triggers;
  Hpm m_hpm;  // mhpmcounter/mhpmevent, mcountinhibit, mcycle/minstret offsets
  bool m_reservation_valid = false;
  uint64_t m_reservation_pa = 0;
  bool m_wfi = false;
  // Between taking a software interrupt and the xRET at the level that took it.
  bool m_in_ipi = false;
  Priv m_ipi_handler = Priv::kM;

  // Time and run control.
  sc_core::sc_time m_period;
  uint64_t m_period_ps = 1000;
  uint64_t m_cycles = 0;        // cycles since reset; drives simulated time
  uint64_t m_sync_cycles = 0;   // m_cycles when SystemC time last caught up
  uint64_t m_quantum_sync_cycles = 0;  // m_cycles at the last quantum's end, waited or not
  uint64_t m_quantum_cycles = 1000;
  uint64_t m_quantum_end = 0;
  uint64_t m_stop_cycle = 0;    // the inner loop runs while m_cycles < m_stop_cycle
  uint64_t m_other_stop = 0;    // m_stop_cycle but for the quantum's end
  // Quantum ends before this cycle may be passed inside execute() as quantum_sync would
  // pass them, until the hart calls anything out of line (0: none may).
  uint64_t m_skip_until = 0;
  bool m_lazy_quanta = true;
  uint64_t m_quanta_waited = 0, m_quanta_passed = 0;
  uint64_t m_retired = 0;
  uint64_t m_traps = 0;  // traps taken since reset: progress for the instruction limit
  uint64_t m_max_instructions = 0;
  uint64_t m_max_cycles = 0;
  bool m_limit_hit = false;
  // Restored from a checkpoint and not yet resumed: the thread first catches up with
  // m_cycles and takes over the fetch line and DMI region below. Statistics count from the
  // m_stats_* values.
  bool m_restored = false;
  uint64_t m_stats_retired0 = 0, m_stats_cycles0 = 0;
  uint64_t m_restore_fetch_line = ~uint64_t{0}, m_restore_dmi_base = ~uint64_t{0};
  // Trap loops: traps since an instruction last retired, m_retired at the last trap, and
  // the first trap of the current run of them (for the message).
  struct TrapRecord {
    uint64_t cause = 0, pc = 0, tval = 0;
  };
  uint64_t m_trap_loop_limit = 100;
  uint64_t m_trap_streak = 0;
  uint64_t m_streak_retired = ~uint64_t{0};
  TrapRecord m_streak_first;
  sc_core::sc_event m_irq_event;
  std::array<uint64_t, size_t(InsnClass::kCount)> m_cost = {};
  bool m_misaligned_trap = false;
  bool m_sstc = true;
  bool m_svinval = false;

  // Translation and protection. m_xlate_*: fetches / loads and stores take the translation
  // path, because the MMU applies (m_mmu_*) or PMP does (m_pmp_*), or both.
  Translator* m_translator = nullptr;
  bool m_xlate_fetch = false, m_xlate_data = false;
  bool m_mmu_fetch = false, m_mmu_data = false;
  bool m_pmp_fetch = false, m_pmp_data = false;
  Priv m_data_priv = Priv::kM;
  // Per access kind, the whole pages [base, base + size) where the last allowed PMP
  // decision holds (Pmp::Decision), emptied with the memos; and whether the last
  // translate()'s PMP answer holds for its whole page.
  struct PmpWindow {
    uint64_t base = 0, size = 0;
  };
  PmpWindow m_pmp_window[3];
  bool m_pmp_whole_page = true;
  const uint64_t* m_tlb_generation[3] = {};
  // Repeat fast path under translation (Translator::tlb_generation), per access kind: the
  // page of the last translation that repeated a TLB hit, valid while the TLB's counter
  // still reads `gen`; what a repeat costs; how many repeats the translator has not been
  // told of yet. Where only PMP applies, the counter never moves and a page is remembered
  // whenever one PMP decision holds for all of it (tlb = false: its repeats are no TLB's).
  // Every PMP CSR write, privilege or mstatus change forgets the pages.
  struct XlateMemo {
    const uint64_t* generation = nullptr;
    uint64_t vpage = ~uint64_t{0};  // none
    uint64_t pbase = 0, gen = 0, cycles = 0, reused = 0;
    bool tlb = false;
  };
  XlateMemo m_memo[3];
  // The virtual page the fetch fast path serves from m_fetch_page (~0: none), the physical
  // base of that page, and what counts its fetches (the ITLB's repeats, or nothing).
  uint64_t m_fetch_vkey = ~uint64_t{0};
  uint64_t m_fetch_pbase = 0;
  uint64_t m_untranslated_fetches = 0;
  uint64_t* m_fetch_hits = &m_untranslated_fetches;

  // DMI fast path (one region: DRAM).
  uint8_t* m_dmi_ptr = nullptr;
  uint64_t m_dmi_base = 0, m_dmi_size = 0, m_dmi_fast_limit = 0;
  uint64_t m_dmi_read_cycles = 0, m_dmi_write_cycles = 0;
  common::TimedMemory* m_dmi_timed = nullptr;  // timed DMI: latencies from this model
  common::TimedMemory* m_fetch_timed = nullptr;  // ... and of fetch lines (TimedDmi)
  // Per DMI page, the group's marks (hart_group.h): which harts hold decoded code there,
  // whether a parked reservation lies there; null without DMI.
  uint16_t* m_code_page = nullptr;

  // Decode cache and instruction fetch.
  std::unordered_map<uint64_t, std::unique_ptr<DecodedPage>> m_decoded;
  std::vector<std::unique_ptr<DecodedPage>> m_dropped_pages;  // flushed, freed next run
  DecodedPage* m_fetch_page = nullptr;
  uint64_t m_fetch_ppn = ~uint64_t{0};
  uint64_t m_fetch_line = ~uint64_t{0};
  // How the current fetch page is read: not through DMI (0), through DMI at the fixed
  // latency (kFetchDmi), through timed DMI (kFetchTimedDmi).
  static constexpr uint8_t kFetchDmi = 1, kFetchTimedDmi = 2;
  uint8_t m_fetch_page_dmi = 0;
  Insn m_cross_insn;

  tlm::tlm_generic_payload m_trans;

  // Trace (Spike commit-log format).
  FILE* m_trace = nullptr;
  uint64_t m_trace_mem_addr = 0, m_trace_mem_value = 0;
  unsigned m_trace_mem_size = 0;
  bool m_trace_mem_write = false;
  Insn m_trace_insn;

  // Debugging. m_debug_mode selects the execute loop with stop checks; the first attempt
  // after a resume (m_dbg_resumed) is not stopped again at the same place.
  struct Breakpoint {
    uint64_t pc;
    bool hardware;
  };
  struct Watchpoint {
    uint64_t addr, len;
    WatchKind kind;
  };
  Debugger* m_debugger = nullptr;
  bool m_debug_halt_at_reset = false;
  bool m_debug_mode = false;
  bool m_dbg_step = false;
  bool m_dbg_resumed = false;
  unsigned m_dbg_poll = 0;
  std::vector<Breakpoint> m_breakpoints;
  std::vector<Watchpoint> m_watchpoints;
  // Waveform (set_waves): signal ids, and the latest time the waves looked at the hart.
  common::WaveRecorder* m_waves = nullptr;
  unsigned m_wave_priv = 0, m_wave_wfi = 0, m_wave_mie = 0, m_wave_stimecmp = 0;
  unsigned m_wave_fence = 0, m_wave_fences = 0;  // mmu.fence (kind), mmu.fences (count)
  uint64_t m_wave_fence_count = 0;
  std::array<unsigned, 6> m_wave_mip = {};
  std::array<WaveTimer, 2> m_wave_timer = {};
  sc_core::sc_time m_wave_look;
  sc_core::sc_process_handle m_thread;

  // Statistics.
  uint64_t m_exceptions[16] = {};
  uint64_t m_interrupts[16] = {};
  uint64_t m_wfi_cycles = 0;
  uint64_t m_code_invalidations = 0;
};

}  // namespace vmplat::cpu
