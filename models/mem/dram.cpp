#include "models/mem/dram.h"

#include <sys/mman.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "models/common/config.h"

namespace vmplat::mem {

namespace {

std::string key(const std::string& prefix, const char* leaf) { return prefix + "." + leaf; }

common::Counter& counter(const std::string& prefix, const char* leaf, const char* doc,
                         bool summary = false)
{
  return common::stats().counter(key(prefix, leaf), doc, summary);
}

}  // namespace

Dram::Dram(sc_core::sc_module_name name)
    : sc_module(name),
      tsock("tsock"),
      m_prefix(basename()),
      m_reads(counter(m_prefix, "reads", "read transactions through b_transport", true)),
      m_writes(counter(m_prefix, "writes", "write transactions through b_transport", true)),
      m_bytes_read(counter(m_prefix, "bytes_read", "bytes read through b_transport")),
      m_bytes_written(counter(m_prefix, "bytes_written", "bytes written through b_transport"))
{
  auto& cfg = common::config();
  m_size = cfg.u64(key(m_prefix, "size"), 128ull << 20, "bytes",
                   "size of the main memory (host memory is committed only when touched)",
                   4096, 1ull << 40);
  double tck_ns = cfg.real(key(m_prefix, "tCK"), 0.625, "ns",
                           "DRAM clock period (0.625 ns = DDR4-3200)", 0.01, 100.0);
  uint64_t fast = cfg.u64(key(m_prefix, "fast_latency"), 26, "tCK",
                          "latency of an access in fast mode (default CL + burst, a row hit)",
                          0, 1000000);
  m_tck = sc_core::sc_time(tck_ns, sc_core::SC_NS);
  m_fast_latency = m_tck * double(fast);

  void* p = mmap(nullptr, m_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw common::UserError(key(m_prefix, "size") + " = " + std::to_string(m_size) +
                            ": cannot reserve host memory (" + std::strerror(errno) +
                            "); use a smaller size");
  m_mem = static_cast<uint8_t*>(p);

  tsock.register_b_transport(this, &Dram::b_transport);
  tsock.register_transport_dbg(this, &Dram::transport_dbg);
  tsock.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
}

Dram::~Dram()
{
  if (m_mem)
    munmap(m_mem, m_size);
}

void Dram::copy(tlm::tlm_generic_payload& tx, uint64_t addr, unsigned len)
{
  uint8_t* mem = m_mem + addr;
  uint8_t* data = tx.get_data_ptr();
  const uint8_t* be = tx.get_byte_enable_ptr();
  unsigned be_len = tx.get_byte_enable_length();
  bool write = tx.is_write();
  if (!be || be_len == 0) {
    if (write)
      std::memcpy(mem, data, len);
    else
      std::memcpy(data, mem, len);
    return;
  }
  // TLM-2.0 §14.15: byte i is enabled when be[i % be_len] is 0xff.
  for (unsigned i = 0; i < len; ++i) {
    if (be[i % be_len] != TLM_BYTE_ENABLED)
      continue;
    if (write)
      mem[i] = data[i];
    else
      data[i] = mem[i];
  }
}

void Dram::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay)
{
  uint64_t addr = tx.get_address();
  unsigned len = tx.get_data_length();
  tlm::tlm_command cmd = tx.get_command();
  if (addr >= m_size || len > m_size - addr) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (tx.get_streaming_width() != 0 && tx.get_streaming_width() < len) {
    tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (cmd == tlm::TLM_IGNORE_COMMAND) {
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  copy(tx, addr, len);
  if (cmd == tlm::TLM_READ_COMMAND) {
    ++m_reads;
    m_bytes_read += len;
  } else {
    ++m_writes;
    m_bytes_written += len;
  }
  delay += m_fast_latency;
  tx.set_dmi_allowed(true);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& tx)
{
  uint64_t addr = tx.get_address();
  if (addr >= m_size || tx.get_command() == tlm::TLM_IGNORE_COMMAND) {
    tx.set_response_status(addr >= m_size ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                          : tlm::TLM_OK_RESPONSE);
    return 0;
  }
  uint64_t avail = m_size - addr;
  unsigned len = tx.get_data_length() > avail ? unsigned(avail) : tx.get_data_length();
  if (tx.is_write())
    std::memcpy(m_mem + addr, tx.get_data_ptr(), len);
  else
    std::memcpy(tx.get_data_ptr(), m_mem + addr, len);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi)
{
  (void)tx;
  dmi.set_dmi_ptr(m_mem);
  dmi.set_start_address(0);
  dmi.set_end_address(m_size - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(m_fast_latency);
  dmi.set_write_latency(m_fast_latency);
  return true;
}

}  // namespace vmplat::mem
