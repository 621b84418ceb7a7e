#include "models/common/terminal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace vmplat::common {

namespace {

// The state the signal handlers see: plain data, written before g_raw says it is valid.
int g_fd = -1;
termios g_saved{};
volatile sig_atomic_t g_raw = 0;

constexpr int kFatal[] = {SIGINT,  SIGTERM, SIGHUP, SIGQUIT, SIGABRT,
                          SIGSEGV, SIGBUS,  SIGFPE, SIGILL};
constexpr int kCaught = sizeof(kFatal) / sizeof(kFatal[0]) + 1;  // and SIGTSTP
struct sigaction g_previous[kCaught];
bool g_installed[kCaught];

// Async-signal-safe. SIGTTOU is blocked so that a process the shell has meanwhile moved
// to the background can still give the terminal its settings back.
void restore()
{
  if (!g_raw)
    return;
  g_raw = 0;
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  pthread_sigmask(SIG_BLOCK, &ttou, &old);
  tcsetattr(g_fd, TCSANOW, &g_saved);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// Installed with SA_RESETHAND: the re-raised signal, delivered when this returns, takes
// its default action.
void on_fatal(int sig)
{
  const int saved_errno = errno;
  restore();
  raise(sig);
  errno = saved_errno;
}

void on_stop(int)
{
  const int saved_errno = errno;
  restore();
  raise(SIGSTOP);  // continues here after SIGCONT; acquire() takes the terminal again
  errno = saved_errno;
}

void install(unsigned slot, int sig, void (*handler)(int), int flags)
{
  struct sigaction now {};
  if (sigaction(sig, nullptr, &now) != 0 || now.sa_handler != SIG_DFL)
    return;  // ignored (e.g. SIGINT of a background job) or someone else's: leave it
  struct sigaction act {};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  act.sa_flags = flags;
  g_installed[slot] = sigaction(sig, &act, &g_previous[slot]) == 0;
}

}  // namespace

TerminalInput::TerminalInput(int fd, bool keep_signals) : m_fd(fd), m_keep_signals(keep_signals)
{
  g_fd = fd;
  static const bool at_exit = std::atexit(restore) == 0;
  (void)at_exit;
  unsigned slot = 0;
  for (int sig : kFatal) install(slot++, sig, on_fatal, SA_RESETHAND);
  install(slot, SIGTSTP, on_stop, SA_RESTART);
}

TerminalInput::~TerminalInput()
{
  restore();
  unsigned slot = 0;
  for (int sig : kFatal) {
    if (g_installed[slot])
      sigaction(sig, &g_previous[slot], nullptr);
    g_installed[slot++] = false;
  }
  if (g_installed[slot])
    sigaction(SIGTSTP, &g_previous[slot], nullptr);
  g_installed[slot] = false;
  g_fd = -1;
}

bool TerminalInput::acquire()
{
  const pid_t foreground = tcgetpgrp(m_fd);
  if (foreground != -1 && foreground != getpgrp())
    return false;  // -1: not our controlling terminal, where job control does not apply
  if (g_raw)
    return true;
  termios t{};
  if (tcgetattr(m_fd, &t) != 0)
    return true;  // not a terminal after all: read it as it is
  g_saved = t;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  g_raw = 1;
  // As QEMU's stdio backend: bytes as typed, no local echo; ISIG stays unless the owner
  // wants the signal keys as bytes, so Ctrl-C and Ctrl-Z still reach vmplat, and output
  // processing (OPOST) is left alone.
  t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN);
  if (!m_keep_signals)
    t.c_lflag &= ~tcflag_t(ISIG);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  tcsetattr(m_fd, TCSANOW, &t);
  return true;
}

}  // namespace vmplat::common
