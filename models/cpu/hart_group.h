// cpu::HartGroup: what the harts of one platform share (docs/smp.md): which harts hold
// decoded instructions of each memory page, and the LR reservations of harts that are not
// running.
//
// Harts run one at a time, each a quantum at a time (temporal decoupling), and a hart's
// loads and stores reach memory at once: the platform is sequentially consistent, with the
// harts' instructions interleaved a quantum at a time, in SystemC's process order, which
// does not change from run to run. So a reservation can only be broken by another
// initiator while its hart waits: the hart parks it here when it yields and takes it back
// when it resumes, and every write that reaches memory meanwhile (another hart's store,
// AMO or SC, DMA through the bus, a debugger's write) that overlaps its reservation set
// breaks it. A hart's own stores keep its reservation, as on QEMU.
//
// The marks are one word per 4 KiB page of the region the harts reach through DMI (DRAM):
// bit h for hart h's decoded code, kParked for a parked reservation. The harts' store fast
// path tests the word it already tested for its own code; only marked pages take
// note_write().
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace vmplat::cpu {

class Hart;

class HartGroup {
 public:
  static constexpr unsigned kMaxHarts = 8;
  static constexpr uint16_t kParked = 1u << 15;
  // The reservation set: the naturally aligned 8 bytes holding the LR's address.
  static constexpr uint64_t kReservationBytes = 8;

  // The hart with the next id (0, 1, ...): Hart's constructor calls it.
  unsigned add(Hart* hart);
  unsigned size() const { return unsigned(m_harts.size()); }
  Hart& hart(unsigned id) const { return *m_harts[id]; }

  // The page marks of the DMI region [base, base + size): every hart of a group reaches
  // the same memory, so the first region requested is the one all share (another region
  // gets no marks: null, and its stores all take note_write()).
  uint16_t* marks_for(uint64_t base, uint64_t size);
  // Hart `id` holds decoded code of the page of pa / no longer holds any there.
  void mark_code(unsigned id, uint64_t pa);
  void clear_code_mark(unsigned id, uint64_t pa);

  // A write of [pa, pa + len) reached memory: drops the decoded code of every hart holding
  // some of it there and breaks parked reservations it overlaps.
  void note_write(uint64_t pa, uint64_t len);

  // Hart `id` stops running while it holds a reservation at pa / runs again: false when a
  // write broke the reservation meanwhile.
  void park(unsigned id, uint64_t pa);
  bool unpark(unsigned id);

 private:
  uint16_t* mark_of(uint64_t pa);

  std::vector<Hart*> m_harts;
  uint64_t m_base = 0, m_size = 0;
  std::vector<uint16_t> m_marks;
  struct Parked {
    bool valid = false, broken = false;
    uint64_t set = 0;  // the reservation set's first byte
  };
  std::array<Parked, kMaxHarts> m_parked = {};
  unsigned m_parked_count = 0;
};

}  // namespace vmplat::cpu
