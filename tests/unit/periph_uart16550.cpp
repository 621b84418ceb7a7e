// periph::Uart16550 as firmware sees it: bytes on the console, LSR, IIR and the interrupt
// line through the THR-empty, received-data and line-status sequences, FCR resets, input
// from a file, loopback; and with a PLIC, a driver that never reads IIR under both gateways.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "models/cpu/riscv.h"
#include "models/periph/plic.h"
#include "models/periph/uart16550.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;

namespace {

constexpr unsigned kRbr = 0, kThr = 0, kIer = 1, kIir = 2, kFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5,
                   kMsr = 6, kScr = 7;
constexpr unsigned kIrq = 10;

std::string temp_path(const char* tag)
{
  return "/tmp/vmplat_test_uart_" + std::to_string(::getpid()) + "_" + tag;
}

// uart.input is read when the UART is built, so it is set first; "none" keeps the tests off
// the terminal ctest may have given them as standard input.
struct Input {
  explicit Input(const std::string& input) { common::config().set("uart.input", input, "test"); }
};

struct Bench : Input {
  test::TestInitiator cpu{"cpu"};
  periph::Uart16550 uart{"uart"};
  test::FakeIrqSink plic;
  std::ostringstream out;

  explicit Bench(const std::string& input = "none") : Input(input)
  {
    cpu.isock.bind(uart.tsock);
    uart.irq.bind(plic, kIrq);
    uart.set_output(&out);
    test::elaborate();
  }
  bool irq() const { return plic.level(kIrq); }
};

uint64_t counter(const std::string& name)
{
  return common::stats().find_counter(name)->value();
}

}  // namespace

TEST_CASE("uart transmits THR bytes to the output and THR is always empty", "[uart]")
{
  test::reset_globals();
  Bench b;
  // Reset values as QEMU's virt shows them.
  CHECK(b.cpu.read8(kLsr) == 0x60);
  CHECK(b.cpu.read8(kMcr) == 0x08);
  CHECK(b.cpu.read8(kMsr) == 0xb0);
  for (char c : std::string("hello\n")) b.cpu.write8(kThr, uint8_t(c));
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
  CHECK(b.out.str() == "hello\n");
  CHECK(b.cpu.read8(kLsr) == 0x60);
  CHECK(counter("uart.tx_bytes") == 6);
  CHECK_FALSE(b.irq());  // IER = 0: no interrupt whatever happens
  CHECK(b.cpu.read8(kIir) == 0x01);
}

TEST_CASE("uart THR-empty interrupt: raised by ETBEI and THR writes, acknowledged by IIR", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kIer, 0x02);  // ETBEI with THR empty: pending at once
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x02);
  CHECK_FALSE(b.irq());  // that read acknowledged it
  CHECK(b.cpu.read8(kIir) == 0x01);

  b.cpu.write8(kThr, 'x');  // transmission completes: pending again
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIer) == 0x02);
  b.cpu.write8(kIer, 0x00);
  CHECK_FALSE(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x01);

  // Re-enabling with THR still empty raises it again.
  b.cpu.write8(kIer, 0x02);
  CHECK(b.irq());
  CHECK(b.plic.signals[kIrq] == 5);
}

TEST_CASE("uart IIR reports line status, then received data, then THR empty", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kMcr, 0x10);  // loopback: transmitted bytes are received
  b.cpu.write8(kIer, 0x07);  // ELSI, ETBEI, ERBFI
  b.cpu.write8(kThr, '1');
  b.cpu.write8(kThr, '2');  // the first was not read: overrun
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x06);
  CHECK(b.cpu.read8(kIir) == 0x06);  // an IIR read clears nothing but THR empty
  CHECK(b.cpu.read8(kLsr) == 0x63);  // DR, OE, THRE, TEMT; the read clears OE
  CHECK(b.cpu.read8(kLsr) == 0x61);
  CHECK(b.cpu.read8(kIir) == 0x04);  // THR empty is pending too, but ranks lower
  CHECK(b.cpu.read8(kRbr) == '2');
  CHECK(b.irq());                    // THR empty survived the IIR reads that showed others
  CHECK(b.cpu.read8(kIir) == 0x02);  // reported now, so this read acknowledges it
  CHECK_FALSE(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x01);
}

TEST_CASE("uart overrun interrupts only with IER.2 set", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kMcr, 0x10);
  b.cpu.write8(kIer, 0x01);
  b.cpu.write8(kThr, 'x');
  b.cpu.write8(kThr, 'y');
  CHECK(b.cpu.read8(kIir) == 0x04);
  b.cpu.write8(kIer, 0x05);
  CHECK(b.cpu.read8(kIir) == 0x06);
  b.cpu.read8(kLsr);
  CHECK(b.cpu.read8(kIir) == 0x04);
}

