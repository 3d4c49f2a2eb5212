#pragma once
// Compact JSON text: a writer that appends objects to a caller's string with
// no whitespace, and a scanner that reads back *this writer's* output (member
// and element spans) so faults can be injected and keys computed without a
// full parser. Times are China local seconds (engine/base/local_time.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/json_escape.h"

namespace civicflow::datagen {

void AppendInt(std::string& out, int64_t value);
// `scaled` / 10^decimals with exactly `decimals` digits: (1234, 2) -> "12.34".
void AppendFixed(std::string& out, int64_t scaled, int decimals);
void AppendDateTime(std::string& out, int64_t local_seconds);    // yyyy-MM-dd HH:mm:ss
void AppendDate(std::string& out, int64_t local_seconds);        // yyyy-MM-dd
void AppendMinute(std::string& out, int64_t local_seconds);      // yyyy-MM-dd HH:mm
void AppendTimeOfDay(std::string& out, int64_t seconds_of_day);  // HH:mm:ss
std::string DateTimeString(int64_t local_seconds);
void AppendHex(std::string& out, uint64_t value, int digits);

// Appends `{"k":v,...}` to `out`. Close() (or the destructor) writes the brace.
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_.push_back('{'); }
  ~JsonObject() { Close(); }
  JsonObject(const JsonObject&) = delete;
  JsonObject& operator=(const JsonObject&) = delete;

  JsonObject& Str(std::string_view key, std::string_view value);
  JsonObject& Int(std::string_view key, int64_t value);
  JsonObject& Bool(std::string_view key, bool value);
  // A JSON number with `decimals` fraction digits.
  JsonObject& Fixed(std::string_view key, int64_t scaled, int decimals);
  // The same digits as a JSON string ("12.34"), as specs typed String-of-number want.
  JsonObject& FixedText(std::string_view key, int64_t scaled, int decimals);
  JsonObject& DateTime(std::string_view key, int64_t local_seconds);
  JsonObject& Date(std::string_view key, int64_t local_seconds);
  JsonObject& Minute(std::string_view key, int64_t local_seconds);
  JsonObject& TimeOfDay(std::string_view key, int64_t seconds_of_day);
  // `json` is already a JSON value.
  JsonObject& Raw(std::string_view key, std::string_view json);
  // Writes the key and returns the buffer for the caller to append the value.
  std::string& Begin(std::string_view key);
  void Close();

 private:
  void Key(std::string_view key);
  std::string& out_;
  bool first_ = true;
  bool closed_ = false;
};

// A value's byte range [begin, end) within a text.
struct Span {
  size_t begin = 0, end = 0;
  std::string_view In(std::string_view text) const { return text.substr(begin, end - begin); }
};

struct Member {
  std::string_view key;
  Span value;
};

// End (exclusive) of the value starting at text[pos].
size_t ValueEnd(std::string_view text, size_t pos);
// Members of the object whose '{' is at text[pos]; replaces `out`.
void ObjectMembers(std::string_view text, size_t pos, std::vector<Member>& out);
// Elements of the array whose '[' is at text[pos]; replaces `out`.
void ArrayElements(std::string_view text, size_t pos, std::vector<Span>& out);
// The member named `key`, or nullptr.
const Member* FindMember(const std::vector<Member>& members, std::string_view key);

}  // namespace civicflow::datagen
