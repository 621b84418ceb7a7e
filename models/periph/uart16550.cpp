#include "models/periph/uart16550.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

namespace {

constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kIerRda = 0x01, kIerThre = 0x02, kIerRls = 0x04, kIerMask = 0x0f;
constexpr uint8_t kIirNone = 0x01, kIirRls = 0x06, kIirRda = 0x04, kIirThre = 0x02;
constexpr uint8_t kIirFifo = 0xc0;
constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02, kFcrClearTx = 0x04, kFcrKeep = 0xc9;
constexpr uint8_t kMcrLoop = 0x10, kMcrMask = 0x1f;
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrErrors = 0x1e;
constexpr uint8_t kMsrIdle = 0xb0;  // DCD, DSR and CTS asserted: a cable is plugged in

}  // namespace

Uart16550::Uart16550(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      tsock("tsock"),
      m_tx_bytes(common::stats().counter(std::string(this->name()) + ".tx_bytes",
                                         "bytes the guest transmitted")),
      m_rx_bytes(common::stats().counter(std::string(this->name()) + ".rx_bytes",
                                         "bytes received from the input"))
{
  const std::string prefix = std::string(this->name()) + ".";
  auto& cfg = common::config();
  std::string out = cfg.text(prefix + "output", "stdout",
                             "where transmitted bytes go: \"stdout\" or a file path");
  std::string in = cfg.text(prefix + "input", "stdin",
                            "where received bytes come from: \"stdin\" (a terminal a key at a "
                            "time), \"none\" or a file path; the end of the input ends reception");
  uint64_t poll_us = cfg.u64(prefix + "rx_poll_us", 100, "us",
                             "simulated time between input polls while RBR is empty", 1, 1000000);
  m_rx_poll = sc_core::sc_time(double(poll_us), sc_core::SC_US);
  const bool qemu_keys =
      cfg.choice(prefix + "terminal_keys", "vmplat", {"vmplat", "qemu"},
                 "keys of a terminal input: vmplat (Ctrl-C ends, Ctrl-Z suspends vmplat) or "
                 "qemu (as QEMU -nographic: Ctrl-C/Ctrl-Z go to the guest, Ctrl-A x ends the "
                 "run, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h helps)") == "qemu";

  if (out == "stdout") {
    m_configured_out = &std::cout;
  } else {
    m_out_file.open(out, std::ios::binary | std::ios::trunc);
    if (!m_out_file)
      throw common::UserError(prefix + "output: cannot open '" + out +
                              "' for writing: " + std::strerror(errno));
    m_configured_out = &m_out_file;
  }
  m_out = m_configured_out;

  if (in == "stdin") {
    m_in_fd = STDIN_FILENO;
    m_in_is_stdin = true;
    if (::isatty(m_in_fd)) {
      m_terminal = std::make_unique<common::TerminalInput>(m_in_fd, !qemu_keys);
      m_qemu_keys = qemu_keys;
    }
  } else if (in != "none") {
    m_in_fd = ::open(in.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_in_fd < 0)
      throw common::UserError(prefix + "input: cannot open '" + in + "' for reading: " +
                              std::strerror(errno) + "; allowed: none, stdin or a readable file");
  }

  tsock.register_b_transport(this, &Uart16550::b_transport);
  tsock.register_transport_dbg(this, &Uart16550::transport_dbg);
  if (m_in_fd >= 0)
    SC_THREAD(rx_thread);
}

Uart16550::~Uart16550()
{
  if (m_out)
    m_out->flush();
  if (m_in_fd >= 0 && !m_in_is_stdin)
    ::close(m_in_fd);
}

void Uart16550::set_output(std::ostream* out)
{
  if (m_out)
    m_out->flush();
  m_out = out ? out : m_configured_out;
}

void Uart16550::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&)
{
  access(trans, false);
}

