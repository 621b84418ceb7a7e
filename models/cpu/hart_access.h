// The inline fast paths of the hart's memory unit (hart_memory.cpp): translation repeats,
// instruction fetch from the decode cache, and loads and stores through the DMI pointer.
// Included by the units that execute instructions; everything slower is out of line.
#pragma once

#include <cstring>

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

// A translation through the repeat fast path when it applies (see XlateMemo).
__attribute__((always_inline)) inline bool Hart::translate_fast(uint64_t va, unsigned size,
                                                                AccessKind kind, uint64_t& pa)
{
  XlateMemo& m = m_memo[unsigned(kind)];
  if (va / kPageSize == m.vpage && *m.generation == m.gen) {
    pa = m.pbase + va % kPageSize;
    m_cycles += m.cycles;
    ++m.reused;
    return true;
  }
  return translate_memo(va, size, kind, pa);
}

__attribute__((always_inline)) inline const Insn* Hart::fetch()
{
  // Fast path: the same virtual page as the last fetch (see fetch_general), instruction
  // already decoded, and either the same line or a new line of a DMI page (whose cost is
  // the DMI read latency).
  if (__builtin_expect(m_pc / kPageSize == m_fetch_vkey, 1)) {
    const uint64_t pa = m_fetch_pbase + m_pc % kPageSize;
    const Insn* in = &m_fetch_page->slot[(pa % kPageSize) / 2];
    if (__builtin_expect(in->op != Op::kUndecoded, 1)) {
      if (__builtin_expect(pa / 64 == m_fetch_line, 1)) {
        ++*m_fetch_hits;
        return in;
      }
      if (m_fetch_page_dmi) {
        m_fetch_line = pa / 64;
        m_cycles += m_dmi_read_cycles;
        ++*m_fetch_hits;
        return in;
      }
    }
  }
  return fetch_general();
}

template <typename T>
inline bool Hart::load(uint64_t va, T& out)
{
  if (sizeof(T) > 1 && (va & (sizeof(T) - 1))) {
    if (m_misaligned_trap) {
      raise(exc::kLoadMisaligned, va);
      return false;
    }
    return access_slow(va, reinterpret_cast<uint8_t*>(&out), sizeof(T), AccessKind::kLoad);
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate_fast(va, sizeof(T), AccessKind::kLoad, pa))
    return false;
  const uint64_t off = pa - m_dmi_base;
  if (off < m_dmi_fast_limit) {
    std::memcpy(&out, m_dmi_ptr + off, sizeof(T));
    m_cycles += m_dmi_read_cycles;
  } else if (!phys_access(pa, reinterpret_cast<uint8_t*>(&out), sizeof(T), false)) {
    raise(exc::kLoadAccessFault, va);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = false;
    m_trace_mem_value = uint64_t(out);
  }
  return true;
}

template <typename T>
inline bool Hart::store(uint64_t va, T value)
{
  if (sizeof(T) > 1 && (va & (sizeof(T) - 1))) {
    if (m_misaligned_trap) {
      raise(exc::kStoreMisaligned, va);
      return false;
    }
    return access_slow(va, reinterpret_cast<uint8_t*>(&value), sizeof(T), AccessKind::kStore);
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate_fast(va, sizeof(T), AccessKind::kStore, pa))
    return false;
  const uint64_t off = pa - m_dmi_base;
  if (off < m_dmi_fast_limit) {
    std::memcpy(m_dmi_ptr + off, &value, sizeof(T));
    m_cycles += m_dmi_write_cycles;
    if (m_code_page[off / kPageSize])
      note_code_write(pa, sizeof(T));
  } else if (!phys_access(pa, reinterpret_cast<uint8_t*>(&value), sizeof(T), true)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = true;
    m_trace_mem_value = uint64_t(value);
  }
  return true;
}

}  // namespace vmplat::cpu
