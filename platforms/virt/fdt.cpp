#include "platforms/virt/fdt.h"

#include <cstdio>
#include <map>

namespace vmplat::virt {

namespace {

constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kEnd = 9;

class FdtWriter {
 public:
  void begin(const std::string& name)
  {
    word(kBeginNode);
    bytes(name.c_str(), name.size() + 1);
  }
  void end() { word(kEndNode); }
  void prop(const std::string& name, const std::vector<uint32_t>& cells)
  {
    std::vector<uint8_t> v;
    for (uint32_t c : cells)
      for (int s = 24; s >= 0; s -= 8)
        v.push_back(uint8_t(c >> s));
    raw_prop(name, v);
  }
  std::vector<uint8_t> finish(uint32_t boot_cpu)
  {
    word(kEnd);
    std::vector<uint8_t> out;
    const uint32_t header = 40, rsvmap = 16;
    const uint32_t off_struct = header + rsvmap;
    const uint32_t off_strings = off_struct + uint32_t(m_struct.size());
    const uint32_t total = off_strings + uint32_t(m_strings.size());
    auto put = [&out](uint32_t v) {
      for (int s = 24; s >= 0; s -= 8)
        out.push_back(uint8_t(v >> s));
    };
    put(0xd00dfeed);
    put(total);
    put(off_struct);
    put(off_strings);
    put(header);  // off_mem_rsvmap
    put(17);      // version
    put(16);      // last compatible version
    put(boot_cpu);
    put(uint32_t(m_strings.size()));
    put(uint32_t(m_struct.size()));
    out.insert(out.end(), rsvmap, 0);  // one empty reservation entry ends the map
    out.insert(out.end(), m_struct.begin(), m_struct.end());
    out.insert(out.end(), m_strings.begin(), m_strings.end());
    return out;
  }

 private:
  void word(uint32_t v)
  {
    for (int s = 24; s >= 0; s -= 8)
      m_struct.push_back(uint8_t(v >> s));
  }
  void bytes(const void* p, size_t n)
  {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    m_struct.insert(m_struct.end(), b, b + n);
    while (m_struct.size() % 4)
      m_struct.push_back(0);
  }
  uint32_t string_offset(const std::string& name)
  {
    auto it = m_string_offsets.find(name);
    if (it != m_string_offsets.end())
      return it->second;
    const uint32_t off = uint32_t(m_strings.size());
    m_strings.insert(m_strings.end(), name.begin(), name.end());
    m_strings.push_back(0);
    m_string_offsets[name] = off;
    return off;
  }
  void raw_prop(const std::string& name, std::vector<uint8_t> value)
  {
    word(kProp);
    word(uint32_t(value.size()));
    word(string_offset(name));
    bytes(value.data(), value.size());
  }

  std::vector<uint8_t> m_struct, m_strings;
  std::map<std::string, uint32_t> m_string_offsets;
  friend void string_prop(FdtWriter&, const std::string&, const std::string&);
};

void string_prop(FdtWriter& w, const std::string& name, const std::string& text)
{
  std::vector<uint8_t> v(text.begin(), text.end());
  v.push_back(0);
  w.raw_prop(name, v);
}

std::vector<uint32_t> cells64(uint64_t a, uint64_t b)
{
  return {uint32_t(a >> 32), uint32_t(a), uint32_t(b >> 32), uint32_t(b)};
}

}  // namespace

std::vector<uint8_t> build_fdt(const FdtInfo& info)
{
  FdtWriter w;
  w.begin("");
  w.prop("#address-cells", std::vector<uint32_t>{2});
  w.prop("#size-cells", std::vector<uint32_t>{2});
  string_prop(w, "compatible", "riscv-virtio");
  string_prop(w, "model", "vmplat,virt");
  w.begin("chosen");
  string_prop(w, "bootargs", info.bootargs);
  w.end();
  const std::string mem = "memory@" + [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(info.ram_base));
    return std::string(buf);
  }();
  w.begin(mem);
  string_prop(w, "device_type", "memory");
  w.prop("reg", cells64(info.ram_base, info.ram_size));
  w.end();
  w.begin("cpus");
  w.prop("#address-cells", std::vector<uint32_t>{1});
  w.prop("#size-cells", std::vector<uint32_t>{0});
  w.prop("timebase-frequency", std::vector<uint32_t>{uint32_t(info.timebase_hz)});
  w.begin("cpu@0");
  string_prop(w, "device_type", "cpu");
  w.prop("reg", std::vector<uint32_t>{0});
  string_prop(w, "status", "okay");
  string_prop(w, "compatible", "riscv");
  string_prop(w, "riscv,isa", info.isa);
  if (!info.mmu_type.empty())
    string_prop(w, "mmu-type", info.mmu_type);
  w.end();
  w.end();
  w.end();
  return w.finish(0);
}

}  // namespace vmplat::virt
