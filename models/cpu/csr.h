// The hart's CSR file as a table of descriptors: one entry per implemented CSR number, with
// its name, an optional access rule, and either a plain backing register with a write mask
// or read/write functions that apply the WARL rules and side effects.
//
// What every CSR shares is decided once, by the hart, from the number alone (Zicsr 9.1,
// privileged spec 2.1): bits 9:8 give the lowest privilege that may access it, and bits
// 11:10 == 3 mark it read-only. A number with no descriptor does not exist. Each of those
// is an illegal-instruction exception, as is an access the descriptor's rule refuses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmplat::cpu {

class Hart;

struct CsrDesc {
  uint16_t number = 0;
  std::string name;  // the spec's name (GDB's register name)
  unsigned arg = 0;  // for families: the index (pmpaddr<arg>, hpmcounter<arg>)
  // An access rule beyond the privilege level (counter enables, TVM, Sstc); false makes
  // the access illegal. Checked for every access, reads and writes alike.
  bool (*allowed)(const Hart&, unsigned arg) = nullptr;
  // A plain register: the value is this member; a write changes the bits of write_mask.
  uint64_t Hart::*field = nullptr;
  uint64_t write_mask = 0;
  // Otherwise the value is computed and a write applied by these (write null: writes are
  // ignored, e.g. a WARL register with one legal value).
  uint64_t (*read)(const Hart&, unsigned arg) = nullptr;
  void (*write)(Hart&, unsigned arg, uint64_t value) = nullptr;
  // Where a read-modify-write (CSRRS/CSRRC) starts from a value other than what a read
  // returns (mip.SEIP, privileged 3.1.9); null: from the read value.
  uint64_t (*rmw_base)(const Hart&, unsigned arg) = nullptr;
};

// Read-only by number: bits 11:10 are 3.
constexpr bool csr_read_only(uint16_t number) { return (number >> 10) == 3; }
// The lowest privilege level (as a Priv value) that may access the CSR.
constexpr unsigned csr_min_priv(uint16_t number) { return (number >> 8) & 3; }

}  // namespace vmplat::cpu
