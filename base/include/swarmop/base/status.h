// Status and StatusOr: errors as values across folder boundaries (leveldb/absl style).
// A Status is cheap to copy when ok; an error carries a Code and a human message.
// Thread-safety: values, no shared state.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace swarmop {

enum class Code {
  kOk,
  kNotFound,            // the object does not exist
  kConflict,            // the object exists already, or clashes with one that does
  kAborted,             // a concurrent change came first (e.g. a stale version): re-read and retry
  kInvalidArgument,     // bad input: a malformed request, a spec that fails validation
  kUnavailable,         // the peer cannot be reached
  kTimeout,             // a connect or request deadline passed
  kNotSupported,        // the peer does not implement the operation
  kFailedPrecondition,  // the system is not in the state the operation needs (object in use, wrong role)
  kInternal,            // anything else
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not found: no such service: web"
  std::string ToString() const;

  // Returns a copy with `context` prepended to the message ("context: message").
  Status WithContext(const std::string& context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status NotFoundError(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status ConflictError(std::string m) { return {Code::kConflict, std::move(m)}; }
inline Status AbortedError(std::string m) { return {Code::kAborted, std::move(m)}; }
inline Status InvalidArgumentError(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status TimeoutError(std::string m) { return {Code::kTimeout, std::move(m)}; }
inline Status NotSupportedError(std::string m) { return {Code::kNotSupported, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status InternalError(std::string m) { return {Code::kInternal, std::move(m)}; }

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = InternalError("StatusOr constructed from an ok Status without a value");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace swarmop

// Early return on error: SWARMOP_RETURN_IF_ERROR(DoThing());
#define SWARMOP_RETURN_IF_ERROR(expr) \
  do {                                \
    ::swarmop::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)
