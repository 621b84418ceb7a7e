// The hart's CSR file (models/cpu/csr.h): the descriptor table, and the Zicsr instructions
// that use it. Privileged spec chapter 2 for the address map; Zicntr, Sstc.
#include <algorithm>
#include <array>

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

namespace {

// WARL writes of xtvec: MODE 0 (direct) and 1 (vectored) only; other values keep the
// register as it was.
void write_tvec(uint64_t& tvec, uint64_t v)
{
  if ((v & 3) < 2)
    tvec = v;
}

}  // namespace

const std::vector<CsrDesc>& Hart::csr_table()
{
  static const std::vector<CsrDesc> table = [] {
    std::vector<CsrDesc> t;
    // A plain register with a write mask.
    const auto plain = [&t](uint16_t number, const char* name, uint64_t Hart::*field,
                            uint64_t mask) {
      CsrDesc d;
      d.number = number;
      d.name = name;
      d.field = field;
      d.write_mask = mask;
      t.push_back(d);
    };
    // A computed register.
    const auto computed = [&t](uint16_t number, std::string name,
                               uint64_t (*read)(const Hart&, unsigned),
                               void (*write)(Hart&, unsigned, uint64_t), unsigned arg = 0,
                               bool (*allowed)(const Hart&, unsigned) = nullptr) {
      CsrDesc d;
      d.number = number;
      d.name = std::move(name);
      d.arg = arg;
      d.allowed = allowed;
      d.read = read;
      d.write = write;
      t.push_back(d);
    };
    const auto zero = [](const Hart&, unsigned) -> uint64_t { return 0; };

    // The FP CSRs (unprivileged 11.2): accessible while mstatus.FS is not Off (never on a
    // hart without F and D, whose FS is zero); a write makes FS Dirty. frm holds any 3-bit
    // value: the reserved ones only trap when an instruction uses them.
    const auto fp_on = [](const Hart& h, unsigned) { return (h.m_mstatus & mstatus::kFS) != 0; };
    const auto fcsr_write = [](Hart& h, unsigned mask, uint64_t v) {
      h.m_fcsr = (h.m_fcsr & ~mask) | (uint32_t(v) & mask);
      h.fp_dirty();
    };
    computed(0x001, "fflags", [](const Hart& h, unsigned) -> uint64_t { return h.m_fcsr & 0x1f; },
             fcsr_write, 0x1f, fp_on);
    computed(0x002, "frm", [](const Hart& h, unsigned) -> uint64_t { return h.m_fcsr >> 5 & 7; },
             [](Hart& h, unsigned, uint64_t v) {
               h.m_fcsr = (h.m_fcsr & 0x1f) | (uint32_t(v & 7) << 5);
               h.fp_dirty();
             },
             0, fp_on);
    computed(0x003, "fcsr", [](const Hart& h, unsigned) -> uint64_t { return h.m_fcsr & 0xff; },
             fcsr_write, 0xff, fp_on);

    // Unprivileged counters (Zicntr, Zihpm): read-only shadows of mcycle, mtime, minstret
    // and mhpmcounterN; from S they need mcounteren, from U also scounteren (privileged
    // 3.1.11).
    const auto counter_allowed = [](const Hart& h, unsigned bit) {
      return h.counter_enabled(bit);
    };
    computed(0xc00, "cycle", [](const Hart& h, unsigned) { return h.m_hpm.cycle(h.m_cycles); },
             nullptr, 0, counter_allowed);
    computed(0xc01, "time", [](const Hart& h, unsigned) { return h.now_mtime(); }, nullptr, 1,
             counter_allowed);
    computed(0xc02, "instret",
             [](const Hart& h, unsigned) { return h.m_hpm.instret(h.m_retired); }, nullptr, 2,
             counter_allowed);
    for (unsigned i = 3; i < 32; ++i)
      computed(
          uint16_t(0xc00 + i), "hpmcounter" + std::to_string(i),
          [](const Hart& h, unsigned i) { return h.m_hpm.counter(i); }, nullptr, i,
          counter_allowed);

    // Supervisor trap setup and handling (privileged 4.1).
    computed(
        0x100, "sstatus",
        [](const Hart& h, unsigned) { return mstatus_with_sd(h.m_mstatus) & kSstatusReadable; },
        [](Hart& h, unsigned, uint64_t v) {
          const uint64_t mask = kSstatusWritable | (h.m_has_fd ? mstatus::kFS : 0);
          h.m_mstatus = (h.m_mstatus & ~mask) | (v & mask);
          h.update_xlate_flags();
          h.m_stop_cycle = 0;
        });
    computed(
        0x104, "sie", [](const Hart& h, unsigned) { return h.m_mie & h.m_mideleg; },
        [](Hart& h, unsigned, uint64_t v) {
          h.m_mie = (h.m_mie & ~h.m_mideleg) | (v & h.m_mideleg & kSInterrupts);
          h.interrupt_state_changed();
        });
    computed(
        0x105, "stvec", [](const Hart& h, unsigned) { return h.m_stvec; },
        [](Hart& h, unsigned, uint64_t v) { write_tvec(h.m_stvec, v); });
    plain(0x106, "scounteren", &Hart::m_scounteren, 0xffffffff);
    plain(0x10a, "senvcfg", &Hart::m_senvcfg, 1);  // FIOM
    plain(0x140, "sscratch", &Hart::m_sscratch, ~uint64_t{0});
    plain(0x141, "sepc", &Hart::m_sepc, ~uint64_t{1});
    plain(0x142, "scause", &Hart::m_scause, ~uint64_t{0});
    plain(0x143, "stval", &Hart::m_stval, ~uint64_t{0});
    computed(
        0x144, "sip", [](const Hart& h, unsigned) { return h.read_mip() & h.m_mideleg; },
        [](Hart& h, unsigned, uint64_t v) {
          // Only SSIP is writable through sip, and only when delegated.
          const uint64_t mask = h.m_mideleg & (1ull << irq::kSSI);
          h.m_mip_sw = (h.m_mip_sw & ~mask) | (v & mask);
          h.interrupt_state_changed();
        });
    // Sstc: below M, stimecmp needs menvcfg.STCE, and from S also mcounteren.TM; without
    // Sstc (cpu.sstc = false) it does not exist.
    computed(
        0x14d, "stimecmp", [](const Hart& h, unsigned) { return h.m_stimecmp; },
        [](Hart& h, unsigned, uint64_t v) {
          h.m_stimecmp = v;
          h.interrupt_state_changed();
        },
        0,
        [](const Hart& h, unsigned) {
          return h.m_sstc && (h.m_priv == Priv::kM || ((h.m_menvcfg & menvcfg::kSTCE) &&
                                                       (h.m_mcounteren & kCounterenTM)));
        });
    computed(
        0x180, "satp", [](const Hart& h, unsigned) { return h.m_satp; },
        [](Hart& h, unsigned, uint64_t v) {
          // satp is WARL: a write with an unsupported MODE has no effect at all (privileged
          // 4.1.11). The ASID field keeps all 16 bits; the MMU decides how many it uses.
          if (!h.satp_mode_supported(satp::mode(v)))
            return;
          const uint64_t old = h.m_satp;
          h.m_satp = v;
          if (h.m_translator)
            h.m_translator->satp_written(old, h.m_satp);
          h.update_xlate_flags();
        },
        0,
        [](const Hart& h, unsigned) {
          return !(h.m_priv == Priv::kS && (h.m_mstatus & mstatus::kTVM));
        });

    // Machine information (read-only by number).
    computed(0xf11, "mvendorid", zero, nullptr);  // non-commercial
    computed(0xf12, "marchid", zero, nullptr);
    computed(0xf13, "mimpid", [](const Hart&, unsigned) -> uint64_t { return 1; }, nullptr);
    computed(
        0xf14, "mhartid", [](const Hart& h, unsigned) -> uint64_t { return h.m_id; }, nullptr);
    computed(0xf15, "mconfigptr", zero, nullptr);  // no configuration structure

    // Machine trap setup and handling (privileged 3.1).
    computed(
        0x300, "mstatus", [](const Hart& h, unsigned) { return mstatus_with_sd(h.m_mstatus); },
        [](Hart& h, unsigned, uint64_t v) {
          const uint64_t mask = kMstatusWritable | (h.m_has_fd ? mstatus::kFS : 0);
          uint64_t next = (h.m_mstatus & ~mask) | (v & mask);
          // MPP is WARL over the implemented modes: the reserved value 2 keeps the old one.
          if (((next & mstatus::kMPP) >> mstatus::kMPPShift) == 2)
            next = (next & ~mstatus::kMPP) | (h.m_mstatus & mstatus::kMPP);
          h.m_mstatus = next | kUxlSxl64;
          h.update_xlate_flags();
          h.m_stop_cycle = 0;
        });
    // misa is WARL: the extensions cannot be turned off.
    computed(0x301, "misa", [](const Hart& h, unsigned) { return h.m_misa; }, nullptr);
    plain(0x302, "medeleg", &Hart::m_medeleg, kMedelegWritable);
    computed(
        0x303, "mideleg", [](const Hart& h, unsigned) { return h.m_mideleg; },
        [](Hart& h, unsigned, uint64_t v) {
          h.m_mideleg = v & kSInterrupts;
          h.m_stop_cycle = 0;
        });
    computed(
        0x304, "mie", [](const Hart& h, unsigned) { return h.m_mie; },
        [](Hart& h, unsigned, uint64_t v) {
          h.m_mie = v & kAllInterrupts;
          h.interrupt_state_changed();
        });
    computed(
        0x305, "mtvec", [](const Hart& h, unsigned) { return h.m_mtvec; },
        [](Hart& h, unsigned, uint64_t v) { write_tvec(h.m_mtvec, v); });
    plain(0x306, "mcounteren", &Hart::m_mcounteren, 0xffffffff);
    computed(
        0x30a, "menvcfg", [](const Hart& h, unsigned) { return h.m_menvcfg; },
        [](Hart& h, unsigned, uint64_t v) {
          // Without Sstc, STCE is read-only zero; PBMTE and ADUE are writable when the MMU
          // implements Svpbmt and Svadu.
          const uint64_t xlate = h.m_translator ? h.m_translator->menvcfg_bits() : 0;
          h.m_menvcfg = v & (menvcfg::kFIOM | (h.m_sstc ? menvcfg::kSTCE : 0) | xlate);
          h.interrupt_state_changed();
        });
    computed(
        0x320, "mcountinhibit", [](const Hart& h, unsigned) { return h.m_hpm.inhibit(); },
        [](Hart& h, unsigned, uint64_t v) { h.m_hpm.write_inhibit(v, h.m_cycles, h.m_retired); });
    plain(0x340, "mscratch", &Hart::m_mscratch, ~uint64_t{0});
    plain(0x341, "mepc", &Hart::m_mepc, ~uint64_t{1});
    plain(0x342, "mcause", &Hart::m_mcause, ~uint64_t{0});
    plain(0x343, "mtval", &Hart::m_mtval, ~uint64_t{0});
    computed(
        0x344, "mip", [](const Hart& h, unsigned) { return h.read_mip(); },
        [](Hart& h, unsigned, uint64_t v) {
          // SSIP, SEIP and (without Sstc) STIP are software-writable; SEIP as read is the
          // OR of this bit and the PLIC's line.
          uint64_t mask = (1ull << irq::kSSI) | (1ull << irq::kSEI);
          if (!(h.m_menvcfg & menvcfg::kSTCE))
            mask |= 1ull << irq::kSTI;
          h.m_mip_sw = (h.m_mip_sw & ~mask) | (v & mask);
          h.interrupt_state_changed();
        });
    // A read-modify-write of mip uses the software-written SEIP alone, not the OR with
    // the PLIC's line: setting STIP must not latch a pending external interrupt into SEIP
    // for good.
    t.back().rmw_base = [](const Hart& h, unsigned) {
      constexpr uint64_t seip = 1ull << irq::kSEI;
      return (h.read_mip() & ~seip) | (h.m_mip_sw & seip);
    };

    // PMP (privileged 3.7; models/cpu/pmp.h has the WARL rules). On RV64 only the even
    // pmpcfg numbers exist; all 64 entries' CSRs do, those past cpu.pmp.entries read as
    // zero and ignore writes. A write drops every cached PMP decision.
    for (unsigned n = 0; n < 16; n += 2)
      computed(
          uint16_t(0x3a0 + n), "pmpcfg" + std::to_string(n),
          [](const Hart& h, unsigned n) { return h.m_pmp.read_cfg(n); },
          [](Hart& h, unsigned n, uint64_t v) {
            h.m_pmp.write_cfg(n, v);
            h.update_xlate_flags();
          },
          n);
    for (unsigned i = 0; i < 64; ++i)
      computed(
          uint16_t(0x3b0 + i), "pmpaddr" + std::to_string(i),
          [](const Hart& h, unsigned i) { return h.m_pmp.read_addr(i); },
          [](Hart& h, unsigned i, uint64_t v) {
            h.m_pmp.write_addr(i, v);
            h.update_xlate_flags();
          },
          i);

    // Debug triggers (Sdtrig, models/cpu/triggers.h), M mode only by number; with
    // cpu.triggers = 0 they do not exist. tdata1 writes arm or disarm the per-instruction
    // checks, so the run ends and the loop is chosen again. tdata3 (textra) and tinfo ignore
    // writes.
    const auto triggers_exist = [](const Hart& h, unsigned) { return h.m_triggers.count() > 0; };
    computed(
        0x7a0, "tselect", [](const Hart& h, unsigned) { return h.m_triggers.tselect(); },
        [](Hart& h, unsigned, uint64_t v) { h.m_triggers.write_tselect(v); }, 0, triggers_exist);
    computed(
        0x7a1, "tdata1", [](const Hart& h, unsigned) { return h.m_triggers.tdata1(); },
        [](Hart& h, unsigned, uint64_t v) {
          h.m_triggers.write_tdata1(v);
          h.update_debug_mode();
          h.m_stop_cycle = 0;
        },
        0, triggers_exist);
    computed(
        0x7a2, "tdata2", [](const Hart& h, unsigned) { return h.m_triggers.tdata2(); },
        [](Hart& h, unsigned, uint64_t v) { h.m_triggers.write_tdata2(v); }, 0, triggers_exist);
    computed(0x7a3, "tdata3", zero, nullptr, 0, triggers_exist);
    computed(
        0x7a4, "tinfo", [](const Hart&, unsigned) { return Triggers::kTinfo; }, nullptr, 0,
        triggers_exist);

    // Machine counters (privileged 3.1.10; models/cpu/hpm.h). A minstret write is what the
    // next instruction reads (Zicntr). mhpmcounter3..31 count the MMU events their
    // mhpmevent3..31 select (docs/mmu.md, "Performance counters").
    computed(
        0xb00, "mcycle", [](const Hart& h, unsigned) { return h.m_hpm.cycle(h.m_cycles); },
        [](Hart& h, unsigned, uint64_t v) { h.m_hpm.write_cycle(h.m_cycles, v); });
    computed(
        0xb02, "minstret", [](const Hart& h, unsigned) { return h.m_hpm.instret(h.m_retired); },
        [](Hart& h, unsigned, uint64_t v) { h.m_hpm.write_instret(h.m_retired, v); });
    for (unsigned i = 3; i < 32; ++i) {
      computed(
          uint16_t(0xb00 + i), "mhpmcounter" + std::to_string(i),
          [](const Hart& h, unsigned i) { return h.m_hpm.counter(i); },
          [](Hart& h, unsigned i, uint64_t v) { h.m_hpm.write_counter(i, v); }, i);
      computed(
          uint16_t(0x320 + i), "mhpmevent" + std::to_string(i),
          [](const Hart& h, unsigned i) { return h.m_hpm.event(i); },
          [](Hart& h, unsigned i, uint64_t v) { h.m_hpm.write_event(i, v); }, i);
    }

    std::sort(t.begin(), t.end(),
              [](const CsrDesc& a, const CsrDesc& b) { return a.number < b.number; });
    return t;
  }();
  return table;
}

