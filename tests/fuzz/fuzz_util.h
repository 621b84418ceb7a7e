// Small helpers the fuzz harnesses share: a private scratch directory, files written from
// fuzz input, failing loudly, and the "one line" rule for user errors.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>
#include <string>

namespace vmplat::fuzz {

// Reports a broken property and aborts, which libFuzzer records as a crash with the input.
[[noreturn]] inline void fail(const std::string& what)
{
  std::fprintf(stderr, "fuzz: property broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// A user error must be one non-empty line (DESIGN.md: "one line naming what, where and what
// is allowed").
inline void check_user_error(const std::exception& e)
{
  const std::string msg = e.what();
  if (msg.empty() || msg.find('\n') != std::string::npos)
    fail("a user error that is not one line: '" + msg + "'");
}

// A directory of this process's own under $TMPDIR (or /tmp), removed at exit; harnesses
// that need files (images, configuration files) write them only here, and chdir() into it
// so nothing a fuzz input names can land anywhere else.
inline const std::string& scratch_dir()
{
  // Never destroyed: the atexit handler below runs after static destructors would have.
  static const std::string* dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/vmplat-fuzz-XXXXXX";
    if (!mkdtemp(templ.data()))
      fail("cannot create a scratch directory under " + templ);
    auto* path = new std::string(templ);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return path;
  }();
  return *dir;
}

inline std::string write_file(const std::string& name, const void* data, size_t size)
{
  const std::string path = scratch_dir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0)
    fail("cannot write " + path);
  return path;
}

inline std::string write_file(const std::string& name, const std::string& text)
{
  return write_file(name, text.data(), text.size());
}

// Discards what the models print on std::cerr while it lives (a GDB server says a line
// per attach, devices warn about guest errors): libFuzzer's own output stays readable.
class QuietCerr {
 public:
  QuietCerr() : m_old(std::cerr.rdbuf(&m_null)) {}
  ~QuietCerr() { std::cerr.rdbuf(m_old); }

 private:
  struct NullBuf : std::streambuf {
    int overflow(int c) override { return c; }
  } m_null;
  std::streambuf* m_old;
};

}  // namespace vmplat::fuzz
