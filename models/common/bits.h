// Small integer helpers the models share: geometry checks (sizes that must be powers of
// two) and the replacement policies' pseudo-random numbers.
#pragma once

#include <cstdint>

namespace vmplat::common {

constexpr bool is_pow2(uint64_t v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

// floor(log2(v)); 0 for v = 0 and 1.
constexpr unsigned log2_floor(uint64_t v)
{
  unsigned n = 0;
  while (v > 1) {
    v >>= 1;
    ++n;
  }
  return n;
}

// Marsaglia's xorshift64 (shifts 13, 7, 17): advances a non-zero state and returns it.
// Random replacement in the TLBs and caches draws from it, so runs repeat for a seed.
inline uint64_t xorshift64(uint64_t& state)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace vmplat::common
