// Fuzz harness: the instruction decoder. Each 4 bytes of input are one instruction word
// (a shorter tail is zero-extended); every word must satisfy the properties of
// tests/fuzz/decode_check.h (decodes to an instruction or to illegal, re-encodes to itself
// up to the bits execution ignores, compressed forms expand consistently).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/fuzz/decode_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  for (size_t at = 0; at < size; at += 4) {
    uint32_t word = 0;
    std::memcpy(&word, data + at, size - at < 4 ? size - at : 4);
    const std::string err = vmplat::test::check_decode(word);
    if (!err.empty()) {
      std::fprintf(stderr, "fuzz_decode: %s\n", err.c_str());
      std::abort();
    }
  }
  return 0;
}
