#include "models/debug/rsp.h"

namespace vmplat::debug {

namespace {

int hex_digit(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

constexpr char kDigits[] = "0123456789abcdef";

}  // namespace

void RspDecoder::feed(const char* bytes, size_t n, std::vector<RspEvent>& out)
{
  for (size_t i = 0; i < n; ++i) {
    const char c = bytes[i];
    switch (m_state) {
      case State::kIdle:
        if (c == '$') {
          m_state = State::kData;
          m_data.clear();
          m_sum = 0;
          m_overlong = false;
        } else if (c == '+') {
          out.push_back({RspEvent::Kind::kAck, {}});
        } else if (c == '-') {
          out.push_back({RspEvent::Kind::kNak, {}});
        } else if (c == '\x03') {
          out.push_back({RspEvent::Kind::kInterrupt, {}});
        }
        break;
      case State::kData:
      case State::kEscape:
        if (c == '#') {
          m_state = State::kSum1;  // also after a dangling '}': the checksum decides
          break;
        }
        if (c == '$') {
          // A new packet starts inside this one: the sender gave up on the first.
          m_data.clear();
          m_sum = 0;
          m_overlong = false;
          m_state = State::kData;
          break;
        }
        m_sum = uint8_t(m_sum + uint8_t(c));
        if (m_data.size() >= kMaxPacket) {
          m_overlong = true;
        } else if (m_state == State::kEscape) {
          m_data.push_back(char(c ^ 0x20));
          m_state = State::kData;
        } else if (c == '}') {
          m_state = State::kEscape;
        } else {
          m_data.push_back(c);
        }
        break;
      case State::kSum1:
        m_given = hex_digit(c);  // -1 for a non-digit: a bad packet after the second
        m_state = State::kSum2;
        break;
      case State::kSum2: {
        const int lo = hex_digit(c);
        const bool ok = lo >= 0 && m_given >= 0 && ((m_given << 4) | lo) == m_sum;
        if (m_overlong)
          out.push_back({RspEvent::Kind::kOverlong, {}});
        else if (!ok)
          out.push_back({RspEvent::Kind::kBadPacket, {}});
        else
          out.push_back({RspEvent::Kind::kPacket, std::move(m_data)});
        m_data.clear();
        m_state = State::kIdle;
        break;
      }
    }
  }
}

std::string rsp_escape(const std::string& bytes)
{
  std::string s;
  s.reserve(bytes.size());
  for (char c : bytes) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      s.push_back('}');
      s.push_back(char(c ^ 0x20));
    } else {
      s.push_back(c);
    }
  }
  return s;
}

std::string rsp_frame(const std::string& payload)
{
  const std::string body = rsp_escape(payload);
  uint8_t sum = 0;
  for (char c : body)
    sum = uint8_t(sum + uint8_t(c));
  std::string s;
  s.reserve(body.size() + 4);
  s.push_back('$');
  s += body;
  s.push_back('#');
  s.push_back(kDigits[sum >> 4]);
  s.push_back(kDigits[sum & 15]);
  return s;
}

std::string to_hex(const void* data, size_t n)
{
  const auto* p = static_cast<const uint8_t*>(data);
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

std::string to_hex(const std::string& text) { return to_hex(text.data(), text.size()); }

bool from_hex(const std::string& hex, std::vector<uint8_t>& out)
{
  if (hex.size() % 2)
    return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out.push_back(uint8_t((hi << 4) | lo));
  }
  return true;
}

bool parse_hex_u64(const std::string& text, uint64_t& out)
{
  if (text.empty() || text.size() > 16)
    return false;
  uint64_t v = 0;
  for (char c : text) {
    const int d = hex_digit(c);
    if (d < 0)
      return false;
    v = (v << 4) | uint64_t(d);
  }
  out = v;
  return true;
}

std::string reg_hex(uint64_t value)
{
  uint8_t bytes[8];
  for (unsigned i = 0; i < 8; ++i)
    bytes[i] = uint8_t(value >> (8 * i));
  return to_hex(bytes, 8);
}

bool parse_reg_hex(const std::string& text, uint64_t& out)
{
  std::vector<uint8_t> bytes;
  if (text.size() != 16 || !from_hex(text, bytes))
    return false;
  out = 0;
  for (unsigned i = 0; i < 8; ++i)
    out |= uint64_t(bytes[i]) << (8 * i);
  return true;
}

}  // namespace vmplat::debug
