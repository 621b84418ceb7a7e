// The inline fast paths of the hart's memory unit (hart_memory.cpp): translation repeats,
// instruction fetch repeats from the decode cache, and loads and stores through the DMI
// pointer (the execute loop's own fetch fast path is in exec.cpp). Included by the units
// that execute instructions; everything slower is out of line.
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

__attribute__((always_inline)) inline const Insn* Hart::fetch_repeat(uint64_t pc,
                                                                     uint64_t& pa) const
{
  // The same virtual page as the last fetch (see fetch_general) and the instruction already
  // decoded: no translation and no decoding needed.
  if (__builtin_expect(pc / kPageSize != m_fetch_vkey, 0))
    return nullptr;
  pa = m_fetch_pbase + pc % kPageSize;
  const Insn* in = &m_fetch_page->slot[(pa % kPageSize) / 2];
  return __builtin_expect(in->op != Op::kUndecoded, 1) ? in : nullptr;
}

template <bool kWrite, typename T>
__attribute__((always_inline)) inline bool Hart::access_fast(uint64_t va, T* data, uint64_t& cycles)
{
  // load()'s and store()'s common case alone, charged to `cycles`: aligned, through a
  // repeated translation (or none), to DRAM through the DMI pointer, at its fixed latency
  // (a store only to a page that holds no hart's decoded code) or, under timed DMI, as
  // phys_access would charge it (only m_cycles changes; a store tells the harts of the
  // write). Anything else returns false having done nothing, and the caller takes
  // load_general or store_general.
  if (sizeof(T) > 1 && (va & (sizeof(T) - 1)))
    return false;
  uint64_t pa = va;
  XlateMemo& m = m_memo[unsigned(kWrite ? AccessKind::kStore : AccessKind::kLoad)];
  const bool xlate = m_xlate_data;
  if (xlate) {
    if (va / kPageSize != m.vpage || *m.generation != m.gen)
      return false;
    pa = m.pbase + va % kPageSize;
  }
  const uint64_t off = pa - m_dmi_base;
  const bool fixed = off < m_dmi_fast_limit;
  if (__builtin_expect(fixed, 1)) {
    if (kWrite && m_code_page[off / kPageSize])
      return false;
  } else if (!m_dmi_timed || off >= m_dmi_size || m_dmi_size - off < sizeof(T)) {
    return false;
  }
  if (xlate) {
    cycles += m.cycles;
    ++m.reused;
  }
  if (kWrite)
    std::memcpy(m_dmi_ptr + off, data, sizeof(T));
  else
    std::memcpy(data, m_dmi_ptr + off, sizeof(T));
  if (__builtin_expect(fixed, 1)) {
    cycles += kWrite ? m_dmi_write_cycles : m_dmi_read_cycles;
    return true;
  }
  if (kWrite)
    note_code_write(pa, sizeof(T));
  m_cycles = cycles;
  charge_timed_dmi(m_dmi_timed, off, sizeof(T), kWrite);
  cycles = m_cycles;
  return true;
}

template <typename T>
__attribute__((always_inline)) inline bool Hart::load_fast(uint64_t va, T& out, uint64_t& cycles)
{
  return access_fast<false>(va, &out, cycles);
}

template <typename T>
__attribute__((always_inline)) inline bool Hart::store_fast(uint64_t va, T value, uint64_t& cycles)
{
  return access_fast<true>(va, &value, cycles);
}

template <typename T>
__attribute__((noinline)) bool Hart::load_general(uint64_t va, T& out)
{
  return load(va, out);
}

template <typename T>
__attribute__((noinline)) bool Hart::store_general(uint64_t va, T value)
{
  return store(va, value);
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
