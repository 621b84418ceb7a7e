// periph::Htif: riscv-tests exit codes, console characters acknowledged through fromhost,
// the benchmark runtime's SYS_write, unknown commands, and no mailboxes.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "models/periph/htif.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;

namespace {

constexpr uint64_t kToHost = 0x1000, kFromHost = 0x1040;
constexpr uint64_t putchar_cmd(char c)
{
  return (1ull << 56) | (1ull << 48) | uint8_t(c);
}

struct Bench {
  periph::Htif htif{"htif"};
  test::Memory ram{"ram", 0x4000};
  std::ostringstream out;

  explicit Bench(bool mailboxes = true)
  {
    htif.isock.bind(ram.tsock);
    if (mailboxes)
      htif.set_mailboxes(kToHost, kFromHost);
    htif.set_output(&out);
  }
};

}  // namespace

TEST_CASE("htif tohost = 1 passes: the run stops with exit code 0 at the next poll", "[htif]")
{
  test::reset_globals();
  Bench b;
  b.ram.store64(kToHost, 1);
  sc_start(1, SC_MS);
  CHECK(sc_time_stamp() == sc_time(1, SC_US));
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 0);
  CHECK(common::sim().reason() == "htif: pass");
}

TEST_CASE("htif tohost = (n << 1) | 1 fails test n", "[htif]")
{
  test::reset_globals();
  common::config().set("htif.poll_ns", "250", "test");
  Bench b;
  sc_start(2100, SC_NS);
  CHECK_FALSE(common::sim().stop_requested());
  b.ram.store64(kToHost, (5 << 1) | 1);
  sc_start(1, SC_MS);
  CHECK(sc_time_stamp() == sc_time(2250, SC_NS));
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 5);
  CHECK(common::sim().reason() == "htif: fail, test 5");
}

TEST_CASE("htif console putchar prints and is acknowledged through fromhost", "[htif]")
{
  test::reset_globals();
  Bench b;
  b.ram.store64(kToHost, putchar_cmd('o'));
  sc_start(1500, SC_NS);
  CHECK(b.out.str() == "o");
  CHECK(b.ram.load64(kToHost) == 0);
  CHECK(b.ram.load64(kFromHost) == putchar_cmd(0));
  b.ram.store64(kFromHost, 0);
  b.ram.store64(kToHost, putchar_cmd('k'));
  sc_start(1, SC_US);
  CHECK(b.out.str() == "ok");
  CHECK(b.ram.load64(kFromHost) == putchar_cmd(0));
  CHECK_FALSE(common::sim().stop_requested());
}

TEST_CASE("htif SYS_write from the riscv-tests benchmark runtime prints the buffer", "[htif]")
{
  test::reset_globals();
  Bench b;
  constexpr uint64_t magic = 0x2000, buf = 0x3000;
  std::string text = "cycles 123\n";
  std::copy(text.begin(), text.end(), b.ram.mem.begin() + buf);
  b.ram.store64(magic, 64);
  b.ram.store64(magic + 8, 1);
  b.ram.store64(magic + 16, buf);
  b.ram.store64(magic + 24, text.size());
  b.ram.store64(kToHost, magic);
  sc_start(1500, SC_NS);
  CHECK(b.out.str() == text);
  CHECK(b.ram.load64(magic) == text.size());
  CHECK(b.ram.load64(kFromHost) == 1);
  CHECK(b.ram.load64(kToHost) == 0);
}

TEST_CASE("htif clears unknown commands and warns once", "[htif]")
{
  test::reset_globals();
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  Bench b;
  int warnings = sc_report_handler::get_count(SC_WARNING);
  b.ram.store64(kToHost, (7ull << 56) | 1);
  sc_start(1500, SC_NS);
  CHECK(b.ram.load64(kToHost) == 0);
  b.ram.store64(kToHost, (7ull << 56) | 2);
  sc_start(1, SC_US);
  CHECK(b.ram.load64(kToHost) == 0);
  CHECK(sc_report_handler::get_count(SC_WARNING) == warnings + 1);
  CHECK(b.out.str().empty());
  CHECK_FALSE(common::sim().stop_requested());
}

TEST_CASE("htif without mailboxes never touches memory", "[htif]")
{
  test::reset_globals();
  Bench b(false);
  b.ram.store64(0, 1);
  sc_start(100, SC_US);
  CHECK_FALSE(common::sim().stop_requested());
  CHECK(b.ram.calls == 0);
}
