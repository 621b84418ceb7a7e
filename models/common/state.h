// Saved model state for checkpoints (docs/checkpoints.md). Each model writes its state into
// a JSON object of its own (save_state) and reads it back (restore_state) through a
// StateIn, which turns a missing or mistyped field into a one-line common::UserError naming
// the checkpoint, the model and the field. State is written field by field, readable and
// diffable: two checkpoints of the same machine state are the same text.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/config.h"

namespace vmplat::common {

template <typename T>
inline constexpr bool kIsVector = false;
template <typename E>
inline constexpr bool kIsVector<std::vector<E>> = true;

class StateIn {
 public:
  // `where` names the object for errors: "checkpoint 'ck/state.json': cpu".
  StateIn(const nlohmann::json& j, std::string where) : m_j(j), m_where(std::move(where)) {}

  const nlohmann::json& json() const { return m_j; }
  const std::string& where() const { return m_where; }
  bool has(const std::string& key) const { return m_j.is_object() && m_j.contains(key); }

  template <typename T>
  T get(const std::string& key) const
  {
    return value<T>(field(key), key);
  }
  // A value of type T exactly as save_state writes it, or bad(key): a flag for bool, an
  // unsigned integer that fits for an unsigned type (no sign, fraction or truncation), a
  // number for double, a string for std::string, an array of such for a std::vector. A restore never keeps a value other than
  // the one it read, so saving the restored state gives the same state back.
  template <typename T>
  T value(const nlohmann::json& v, const std::string& key) const
  {
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean())
        bad(key, "holds a value that is not true or false");
      return v.get<bool>();
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
      if (!v.is_number_unsigned() || v.get<uint64_t>() > std::numeric_limits<T>::max())
        bad(key, "holds a value that is not an unsigned number of at most " +
                     std::to_string(std::numeric_limits<T>::max()));
      return T(v.get<uint64_t>());
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number())
        bad(key, "holds a value that is not a number");
      return v.get<T>();
    } else if constexpr (kIsVector<T>) {
      if (!v.is_array())
        bad(key, "is not an array");
      T out;
      for (const nlohmann::json& e : v) out.push_back(value<typename T::value_type>(e, key));
      return out;
    } else {
      static_assert(std::is_same_v<T, std::string>,
                    "a saved value is a flag, number, string or a vector of them");
      if (!v.is_string())
        bad(key, "holds a value that is not a string");
      return v.get<std::string>();
    }
  }
  // An array of exactly n values into out[0..n).
  template <typename T>
  void get_array(const std::string& key, T* out, size_t n) const
  {
    const nlohmann::json& v = field(key);
    if (!v.is_array() || v.size() != n)
      bad(key, "is not an array of " + std::to_string(n) + " values");
    for (size_t i = 0; i < n; ++i)
      out[i] = value<T>(v[i], key);
  }
  // A table: an array of `rows` rows (any number when rows is kAnyRows), each an array of
  // `columns` values named by `row_names` ("[valid, addr, pte, stamp]") in errors; the
  // caller reads each cell with value<T>(row[i], key).
  static constexpr size_t kAnyRows = ~size_t{0};
  const nlohmann::json& table(const std::string& key, size_t rows, size_t columns,
                              const std::string& row_names) const
  {
    const nlohmann::json& v = field(key);
    if (!v.is_array() || (rows != kAnyRows && v.size() != rows))
      bad(key, "is not an array of " + (rows == kAnyRows ? std::string() : std::to_string(rows) + " ") +
                   row_names);
    for (const nlohmann::json& row : v)
      if (!row.is_array() || row.size() != columns)
        bad(key, "holds a row that is not " + row_names);
    return v;
  }
  StateIn child(const std::string& key) const
  {
    const nlohmann::json& v = field(key);
    if (!v.is_object())
      bad(key, "is not an object");
    return StateIn(v, m_where + "." + key);
  }
  [[noreturn]] void bad(const std::string& key, const std::string& what) const
  {
    throw UserError(m_where + "." + key + " " + what);
  }

 private:
  const nlohmann::json& field(const std::string& key) const
  {
    if (!has(key))
      bad(key, "is missing");
    return m_j.at(key);
  }
  const nlohmann::json& m_j;
  std::string m_where;
};

}  // namespace vmplat::common