// 16550 datasheet, IIR table: the receiver line status interrupt (IER bit 2, ELSI) alone
// raises the line on an overrun, with IIR = 0x06, and reading LSR (which clears OE) drops
// it, although a byte is still waiting (ERBFI is off).
TEST_CASE("uart line-status interrupt alone: overrun raises the line, reading LSR drops it",
          "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kMcr, 0x10);
  b.cpu.write8(kIer, 0x04);  // ELSI only
  b.cpu.write8(kThr, 'p');
  CHECK_FALSE(b.irq());      // a received byte alone is no line-status event
  b.cpu.write8(kThr, 'q');   // overrun
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x06);
  CHECK(b.irq());            // reading IIR does not clear a line-status interrupt
  CHECK(b.cpu.read8(kLsr) == 0x63);
  CHECK_FALSE(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x01);
  CHECK(b.cpu.read8(kLsr) == 0x61);  // DR still set
}

TEST_CASE("uart IER: ETBEI 0->1 raises THR empty, rewriting IER unchanged is no event", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kIer, 0x02);
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x02);  // acknowledged
  CHECK(b.plic.signals[kIrq] == 2);
  b.cpu.write8(kIer, 0x02);  // the same value: nothing happens, the line is not signalled
  CHECK_FALSE(b.irq());
  CHECK(b.plic.signals[kIrq] == 2);
  b.cpu.write8(kIer, 0x03);  // ETBEI stays set: THR empty stays acknowledged
  CHECK(b.cpu.read8(kIir) == 0x01);
  CHECK(b.plic.signals[kIrq] == 3);
  b.cpu.write8(kIer, 0x01);
  b.cpu.write8(kIer, 0x03);  // ETBEI 0->1 with THR empty
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x02);
}

TEST_CASE("uart FCR: RX reset drops received data, TX reset raises THR empty", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kFcr, 0x01);  // FIFOs on
  b.cpu.write8(kMcr, 0x10);
  b.cpu.write8(kIer, 0x01);
  b.cpu.write8(kThr, 'a');
  CHECK(b.cpu.read8(kIir) == 0xc4);
  b.cpu.write8(kFcr, 0x03);  // RX reset
  CHECK_FALSE(b.irq());
  CHECK(b.cpu.read8(kLsr) == 0x60);
  CHECK(b.cpu.read8(kIir) == 0xc1);

  b.cpu.write8(kIer, 0x02);
  CHECK(b.cpu.read8(kIir) == 0xc2);  // acknowledged
  b.cpu.write8(kFcr, 0x03);          // RX reset only: THR empty stays acknowledged
  CHECK(b.cpu.read8(kIir) == 0xc1);
  b.cpu.write8(kFcr, 0x05);  // TX reset: the transmitter is empty, as QEMU reports
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0xc2);
}

TEST_CASE("uart with an empty input ends reception at time 0", "[uart]")
{
  test::reset_globals();
  std::string path = temp_path("empty");
  std::ofstream{path};
  Bench b(path);
  CHECK_FALSE(sc_pending_activity());  // as with "none": nothing left to simulate
  CHECK(counter("uart.rx_bytes") == 0);
  ::unlink(path.c_str());
}

namespace {

// An xv6-style driver on a 16550 and a PLIC: each external interrupt claims, writes the
// next byte if LSR says THR is empty, and completes; it never reads IIR, so THR empty is
// never acknowledged. Returns the number of claims, at most `limit`.
unsigned drive_without_iir(const char* gateway, const std::string& text, unsigned limit,
                           std::string& console)
{
  test::reset_globals();
  common::config().set("uart.input", "none", "test");
  common::config().set("plic.gateway", gateway, "test");
  test::TestInitiator cpu{"cpu"}, plic_port{"plic_port"};
  periph::Uart16550 uart{"uart"};
  periph::Plic plic{"plic"};
  test::FakeHart hart;
  std::ostringstream out;
  cpu.isock.bind(uart.tsock);
  plic_port.isock.bind(plic.tsock);
  uart.irq.bind(plic, kIrq);
  uart.set_output(&out);
  plic.bind_hart(hart);
  test::elaborate();

  const uint64_t claim = periph::Plic::kContext + 4;
  plic_port.write32(periph::Plic::kPriority + 4 * kIrq, 1);
  plic_port.write32(periph::Plic::kEnable, 1u << kIrq);
  cpu.write8(kFcr, 0x07);
  cpu.write8(kIer, 0x03);  // THR empty now: the first interrupt
  size_t next = 0;
  unsigned claims = 0;
  while (hart.line(cpu::irq::kMEI) && claims < limit) {
    uint32_t id = uint32_t(plic_port.read32(claim));
    ++claims;
    if ((cpu.read8(kLsr) & 0x20) && next < text.size())
      cpu.write8(kThr, uint8_t(text[next++]));
    plic_port.write32(claim, id);
  }
  console = out.str();
  return claims;
}

}  // namespace

