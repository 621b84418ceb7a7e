#include "models/debug/gdb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"

namespace vmplat::debug {

namespace {

using cpu::StopEvent;

constexpr unsigned kPcRegnum = 32;
constexpr unsigned kFRegBase = 33;  // f0-f31
// fflags, frm and fcsr, as CSRs 1-3; read and written whatever mstatus.FS says.
constexpr unsigned kFflagsRegnum = 65 + 1, kFrmRegnum = 65 + 2, kFcsrRegnum = 65 + 3;
// GDB numbers RISC-V CSRs from 65 (after x0-x31, pc and f0-f31) and the virtual register
// "priv" after the 4096 CSR numbers; the target description gives the same numbers.
constexpr unsigned kCsrRegBase = 65;
constexpr unsigned kPrivRegnum = kCsrRegBase + 4096;
constexpr uint64_t kPageSize = 4096;

const char* const kFNames[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                 "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                 "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                 "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
const char* const kXNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2",
                                 "fp",   "s1", "a0", "a1", "a2",  "a3",  "a4", "a5",
                                 "a6",   "a7", "s2", "s3", "s4",  "s5",  "s6", "s7",
                                 "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

struct CsrName {
  uint16_t number;
  const char* name;
};
// The CSRs the debugger shows (the hart's table is models/cpu/hart_csr.cpp).
const CsrName kCsrs[] = {
    {0x100, "sstatus"},  {0x104, "sie"},        {0x105, "stvec"},    {0x106, "scounteren"},
    {0x10a, "senvcfg"},  {0x140, "sscratch"},   {0x141, "sepc"},     {0x142, "scause"},
    {0x143, "stval"},    {0x144, "sip"},        {0x14d, "stimecmp"}, {0x180, "satp"},
    {0x300, "mstatus"},  {0x301, "misa"},       {0x302, "medeleg"},  {0x303, "mideleg"},
    {0x304, "mie"},      {0x305, "mtvec"},      {0x306, "mcounteren"}, {0x30a, "menvcfg"},
    {0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"},  {0x342, "mcause"},
    {0x343, "mtval"},    {0x344, "mip"},        {0x3a0, "pmpcfg0"},  {0x3a2, "pmpcfg2"},
    {0x3b0, "pmpaddr0"}, {0x3b1, "pmpaddr1"},   {0x3b2, "pmpaddr2"}, {0x3b3, "pmpaddr3"},
    {0x3b4, "pmpaddr4"}, {0x3b5, "pmpaddr5"},   {0x3b6, "pmpaddr6"}, {0x3b7, "pmpaddr7"},
    {0x3b8, "pmpaddr8"}, {0x3b9, "pmpaddr9"},   {0x3ba, "pmpaddr10"}, {0x3bb, "pmpaddr11"},
    {0x3bc, "pmpaddr12"}, {0x3bd, "pmpaddr13"}, {0x3be, "pmpaddr14"}, {0x3bf, "pmpaddr15"},
    {0xb00, "mcycle"},   {0xb02, "minstret"},   {0xc00, "cycle"},    {0xc01, "time"},
    {0xc02, "instret"},  {0xf11, "mvendorid"},  {0xf12, "marchid"},  {0xf13, "mimpid"},
    {0xf14, "mhartid"},  {0xf15, "mconfigptr"},
};

std::string build_target_xml(bool with_fpu)
{
  std::ostringstream x;
  x << "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
       "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n<osabi>none</osabi>\n"
       "<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4) ? "data_ptr" : "int";
    x << "<reg name=\"" << kXNames[i] << "\" bitsize=\"64\" type=\"" << type << "\" regnum=\""
      << i << "\"/>\n";
  }
  x << "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"" << kPcRegnum << "\"/>\n"
    << "</feature>\n";
  if (with_fpu) {
    // Each f register holds a double or a NaN-boxed single (GDB's riscv fpu feature).
    x << "<feature name=\"org.gnu.gdb.riscv.fpu\">\n<union id=\"riscv_double\">\n"
         "<field name=\"float\" type=\"ieee_single\"/>\n"
         "<field name=\"double\" type=\"ieee_double\"/>\n</union>\n";
    for (unsigned i = 0; i < 32; ++i)
      x << "<reg name=\"" << kFNames[i] << "\" bitsize=\"64\" type=\"riscv_double\" regnum=\""
        << kFRegBase + i << "\"/>\n";
    x << "<reg name=\"fflags\" bitsize=\"64\" type=\"int\" regnum=\"" << kFflagsRegnum
      << "\" group=\"float\"/>\n<reg name=\"frm\" bitsize=\"64\" type=\"int\" regnum=\""
      << kFrmRegnum << "\" group=\"float\"/>\n<reg name=\"fcsr\" bitsize=\"64\" type=\"int\" "
      << "regnum=\"" << kFcsrRegnum << "\" group=\"float\"/>\n</feature>\n";
  }
  x << "<feature name=\"org.gnu.gdb.riscv.csr\">\n";
  for (const CsrName& c : kCsrs)
    x << "<reg name=\"" << c.name << "\" bitsize=\"64\" type=\"int\" regnum=\""
      << kCsrRegBase + c.number << "\" group=\"csr\"/>\n";
  x << "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
    << "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"" << kPrivRegnum << "\"/>\n"
    << "</feature>\n</target>\n";
  return x.str();
}

const std::string& target_xml(bool with_fpu)
{
  static const std::string with = build_target_xml(true), without = build_target_xml(false);
  return with_fpu ? with : without;
}

const char* const kMonitorHelp =
    "vmplat monitor commands:\n"
    "  help                              this text\n"
    "  tlb [itlb|dtlb|l2tlb]             the valid entries of the TLBs\n"
    "  translate VA [fetch|load|store] [u|s|m]\n"
    "                                    the page-table walk for VA in the current address\n"
    "                                    space (default: a load at the current privilege),\n"
    "                                    its result and the TLB entries that hold it\n"
    "  stats [PREFIX]                    statistics whose names start with PREFIX\n"
    "  phys [on|off]                     memory by physical address (on) or by virtual\n"
    "                                    address in the current address space (off)\n";

std::vector<std::string> split(const std::string& s, char sep)
{
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos)
      return parts;
    start = at + 1;
  }
}

// "addr,len" with an optional ":rest" after it.
bool parse_addr_len(const std::string& s, uint64_t& addr, uint64_t& len, std::string* rest)
{
  const size_t comma = s.find(',');
  if (comma == std::string::npos)
    return false;
  const size_t colon = s.find(':', comma);
  if ((colon != std::string::npos) != (rest != nullptr))
    return false;
  if (rest)
    *rest = s.substr(colon + 1);
  return parse_hex_u64(s.substr(0, comma), addr) &&
         parse_hex_u64(s.substr(comma + 1, colon == std::string::npos ? colon : colon - comma - 1),
                       len);
}

void say(const std::string& message) { std::cerr << "vmplat: gdb: " << message << std::endl; }

}  // namespace

