#include "models/bus/router.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "models/common/format.h"

namespace vmplat::bus {

using common::hex;

namespace {

constexpr uint64_t kMaxAddr = std::numeric_limits<uint64_t>::max();

// Restores the global address on every path out of a forwarded call.
class AddressRestore {
 public:
  AddressRestore(tlm::tlm_generic_payload& trans, uint64_t global)
      : m_trans(trans), m_global(global)
  {
  }
  ~AddressRestore() { m_trans.set_address(m_global); }

 private:
  tlm::tlm_generic_payload& m_trans;
  uint64_t m_global;
};

}  // namespace

Router::Router(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      tsock("tsock"),
      isock("isock"),
      m_decode_errors(common::stats().counter(
          std::string(this->name()) + ".decode_errors",
          "accesses to an address no target decodes (holes, or crossing the end of a range)"))
{
  tsock.register_b_transport(this, &Router::b_transport);
  tsock.register_transport_dbg(this, &Router::transport_dbg);
  tsock.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  isock.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(uint64_t base, uint64_t size, const std::string& name)
{
  std::string what =
      std::string(this->name()) + ": range '" + name + "' [" + hex(base) + ", +" + hex(size) + ")";
  if (size == 0)
    throw std::logic_error(what + " is empty");
  if (size - 1 > kMaxAddr - base)
    throw std::logic_error(what + " runs past the end of the address space");
  for (const Range& r : m_ranges) {
    if (base <= r.base + (r.size - 1) && r.base <= base + (size - 1))
      throw std::logic_error(what + " overlaps '" + r.name + "' [" + hex(r.base) + ", +" +
                             hex(r.size) + ")");
  }
  Range range{base, size, name, unsigned(m_by_port.size())};
  m_ranges.insert(std::upper_bound(m_ranges.begin(), m_ranges.end(), base,
                                   [](uint64_t b, const Range& r) { return b < r.base; }),
                  range);
  rebuild_port_index();
}

void Router::rebuild_port_index()
{
  m_by_port.assign(m_ranges.size(), 0);
  for (unsigned i = 0; i < m_ranges.size(); ++i) m_by_port[m_ranges[i].port] = i;
}

void Router::end_of_elaboration()
{
  if (unsigned(isock.size()) != m_ranges.size()) {
    throw std::logic_error(std::string(name()) + ": " + std::to_string(isock.size()) +
                           " targets bound to isock but " + std::to_string(m_ranges.size()) +
                           " ranges mapped; call map() once per binding");
  }
}

const Router::Range* Router::find(uint64_t addr) const
{
  // The last range whose base is <= addr is the only candidate.
  auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), addr,
                             [](uint64_t a, const Range& r) { return a < r.base; });
  if (it == m_ranges.begin())
    return nullptr;
  --it;
  return addr - it->base < it->size ? &*it : nullptr;
}

const Router::Range* Router::decode(uint64_t addr, uint64_t len) const
{
  const Range* r = find(addr);
  if (!r)
    return nullptr;
  uint64_t room = r->size - (addr - r->base);
  return len <= room ? r : nullptr;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
  uint64_t addr = trans.get_address();
  const Range* r = decode(addr, trans.get_data_length());
  if (!r) {
    ++m_decode_errors;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  {
    AddressRestore restore(trans, addr);
    trans.set_address(addr - r->base);
    isock[r->port]->b_transport(trans, delay);
  }
  if (m_write_observer && trans.is_write() && trans.is_response_ok())
    m_write_observer(addr, trans.get_data_length());
}

unsigned int Router::transport_dbg(int, tlm::tlm_generic_payload& trans)
{
  uint64_t addr = trans.get_address();
  const Range* r = decode(addr, trans.get_data_length());
  if (!r) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  unsigned n;
  {
    AddressRestore restore(trans, addr);
    trans.set_address(addr - r->base);
    n = isock[r->port]->transport_dbg(trans);
  }
  if (m_write_observer && trans.is_write() && n)
    m_write_observer(addr, n);
  return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi)
{
  uint64_t addr = trans.get_address();
  const Range* r = find(addr);
  if (!r) {
    // Deny the whole hole so the initiator need not ask again for any address in it.
    auto next = std::upper_bound(m_ranges.begin(), m_ranges.end(), addr,
                                 [](uint64_t a, const Range& x) { return a < x.base; });
    uint64_t start = 0;
    if (next != m_ranges.begin()) {
      auto prev = std::prev(next);
      start = prev->base + (prev->size - 1) + 1;
    }
    dmi.allow_none();
    dmi.set_start_address(start);
    dmi.set_end_address(next == m_ranges.end() ? kMaxAddr : next->base - 1);
    return false;
  }
  bool granted;
  {
    AddressRestore restore(trans, addr);
    trans.set_address(addr - r->base);
    granted = isock[r->port]->get_direct_mem_ptr(trans, dmi);
  }
  // Target-local [start, end] (end inclusive) to global, clipped to the range: a target
  // may describe more than it was mapped with (or the whole address space when denying).
  uint64_t last = r->size - 1;
  uint64_t start = std::min<uint64_t>(dmi.get_start_address(), last);
  uint64_t end = std::min<uint64_t>(dmi.get_end_address(), last);
  dmi.set_start_address(r->base + start);
  dmi.set_end_address(r->base + end);
  return granted;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end)
{
  const Range& r = m_ranges[m_by_port[unsigned(port)]];
  uint64_t last = r.size - 1;
  if (start > last)
    return;
  uint64_t gstart = r.base + start;
  uint64_t gend = r.base + std::min<uint64_t>(end, last);
  for (unsigned i = 0; i < unsigned(tsock.size()); ++i)
    tsock[i]->invalidate_direct_mem_ptr(gstart, gend);
}

}  // namespace vmplat::bus
