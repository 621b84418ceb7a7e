// Fuzz harness: what a guest does to the virt platform's small devices through their
// registers, as the hart's loads and stores reach them through the router: the CLINT, the
// PLIC, the UART 16550, the sim-control device and the finisher, plus the device interrupt
// lines into the PLIC and addresses no device holds.
//
// Input: operations of 16 bytes each (a shorter tail is ignored), so seeds can be written
// by hand (tests/fuzz/make_seeds.py):
//   0     what: 0-2 PLIC access, 3 CLINT, 4 UART, 5 sim-control, 6 finisher, 7 an address no
//         device holds, 8 a PLIC register through the debug transport, 9 a PLIC source line
//         (source 1 + byte 1 % 31, high when byte 5 bit 0 is set); taken mod 10
//   1     which register: one the device defines (0-6), or any offset from bytes 2-3 (7)
//   2-3   n, little-endian: selects among registers of one kind (source, context, hart)
//   4     bits 2:0 the width (4, 4, 4, 8, 1, 2, 3 or 16 bytes); bit 3: a UART access of 1
//         byte instead of 4; bit 4: misaligned, by 1 + bits 7:5 mod 7 bytes
//   5     bit 0: write (else read); bit 1: the value is small (PLIC: 0-33, a source id,
//         priority or threshold; sim-control CMD: 0-5; finisher: pass, fail with a code of
//         0-3 or reset)
//   6-13  the value, little-endian
//   14-15 the initiator's time offset, in units of 15 259 ns (up to about 1 s)
//
// Properties, after every operation: each access completes with the response its device's
// register table (models/periph/*.h) gives for that width, alignment and offset, never
// TLM_INCOMPLETE_RESPONSE; and
//   PLIC: every read, and both context outputs (mip.MEIP and mip.SEIP at the hart), equal a
//     reference PLIC written here from the table in plic.h (QEMU gateway): priorities and
//     thresholds WARL 0..7, pending set by a high line also in service, a claim returns the
//     enabled pending source not in service of highest priority above the threshold (ties:
//     lowest id) and puts it in service, a completion of an enabled source in service ends
//     it, a debug read of claim/complete shows the claim without making it;
//   CLINT: msip reads back bit 0 of what was written and drives mip.MSIP; mtimecmp reads
//     back what its 32- and 64-bit writes left and is pushed to the hart after each write;
//     mtime reads the time of the access (the time offset given, at 10 MHz); other harts'
//     registers read zero;
//   UART: SCR and LCR read back the written byte, LSR always shows THRE and TEMT;
//   sim-control: MAGIC and VERSION read their constants, ARG reads back, COUNT counts the
//     SNAPSHOT commands; END stops the run with ARG as exit code;
//   finisher: reads return 0; a pass, fail or reset write stops the run with its code, the
//     first stop request winning;
//   an address no device holds answers TLM_ADDRESS_ERROR_RESPONSE.
// Each input starts from the devices' reset state (restored from a checkpoint of it) and a
// fresh run state, so inputs are independent.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm>

#include "models/bus/router.h"
#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/sim.h"
#include "models/common/state.h"
#include "models/cpu/riscv.h"
#include "models/periph/clint.h"
#include "models/periph/finisher.h"
#include "models/periph/plic.h"
#include "models/periph/sim_ctrl.h"
#include "models/periph/uart16550.h"
#include "platforms/virt/memory_map.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using fuzz::fail;
using periph::Clint;
using periph::Plic;
using periph::SimCtrl;

namespace {

// The virt map's bases, and an address between them that no device holds.
constexpr uint64_t kFinisher = virt::kFinisherBase, kSimCtrl = virt::kSimCtrlBase,
                   kClint = virt::kClintBase, kPlic = virt::kPlicBase, kUart = virt::kUartBase,
                   kUnmapped = 0x0300'0000;

// Top-level modules (not children of a module), so their names and configuration keys are
// the platform's: "uart.input", "plic.claims.none".
struct World {
  test::TestInitiator cpu{"cpu"};
  bus::Router router{"router"};
  periph::Finisher finisher{"finisher"};
  SimCtrl simctl{"simctl"};
  Clint clint{"clint"};
  Plic plic{"plic"};
  periph::Uart16550 uart{"uart"};
  test::FakeHart hart;
  test::FakeIrqSink uart_line;
  nlohmann::json reset_state;

