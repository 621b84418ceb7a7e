// common::TerminalInput: a terminal used as a guest's serial input, as QEMU's stdio
// character device uses it. While the process owns the terminal (is in its foreground
// process group) the terminal is in character mode: no line editing, no local echo, no
// CR-to-NL translation, no XON/XOFF, so every key reaches the guest as typed and the
// guest does its own echo. Signal keys keep their meaning (Ctrl-C ends the run, Ctrl-Z
// stops it) unless the owner asks for them as bytes too (as QEMU's -nographic console gives
// Ctrl-C to the guest); output processing is untouched.
//
// The terminal's settings are restored when the object is destroyed, at exit(), before a
// fatal signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL)
// takes effect, and before the process stops (SIGTSTP: Ctrl-Z); character mode returns at
// the next read after `fg`. A process in the background neither reads the terminal nor
// changes its settings, so it is never stopped by SIGTTIN or SIGTTOU. SIGKILL cannot be
// caught: after it, `stty sane` repairs the terminal.
//
// One object at a time per process (the signal handlers keep one saved state).
#pragma once

namespace vmplat::common {

class TerminalInput {
 public:
  // keep_signals: Ctrl-C, Ctrl-Z and Ctrl-\ still raise SIGINT, SIGTSTP and SIGQUIT;
  // false: they are read as bytes like any other key.
  explicit TerminalInput(int fd, bool keep_signals = true);
  ~TerminalInput();
  TerminalInput(const TerminalInput&) = delete;
  TerminalInput& operator=(const TerminalInput&) = delete;

  // True when the process may read the terminal now (it is in the foreground); switches
  // the terminal to character mode first if it is not.
  bool acquire();

 private:
  int m_fd;
  bool m_keep_signals;
};

}  // namespace vmplat::common
