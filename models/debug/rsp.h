// The framing of GDB's remote serial protocol (GDB manual, "Overview" of Appendix E,
// "Remote Serial Protocol"): packets `$data#cs` with a modulo-256 checksum in two hex
// digits, `}` escapes (byte ^ 0x20), `+`/`-` acknowledgements, and the interrupt byte 0x03
// sent outside packets. Pure byte handling, no sockets: the server feeds what it received
// and sends what rsp_frame() returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vmplat::debug {

struct RspEvent {
  enum class Kind : uint8_t {
    kPacket,     // a well-formed packet; data holds its unescaped contents
    kBadPacket,  // the checksum did not match, or a hex digit of it was not one
    kOverlong,   // longer than kMaxPacket before its '#': dropped whole
    kInterrupt,  // 0x03 outside a packet (Ctrl-C)
    kAck,        // '+'
    kNak,        // '-': the peer asks for the last packet again
  };
  Kind kind;
  std::string data;
};

class RspDecoder {
 public:
  // The largest packet accepted (the server advertises it as PacketSize).
  static constexpr size_t kMaxPacket = 0x4000;

  // Consumes bytes and appends the events they complete, in order. Bytes outside packets
  // other than '+', '-' and 0x03 are ignored (GDB never sends them; line noise is dropped).
  void feed(const char* bytes, size_t n, std::vector<RspEvent>& out);
  // True while a packet has started but not ended.
  bool in_packet() const { return m_state != State::kIdle; }

 private:
  enum class State : uint8_t { kIdle, kData, kEscape, kSum1, kSum2 };
  State m_state = State::kIdle;
  std::string m_data;
  uint8_t m_sum = 0;
  int m_given = 0;
  bool m_overlong = false;
};

// "$" + payload (with '$', '#', '}' and '*' escaped) + "#" + checksum.
std::string rsp_frame(const std::string& payload);
// Binary data escaped for a packet (qXfer and X replies).
std::string rsp_escape(const std::string& bytes);

// Hex helpers for packet fields.
std::string to_hex(const void* data, size_t n);
std::string to_hex(const std::string& text);
// Parses a whole string of hex digits into bytes; false on an odd length or a non-digit.
bool from_hex(const std::string& hex, std::vector<uint8_t>& out);
// Parses an unsigned hex number (no prefix) covering the whole string; false otherwise.
bool parse_hex_u64(const std::string& text, uint64_t& out);
// Little-endian 64-bit register value as GDB expects it in g/p replies.
std::string reg_hex(uint64_t value);
bool parse_reg_hex(const std::string& text, uint64_t& out);

}  // namespace vmplat::debug
