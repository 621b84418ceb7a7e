// debug::RspDecoder and the framing helpers: what GDB sends is cut into the packets, acks
// and interrupts it means, and what the server sends is framed the way GDB checks it.
#include <catch2/catch.hpp>

#include "models/debug/rsp.h"

using namespace vmplat::debug;
using Kind = RspEvent::Kind;

namespace {

std::vector<RspEvent> decode(const std::string& bytes, RspDecoder& d)
{
  std::vector<RspEvent> out;
  d.feed(bytes.data(), bytes.size(), out);
  return out;
}

std::vector<RspEvent> decode(const std::string& bytes)
{
  RspDecoder d;
  return decode(bytes, d);
}

}  // namespace

TEST_CASE("rsp: a framed packet decodes to its payload")
{
  const auto ev = decode(rsp_frame("qSupported:swbreak+"));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kPacket);
  CHECK(ev[0].data == "qSupported:swbreak+");
}

TEST_CASE("rsp: checksums are those GDB computes")
{
  CHECK(rsp_frame("g") == "$g#67");
  CHECK(rsp_frame("OK") == "$OK#9a");
  CHECK(rsp_frame("") == "$#00");
}

TEST_CASE("rsp: a wrong or non-hex checksum is a bad packet")
{
  auto ev = decode("$g#68");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kBadPacket);
  ev = decode("$g#zz");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kBadPacket);
}

TEST_CASE("rsp: acks, naks and Ctrl-C between packets, noise ignored")
{
  const auto ev = decode("+x-\x03" "junk$?#3f+");
  REQUIRE(ev.size() == 5);
  CHECK(ev[0].kind == Kind::kAck);
  CHECK(ev[1].kind == Kind::kNak);
  CHECK(ev[2].kind == Kind::kInterrupt);
  CHECK(ev[3].kind == Kind::kPacket);
  CHECK(ev[3].data == "?");
  CHECK(ev[4].kind == Kind::kAck);
}

TEST_CASE("rsp: a packet split across reads is put back together")
{
  RspDecoder d;
  const std::string whole = rsp_frame("m80000000,40");
  for (size_t i = 0; i + 1 < whole.size(); ++i) {
    CHECK(decode(whole.substr(i, 1), d).empty());
    CHECK(d.in_packet());
  }
  const auto ev = decode(whole.substr(whole.size() - 1), d);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].data == "m80000000,40");
  CHECK_FALSE(d.in_packet());
}

TEST_CASE("rsp: escapes round-trip, including binary bytes")
{
  std::string binary = "a$b#c}d*e";
  binary.push_back('\0');
  binary.push_back('\xff');
  const std::string framed = rsp_frame("X0,b:" + binary);
  CHECK(framed.find("$", 1) == std::string::npos);
  const auto ev = decode(framed);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kPacket);
  CHECK(ev[0].data == "X0,b:" + binary);
}

TEST_CASE("rsp: a packet restarted by '$' drops the unfinished one")
{
  const auto ev = decode("$m1000,4$g#67");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].data == "g");
}

TEST_CASE("rsp: an overlong packet is dropped whole and reported once")
{
  std::string big = "$" + std::string(RspDecoder::kMaxPacket + 100, 'a') + "#00";
  RspDecoder d;
  auto ev = decode(big, d);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kOverlong);
  ev = decode(rsp_frame("g"), d);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::kPacket);
}

TEST_CASE("rsp: hex helpers reject malformed fields")
{
  uint64_t v = 0;
  CHECK(parse_hex_u64("80000000", v));
  CHECK(v == 0x80000000);
  CHECK_FALSE(parse_hex_u64("", v));
  CHECK_FALSE(parse_hex_u64("12g4", v));
  CHECK_FALSE(parse_hex_u64("11112222333344445", v));  // 17 digits
  std::vector<uint8_t> bytes;
  CHECK(from_hex("00ff7a", bytes));
  CHECK(bytes == std::vector<uint8_t>{0x00, 0xff, 0x7a});
  CHECK_FALSE(from_hex("abc", bytes));
  CHECK_FALSE(from_hex("zz", bytes));
  CHECK(reg_hex(0x0123456789abcdefull) == "efcdab8967452301");
  CHECK(parse_reg_hex("efcdab8967452301", v));
  CHECK(v == 0x0123456789abcdefull);
  CHECK_FALSE(parse_reg_hex("efcdab89", v));
  CHECK(to_hex(std::string("OK\n")) == "4f4b0a");
}