const CsrDesc* Hart::find_csr(uint16_t number)
{
  static const std::array<const CsrDesc*, 4096> index = [] {
    std::array<const CsrDesc*, 4096> a{};
    for (const CsrDesc& d : csr_table())
      a[d.number] = &d;
    return a;
  }();
  return index[number & 0xfff];
}

uint64_t Hart::hpm_event_count(uint64_t event) const
{
  using namespace hpm_event;
  if (event == kCycles)
    return m_cycles;
  if (event == kInstructions)
    return m_retired;
  if (!m_translator)
    return 0;
  switch (event) {
    case kItlbMiss: return m_translator->event_count(MmuEvent::kItlbMiss);
    case kDtlbLoadMiss: return m_translator->event_count(MmuEvent::kDtlbLoadMiss);
    case kDtlbStoreMiss: return m_translator->event_count(MmuEvent::kDtlbStoreMiss);
    case kL2tlbMiss: return m_translator->event_count(MmuEvent::kL2tlbMiss);
    case kWalk: return m_translator->event_count(MmuEvent::kWalk);
    case kWalkCycles: return m_translator->event_count(MmuEvent::kWalkCycles);
    case kPageFault: return m_translator->event_count(MmuEvent::kPageFault);
  }
  return 0;
}

bool Hart::counter_enabled(unsigned bit) const
{
  // cycle/time/instret/hpmcounterN from S need mcounteren; from U also scounteren.
  if (m_priv == Priv::kM)
    return true;
  if (!((m_mcounteren >> bit) & 1))
    return false;
  return m_priv == Priv::kS || ((m_scounteren >> bit) & 1);
}