TEST_CASE("uart and qemu gateway: a driver that never reads IIR gets one interrupt per byte",
          "[uart]")
{
  std::string console;
  CHECK(drive_without_iir("qemu", "hello\n", 1000, console) == 7);  // 6 bytes, then done
  CHECK(console == "hello\n");
}

TEST_CASE("uart and level gateway: a driver that never reads IIR is interrupted forever", "[uart]")
{
  std::string console;
  CHECK(drive_without_iir("level", "hello\n", 1000, console) == 1000);
  CHECK(console == "hello\n");
}

TEST_CASE("uart IIR shows the FIFO bits when FCR enables the FIFOs", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kFcr, 0x07);
  CHECK(b.cpu.read8(kIir) == 0xc1);
  b.cpu.write8(kIer, 0x02);
  CHECK(b.cpu.read8(kIir) == 0xc2);  // the read acknowledged THR empty...
  CHECK(b.cpu.read8(kIir) == 0xc1);
  b.cpu.write8(kFcr, 0x00);  // ...but turning the FIFOs off empties the transmitter: again
  CHECK(b.cpu.read8(kIir) == 0x02);
}

TEST_CASE("uart receives a file byte by byte with data-available interrupts", "[uart]")
{
  test::reset_globals();
  std::string path = temp_path("in");
  std::ofstream(path) << "hi";
  Bench b(path);
  CHECK(sc_pending_activity());      // the input has bytes: the UART keeps polling it
  b.cpu.write8(kIer, 0x03);          // RDA and THRE
  CHECK(b.cpu.read8(kIir) == 0x02);  // nothing received yet: THRE, acknowledged here

  sc_start(50, SC_US);
  CHECK((b.cpu.read8(kLsr) & 0x01) == 0);  // first poll is at 100 us
  CHECK_FALSE(b.irq());
  sc_start(60, SC_US);
  CHECK(b.cpu.read8(kLsr) == 0x61);
  CHECK(b.irq());
  CHECK(b.cpu.read8(kIir) == 0x04);
  b.cpu.write8(kThr, '!');  // THRE now pending too, but RDA ranks higher
  CHECK(b.cpu.read8(kIir) == 0x04);
  CHECK(b.cpu.read8(kRbr) == 'h');
  CHECK(b.cpu.read8(kIir) == 0x02);  // THRE shows once the data is taken
  CHECK_FALSE(b.irq());
  CHECK((b.cpu.read8(kLsr) & 0x01) == 0);

  sc_start(100, SC_US);
  CHECK(b.irq());
  CHECK(b.cpu.read8(kRbr) == 'i');
  sc_start(1, SC_MS);
  CHECK((b.cpu.read8(kLsr) & 0x01) == 0);  // end of file: nothing more
  CHECK(counter("uart.rx_bytes") == 2);
  ::unlink(path.c_str());
}

TEST_CASE("uart does not overwrite an unread RBR with the next input byte", "[uart]")
{
  test::reset_globals();
  std::string path = temp_path("slow");
  std::ofstream(path) << "ab";
  common::config().set("uart.rx_poll_us", "10", "test");
  Bench b(path);
  sc_start(1, SC_MS);
  CHECK(b.cpu.read8(kLsr) == 0x61);  // no overrun bit
  CHECK(b.cpu.read8(kRbr) == 'a');
  sc_start(15, SC_US);
  CHECK(b.cpu.read8(kRbr) == 'b');
  ::unlink(path.c_str());
}

TEST_CASE("uart loopback feeds THR into RBR and MCR into MSR", "[uart]")
{
  test::reset_globals();
  Bench b;
  CHECK(b.cpu.read8(kMsr) == 0xb0);
  b.cpu.write8(kMcr, 0x10 | 0x03);   // loopback, DTR, RTS
  CHECK(b.cpu.read8(kMsr) == 0x30);  // DSR, CTS
  b.cpu.write8(kIer, 0x01);
  b.cpu.write8(kThr, 'z');
  CHECK(b.out.str().empty());
  CHECK(b.irq());
  CHECK(b.cpu.read8(kRbr) == 'z');
  CHECK_FALSE(b.irq());
  b.cpu.write8(kThr, '1');
  b.cpu.write8(kThr, '2');  // second byte before the first was read: overrun
  CHECK(b.cpu.read8(kLsr) == 0x63);
  CHECK(b.cpu.read8(kLsr) == 0x61);  // reading LSR clears the error
  CHECK(b.cpu.read8(kRbr) == '2');
}

