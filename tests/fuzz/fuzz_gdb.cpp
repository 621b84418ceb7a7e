// Fuzz harness: the GDB remote serial protocol, as a debugger on the socket can drive it.
//
// Input byte 0 chooses how the session starts (why the hart stopped, and whether the
// client attaches while the hart runs, through GdbServer::wants_stop()); the rest is the
// byte stream the client sends. Two parts:
//  1. debug::RspDecoder alone: decoding the stream in one piece and in random pieces gives
//     the same events, and every packet, framed again with rsp_frame(), decodes to itself.
//  2. debug::GdbServer on the virt platform (1 MiB of RAM with a small Sv39 page table, the
//     devices, the MMU): a real TCP client sends the stream and reads everything back while
//     the server handles it as it does for GDB (registers, CSRs, memory by virtual and
//     physical address, breakpoints, watchpoints, resume, detach, kill, monitor commands).
//     Properties: no crash, no sanitizer report, no hang; every packet the server sends has
//     a correct checksum.
// Each input starts from the same hart state and memory, so a crash replays from its input.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/sim.h"
#include "models/debug/rsp.h"
#include "platforms/virt/platform.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vmplat;
using fuzz::fail;

namespace {

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kRamSize = 1 << 20;

// The same start for every input: registers and CSRs as after reset, RAM holding a loop at
// its base and an Sv39 table (root at +0x10000) that maps va 0x1000 to RAM + 0x20000 and
// the gigapage at va 0x4000_0000 to RAM's gigapage, so virtual addresses can resolve.
void reset_target(virt::Platform& p)
{
  common::sim().reset();
  uint8_t* ram = p.dram.host_ptr();
  std::memset(ram, 0, kRamSize);
  const uint32_t loop = 0x0000006f;  // j .
  std::memcpy(ram, &loop, 4);
  auto pte = [&](uint64_t table, unsigned slot, uint64_t pa, uint64_t flags) {
    const uint64_t v = (pa >> 12) << 10 | flags;
    std::memcpy(ram + (table - kRam) + slot * 8, &v, 8);
  };
  pte(kRam + 0x10000, 0, kRam + 0x11000, 0x01);  // pointer
  pte(kRam + 0x11000, 0, kRam + 0x12000, 0x01);  // pointer
  pte(kRam + 0x12000, 1, kRam + 0x20000, 0xcf);  // 4 KiB page, RWX AD
  pte(kRam + 0x10000, 1, kRam, 0xdf);            // 1 GiB page, RWXU AD
  p.hart.reset(kRam);
  for (uint16_t csr : {0x305, 0x105, 0x180, 0x302, 0x303, 0x304, 0x341, 0x141, 0x340, 0x140})
    p.hart.poke_csr(csr, 0);
}

virt::Platform& platform()
{
  static virt::Platform* p = [] {
    common::install_report_handler("error");
    auto& cfg = common::config();
    for (const char* s : {"dram.size=1M", "gdb.port=0", "uart.input=none", "uart.output=/dev/null"})
      cfg.set(s, "fuzz");
    fuzz::QuietCerr quiet;
    auto* platform = new virt::Platform;
    cfg.check_all_used();
    reset_target(*platform);
    // Elaboration; the hart runs its loop for a quantum and waits (the fuzz inputs never
    // run it further: GdbServer::stopped() is called directly, as the hart would).
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return platform;
  }();
  return *p;
}

void check_decoder(const uint8_t* data, size_t size)
{
  using debug::RspDecoder;
  using debug::RspEvent;
  std::vector<RspEvent> whole, pieces;
  RspDecoder a, b;
  a.feed(reinterpret_cast<const char*>(data), size, whole);
  std::minstd_rand rng{uint32_t(size)};
  for (size_t at = 0; at < size;) {
    const size_t n = std::min<size_t>(size - at, 1 + rng() % 7);
    b.feed(reinterpret_cast<const char*>(data) + at, n, pieces);
    at += n;
  }
  if (whole.size() != pieces.size())
    fail("the decoder's events depend on how the bytes are split");
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i].kind != pieces[i].kind || whole[i].data != pieces[i].data)
      fail("the decoder's events depend on how the bytes are split");
    if (whole[i].kind != RspEvent::Kind::kPacket)
      continue;
    if (whole[i].data.size() > RspDecoder::kMaxPacket)
      fail("a packet longer than kMaxPacket was accepted");
    const std::string framed = debug::rsp_frame(whole[i].data);
    std::vector<RspEvent> again;
    RspDecoder c;
    c.feed(framed.data(), framed.size(), again);
    if (again.size() != 1 || again[0].kind != RspEvent::Kind::kPacket ||
        again[0].data != whole[i].data || c.in_packet())
      fail("a packet framed again by rsp_frame does not decode to itself");
  }
}

// The server's side of the session must be well-formed: acknowledgements and packets with
// correct checksums (replies may be longer than the PacketSize it accepts).
void check_replies(const std::string& bytes)
{
  std::vector<debug::RspEvent> events;
  debug::RspDecoder d;
  d.feed(bytes.data(), bytes.size(), events);
  for (const auto& e : events)
    if (e.kind == debug::RspEvent::Kind::kBadPacket)
      fail("the server sent a packet with a wrong checksum");
}

}  // namespace

// This harness runs SystemC threads, whose stack switching (QuickThreads in Debian's
// libsystemc) LeakSanitizer cannot follow: it reports libFuzzer's own objects as leaked
// at exit, or stops with an error. Leak detection is off here; ASan and UBSan stay on.
extern "C" const char* __asan_default_options()
{
  return "detect_leaks=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 1 || size > 65536)
    return 0;
  check_decoder(data + 1, size - 1);

  virt::Platform& p = platform();
  reset_target(p);
  debug::GdbServer& gdb = *p.gdb;
  fuzz::QuietCerr quiet;

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(gdb.port());
  // libFuzzer's timers interrupt system calls (EINTR): a connect so interrupted goes on in
  // the background, so wait for it to finish rather than fail or connect twice.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    err = errno;
    if (err == EINTR) {
      pollfd pfd{fd, POLLOUT, 0};
      while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {
      }
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err != 0)
    fail(std::string("cannot connect to the GDB server: ") + std::strerror(err));
  std::string replies;
  std::thread reader([fd, &replies] {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      replies.append(buf, size_t(n));
    }
  });
  for (size_t at = 1; at < size;) {
    const ssize_t n = ::send(fd, data + at, size - at, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    at += size_t(n);
  }
  ::shutdown(fd, SHUT_WR);

  cpu::StopEvent event;
  const uint8_t how = data[0];
  event.cause = cpu::StopEvent::Cause(how & 3);
  event.hardware = how & 4;
  event.watch = cpu::WatchKind((how >> 3) % 3);
  event.data_addr = kRam + 0x100;
  bool serve = true;
  if (how & 0x80) {
    // The client attaches while the hart runs: the server adopts it in wants_stop(), and
    // with bit 6 reads what came meanwhile there (only Ctrl-C counts; a client that already
    // went away is dropped and the run goes on).
    gdb.wants_stop();
    if (!gdb.attached())
      fail("wants_stop() did not adopt a connecting client");
    if (how & 0x40)
      gdb.wants_stop();
    serve = gdb.attached();
  }
  if (serve) {
    do {
      gdb.stopped(event);
    } while (gdb.attached());
  }
  if (gdb.attached())
    fail("the server still holds a client that went away");
  reader.join();
  ::close(fd);
  check_replies(replies);
  return 0;
}