unsigned Uart16550::transport_dbg(tlm::tlm_generic_payload& trans)
{
  access(trans, true);
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

// A debug read shows the registers without the side effects of a guest read (clearing
// DR, acknowledging THRE); a debug write is a write.
void Uart16550::access(tlm::tlm_generic_payload& trans, bool debug)
{
  auto status = check_mmio(trans, kWidth1 | kWidth2 | kWidth4 | kWidth8);
  if (status != tlm::TLM_OK_RESPONSE || trans.get_address() >= kSize) {
    trans.set_response_status(status != tlm::TLM_OK_RESPONSE ? status
                                                             : tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  unsigned reg = unsigned(trans.get_address() & 7);
  unsigned char* data = trans.get_data_ptr();
  if (trans.is_read())
    store_le(data, trans.get_data_length(), read_reg(reg, !debug));
  else
    write_reg(reg, data[0]);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint8_t Uart16550::read_reg(unsigned reg, bool side_effects)
{
  bool dlab = m_lcr & kLcrDlab;
  switch (reg) {
    case kRbrThr:
      if (dlab)
        return m_dll;
      return read_rbr(side_effects);
    case kIer: return dlab ? m_dlm : m_ier;
    case kIirFcr: {
      uint8_t v = iir();
      // Reading IIR while it reports THR empty acknowledges that interrupt.
      if (side_effects && (v & 0x0f) == kIirThre) {
        m_thr_ipending = false;
        update_irq();
      }
      return v;
    }
    case kLcr: return m_lcr;
    case kMcr: return m_mcr;
    case kLsr: {
      uint8_t v = m_lsr;
      if (side_effects && (m_lsr & kLsrErrors)) {
        m_lsr &= uint8_t(~kLsrErrors);
        update_irq();
      }
      return v;
    }
    case kMsr:
      if (m_mcr & kMcrLoop) {
        // Loopback wires RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
        return uint8_t((m_mcr & 0x02) << 3 | (m_mcr & 0x01) << 5 | (m_mcr & 0x04) << 4 |
                       (m_mcr & 0x08) << 4);
      }
      return kMsrIdle;
    default: return m_scr;
  }
}

void Uart16550::write_reg(unsigned reg, uint8_t value)
{
  bool dlab = m_lcr & kLcrDlab;
  switch (reg) {
    case kRbrThr:
      if (dlab) {
        m_dll = value;
        return;
      }
      transmit(value);
      return;
    case kIer: {
      if (dlab) {
        m_dlm = value;
        return;
      }
      const uint8_t changed = (m_ier ^ value) & kIerMask;
      m_ier = value & kIerMask;
      // Setting ETBEI with THR empty (it always is) raises THR-empty again, even after
      // an IIR read acknowledged it; clearing ETBEI forgets it.
      if (changed & kIerThre)
        m_thr_ipending = m_ier & kIerThre;
      // Rewriting the same value is no event: QEMU re-evaluates the line only on a change,
      // and a re-evaluation is a new request for the PLIC's qemu gateway.
      if (changed)
        update_irq();
      return;
    }
    case kIirFcr: {
      // Enabling or disabling the FIFOs resets both, as the reset bits do one each. An
      // emptied transmitter reports THR empty, as on QEMU.
      uint8_t resets = value & (kFcrClearRx | kFcrClearTx);
      if ((value ^ m_fcr) & kFcrEnable)
        resets = kFcrClearRx | kFcrClearTx;
      if (resets & kFcrClearRx) {
        m_rx_count = 0;
        m_lsr &= uint8_t(~kLsrDr);
      }
      if (resets & kFcrClearTx)
        m_thr_ipending = true;
      m_fcr = (value & kFcrEnable) ? (value & kFcrKeep) : 0;
      update_irq();
      return;
    }
    case kLcr: m_lcr = value; return;
    case kMcr: m_mcr = value & kMcrMask; return;
    case kLsr:
    case kMsr: return;  // read-only on a 16550
    default: m_scr = value; return;
  }
}

void Uart16550::transmit(uint8_t byte)
{
  if (m_mcr & kMcrLoop) {
    receive(byte);
  } else {
    m_out->put(char(byte));
    m_out_unflushed = byte != '\n';
    if (!m_out_unflushed)
      m_out->flush();
    ++m_tx_bytes;
  }
  // The byte left at once: THR is empty again, which is what ETBEI reports.
  m_thr_ipending = true;
  update_irq();
}

// Overrun (datasheet, LSR bit 1): without FIFOs the new byte overwrites RBR; with them a
// full FIFO keeps its contents and the new byte is lost.
void Uart16550::receive(uint8_t byte)
{
  if (!(m_fcr & kFcrEnable)) {
    if (m_lsr & kLsrDr)
      m_lsr |= kLsrOe;
    m_rbr = byte;
  } else if (m_rx_count == kFifoSize) {
    m_lsr |= kLsrOe;
  } else {
    m_rx_fifo[(m_rx_head + m_rx_count++) % kFifoSize] = byte;
  }
  m_lsr |= kLsrDr;
  update_irq();
}

uint8_t Uart16550::read_rbr(bool side_effects)
{
  if (!(m_fcr & kFcrEnable)) {
    if (side_effects) {
      m_lsr &= uint8_t(~kLsrDr);
      update_irq();
    }
    return m_rbr;
  }
  const uint8_t byte = m_rx_count ? m_rx_fifo[m_rx_head] : 0;  // empty: 0, as on QEMU
  if (side_effects) {
    if (m_rx_count) {
      m_rx_head = (m_rx_head + 1) % kFifoSize;
      --m_rx_count;
    }
    if (!m_rx_count)
      m_lsr &= uint8_t(~kLsrDr);
    update_irq();
  }
  return byte;
}

bool Uart16550::rx_room() const
{
  return (m_fcr & kFcrEnable) ? m_rx_count < kFifoSize : !(m_lsr & kLsrDr);
}

uint8_t Uart16550::iir() const
{
  uint8_t id = kIirNone;
  if ((m_ier & kIerRls) && (m_lsr & kLsrErrors))
    id = kIirRls;
  else if ((m_ier & kIerRda) && (m_lsr & kLsrDr))
    id = kIirRda;
  else if ((m_ier & kIerThre) && m_thr_ipending)
    id = kIirThre;
  if (m_fcr & kFcrEnable)
    id |= kIirFifo;
  return id;
}

void Uart16550::update_irq()
{
  irq.set(!(iir() & kIirNone));
}

int Uart16550::read_input_byte()
{
  if (m_terminal && !m_terminal->acquire())
    return -1;  // in the background: reading would stop the process (SIGTTIN)
  pollfd p{m_in_fd, POLLIN, 0};
  int n = ::poll(&p, 1, 0);
  if (n == 0)
    return -1;
  if (n < 0)
    return errno == EINTR ? -1 : -2;
  unsigned char c;
  ssize_t got = ::read(m_in_fd, &c, 1);
  if (got == 1)
    return m_qemu_keys ? escape(c) : c;
  if (got < 0 && (errno == EINTR || errno == EAGAIN))
    return -1;
  return -2;  // end of input, or an error reading it
}

// QEMU's character multiplexer keys (its -nographic console), with Ctrl-A as the escape.
int Uart16550::escape(int byte)
{
  constexpr int kCtrlA = 0x01;
  if (!m_escape_seen) {
    m_escape_seen = byte == kCtrlA;
    return m_escape_seen ? -1 : byte;
  }
  m_escape_seen = false;
  switch (byte) {
    case kCtrlA: return kCtrlA;
    case 'x':
      common::sim().request_stop(kConsoleExitCode,
                                 "the console's Ctrl-A x ended the run (exit code " +
                                     std::to_string(kConsoleExitCode) + ")");
      return -1;
    case 'h':
    case '?':
      std::cerr << "\r\nC-a h    print this help\r\nC-a x    exit vmplat\r\n"
                   "C-a C-a  send C-a\r\n";
      return -1;
    default: return -1;
  }
}

// The input is first read at time 0, so an empty one (stdin from /dev/null) ends reception
// before anything happens, exactly as "none" would; bytes reach RBR one per poll from
// rx_poll_us on. While someone may type, output without a newline (a prompt, an echoed
// key) is flushed at the next poll: the reader must see it before answering.
void Uart16550::rx_thread()
{
  int next = read_input_byte();
  if (next != -2)
    sc_core::wait(sc_core::sc_time::from_value(m_resume.value() / m_rx_poll.value() *
                                               m_rx_poll.value()));
  while (next != -2) {
    sc_core::wait(m_rx_poll);
    if (m_out_unflushed) {
      m_out->flush();
      m_out_unflushed = false;
    }
    if (!rx_room() || (m_mcr & kMcrLoop))
      continue;  // loopback disconnects the input
    if (next == -1)
      next = read_input_byte();
    if (next >= 0) {
      ++m_rx_bytes;
      receive(uint8_t(next));
      next = -1;
    }
  }
}

void Uart16550::save_state(nlohmann::json& j) const
{
  j["regs"] = {{"rbr", m_rbr}, {"ier", m_ier}, {"lcr", m_lcr}, {"mcr", m_mcr}, {"lsr", m_lsr},
               {"scr", m_scr}, {"fcr", m_fcr}, {"dll", m_dll}, {"dlm", m_dlm}};
  j["thr_ipending"] = m_thr_ipending;
  std::vector<uint64_t> fifo;
  for (unsigned i = 0; i < m_rx_count; ++i)
    fifo.push_back(m_rx_fifo[(m_rx_head + i) % kFifoSize]);
  j["rx_fifo"] = fifo;
  j["irq"] = irq.level();
}

// The input is not part of the state: a restored run reads uart.input from its start.
void Uart16550::restore_state(const common::StateIn& in)
{
  const common::StateIn r = in.child("regs");
  m_rbr = r.get<uint8_t>("rbr");
  m_ier = r.get<uint8_t>("ier");
  m_lcr = r.get<uint8_t>("lcr");
  m_mcr = r.get<uint8_t>("mcr");
  m_lsr = r.get<uint8_t>("lsr");
  m_scr = r.get<uint8_t>("scr");
  m_fcr = r.get<uint8_t>("fcr");
  m_dll = r.get<uint8_t>("dll");
  m_dlm = r.get<uint8_t>("dlm");
  m_thr_ipending = in.get<bool>("thr_ipending");
  const std::vector<uint8_t> fifo = in.get<std::vector<uint8_t>>("rx_fifo");
  if (fifo.size() > kFifoSize)
    in.bad("rx_fifo", "holds more than " + std::to_string(kFifoSize) + " bytes");
  m_rx_head = 0;
  m_rx_count = unsigned(fifo.size());
  std::copy(fifo.begin(), fifo.end(), m_rx_fifo.begin());
  irq.set(in.get<bool>("irq"));
}

}  // namespace vmplat::periph
