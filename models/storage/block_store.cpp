#include "models/storage/block_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "models/common/config.h"

namespace vmplat::storage {

BlockStore BlockStore::open_image(const std::string& path)
{
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    throw common::UserError("disk image '" + path + "' cannot be opened for reading and " +
                            "writing: " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw common::UserError("disk image '" + path + "' must be a regular file");
  }
  uint64_t size = uint64_t(st.st_size);
  if (size == 0 || size % kSectorSize != 0) {
    ::close(fd);
    throw common::UserError("disk image '" + path + "' is " + std::to_string(size) +
                            " bytes; allowed: a non-zero multiple of 512 bytes");
  }
  BlockStore s;
  s.m_path = path;
  s.m_fd = fd;
  s.m_size = size;
  return s;
}

BlockStore BlockStore::anonymous(uint64_t bytes)
{
  BlockStore s;
  if (bytes == 0)
    return s;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw common::UserError("in-memory disk of " + std::to_string(bytes) +
                            " bytes: cannot reserve host memory (" + std::strerror(errno) + ")");
  s.m_mem = static_cast<uint8_t*>(p);
  s.m_size = bytes;
  return s;
}

BlockStore::BlockStore(BlockStore&& o) noexcept
    : m_path(std::move(o.m_path)), m_fd(std::exchange(o.m_fd, -1)),
      m_mem(std::exchange(o.m_mem, nullptr)), m_size(std::exchange(o.m_size, 0))
{
}

BlockStore& BlockStore::operator=(BlockStore&& o) noexcept
{
  if (this != &o) {
    close();
    m_path = std::move(o.m_path);
    m_fd = std::exchange(o.m_fd, -1);
    m_mem = std::exchange(o.m_mem, nullptr);
    m_size = std::exchange(o.m_size, 0);
  }
  return *this;
}

BlockStore::~BlockStore() { close(); }

void BlockStore::close()
{
  if (m_fd >= 0) {
    ::fsync(m_fd);
    ::close(m_fd);
    m_fd = -1;
  }
  if (m_mem) {
    munmap(m_mem, m_size);
    m_mem = nullptr;
  }
  m_size = 0;
}

bool BlockStore::read(uint64_t offset, uint8_t* buf, uint64_t len)
{
  if (m_mem) {
    std::memcpy(buf, m_mem + offset, len);
    return true;
  }
  while (len > 0) {
    ssize_t n = ::pread(m_fd, buf, len, off_t(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    buf += n;
    offset += uint64_t(n);
    len -= uint64_t(n);
  }
  return true;
}

bool BlockStore::write(uint64_t offset, const uint8_t* buf, uint64_t len)
{
  if (m_mem) {
    std::memcpy(m_mem + offset, buf, len);
    return true;
  }
  while (len > 0) {
    ssize_t n = ::pwrite(m_fd, buf, len, off_t(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    buf += n;
    offset += uint64_t(n);
    len -= uint64_t(n);
  }
  return true;
}

bool BlockStore::flush() { return m_fd < 0 || ::fsync(m_fd) == 0; }

}  // namespace vmplat::storage
