// The A extension (unprivileged spec chapter 8): LR/SC with a one-address reservation, and
// AMOs as a read and a write of the physical location. They fault as stores (privileged
// 3.7), except LR, which faults as a load.
#include <type_traits>

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

bool Hart::exec_lr(unsigned size, uint64_t va, uint64_t& rd)
{
  if (va & (size - 1)) {
    raise(exc::kLoadMisaligned, va);
    return false;
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate(va, size, AccessKind::kLoad, pa))
    return false;
  uint64_t v = 0;
  if (!phys_access(pa, reinterpret_cast<uint8_t*>(&v), size, false)) {
    raise(exc::kLoadAccessFault, va);
    return false;
  }
  rd = size == 4 ? uint64_t(sext32(v)) : v;
  m_reservation_valid = true;
  m_reservation_pa = pa;
  return true;
}

bool Hart::exec_sc(unsigned size, uint64_t va, uint64_t value, uint64_t& rd)
{
  if (va & (size - 1)) {
    raise(exc::kStoreMisaligned, va);
    return false;
  }
  // Without a reservation the SC fails with no memory access at all (as QEMU does).
  if (!m_reservation_valid) {
    rd = 1;
    return true;
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate(va, size, AccessKind::kStore, pa))
    return false;
  const bool ok = pa == m_reservation_pa;
  m_reservation_valid = false;
  if (ok && !phys_access(pa, reinterpret_cast<uint8_t*>(&value), size, true)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  rd = ok ? 0 : 1;
  return true;
}

template <typename T>
bool Hart::exec_amo(uint64_t va, Op op, uint64_t operand, uint64_t& old)
{
  // AMOs need natural alignment (A extension 8.4); they fault as stores (privileged 3.7).
  if (va & (sizeof(T) - 1)) {
    raise(exc::kStoreMisaligned, va);
    return false;
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate(va, sizeof(T), AccessKind::kStore, pa))
    return false;
  T cur;
  if (!phys_access(pa, reinterpret_cast<uint8_t*>(&cur), sizeof(T), false)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  using S = std::make_signed_t<T>;
  const T b = T(operand);
  T next = cur;
  const unsigned base = (op >= Op::kLrD) ? unsigned(Op::kLrD) : unsigned(Op::kLrW);
  switch (unsigned(op) - base) {
    case 2: next = b; break;                                  // swap
    case 3: next = T(cur + b); break;                         // add
    case 4: next = cur ^ b; break;                            // xor
    case 5: next = cur & b; break;                            // and
    case 6: next = cur | b; break;                            // or
    case 7: next = S(cur) < S(b) ? cur : b; break;            // min
    case 8: next = S(cur) > S(b) ? cur : b; break;            // max
    case 9: next = cur < b ? cur : b; break;                  // minu
    case 10: next = cur > b ? cur : b; break;                 // maxu
  }
  if (!phys_access(pa, reinterpret_cast<uint8_t*>(&next), sizeof(T), true)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  old = uint64_t(int64_t(S(cur)));
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = true;
    m_trace_mem_value = uint64_t(next);
  }
  return true;
}

template bool Hart::exec_amo<uint32_t>(uint64_t, Op, uint64_t, uint64_t&);
template bool Hart::exec_amo<uint64_t>(uint64_t, Op, uint64_t, uint64_t&);

}  // namespace vmplat::cpu
