// Interrupt wiring between devices and interrupt controllers: level-sensitive numbered
// lines. A device owns an IrqLine bound to a controller input (PLIC source n); setting it
// calls the controller synchronously, so an interrupt raised inside b_transport reaches
// the hart before its next instruction.
//
// A device calls set() each time it re-evaluates its interrupt condition, as QEMU's devices
// do, and every call reaches the controller, also one that repeats the current level: a
// controller may take a repeated high level as a new request (periph::Plic's `qemu`
// gateway latches one), or ignore it (a level-triggered gateway). A sink that needs edges
// compares with the level it saw last.
#pragma once

namespace vmplat::common {

class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void set_irq(unsigned line, bool level) = 0;
};

class IrqLine {
 public:
  void bind(IrqSink& sink, unsigned line)
  {
    m_sink = &sink;
    m_line = line;
  }
  void set(bool level)
  {
    m_level = level;
    if (m_sink)
      m_sink->set_irq(m_line, level);
  }
  bool level() const { return m_level; }

 private:
  IrqSink* m_sink = nullptr;
  unsigned m_line = 0;
  bool m_level = false;
};

}  // namespace vmplat::common