GdbServer::GdbServer(cpu::Hart& hart, mmu::Mmu* mmu, uint16_t port, bool halt_at_reset)
    : m_hart(hart), m_mmu(mmu)
{
  const std::string where = "gdb.port: cannot listen on 127.0.0.1:" + std::to_string(port);
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0)
    throw common::UserError(where + ": " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only: no remote debugging
  addr.sin_port = htons(port);
  socklen_t len = sizeof addr;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(m_listen_fd, 4) < 0 ||
      ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    const std::string reason = std::strerror(errno);
    ::close(m_listen_fd);
    throw common::UserError(where + ": " + reason);
  }
  m_port = ntohs(addr.sin_port);
  say("listening on 127.0.0.1:" + std::to_string(m_port));
  m_hart.set_debugger(this, halt_at_reset);
}

GdbServer::~GdbServer()
{
  m_hart.set_debugger(nullptr, false);
  if (m_client_fd >= 0)
    ::close(m_client_fd);
  if (m_listen_fd >= 0)
    ::close(m_listen_fd);
}

void GdbServer::finished(int exit_code)
{
  if (m_client_fd >= 0) {
    if (m_reply_pending) {
      char w[8];
      std::snprintf(w, sizeof w, "W%02x", unsigned(exit_code) & 0xff);
      send_packet(w);
    }
    ::close(m_client_fd);
    m_client_fd = -1;
  }
  if (m_listen_fd >= 0) {
    ::close(m_listen_fd);
    m_listen_fd = -1;
  }
  m_hart.set_debugger(nullptr, false);
}

