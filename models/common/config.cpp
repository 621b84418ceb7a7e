#include "models/common/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace vmplat::common {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep)
{
  std::string out;
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? sep : "") + v[i];
  return out;
}

void flatten(const nlohmann::json& j, const std::string& prefix, const std::string& where,
             Config& cfg)
{
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    const auto& v = it.value();
    if (v.is_object())
      flatten(v, key, where, cfg);
    else if (v.is_string())
      cfg.set(key, v.get<std::string>(), where);
    else if (v.is_boolean() || v.is_number())
      cfg.set(key, v.dump(), where);
    else
      throw UserError(where + ": key '" + key + "' has a " + v.type_name() +
                      " value; allowed: number, string, boolean or object");
  }
}

}  // namespace

bool parse_u64(const std::string& text, uint64_t& out, bool allow_suffix)
{
  if (text.empty() || text[0] == '-' || text[0] == '+' || isspace(static_cast<unsigned char>(text[0])))
    return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (errno == ERANGE || end == text.c_str())
    return false;
  std::string rest(end);
  uint64_t mul = 1;
  if (allow_suffix && rest.size() == 1) {
    switch (rest[0]) {
      case 'K': case 'k': mul = 1ull << 10; break;
      case 'M': case 'm': mul = 1ull << 20; break;
      case 'G': case 'g': mul = 1ull << 30; break;
      default: return false;
    }
  } else if (!rest.empty()) {
    return false;
  }
  if (v > UINT64_MAX / mul)
    return false;
  out = v * mul;
  return true;
}

Config& Config::instance()
{
  static Config cfg;
  return cfg;
}

void Config::reset()
{
  m_decls.clear();
  m_user.clear();
  m_kept_by_restore.clear();
}

void Config::load_json_file(const std::string& path)
{
  std::ifstream in(path);
  if (!in)
    throw UserError("config file '" + path + "' cannot be read");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError("config file '" + path + "' is not valid JSON: " + e.what());
  }
  if (!j.is_object())
    throw UserError("config file '" + path + "' must hold a JSON object of keys");
  load_json(j, path);
}

void Config::load_json(const nlohmann::json& j, const std::string& where)
{
  flatten(j, "", where, *this);
}

void Config::set(const std::string& assignment, const std::string& where)
{
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UserError(where + " '" + assignment + "': expected key=value");
  set(assignment.substr(0, eq), assignment.substr(eq + 1), where);
}

const std::string* Config::source(const std::string& key) const
{
  const auto it = m_user.find(key);
  return it == m_user.end() ? nullptr : &it->second.where;
}

void Config::set(const std::string& key, const std::string& value, const std::string& where)
{
  auto& uv = m_user[key];
  uv.value = value;
  uv.where = where;
  uv.used = false;
}

bool Config::is_set(const std::string& key) const { return m_user.count(key) != 0; }

const Config::UserValue* Config::user_value(const std::string& key)
{
  auto it = m_user.find(key);
  if (it == m_user.end())
    return nullptr;
  it->second.used = true;
  return &it->second;
}

void Config::declare(const std::string& key, Decl decl) { m_decls[key] = std::move(decl); }

void Config::bad_value(const std::string& key, const UserValue& uv, const std::string& allowed) const
{
  throw UserError(uv.where + ": bad value '" + uv.value + "' for " + key + "; allowed: " + allowed);
}

uint64_t Config::u64(const std::string& key, uint64_t def, const std::string& unit,
                     const std::string& doc, uint64_t min, uint64_t max)
{
  std::ostringstream range;
  range << "integer " << min << ".." << max;
  if (unit == "bytes")
    range << " (suffix K, M or G allowed)";
  uint64_t v = def;
  if (const UserValue* uv = user_value(key)) {
    if (!parse_u64(uv->value, v, unit == "bytes") || v < min || v > max)
      bad_value(key, *uv, range.str());
  }
  declare(key, {"int", std::to_string(def), unit, doc, range.str(), std::to_string(v)});
  return v;
}

double Config::real(const std::string& key, double def, const std::string& unit,
                    const std::string& doc, double min, double max)
{
  std::ostringstream range;
  range << "number " << min << ".." << max;
  double v = def;
  if (const UserValue* uv = user_value(key)) {
    char* end = nullptr;
    v = std::strtod(uv->value.c_str(), &end);
    if (uv->value.empty() || *end != '\0' || !(v >= min && v <= max))
      bad_value(key, *uv, range.str());
  }
  std::ostringstream d, s;
  d << def;
  s << v;
  declare(key, {"real", d.str(), unit, doc, range.str(), s.str()});
  return v;
}

bool Config::flag(const std::string& key, bool def, const std::string& doc)
{
  bool v = def;
  if (const UserValue* uv = user_value(key)) {
    if (uv->value == "true" || uv->value == "1" || uv->value == "on")
      v = true;
    else if (uv->value == "false" || uv->value == "0" || uv->value == "off")
      v = false;
    else
      bad_value(key, *uv, "true, false, 1, 0, on, off");
  }
  declare(key, {"bool", def ? "true" : "false", "", doc, "true or false", v ? "true" : "false"});
  return v;
}

std::string Config::choice(const std::string& key, const std::string& def,
                           const std::vector<std::string>& allowed, const std::string& doc)
{
  std::string v = def;
  std::string range = join(allowed, ", ");
  if (const UserValue* uv = user_value(key)) {
    if (std::find(allowed.begin(), allowed.end(), uv->value) == allowed.end())
      bad_value(key, *uv, range);
    v = uv->value;
  }
  declare(key, {"choice", def, "", doc, range, v});
  return v;
}

std::string Config::text(const std::string& key, const std::string& def, const std::string& doc)
{
  std::string v = def;
  if (const UserValue* uv = user_value(key))
    v = uv->value;
  declare(key, {"string", def, "", doc, "any text", v});
  return v;
}

void Config::check_all_used() const
{
  for (const auto& [key, uv] : m_user) {
    if (!uv.used && m_decls.count(key) == 0)
      throw UserError(uv.where + ": unknown configuration key '" + key +
                      "'; see vmplat --help-config for the keys");
  }
}

void Config::print_help(std::ostream& os) const
{
  for (const auto& [key, d] : m_decls) {
    os << key << " = " << (d.def.empty() ? "\"\"" : d.def);
    if (!d.unit.empty())
      os << " [" << d.unit << "]";
    os << "\n    " << d.doc << "\n    allowed: " << d.range << "\n";
    if (m_kept_by_restore.count(key))
      os << "    restore: kept as saved (a checkpoint cannot change it)\n";
  }
}

nlohmann::json Config::effective() const
{
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, d] : m_decls) {
    if (d.kind == "int") {
      uint64_t v = 0;
      parse_u64(d.value, v, true);
      j[key] = v;
    } else if (d.kind == "real") {
      j[key] = std::strtod(d.value.c_str(), nullptr);
    } else if (d.kind == "bool") {
      j[key] = d.value == "true";
    } else {
      j[key] = d.value;
    }
  }
  return j;
}

}  // namespace vmplat::common
