// mem::DramTiming: the bank/row timing of a DDR-style memory, in tCK cycles, with no
// SystemC in it so it can be tested (and reasoned about) on its own.
//
// Organisation: channels x ranks x bank groups x banks; each bank has one row buffer
// (open-page policy: a row stays open until another row of the same bank is needed or a
// refresh closes it). Each channel has one data bus that carries one burst of
// `burst_bytes` in `tBURST` cycles.
//
// An access is split into bursts (aligned `burst_bytes` chunks). Each burst arriving at
// cycle t, after the rank's refresh (see below), goes to its bank:
//   row hit       col = max(t, bank.ready)
//   closed bank   act = max(t, bank.ready);                        col = act + tRCD
//   row conflict  pre = max(t, bank.ready, bank.act + tRAS); act = pre + tRP; col = act + tRCD
//   data          start = max(col + tCL, channel.bus_free);  done = start + tBURST
// and the bank takes its next column command at col + tBURST. The access completes when
// its last burst's data is done; its latency is done - t. Unloaded figures:
//   hit = tCL + tBURST, closed = tRCD + tCL + tBURST, conflict = tRP + tRCD + tCL + tBURST
// (plus whatever tRAS still requires after the row's activation).
//
// Refresh: every rank refreshes all its banks at cycles k*tREFI (k >= 1) for tRFC cycles.
// A burst arriving inside [k*tREFI, k*tREFI + tRFC) waits until the window ends (a refresh
// stall), and a refresh closes every row of the rank.
//
// Not modelled (documented in docs/memory.md): tRRD, tFAW, tWTR, tWR, CWL (writes use
// tCL), rank-to-rank switching, command-bus conflicts, staggered refresh, power-down.
// Bursts of one access are issued back to back from the same arrival time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/state.h"
#include "models/common/stats.h"

namespace vmplat::mem {

struct DramGeometry {
  unsigned channels = 1;
  unsigned ranks = 1;
  unsigned bankgroups = 4;
  unsigned banks = 4;  // per bank group
  uint64_t row_bytes = 8192;  // bytes of one row across the rank (page size)
  uint64_t burst_bytes = 64;  // bytes moved by one burst (bus width x burst length)
  uint64_t size = 128ull << 20;
};

struct DramTimingParams {
  uint64_t tCL = 22, tRCD = 22, tRP = 22, tRAS = 52, tBURST = 4;
  uint64_t tREFI = 12480, tRFC = 560;
};

// Which address bits select what. Fields are listed from the most significant to the
// least significant; the low log2(burst_bytes) bits (the offset inside a burst) sit below
// them all and are not listed. Every field takes log2 of its count in bits; "column"
// takes log2(row_bytes / burst_bytes), "row" takes the bits that remain.
enum class Field : uint8_t { kRow, kRank, kBankgroup, kBank, kChannel, kColumn };
struct DramMapping {
  std::array<Field, 6> msb_to_lsb{Field::kRow,     Field::kRank,    Field::kBankgroup,
                                   Field::kBank, Field::kChannel, Field::kColumn};
  // Parses "row:rank:bankgroup:bank:channel:column" (each name once, any order).
  // Returns an empty string on success, else what is wrong.
  std::string parse(const std::string& text);
  std::string to_string() const;
};

struct DramAddress {
  unsigned channel = 0, rank = 0, bankgroup = 0, bank = 0;
  uint64_t row = 0, column = 0;
};

enum class RowOutcome : uint8_t { kHit, kMiss, kConflict };

class DramTiming {
 public:
  struct BankCounters {
    common::Counter* row_hits;
    common::Counter* row_misses;  // closed bank: activate only
    common::Counter* row_conflicts;  // another row open: precharge + activate
  };
  struct Result {
    uint64_t latency = 0;  // cycles from arrival to the last data
    unsigned bursts = 0, hits = 0, misses = 0, conflicts = 0;
    uint64_t refresh_stall = 0;  // cycles spent waiting for refresh
  };

