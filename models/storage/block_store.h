// storage::BlockStore: the bytes behind a block device. Either a host image file, written
// through with pwrite (so the host file holds every completed write) and fsync'ed on
// flush() and on destruction, or an anonymous in-memory disk committed only where written.
#pragma once

#include <cstdint>
#include <string>

namespace vmplat::storage {

class BlockStore {
 public:
  static constexpr uint64_t kSectorSize = 512;

  // An image file: must exist, be readable and writable, and hold a whole number of
  // sectors (errors are common::UserError naming the path and the rule).
  static BlockStore open_image(const std::string& path);
  // A zero-filled in-memory disk of `bytes` (a multiple of 512).
  static BlockStore anonymous(uint64_t bytes);
  // No medium at all.
  BlockStore() = default;

  BlockStore(BlockStore&& other) noexcept;
  BlockStore& operator=(BlockStore&& other) noexcept;
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;
  ~BlockStore();

  uint64_t size() const { return m_size; }
  bool present() const { return m_size != 0; }
  const std::string& path() const { return m_path; }

  // Byte ranges inside [0, size()); the caller checks the range. Return false on a host
  // I/O error.
  bool read(uint64_t offset, uint8_t* buf, uint64_t len);
  bool write(uint64_t offset, const uint8_t* buf, uint64_t len);
  bool flush();

 private:
  void close();

  std::string m_path;
  int m_fd = -1;
  uint8_t* m_mem = nullptr;
  uint64_t m_size = 0;
};

}  // namespace vmplat::storage
