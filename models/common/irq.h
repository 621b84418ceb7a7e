// Interrupt wiring between devices and interrupt controllers: level-sensitive numbered
// lines. A device owns an IrqLine bound to a controller input (PLIC source n); setting it
// calls the controller synchronously, so an interrupt raised inside b_transport reaches
// the hart before its next instruction.
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
    if (level == m_level)
      return;
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