  World()
  {
    router.map(kFinisher, periph::Finisher::kSize, "finisher");
    router.isock.bind(finisher.tsock);
    router.map(kSimCtrl, SimCtrl::kSize, "simctl");
    router.isock.bind(simctl.tsock);
    router.map(kClint, Clint::kSize, "clint");
    router.isock.bind(clint.tsock);
    router.map(kPlic, Plic::kSize, "plic");
    router.isock.bind(plic.tsock);
    router.map(kUart, periph::Uart16550::kSize, "uart");
    router.isock.bind(uart.tsock);
    cpu.isock.bind(router.tsock);
    uart.irq.bind(uart_line, virt::kUartIrq);
    clint.save_state(reset_state["clint"]);
    plic.save_state(reset_state["plic"]);
    simctl.save_state(reset_state["simctl"]);
    uart.save_state(reset_state["uart"]);
  }

  // Back to the state after reset, with the hart's view of the lines pushed again.
  void reset()
  {
    common::sim().reset();
    clint.restore_state(common::StateIn(reset_state["clint"], "clint"));
    plic.restore_state(common::StateIn(reset_state["plic"], "plic"));
    simctl.restore_state(common::StateIn(reset_state["simctl"], "simctl"));
    uart.restore_state(common::StateIn(reset_state["uart"], "uart"));
    hart = test::FakeHart();
    clint.bind_hart(hart);
    plic.bind_hart(hart);
  }
};

World& world()
{
  static World* w = [] {
    common::install_report_handler("error");  // the finisher warns of ignored writes
    auto& cfg = common::config();
    cfg.set("uart.input", "none", "fuzz");
    cfg.set("uart.output", "/dev/null", "fuzz");
    auto* world = new World;
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return world;
  }();
  return *w;
}

// The PLIC of plic.h's table, QEMU gateway.
struct RefPlic {
  std::array<uint32_t, 32> prio{};
  uint32_t pending = 0, claimed = 0;
  std::array<uint32_t, 2> enable{}, threshold{};

  unsigned best(unsigned ctx) const
  {
    const uint32_t candidates = pending & enable[ctx] & ~claimed;
    unsigned id = 0;
    for (unsigned src = 1; src < 32; ++src)
      if ((candidates >> src & 1) && prio[src] > threshold[ctx] && (id == 0 || prio[src] > prio[id]))
        id = src;
    return id;
  }
  bool out(unsigned ctx) const { return best(ctx) != 0; }
  void signal(unsigned src, bool level)
  {
    if (level)
      pending |= 1u << src;
  }
  // A register at `off` (4-byte aligned, inside the PLIC), read with side effects or not.
  uint32_t read(uint64_t off, bool claim)
  {
    if (off < Plic::kPending)
      return off / 4 < 32 ? prio[off / 4] : 0;
    if (off == Plic::kPending)
      return pending;
    if (off >= Plic::kEnable && off < Plic::kContext) {
      const uint64_t ctx = (off - Plic::kEnable) / Plic::kEnableStride;
      return ctx < 2 && (off - Plic::kEnable) % Plic::kEnableStride == 0 ? enable[ctx] : 0;
    }
    if (off >= Plic::kContext) {
      const uint64_t ctx = (off - Plic::kContext) / Plic::kContextStride;
      const uint64_t reg = (off - Plic::kContext) % Plic::kContextStride;
      if (ctx >= 2)
        return 0;
      if (reg == 0)
        return threshold[ctx];
      if (reg == 4) {
        const unsigned id = best(unsigned(ctx));
        if (claim && id) {
          pending &= ~(1u << id);
          claimed |= 1u << id;
        }
        return id;
      }
    }
    return 0;
  }
  void write(uint64_t off, uint32_t v)
  {
    if (off < Plic::kPending) {
      if (off / 4 != 0 && off / 4 < 32)
        prio[off / 4] = v & 7;
    } else if (off >= Plic::kEnable && off < Plic::kContext) {
      const uint64_t ctx = (off - Plic::kEnable) / Plic::kEnableStride;
      if (ctx < 2 && (off - Plic::kEnable) % Plic::kEnableStride == 0)
        enable[ctx] = v;
    } else if (off >= Plic::kContext) {
      const uint64_t ctx = (off - Plic::kContext) / Plic::kContextStride;
      const uint64_t reg = (off - Plic::kContext) % Plic::kContextStride;
      if (ctx < 2 && reg == 0)
        threshold[ctx] = v & 7;
      if (ctx < 2 && reg == 4 && v != 0 && v < 32 && (enable[ctx] >> v & 1) && (claimed >> v & 1))
        claimed &= ~(1u << v);
    }
  }
};

struct Ref {
  RefPlic plic;
  bool msip = false;
  uint64_t mtimecmp = ~uint64_t(0);
  uint8_t scr = 0, lcr = 0;
  uint32_t arg = 0;
  uint64_t snapshots = 0;
  bool stopped = false;
  int exit_code = 0;