  // Geometry counts and sizes must be powers of two (checked by the caller: see
  // check_geometry).
  DramTiming(const DramGeometry& geo, const DramTimingParams& timing, const DramMapping& map);

  // Returns an empty string when the geometry is usable, else what is wrong.
  static std::string check_geometry(const DramGeometry& geo);

  DramAddress decode(uint64_t addr) const;
  // Flat bank index: ((channel * ranks + rank) * bankgroups + bankgroup) * banks + bank.
  unsigned bank_index(const DramAddress& a) const;
  // bank_index(decode(addr)) straight from the address bits, without the intermediate
  // fields: this runs per burst.
  unsigned bank_of(uint64_t addr) const
  {
    unsigned bi = 0;
    for (const BankBits& f : m_bank_bits)
      bi |= unsigned((addr >> f.shift) & f.mask) << f.pos;
    return bi;
  }
  unsigned bank_count() const { return unsigned(m_banks.size()); }

  // Checkpoints: the open rows, the banks' and ranks' timing state and the data buses. A
  // state saved with another geometry or address mapping is not restored (false: cold).
  void save_state(nlohmann::json& j) const;
  bool restore_state(const common::StateIn& in);

  // One access of `len` bytes at `addr` arriving at cycle `now`; advances the bank state.
  Result access(uint64_t addr, uint64_t len, uint64_t now);

  // Several harts (docs/smp.md) each run a quantum ahead in turn, so a bank sees arrivals
  // out of time order: the second hart's accesses come "from the past" of the first's. By
  // default such an arrival waits for the bank as if it came later; with `idle` on, an
  // arrival earlier than the latest one its bank has seen finds the bank and its channel's
  // bus free (the later arrivals' reservations are its future), and only the open row
  // decides its latency; it still opens its row and extends the reservations. Without it
  // a hart that runs second in each quantum gets about one access per quantum.
  void set_past_arrivals_idle(bool idle) { m_past_idle = idle; }

  // Closes every row (as a precharge-all would), leaving the times alone: the state of a
  // memory nobody used for a while. Used when timing resumes after a fast-forward.
  void close_rows()
  {
    for (Bank& b : m_banks)
      b.open_row = kNoRow;
  }

  // Per-bank outcome counters go to these (by default to counters of this object).
  void bind_counters(unsigned bank, const BankCounters& c) { m_banks[bank].counters = c; }
  const BankCounters& counters(unsigned bank) const { return m_banks[bank].counters; }

 private:
  static constexpr uint64_t kNoRow = ~uint64_t{0};
  struct Bank {
    uint64_t open_row = kNoRow;
    uint64_t ready = 0;  // earliest cycle of the next command
    uint64_t act = 0;  // cycle of the last activate (for tRAS)
    uint64_t last_arrival = 0;  // latest burst arrival (only with m_past_idle)
    BankCounters counters;
  };
  struct Rank {
    uint64_t refreshes_seen = 0;  // refresh windows already applied to the row buffers
  };
  RowOutcome burst(uint64_t addr, uint64_t t, uint64_t& done, uint64_t& stall);

  DramGeometry m_geo;
  DramTimingParams m_t;
  std::array<Field, 6> m_order;
  std::array<unsigned, 6> m_shift{};  // by Field
  std::array<uint64_t, 6> m_mask{};  // by Field
  // Channel, rank, bank group and bank: where each sits in the address and in the flat
  // bank index (channel highest, bank lowest).
  struct BankBits {
    unsigned shift;
    uint64_t mask;
    unsigned pos;
  };
  std::array<BankBits, 4> m_bank_bits{};
  unsigned m_rank_pos = 0;     // flat bank index >> m_rank_pos = channel * ranks + rank
  unsigned m_channel_pos = 0;  // flat bank index >> m_channel_pos = channel
  std::vector<Bank> m_banks;
  std::vector<Rank> m_ranks;  // channel * ranks + rank
  std::vector<uint64_t> m_bus_free;  // per channel
  bool m_past_idle = false;
  std::vector<common::Counter> m_own_counters;
};

}  // namespace vmplat::mem
