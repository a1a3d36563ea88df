#pragma once
// One error type for the whole project (LevelDB's Status idea): a code for
// programs, a message for people. Cores return Result<T>; actors turn an
// Error into an event or a reply. Nothing crosses an actor boundary as an
// exception.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <variant>

namespace tn {

enum class Errc : uint8_t {
  ok = 0,
  invalid_input,   // malformed data: CSV, msgpack, config, request
  not_found,
  io,              // file or socket failure
  storage_full,    // LMDB map size reached
  schema_version,  // on-disk data written by a newer version
  rejected,        // a business rule said no (insufficient balance, ...)
  timeout,
  busy,            // resource held by someone else (lock, other node)
  internal,
};

const char* errc_name(Errc c);
std::ostream& operator<<(std::ostream& os, Errc c);  // for test output

struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::string to_string() const { return std::string(errc_name(code)) + ": " + message; }
};

inline Error make_error(Errc c, std::string msg) { return Error{c, std::move(msg)}; }

// A value or an Error. Small on purpose: C++20 has no std::expected.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
class Status {
 public:
  Status() = default;
  Status(Error e) : err_(std::move(e)), ok_(false) {}
  static Status OK() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_{Errc::ok, {}};
  bool ok_ = true;
};

}  // namespace tn
