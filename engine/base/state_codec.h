#pragma once
// StateWriter / StateReader: the binary form of operator and adapter state
// in a checkpoint (storage/state_file.h). Trivially copyable values are
// stored in host layout (a state file is read back by the build family that
// wrote it: StateFile records kStateFormat), texts and vectors with a length
// before them. Sections name the part that follows, so a layout that
// changed is caught where it starts instead of read as garbage.
//
// The reader never reads past its input: a short or mismatched input marks
// it failed, every later read yields zero values, and whoever loads the
// state checks failed() once at the end.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace civicflow {

// Bumped whenever any SaveState() changes what it writes.
inline constexpr uint32_t kStateFormat = 1;

class StateWriter {
 public:
  explicit StateWriter(std::string& out) : out_(out) {}

  void Section(std::string_view name) { PutText(name); }

  template <typename T>
  void Put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }

  // The number of elements that follow (StateReader::GetCount).
  void PutCount(uint64_t n) { Put<uint64_t>(n); }

  void PutText(std::string_view text) {
    Put<uint64_t>(text.size());
    out_.append(text);
  }

  template <typename T>
  void PutSpan(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put<uint64_t>(values.size());
    out_.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  }
  template <typename T>
  void PutVector(const std::vector<T>& values) {
    PutSpan(std::span<const T>(values));
  }

 private:
  std::string& out_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view in) : in_(in) {}

  // Fails the reader unless the next section is `name`.
  void Section(std::string_view name) {
    if (GetText() != name) Fail("expected section " + std::string(name));
  }

  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (const char* at = Take(sizeof(T))) std::memcpy(&value, at, sizeof(T));
    return value;
  }

  // Valid as long as the reader's input.
  std::string_view GetText() {
    const uint64_t size = Get<uint64_t>();
    const char* at = Take(size);
    return at ? std::string_view(at, size) : std::string_view();
  }

  template <typename T>
  void GetVector(std::vector<T>& out) {
    static_assert(std::is_trivially_copyable_v<T>);
    const uint64_t size = Get<uint64_t>();
    out.clear();
    if (size > Remaining() / std::max<size_t>(sizeof(T), 1)) return Fail("a vector longer than the state");
    if (size == 0) return;  // memcpy into an empty vector's null data() is undefined
    out.resize(size);
    if (const char* at = Take(size * sizeof(T))) std::memcpy(out.data(), at, size * sizeof(T));
  }
  template <typename T>
  std::vector<T> GetVector() {
    std::vector<T> out;
    GetVector(out);
    return out;
  }

  // A count of elements still to read, each at least `min_bytes` long:
  // fails the reader (and returns 0) if the input cannot hold them, so a
  // damaged count never drives a huge allocation.
  uint64_t GetCount(size_t min_bytes = 1) {
    const uint64_t n = Get<uint64_t>();
    if (n > Remaining() / std::max<size_t>(min_bytes, 1)) {
      Fail("a count larger than the state");
      return 0;
    }
    return n;
  }

  void Fail(std::string why) {
    if (!failed_) error_ = std::move(why);
    failed_ = true;
    in_ = {};
  }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  bool at_end() const { return in_.empty(); }

 private:
  size_t Remaining() const { return in_.size(); }
  const char* Take(size_t n) {
    if (n > in_.size()) {
      Fail("the state ends early");
      return nullptr;
    }
    const char* at = in_.data();
    in_.remove_prefix(n);
    return at;
  }

  std::string_view in_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace civicflow