TEST_CASE("uart FIFO mode queues 16 received bytes and keeps them when a 17th overruns", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kFcr, 0x01);
  b.cpu.write8(kMcr, 0x10);
  b.cpu.write8(kIer, 0x05);  // data available, line status
  for (int i = 0; i < 17; ++i) b.cpu.write8(kThr, uint8_t('a' + i));
  CHECK(b.cpu.read8(kIir) == 0xc6);
  CHECK(b.cpu.read8(kLsr) == 0x63);
  CHECK(b.cpu.read8(kIir) == 0xc4);
  std::string got;
  while (b.cpu.read8(kLsr) & 0x01) got += char(b.cpu.read8(kRbr));
  CHECK(got == "abcdefghijklmnop");
  CHECK_FALSE(b.irq());
  CHECK(b.cpu.read8(kRbr) == 0);  // an empty FIFO reads 0

  b.cpu.write8(kThr, 'x');
  b.cpu.write8(kThr, 'y');
  b.cpu.write8(kFcr, 0x03);  // RX reset empties it
  CHECK(b.cpu.read8(kLsr) == 0x60);
  CHECK_FALSE(b.irq());
  b.cpu.write8(kThr, 'z');
  CHECK(b.cpu.read8(kRbr) == 'z');
}

TEST_CASE("uart FIFO mode takes input while there is room, in order", "[uart]")
{
  test::reset_globals();
  std::string path = temp_path("fifo");
  std::ofstream(path) << "hello";
  Bench b(path);
  b.cpu.write8(kFcr, 0x01);
  sc_start(1, SC_MS);  // ten polls: all five bytes wait in the FIFO
  std::string got;
  while (b.cpu.read8(kLsr) & 0x01) got += char(b.cpu.read8(kRbr));
  CHECK(got == "hello");
  CHECK(counter("uart.rx_bytes") == 5);
  ::unlink(path.c_str());
}

TEST_CASE("uart divisor latch hides RBR/THR and IER while DLAB is set", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kLcr, 0x83);
  b.cpu.write8(kThr, 0x0c);  // DLL
  b.cpu.write8(kIer, 0x01);  // DLM
  CHECK(b.out.str().empty());
  CHECK(b.cpu.read8(0) == 0x0c);
  CHECK(b.cpu.read8(1) == 0x01);
  b.cpu.write8(kLcr, 0x03);
  CHECK(b.cpu.read8(kIer) == 0x00);
  CHECK(b.cpu.read8(kLcr) == 0x03);
  b.cpu.write8(kScr, 0xa5);
  CHECK(b.cpu.read8(kScr) == 0xa5);
}

TEST_CASE("uart wide accesses reach one register and debug reads have no effect", "[uart]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write8(kScr, 0x77);
  CHECK(b.cpu.read32(4) == 0x08);    // MCR alone, zero-extended, as on QEMU
  CHECK(b.cpu.read64(0) == 0x00);    // RBR
  b.cpu.write32(kMcr, 0x1234'5603);  // MCR gets the low byte, SCR nothing
  CHECK(b.cpu.read8(kMcr) == 0x03);
  CHECK(b.cpu.read8(kScr) == 0x77);
  b.cpu.write8(kIer, 0x02);
  uint8_t iir = 0;
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, kIir, &iir, 1) == 1);
  CHECK(iir == 0x02);
  CHECK(b.irq());    // a debugger looking at IIR does not acknowledge the interrupt
  b.cpu.read(1, 2);  // misaligned halfword
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("uart writes to a configured output file, flushed at each newline", "[uart]")
{
  test::reset_globals();
  std::string path = temp_path("out");
  common::config().set("uart.output", path, "test");
  common::config().set("uart.input", "none", "test");
  test::TestInitiator cpu("cpu");
  periph::Uart16550 uart("uart");
  cpu.isock.bind(uart.tsock);
  test::elaborate();
  for (char c : std::string("line\npartial")) cpu.write8(kThr, uint8_t(c));
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  CHECK(first == "line");
  ::unlink(path.c_str());
}

TEST_CASE("uart names an output path it cannot open", "[uart]")
{
  test::reset_globals();
  common::config().set("uart.output", "/nonexistent-dir/console.txt", "test");
  CHECK_THROWS_WITH(periph::Uart16550("uart"), Catch::Contains("uart.output") &&
                                                   Catch::Contains("/nonexistent-dir/console.txt"));
}