  void stop(int code)
  {
    if (!stopped) {
      stopped = true;
      exit_code = code;
    }
  }
};

const char* status_name(tlm::tlm_response_status s)
{
  switch (s) {
    case tlm::TLM_OK_RESPONSE: return "ok";
    case tlm::TLM_INCOMPLETE_RESPONSE: return "incomplete";
    case tlm::TLM_GENERIC_ERROR_RESPONSE: return "generic error";
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return "address error";
    case tlm::TLM_COMMAND_ERROR_RESPONSE: return "command error";
    case tlm::TLM_BURST_ERROR_RESPONSE: return "burst error";
    case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE: return "byte enable error";
  }
  return "?";
}

std::string hex(uint64_t v)
{
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// The response the device tables give: widths allowed, natural alignment, offsets in range.
tlm::tlm_response_status expected_status(bool ok_width, uint64_t off, unsigned len)
{
  if (!ok_width)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  if (off & (len - 1))
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

bool is_pow2_upto8(unsigned len) { return len == 1 || len == 2 || len == 4 || len == 8; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  World& w = world();
  w.reset();
  static const bool trace = std::getenv("FUZZ_MMIO_TRACE") != nullptr;
  Ref ref;
  static const unsigned kWidths[8] = {4, 4, 4, 8, 1, 2, 3, 16};
  for (size_t op = 0; (op + 1) * 16 <= size; ++op) {
    const uint8_t* const r = data + op * 16;
    const unsigned what = r[0] % 10;
    std::string where = "op " + std::to_string(op) + ": ";
    if (what == 9) {  // a device line into the PLIC
      const unsigned src = 1 + r[1] % 31;
      const bool level = r[5] & 1;
      if (trace)
        std::fprintf(stderr, "%sline %u %s\n", where.c_str(), src, level ? "high" : "low");
      w.plic.set_irq(src, level);
      ref.plic.signal(src, level);
    } else {
      enum Dev { kDevPlic, kDevClint, kDevUart, kDevSimCtrl, kDevFinisher, kDevNone };
      static const Dev kDevOf[9] = {kDevPlic,     kDevPlic,   kDevPlic,  kDevClint, kDevUart,
                                    kDevSimCtrl, kDevFinisher, kDevNone, kDevPlic};
      static const uint64_t kBaseOf[] = {kPlic, kClint, kUart, kSimCtrl, kFinisher, kUnmapped};
      const Dev dev = kDevOf[what];  // 8: a debug read of the PLIC
      const uint64_t base = kBaseOf[dev];
      const bool debug = what == 8;
      const unsigned pick = r[1] % 8;
      const uint32_t n = r[2] | uint32_t(r[3]) << 8;
      uint64_t off = 0;
      switch (dev) {
        case kDevPlic: {
          const uint64_t regs[] = {4 * (n % 33),
                                   Plic::kPending + 4 * (n % 3),
                                   Plic::kEnable + Plic::kEnableStride * (n % 3) + 4 * (n / 3 % 2),
                                   Plic::kContext + Plic::kContextStride * (n % 3),
                                   Plic::kContext + Plic::kContextStride * (n % 3) + 4,
                                   Plic::kContext + Plic::kContextStride * (n % 3) + 4,
                                   Plic::kContext + Plic::kContextStride * (n % 3) + 8,
                                   uint64_t(n) * 4096 % (Plic::kSize - 32)};
          off = regs[pick];
          break;
        }
        case kDevClint: {
          const uint64_t regs[] = {Clint::kMsip,    Clint::kMsip + 4 * (n % 8), Clint::kMtimecmp,
                                   Clint::kMtimecmp + 4, Clint::kMtimecmp + 8 * (n % 8),
                                   Clint::kMtime,   Clint::kMtime + 4,         n % (Clint::kSize - 32)};
          off = regs[pick];
          break;
        }
        case kDevUart: off = pick == 7 ? n % (periph::Uart16550::kSize - 32) : pick; break;
        case kDevSimCtrl: off = pick < 6 ? 4 * pick : n % (SimCtrl::kSize - 32); break;
        case kDevFinisher: off = pick < 6 ? 0 : n % (periph::Finisher::kSize - 32); break;
        case kDevNone: off = n; break;
      }
      unsigned len = kWidths[r[4] & 7];
      if (dev == kDevUart && len == 4 && (r[4] & 8))
        len = 1;
      if (r[4] & 0x10)
        off += 1 + (r[4] >> 5) % 7;  // misaligned
      const bool write = !debug && (r[5] & 1);
      uint64_t value = 0;
      std::memcpy(&value, r + 6, 8);
      if (r[5] & 2) {  // a small value
        if (dev == kDevPlic)
          value %= 34;
        else if (dev == kDevSimCtrl)
          value %= 6;
        else if (dev == kDevFinisher) {
          static const uint32_t kCodes[] = {0x5555, 0x3333, 0x7777};
          value = kCodes[value % 3] | (value / 3 % 4) << 16;
        }
      }
      const uint64_t delay_ns = (r[14] | uint64_t(r[15]) << 8) * 15'259;
      where += std::string(debug ? "debug read" : write ? "write" : "read") + " of " +
               std::to_string(len) + " bytes at " + hex(base + off) + ": ";
      if (trace)
        std::fprintf(stderr, "%svalue %s, time offset %llu ns\n", where.c_str(), hex(value).c_str(),
                     (unsigned long long)delay_ns);

      // What the device tables say the response is, and what the reference does.
      tlm::tlm_response_status want = tlm::TLM_OK_RESPONSE;
      bool check_value = false;
      uint64_t want_value = 0, value_mask = len >= 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * len)) - 1;
      switch (dev) {
        case kDevPlic:
          want = expected_status(len == 4, off, len);
          if (want == tlm::TLM_OK_RESPONSE) {
            if (write) {
              ref.plic.write(off, uint32_t(value));
            } else {
              check_value = true;
              want_value = ref.plic.read(off, !debug);
            }
          }
          break;
        case kDevClint:
          want = expected_status(len == 4 || len == 8, off, len);
          if (want == tlm::TLM_OK_RESPONSE && off < Clint::kMtimecmp && len != 4)
            want = tlm::TLM_BURST_ERROR_RESPONSE;
          if (want == tlm::TLM_OK_RESPONSE) {
            const uint64_t mask = len == 8 ? ~uint64_t(0) : 0xffff'ffffull;
            auto window = [&](uint64_t reg, unsigned& shift) {
              shift = unsigned(8 * (off - reg));
              return off >= reg && off + len <= reg + 8;
            };
            unsigned shift = 0;
            if (write) {
              if (off == Clint::kMsip)
                ref.msip = value & 1;
              else if (window(Clint::kMtimecmp, shift))
                ref.mtimecmp = (ref.mtimecmp & ~(mask << shift)) | ((value & mask) << shift);
            } else {
              check_value = true;
              if (off == Clint::kMsip)
                want_value = ref.msip;
              else if (window(Clint::kMtimecmp, shift))
                want_value = (ref.mtimecmp >> shift) & mask;
              else if (window(Clint::kMtime, shift))
                want_value = (delay_ns / 100 >> shift) & mask;  // 10 MHz, from time 0
            }
          }
          break;
        case kDevUart:
          want = expected_status(is_pow2_upto8(len), off, len);
          if (want == tlm::TLM_OK_RESPONSE) {
            const unsigned reg = unsigned(off & 7);
            if (write && reg == 7)
              ref.scr = uint8_t(value);
            if (write && reg == 3)
              ref.lcr = uint8_t(value);
            if (!write && (reg == 7 || reg == 3)) {
              check_value = true;
              want_value = reg == 7 ? ref.scr : ref.lcr;
            }
          }
          break;
        case kDevSimCtrl: {
          const bool name = off == SimCtrl::kName;
          want = expected_status(name ? (len == 1 || len == 2 || len == 4) : len == 4, off, len);
          if (want == tlm::TLM_OK_RESPONSE && off > SimCtrl::kCount)
            want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
          if (want != tlm::TLM_OK_RESPONSE)
            break;
          const bool read_only = off == SimCtrl::kMagic || off == SimCtrl::kVersion ||
                                 off == SimCtrl::kCount;
          const bool write_only = off == SimCtrl::kCmd || name;
          if ((write && read_only) || (!write && write_only)) {
            want = tlm::TLM_COMMAND_ERROR_RESPONSE;
            break;
          }
          if (write && off == SimCtrl::kArg)
            ref.arg = uint32_t(value);
          if (write && off == SimCtrl::kCmd) {
            if (uint32_t(value) == SimCtrl::kSnapshot)
              ++ref.snapshots;
            if (uint32_t(value) == SimCtrl::kEnd)
              ref.stop(int(ref.arg));
          }
          if (!write) {
            check_value = true;
            want_value = off == SimCtrl::kMagic     ? SimCtrl::kMagicValue
                         : off == SimCtrl::kVersion ? SimCtrl::kVersionValue
                         : off == SimCtrl::kArg     ? ref.arg
                                                    : ref.snapshots;
          }
          break;
        }
        case kDevFinisher:
          want = expected_status(len == 2 || len == 4, off, len);
          if (want == tlm::TLM_OK_RESPONSE && !write) {
            check_value = true;
            want_value = 0;
          }
          if (want == tlm::TLM_OK_RESPONSE && write && off == 0) {
            const uint32_t v = uint32_t(value & value_mask);
            const uint32_t code = v >> 16;
            if ((v & 0xffff) == periph::Finisher::kPass)
              ref.stop(0);
            else if ((v & 0xffff) == periph::Finisher::kFail)
              ref.stop(code ? int(code) : 1);
            else if ((v & 0xffff) == periph::Finisher::kReset)
              ref.stop(periph::Finisher::kResetExitCode);
          }
          break;
        case kDevNone: want = tlm::TLM_ADDRESS_ERROR_RESPONSE; break;
      }

      // The access itself. Widths above 8 cannot be a load or store; 3 is no power of two.
      tlm::tlm_response_status got;
      uint64_t got_value = 0;
      if (len > 8) {
        uint8_t buf[16] = {};
        tlm::tlm_generic_payload t;
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(base + off);
        t.set_data_ptr(buf);
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_byte_enable_ptr(nullptr);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay(double(delay_ns), sc_core::SC_NS);
        w.cpu.isock->b_transport(t, delay);
        got = t.get_response_status();
        if (dev != kDevNone)
          want = tlm::TLM_BURST_ERROR_RESPONSE;
        check_value = false;
      } else if (debug) {
        uint8_t buf[8] = {};
        w.cpu.debug(tlm::TLM_READ_COMMAND, base + off, buf, len);
        got = w.cpu.last_status;
        std::memcpy(&got_value, buf, len);
      } else {
        got = w.cpu.access(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, base + off,
                           len, value, sc_core::sc_time(double(delay_ns), sc_core::SC_NS));
        got_value = write ? 0 : value;
      }
      if (trace)
        std::fprintf(stderr, "  -> %s, read %s\n", status_name(got), hex(got_value).c_str());
      if (got == tlm::TLM_INCOMPLETE_RESPONSE)
        fail(where + "the access did not complete");
      if (got != want)
        fail(where + "response " + status_name(got) + ", the table's " + status_name(want));
      if (check_value && got_value != (want_value & value_mask))
        fail(where + "read " + hex(got_value) + ", the reference's " +
             hex(want_value & value_mask));
      if (dev == kDevUart && got == tlm::TLM_OK_RESPONSE && !write &&
          (off & 7) == 5 && (got_value & 0x60) != 0x60)
        fail(where + "LSR " + hex(got_value) + " without THRE and TEMT");
    }
    // The lines the hart sees, and what it was told of mtimecmp.
    const bool meip = w.hart.line(cpu::irq::kMEI), seip = w.hart.line(cpu::irq::kSEI),
               msip = w.hart.line(cpu::irq::kMSI);
    if (meip != ref.plic.out(0) || seip != ref.plic.out(1))
      fail(where + "PLIC outputs M " + std::to_string(meip) + " S " + std::to_string(seip) +
           ", the reference's " + std::to_string(ref.plic.out(0)) + " " +
           std::to_string(ref.plic.out(1)));
    if (msip != ref.msip)
      fail(where + "mip.MSIP " + std::to_string(msip) + ", the reference's " +
           std::to_string(ref.msip));
    if (w.hart.mtimecmp != ref.mtimecmp)
      fail(where + "the hart was told mtimecmp " + hex(w.hart.mtimecmp) + ", the reference's " +
           hex(ref.mtimecmp));
    if (common::sim().stop_requested() != ref.stopped ||
        (ref.stopped && common::sim().exit_code() != ref.exit_code))
      fail(where + "run stop " + std::to_string(common::sim().stop_requested()) + " code " +
           std::to_string(common::sim().exit_code()) + ", the reference's " +
           std::to_string(ref.stopped) + " " + std::to_string(ref.exit_code));
  }
  return 0;
}
