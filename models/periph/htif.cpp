#include "models/periph/htif.h"

#include <cstdio>
#include <iostream>
#include <string>

#include "models/common/config.h"
#include "models/common/format.h"
#include "models/common/sim.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

using common::hex;

namespace {

constexpr uint64_t kSysWrite = 64;
constexpr int64_t kEnosys = 38;
constexpr uint64_t kMaxWrite = 1 << 20;  // a bigger SYS_write is a guest bug; print this much

}  // namespace

Htif::Htif(sc_core::sc_module_name name)
    : sc_core::sc_module(name), isock("isock"), m_out(&std::cout)
{
  uint64_t poll_ns =
      common::config().u64(std::string(this->name()) + ".poll_ns", 1000, "ns",
                           "simulated time between two reads of tohost", 1, 1'000'000'000);
  m_poll = sc_core::sc_time(double(poll_ns), sc_core::SC_NS);
  SC_THREAD(poll_thread);
}

void Htif::set_mailboxes(uint64_t tohost, uint64_t fromhost)
{
  m_tohost = tohost;
  m_fromhost = fromhost;
}

void Htif::set_output(std::ostream* out)
{
  m_out = out ? out : &std::cout;
}

void Htif::warn_once(bool& warned, const std::string& msg)
{
  if (warned)
    return;
  warned = true;
  SC_REPORT_WARNING(name(), (msg + " (further ones are not reported)").c_str());
}

bool Htif::debug_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len)
{
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(len);
  trans.set_streaming_width(len);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (isock->transport_dbg(trans) == len && trans.is_response_ok())
    return true;
  SC_REPORT_WARNING(name(), ("cannot access guest memory at " + hex(addr)).c_str());
  return false;
}

bool Htif::read64(uint64_t addr, uint64_t& value)
{
  unsigned char buf[8];
  if (!debug_access(tlm::TLM_READ_COMMAND, addr, buf, 8))
    return false;
  value = load_le(buf, 8);
  return true;
}

bool Htif::write64(uint64_t addr, uint64_t value)
{
  unsigned char buf[8];
  store_le(buf, 8, value);
  return debug_access(tlm::TLM_WRITE_COMMAND, addr, buf, 8);
}

void Htif::poll_thread()
{
  if (!m_tohost)
    return;
  sc_core::wait(sc_core::sc_time::from_value(m_resume.value() / m_poll.value() *
                                             m_poll.value()));
  for (;;) {
    sc_core::wait(m_poll);
    uint64_t v = 0;
    if (!read64(m_tohost, v)) {
      SC_REPORT_WARNING(name(), "tohost does not decode: the host interface is off");
      return;
    }
    if (v)
      handle(v);
    if (common::sim().stop_requested())
      return;
  }
}

void Htif::handle(uint64_t v)
{
  unsigned device = unsigned(v >> 56);
  unsigned command = unsigned(v >> 48) & 0xff;
  uint64_t payload = v & 0xffff'ffff'ffffull;
  if (device == 0 && (v & 1)) {
    uint64_t code = v >> 1;
    common::sim().request_stop(
        int(code), code ? "htif: fail, test " + std::to_string(code) : std::string("htif: pass"));
    return;
  }
  write64(m_tohost, 0);
  if (device == 0 && command == 0) {
    syscall(payload);
  } else if (device == 1 && command == 1) {
    char c = char(v & 0xff);
    m_out->put(c);
    if (c == '\n')
      m_out->flush();
    if (m_fromhost)
      write64(m_fromhost, (uint64_t(1) << 56) | (uint64_t(1) << 48));
  } else {
    warn_once(m_warned_command, "unsupported tohost command " + hex(v) + " (device " +
                                    std::to_string(device) + ", command " +
                                    std::to_string(command) + ")");
  }
}

// riscv-tests' benchmark runtime (syscalls.c) passes magic_mem = {which, arg0, arg1, arg2}
// and spins until fromhost is non-zero; the result replaces magic_mem[0].
void Htif::syscall(uint64_t magic_mem)
{
  uint64_t args[4];
  for (unsigned i = 0; i < 4; ++i) {
    if (!read64(magic_mem + 8 * i, args[i]))
      return;
  }
  int64_t result = -kEnosys;
  if (args[0] == kSysWrite && (args[1] == 1 || args[1] == 2)) {
    uint64_t len = args[3] < kMaxWrite ? args[3] : kMaxWrite;
    std::string text(len, '\0');
    if (len && !debug_access(tlm::TLM_READ_COMMAND, args[2],
                             reinterpret_cast<unsigned char*>(&text[0]), unsigned(len)))
      return;
    m_out->write(text.data(), std::streamsize(len));
    m_out->flush();
    result = int64_t(len);
  } else {
    warn_once(m_warned_syscall, "unsupported syscall " + std::to_string(args[0]));
  }
  write64(magic_mem, uint64_t(result));
  if (m_fromhost)
    write64(m_fromhost, 1);
}

}  // namespace vmplat::periph