// ---------------------------------------------------------------------------------------
// Connection

bool GdbServer::wait_for_client()
{
  say("the hart waits for a debugger: target remote 127.0.0.1:" + std::to_string(m_port));
  for (;;) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR)
      return false;
    if (p.revents & POLLIN) {
      const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        adopt_client(fd);
        return true;
      }
    }
  }
}

void GdbServer::adopt_client(int fd)
{
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  m_client_fd = fd;
  m_decoder = RspDecoder();
  m_events.clear();
  m_next_event = 0;
  m_last_packet.clear();
  m_ack_mode = true;
  m_swbreak = m_hwbreak = false;
  m_reply_pending = false;
  m_phys = false;
  say("debugger attached");
}

void GdbServer::drop_client(const std::string& why)
{
  ::close(m_client_fd);
  m_client_fd = -1;
  m_reply_pending = false;
  m_hart.debug_clear();
  say(why);
}

void GdbServer::refuse_pending_client()
{
  const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0)
    return;
  ::close(fd);
  say("refused a second debugger: one is attached");
}

bool GdbServer::next_packet(std::string& packet)
{
  for (;;) {
    while (m_next_event < m_events.size()) {
      RspEvent& ev = m_events[m_next_event++];
      switch (ev.kind) {
        case RspEvent::Kind::kPacket:
          if (m_ack_mode)
            send_raw("+");
          packet = std::move(ev.data);
          return true;
        case RspEvent::Kind::kBadPacket:
          // With acknowledgements GDB resends on '-'; without, an error keeps the two sides
          // in step (every packet gets one reply).
          if (m_ack_mode)
            send_raw("-");
          else
            send_packet("E01");
          break;
        case RspEvent::Kind::kOverlong:
          if (m_ack_mode)
            send_raw("+");
          send_packet("E01");
          break;
        case RspEvent::Kind::kNak:
          if (!m_last_packet.empty())
            send_raw(m_last_packet);
          break;
        case RspEvent::Kind::kAck:
        case RspEvent::Kind::kInterrupt:  // already stopped
          break;
      }
    }
    m_events.clear();
    m_next_event = 0;
    pollfd fds[2] = {{m_client_fd, POLLIN, 0}, {m_listen_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    if (fds[1].revents & POLLIN)
      refuse_pending_client();
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      const ssize_t n = ::recv(m_client_fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      m_decoder.feed(buf, size_t(n), m_events);
    }
  }
}

void GdbServer::send_raw(const std::string& bytes)
{
  size_t done = 0;
  while (done < bytes.size() && m_client_fd >= 0) {
    const ssize_t n = ::send(m_client_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;  // the peer went away; the next receive notices
    done += size_t(n);
  }
}

void GdbServer::send_packet(const std::string& payload)
{
  m_last_packet = rsp_frame(payload);
  send_raw(m_last_packet);
}

// ---------------------------------------------------------------------------------------
// Stops

bool GdbServer::wants_stop()
{
  pollfd fds[2];
  nfds_t n = 0;
  if (m_client_fd >= 0)
    fds[n++] = {m_client_fd, POLLIN, 0};
  fds[n++] = {m_listen_fd, POLLIN, 0};
  if (::poll(fds, n, 0) <= 0)
    return false;
  bool stop = false;
  if (m_client_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
    char buf[4096];
    const ssize_t got = ::recv(m_client_fd, buf, sizeof buf, 0);
    if (got <= 0 && !(got < 0 && errno == EINTR)) {
      drop_client("the debugger went away; the run goes on");
    } else if (got > 0) {
      // While the hart runs, GDB sends only Ctrl-C; anything else is dropped.
      m_decoder.feed(buf, size_t(got), m_events);
      for (const RspEvent& ev : m_events)
        stop = stop || ev.kind == RspEvent::Kind::kInterrupt;
      m_events.clear();
      m_next_event = 0;
      m_interrupted = stop;
    }
  }
  if (fds[n - 1].revents & POLLIN) {
    if (m_client_fd >= 0) {
      refuse_pending_client();
    } else {
      const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        adopt_client(fd);
        m_interrupted = false;
        stop = true;
      }
    }
  }
  return stop;
}

cpu::Resume GdbServer::stopped(const StopEvent& event)
{
  m_stop = event;
  if (event.cause != StopEvent::Cause::kHalt)
    m_interrupted = false;
  if (m_client_fd < 0 && !wait_for_client())
    return cpu::Resume::kContinue;
  // What the guest printed so far is on the console before the user looks at the stop.
  std::cout.flush();
  std::fflush(stdout);
  if (m_reply_pending) {
    send_packet(stop_reply());
    m_reply_pending = false;
  }
  for (;;) {
    std::string packet;
    if (!next_packet(packet)) {
      drop_client("the debugger went away; the run goes on");
      return cpu::Resume::kContinue;
    }
    switch (handle(packet)) {
      case Action::kNone:
        break;
      case Action::kContinue:
        m_reply_pending = true;
        return cpu::Resume::kContinue;
      case Action::kStep:
        m_reply_pending = true;
        return cpu::Resume::kStep;
      case Action::kDetach:
      case Action::kKill:
        return cpu::Resume::kContinue;
    }
  }
}

std::string GdbServer::stop_reply() const
{
  std::string r = m_interrupted ? "T02thread:1;" : "T05thread:1;";
  switch (m_stop.cause) {
    case StopEvent::Cause::kBreakpoint:
      if (m_stop.hardware ? m_hwbreak : m_swbreak)
        r += m_stop.hardware ? "hwbreak:;" : "swbreak:;";
      break;
    case StopEvent::Cause::kWatchpoint: {
      const char* kind = m_stop.watch == cpu::WatchKind::kWrite  ? "watch"
                         : m_stop.watch == cpu::WatchKind::kRead ? "rwatch"
                                                                 : "awatch";
      char addr[24];
      std::snprintf(addr, sizeof addr, "%llx", static_cast<unsigned long long>(m_stop.data_addr));
      r += std::string(kind) + ":" + addr + ";";
      break;
    }
    case StopEvent::Cause::kHalt:
    case StopEvent::Cause::kStep:
      break;
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Packets

GdbServer::Action GdbServer::handle(const std::string& packet)
{
  const char kind = packet.empty() ? '\0' : packet[0];
  const std::string args = packet.empty() ? std::string() : packet.substr(1);
  switch (kind) {
    case '?': send_packet(stop_reply()); return Action::kNone;
    case 'g': send_packet(read_registers()); return Action::kNone;
    case 'G': send_packet(write_registers(args)); return Action::kNone;
    case 'p': send_packet(read_register(args)); return Action::kNone;
    case 'P': send_packet(write_register(args)); return Action::kNone;
    case 'm': send_packet(read_memory(args)); return Action::kNone;
    case 'M': send_packet(write_memory(args, false)); return Action::kNone;
    case 'X': send_packet(write_memory(args, true)); return Action::kNone;
    case 'Z':
    case 'z': send_packet(breakpoint(packet)); return Action::kNone;
    case 'H': send_packet("OK"); return Action::kNone;  // one thread: any selection is it
    case 'T': send_packet("OK"); return Action::kNone;
    case 'c':
    case 's':
    case 'C':
    case 'S': return resume(packet);
    case 'D':
      send_packet("OK");
      drop_client("debugger detached; the run goes on");
      return Action::kDetach;
    case 'k':
      common::sim().request_stop(kKilledExitCode, "killed by the debugger");
      drop_client("killed by the debugger");
      return Action::kKill;
    case 'v':
      if (packet == "vCont?") {
        send_packet("vCont;c;C;s;S");
        return Action::kNone;
      }
      if (packet.rfind("vCont;", 0) == 0)
        return resume(packet);
      if (packet.rfind("vKill", 0) == 0) {
        send_packet("OK");
        common::sim().request_stop(kKilledExitCode, "killed by the debugger");
        drop_client("killed by the debugger");
        return Action::kKill;
      }
      send_packet("");  // vMustReplyEmpty and everything else we do not offer
      return Action::kNone;
    case 'q':
    case 'Q':
      send_packet(handle_query(packet));
      if (packet == "QStartNoAckMode")
        m_ack_mode = false;  // after the reply, which GDB still acknowledges
      return Action::kNone;
    default: send_packet(""); return Action::kNone;
  }
}

std::string GdbServer::handle_query(const std::string& packet)
{
  if (packet.rfind("qSupported", 0) == 0) {
    m_swbreak = packet.find("swbreak+") != std::string::npos;
    m_hwbreak = packet.find("hwbreak+") != std::string::npos;
    char size[16];
    std::snprintf(size, sizeof size, "%zx", RspDecoder::kMaxPacket);
    return std::string("PacketSize=") + size +
           ";qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+";
  }
  if (packet.rfind("qXfer:features:read:", 0) == 0) {
    const std::string rest = packet.substr(20);
    const size_t colon = rest.find(':');
    if (colon == std::string::npos)
      return "E00";
    return xfer_features(rest.substr(0, colon), rest.substr(colon + 1));
  }
  if (packet == "QStartNoAckMode")
    return "OK";
  if (packet == "qAttached")
    return "1";  // quitting GDB detaches and lets the run go on
  if (packet == "qC")
    return "QC1";
  if (packet == "qfThreadInfo")
    return "m1";
  if (packet == "qsThreadInfo")
    return "l";
  if (packet.rfind("qSymbol", 0) == 0)
    return "OK";
  if (packet.rfind("qRcmd,", 0) == 0) {
    std::vector<uint8_t> bytes;
    if (!from_hex(packet.substr(6), bytes))
      return "E01";
    const std::string out = monitor(std::string(bytes.begin(), bytes.end()));
    // Output travels in 'O' packets (GDB prints them), the reply itself is "OK".
    constexpr size_t kChunk = 1024;
    for (size_t at = 0; at < out.size(); at += kChunk)
      send_packet("O" + to_hex(out.substr(at, kChunk)));
    return "OK";
  }
  return "";
}

std::string GdbServer::xfer_features(const std::string& annex, const std::string& range) const
{
  uint64_t offset = 0, length = 0;
  if (annex != "target.xml")
    return "E00";
  if (!parse_addr_len(range, offset, length, nullptr))
    return "E01";
  const std::string& xml = target_xml(m_hart.has_fd());
  if (offset >= xml.size())
    return "l";
  const std::string part = xml.substr(offset, length);
  return (offset + part.size() >= xml.size() ? "l" : "m") + part;
}

// ---------------------------------------------------------------------------------------
// Registers

bool GdbServer::read_reg(unsigned regno, uint64_t& value) const
{
  if (regno < 32) {
    value = m_hart.reg(regno);
    return true;
  }
  if (m_hart.has_fd()) {
    if (regno >= kFRegBase && regno < kFRegBase + 32) {
      value = m_hart.freg(regno - kFRegBase);
      return true;
    }
    if (regno >= kFflagsRegnum && regno <= kFcsrRegnum) {
      const uint32_t fcsr = m_hart.fcsr();
      value = regno == kFflagsRegnum ? (fcsr & 0x1f) : regno == kFrmRegnum ? (fcsr >> 5) : fcsr;
      return true;
    }
  }
  if (regno == kPcRegnum) {
    value = m_hart.pc();
    return true;
  }
  if (regno == kPrivRegnum) {
    value = uint64_t(m_hart.priv());
    return true;
  }
  if (regno >= kCsrRegBase && regno < kPrivRegnum)
    return m_hart.peek_csr(uint16_t(regno - kCsrRegBase), value);
  return false;
}

bool GdbServer::write_reg(unsigned regno, uint64_t value)
{
  if (regno < 32) {
    m_hart.set_reg(regno, value);
    return true;
  }
  if (m_hart.has_fd()) {
    if (regno >= kFRegBase && regno < kFRegBase + 32)
      return m_hart.set_freg(regno - kFRegBase, value);
    const uint32_t fcsr = m_hart.fcsr();
    if (regno == kFflagsRegnum)
      return m_hart.set_fcsr((fcsr & ~0x1fu) | uint32_t(value & 0x1f));
    if (regno == kFrmRegnum)
      return m_hart.set_fcsr((fcsr & 0x1f) | uint32_t((value & 7) << 5));
    if (regno == kFcsrRegnum)
      return m_hart.set_fcsr(uint32_t(value));
  }
  if (regno == kPcRegnum) {
    m_hart.set_pc(value);
    return true;
  }
  if (regno == kPrivRegnum) {
    if (value != 0 && value != 1 && value != 3)
      return false;
    m_hart.set_priv_debug(cpu::Priv(value));
    return true;
  }
  if (regno >= kCsrRegBase && regno < kPrivRegnum)
    return m_hart.poke_csr(uint16_t(regno - kCsrRegBase), value);
  return false;
}

std::string GdbServer::read_registers() const
{
  std::string r;
  for (unsigned i = 0; i <= kPcRegnum; ++i) {
    uint64_t v = 0;
    read_reg(i, v);
    r += reg_hex(v);
  }
  return r;
}

std::string GdbServer::write_registers(const std::string& args)
{
  if (args.size() < 16 * (kPcRegnum + 1))
    return "E01";
  for (unsigned i = 0; i <= kPcRegnum; ++i) {
    uint64_t v = 0;
    if (!parse_reg_hex(args.substr(16 * i, 16), v))
      return "E01";
    write_reg(i, v);
  }
  return "OK";
}

std::string GdbServer::read_register(const std::string& args) const
{
  uint64_t regno = 0, v = 0;
  if (!parse_hex_u64(args, regno) || regno > kPrivRegnum || !read_reg(unsigned(regno), v))
    return "E01";
  return reg_hex(v);
}

std::string GdbServer::write_register(const std::string& args)
{
  const size_t eq = args.find('=');
  uint64_t regno = 0, v = 0;
  if (eq == std::string::npos || !parse_hex_u64(args.substr(0, eq), regno) ||
      !parse_reg_hex(args.substr(eq + 1), v) || regno > kPrivRegnum ||
      !write_reg(unsigned(regno), v))
    return "E01";
  return "OK";
}

// ---------------------------------------------------------------------------------------
// Memory

bool GdbServer::map(uint64_t va, uint64_t& pa) const
{
  if (m_phys || !m_mmu || !m_mmu->debug_map(va, m_hart.xlate_context(), pa))
    pa = va;  // physical: asked for, no MMU, or no mapping for va
  return true;
}

size_t GdbServer::access(uint64_t va, uint8_t* buf, size_t len, bool write)
{
  size_t done = 0;
  while (done < len) {
    const uint64_t a = va + done;
    const size_t n = size_t(std::min<uint64_t>(len - done, kPageSize - a % kPageSize));
    uint64_t pa = a;
    map(a, pa);
    if (m_hart.debug_access(pa, buf + done, unsigned(n), write)) {
      done += n;
      continue;
    }
    // Device registers take only some access sizes: go on in naturally aligned units, as
    // wide as they allow, and stop at the first byte nothing answers (what came before
    // still counts).
    for (size_t i = 0; i < n;) {
      unsigned unit = 8;
      while (unit > 1 && ((pa + i) % unit || n - i < unit))
        unit /= 2;
      while (!m_hart.debug_access(pa + i, buf + done + i, unit, write)) {
        if (unit == 1)
          return done + i;
        unit /= 2;
      }
      i += unit;
    }
    done += n;
  }
  return done;
}

std::string GdbServer::read_memory(const std::string& args)
{
  uint64_t addr = 0, len = 0;
  if (!parse_addr_len(args, addr, len, nullptr))
    return "E01";
  len = std::min<uint64_t>(len, RspDecoder::kMaxPacket / 2 - 16);
  std::vector<uint8_t> buf(len);
  const size_t done = access(addr, buf.data(), buf.size(), false);
  if (done == 0 && len != 0)
    return "E14";  // EFAULT
  return to_hex(buf.data(), done);
}

std::string GdbServer::write_memory(const std::string& args, bool binary)
{
  uint64_t addr = 0, len = 0;
  std::string data;
  if (!parse_addr_len(args, addr, len, &data))
    return "E01";
  std::vector<uint8_t> bytes;
  if (binary)
    bytes.assign(data.begin(), data.end());
  else if (!from_hex(data, bytes))
    return "E01";
  if (bytes.size() != len)
    return "E01";
  if (len == 0)
    return "OK";
  return access(addr, bytes.data(), bytes.size(), true) == len ? "OK" : "E14";
}

// ---------------------------------------------------------------------------------------
// Breakpoints, watchpoints, resuming

std::string GdbServer::breakpoint(const std::string& packet)
{
  // Z/z type,addr,kind: type 0 software and 1 hardware breakpoint, 2 write, 3 read and
  // 4 access watchpoint; kind is the breakpoint's size or the watched length.
  const bool insert = packet[0] == 'Z';
  const std::vector<std::string> f = split(packet.substr(1), ',');
  uint64_t type = 0, addr = 0, kind = 0;
  if (f.size() < 3 || !parse_hex_u64(f[0], type) || !parse_hex_u64(f[1], addr) ||
      !parse_hex_u64(split(f[2], ';')[0], kind))
    return "E01";
  switch (type) {
    case 0:
    case 1: m_hart.debug_breakpoint(addr, type == 1, insert); return "OK";
    case 2:
    case 3:
    case 4: {
      if (kind == 0)
        return "E01";
      const cpu::WatchKind w = type == 2   ? cpu::WatchKind::kWrite
                               : type == 3 ? cpu::WatchKind::kRead
                                           : cpu::WatchKind::kAccess;
      m_hart.debug_watchpoint(addr, kind, w, insert);
      return "OK";
    }
    default: return "";
  }
}

GdbServer::Action GdbServer::resume(const std::string& packet)
{
  // c[addr], s[addr], Csig[;addr], Ssig[;addr], vCont;action[:thread]... (one thread: the
  // first action decides; signals have no meaning on bare metal and are ignored).
  char how = packet[0];
  std::string addr_text;
  if (how == 'v') {
    const std::vector<std::string> actions = split(packet.substr(6), ';');
    const std::string action = split(actions[0], ':')[0];
    if (action.empty() || (action[0] != 'c' && action[0] != 's' && action[0] != 'C' &&
                           action[0] != 'S')) {
      send_packet("E01");
      return Action::kNone;
    }
    how = action[0];
  } else if (how == 'c' || how == 's') {
    addr_text = packet.substr(1);
  } else {
    const size_t semi = packet.find(';');
    if (semi != std::string::npos)
      addr_text = packet.substr(semi + 1);
  }
  if (!addr_text.empty()) {
    uint64_t pc = 0;
    if (!parse_hex_u64(addr_text, pc)) {
      send_packet("E01");
      return Action::kNone;
    }
    m_hart.set_pc(pc);
  }
  m_interrupted = false;
  return (how == 's' || how == 'S') ? Action::kStep : Action::kContinue;
}

// ---------------------------------------------------------------------------------------
// monitor commands

std::string GdbServer::monitor(const std::string& command)
{
  std::istringstream in(command);
  std::vector<std::string> w;
  for (std::string word; in >> word;)
    w.push_back(word);
  if (w.empty() || w[0] == "help")
    return kMonitorHelp;
  if (w[0] == "phys") {
    if (w.size() > 1 && (w[1] == "on" || w[1] == "off"))
      m_phys = w[1] == "on";
    else if (w.size() > 1)
      return "phys: expected on or off, got '" + w[1] + "'\n";
    return std::string("memory addresses are ") +
           (m_phys ? "physical\n" : "virtual (current address space)\n");
  }
  if (w[0] == "stats") {
    const std::string prefix = w.size() > 1 ? w[1] : "";
    std::ostringstream out;
    const nlohmann::json j = common::stats().to_json();
    for (const auto& [name, value] : j.items())
      if (name.rfind(prefix, 0) == 0)
        out << name << " " << value.dump() << "\n";
    const std::string s = out.str();
    return s.empty() ? "no statistic starts with '" + prefix + "'\n" : s;
  }
  if (!m_mmu)
    return "this platform has no MMU\n";
  if (w[0] == "tlb") {
    std::string out;
    const bool all = w.size() == 1;
    bool any = false;
    const std::pair<const char*, mmu::TlbLevel*> levels[] = {
        {"itlb", &m_mmu->itlb()}, {"dtlb", &m_mmu->dtlb()}, {"l2tlb", &m_mmu->l2tlb()}};
    for (const auto& [name, level] : levels) {
      if (all || w[1] == name) {
        out += level->dump();
        any = true;
      }
    }
    return any ? out : "tlb: expected itlb, dtlb or l2tlb, got '" + w[1] + "'\n";
  }
  if (w[0] == "translate") {
    uint64_t va = 0;
    if (w.size() < 2 || !common::parse_u64(w[1], va, false))
      return "translate: expected a virtual address (hex with 0x, or decimal)\n";
    // The access is a load by the hart's current privilege unless words say otherwise; a
    // privilege given is that mode's own access (no MPRV).
    cpu::AccessKind kind = cpu::AccessKind::kLoad;
    cpu::XlateContext ctx = m_hart.xlate_context();
    for (size_t i = 2; i < w.size(); ++i) {
      if (w[i] == "fetch" || w[i] == "load" || w[i] == "store") {
        kind = w[i] == "fetch"  ? cpu::AccessKind::kFetch
               : w[i] == "load" ? cpu::AccessKind::kLoad
                                : cpu::AccessKind::kStore;
      } else if (w[i] == "u" || w[i] == "s" || w[i] == "m") {
        ctx.priv = w[i] == "u" ? cpu::Priv::kU : w[i] == "s" ? cpu::Priv::kS : cpu::Priv::kM;
        ctx.mstatus &= ~cpu::mstatus::kMPRV;
      } else {
        return "translate: expected fetch, load, store, u, s or m, got '" + w[i] + "'\n";
      }
    }
    return m_mmu->explain(va, kind, ctx);
  }
  return "unknown monitor command '" + w[0] + "'; monitor help lists them\n";
}

}  // namespace vmplat::debug
