// The configuration tree: one flat namespace of dotted keys ("mmu.dtlb.entries").
// A module declares each key it reads, with its default, unit and doc line; the value in
// force comes from a JSON file and --set overrides. Keys the user set that no module
// declares, and values outside what a key allows, are errors naming key, value and range.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <stdexcept>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmplat::common {

// A mistake by the user (bad option, bad value, unreadable file): vmplat prints the
// message as one line and exits non-zero. Never used for guest misbehaviour.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Config {
 public:
  static Config& instance();

  // User input. A JSON file holds nested objects whose paths are the keys, or dotted keys.
  void load_json_file(const std::string& path);
  // The same from a JSON object already read (a checkpoint's configuration); `where` names
  // the source in errors.
  void load_json(const nlohmann::json& j, const std::string& where);
  // "key=value", from --set; `where` names the source in errors.
  void set(const std::string& assignment, const std::string& where = "--set");
  void set(const std::string& key, const std::string& value, const std::string& where);
  bool is_set(const std::string& key) const;
  // Where the value of a key set by the user came from (the `where` of set), or null.
  const std::string* source(const std::string& key) const;

  // Declarations: each returns the value in force. Integers accept 0x.. and, when the
  // unit is "bytes", the suffixes K, M and G (binary).
  uint64_t u64(const std::string& key, uint64_t def, const std::string& unit, const std::string& doc,
               uint64_t min = 0, uint64_t max = UINT64_MAX);
  double real(const std::string& key, double def, const std::string& unit, const std::string& doc,
              double min, double max);
  bool flag(const std::string& key, bool def, const std::string& doc);
  std::string choice(const std::string& key, const std::string& def,
                     const std::vector<std::string>& allowed, const std::string& doc);
  std::string text(const std::string& key, const std::string& def, const std::string& doc);

  // Marks a key a restore from a checkpoint keeps as saved (--help-config says so, and
  // vmplat-sweep boots one checkpoint per distinct value of such keys).
  void keep_on_restore(const std::string& key) { m_kept_by_restore.insert(key); }

  // After elaboration: a key the user set that nothing declared is an error.
  void check_all_used() const;
  void print_help(std::ostream& os) const;
  // Every declared key with the value in force, for the statistics file.
  nlohmann::json effective() const;
  // Forget everything (unit tests build several configurations in one process).
  void reset();

 private:
  struct Decl {
    std::string kind, def, unit, doc, range, value;
  };
  struct UserValue {
    std::string value, where;
    bool used = false;
  };
  const UserValue* user_value(const std::string& key);
  void declare(const std::string& key, Decl decl);
  [[noreturn]] void bad_value(const std::string& key, const UserValue& uv,
                              const std::string& allowed) const;

  std::map<std::string, Decl> m_decls;
  std::map<std::string, UserValue> m_user;
  std::set<std::string> m_kept_by_restore;
};

inline Config& config() { return Config::instance(); }

// Parses "123", "0x7b", and with allow_suffix "64K", "128M", "4G". Returns false on junk.
bool parse_u64(const std::string& text, uint64_t& out, bool allow_suffix);

}  // namespace vmplat::common