const CsrDesc* Hart::csr_access(uint16_t csr) const
{
  const CsrDesc* d = find_csr(csr);
  if (!d || csr_min_priv(csr) > unsigned(m_priv) || (d->allowed && !d->allowed(*this, d->arg)))
    return nullptr;
  return d;
}

uint64_t Hart::csr_value(const CsrDesc& d) const
{
  return d.field ? this->*d.field : d.read(*this, d.arg);
}

void Hart::csr_store(const CsrDesc& d, uint64_t value)
{
  if (d.field)
    this->*d.field = (this->*d.field & ~d.write_mask) | (value & d.write_mask);
  else if (d.write)
    d.write(*this, d.arg, value);
}

bool Hart::exec_csr(const Insn& in, uint64_t rs1_value, uint64_t& rd)
{
  const bool imm_form = in.op >= Op::kCsrrwi;
  const uint64_t src = imm_form ? uint64_t(in.rs1) : rs1_value;
  const bool is_write_op = in.op == Op::kCsrrw || in.op == Op::kCsrrwi;
  // CSRRS/CSRRC with rs1 = x0 (or uimm 0) do not write (Zicsr 9.1).
  const bool writes = is_write_op || in.rs1 != 0;
  const CsrDesc* d = csr_access(in.csr);
  if (!d || (writes && csr_read_only(in.csr))) {
    raise(exc::kIllegalInstr, in.raw);
    return false;
  }
  const uint64_t old = csr_value(*d);
  if (writes) {
    const bool set = in.op == Op::kCsrrs || in.op == Op::kCsrrsi;
    const uint64_t base = d->rmw_base ? d->rmw_base(*this, d->arg) : old;
    csr_store(*d, is_write_op ? src : set ? (base | src) : (base & ~src));
  }
  rd = old;
  return true;
}

bool Hart::satp_mode_supported(unsigned mode) const
{
  return mode == satp::kModeBare || (m_translator && m_translator->supports_satp_mode(mode));
}

bool Hart::peek_csr(uint16_t csr, uint64_t& value) const
{
  // As M-mode would read it, without side effects.
  Hart& self = const_cast<Hart&>(*this);
  const Priv saved = self.m_priv;
  self.m_priv = Priv::kM;
  const CsrDesc* d = csr_access(csr);
  if (d)
    value = csr_value(*d);
  self.m_priv = saved;
  return d != nullptr;
}

bool Hart::poke_csr(uint16_t csr, uint64_t value)
{
  const CsrDesc* d = find_csr(csr);
  if (!d || csr_read_only(csr))
    return false;
  csr_store(*d, value);
  return true;
}

}  // namespace vmplat::cpu
