// The hart's waveform hooks (docs/debugging.md, "Waveforms"): privilege, WFI, the mip bits,
// mie, stimecmp and the address-translation fences, recorded at the hart's own local time.
#include "models/common/time.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

using sc_core::sc_time;

namespace {

// The mip bits the waves show, and their names (cpu.mip.<name>).
constexpr unsigned kWaveMip[] = {irq::kMSI, irq::kMTI, irq::kMEI, irq::kSSI, irq::kSTI, irq::kSEI};
constexpr const char* kWaveMipNames[] = {"msip", "mtip", "meip", "ssip", "stip", "seip"};
constexpr size_t kWaveMtip = 1, kWaveStip = 4;  // the timer bits' places in kWaveMip
static_assert(kWaveMip[kWaveMtip] == irq::kMTI && kWaveMip[kWaveStip] == irq::kSTI);

// The instant at which mtime (10 MHz) reaches `ticks`; false beyond what sc_time holds.
bool mtime_instant(uint64_t ticks, sc_time& at)
{
  static const uint64_t tick = sc_time(100, sc_core::SC_NS).value();
  if (ticks > UINT64_MAX / tick)
    return false;
  at = sc_time::from_value(ticks * tick);
  return true;
}

}  // namespace

void Hart::set_waves(common::WaveRecorder& waves)
{
  m_waves = &waves;
  const uint64_t mip = read_mip();
  m_wave_priv = waves.add(m_label + "cpu.priv", 2, unsigned(m_priv));
  m_wave_wfi = waves.add(m_label + "cpu.wfi", 1, m_wfi);
  for (size_t i = 0; i < m_wave_mip.size(); ++i)
    m_wave_mip[i] = waves.add(m_label + "cpu.mip." + kWaveMipNames[i], 1, (mip >> kWaveMip[i]) & 1);
  m_wave_mie = waves.add(m_label + "cpu.mie", 12, m_mie);
  m_wave_stimecmp = waves.add(m_label + "cpu.stimecmp", 64, m_stimecmp);
  m_wave_fence = waves.add(m_label + "mmu.fence", 3, 0);
  m_wave_fences = waves.add(m_label + "mmu.fences", 32, 0);
  m_wave_timer[0] = {m_wave_mip[kWaveMtip], true, m_mtimecmp};
  m_wave_timer[1] = {m_wave_mip[kWaveStip], bool(m_menvcfg & menvcfg::kSTCE), m_stimecmp};
  m_wave_look = now();
}

void Hart::wave_fence(WaveFence kind)
{
  // A fence is an instant: its kind holds until the next one, and the count changes at
  // every one, so two fences of one kind in a row still show as two changes.
  const sc_time t = now();
  m_waves->set(m_wave_fence, unsigned(kind), t);
  m_waves->set(m_wave_fences, ++m_wave_fence_count & 0xffffffffu, t);
}

void Hart::wave_update()
{
  // Called after any change the waves show; the recorder drops values that did not change.
  common::WaveRecorder& w = *m_waves;
  const sc_time t = now();
  w.set(m_wave_priv, unsigned(m_priv), t);
  w.set(m_wave_wfi, m_wfi, t);
  w.set(m_wave_mie, m_mie, t);
  w.set(m_wave_stimecmp, m_stimecmp, t);
  // Timer levels depend on the time they are read at: read them at the latest look, which
  // is the hart's own time when a device process calls while the hart has run ahead.
  m_wave_look = std::max(m_wave_look, t);
  const uint64_t mip = mip_at(common::mtime_at(m_wave_look));
  for (size_t i = 0; i < m_wave_mip.size(); ++i)
    if (i != kWaveMtip && i != kWaveStip)
      w.set(m_wave_mip[i], (mip >> kWaveMip[i]) & 1, t);
  const bool stce = m_menvcfg & menvcfg::kSTCE;
  wave_timer(m_wave_timer[0], true, m_mtimecmp, (m_mie >> irq::kMTI) & 1, (mip >> irq::kMTI) & 1);
  wave_timer(m_wave_timer[1], stce, m_stimecmp, stce && ((m_mie >> irq::kSTI) & 1),
             (mip >> irq::kSTI) & 1);
}

void Hart::wave_timer(WaveTimer& timer, bool timed, uint64_t cmp, bool enabled, bool level)
{
  common::WaveRecorder& w = *m_waves;
  sc_time edge;
  // A rising edge that time alone made under the compare of the last look happened at
  // compare * 100 ns; the recorder draws it no earlier than SystemC time, so an edge seen
  // only after SystemC passed it is late (docs/debugging.md).
  if (timer.timed && !w.value(timer.signal) && common::mtime_at(m_wave_look) >= timer.cmp &&
      mtime_instant(timer.cmp, edge))
    w.set(timer.signal, 1, edge);
  w.set(timer.signal, level, m_wave_look);
  // While the interrupt is enabled the hart stops at the deadline or sleeps until it
  // (timer_deadline_cycle), so SystemC time gets there anyway: only then may the recorder
  // hold a notification for it.
  if (timed && enabled && !level && mtime_instant(cmp, edge))
    w.predict(timer.signal, 1, edge);
  else
    w.retract(timer.signal);
  timer.timed = timed;
  timer.cmp = cmp;
}

}  // namespace vmplat::cpu
