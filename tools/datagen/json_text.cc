#include "tools/datagen/json_text.h"

#include <charconv>
#include <cstring>

#include "engine/base/local_time.h"

namespace civicflow::datagen {
namespace {

void Two(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

void AppendInt(std::string& out, int64_t value) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

void AppendFixed(std::string& out, int64_t scaled, int decimals) {
  if (scaled < 0) {
    out.push_back('-');
    scaled = -scaled;
  }
  int64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  AppendInt(out, scaled / unit);
  if (decimals == 0) return;
  out.push_back('.');
  int64_t frac = scaled % unit;
  char digits[20];
  for (int i = decimals - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out.append(digits, static_cast<size_t>(decimals));
}

void AppendDate(std::string& out, int64_t local_seconds) {
  const CivilDate date = CivilFromDays(FloorDiv(local_seconds, LocalTime::kDay));
  const int y = static_cast<int>(date.year);
  Two(out, y / 100);
  Two(out, y % 100);
  out.push_back('-');
  Two(out, static_cast<int>(date.month));
  out.push_back('-');
  Two(out, static_cast<int>(date.day));
}

void AppendTimeOfDay(std::string& out, int64_t seconds_of_day) {
  const int s = static_cast<int>(seconds_of_day);
  Two(out, s / 3600);
  out.push_back(':');
  Two(out, s / 60 % 60);
  out.push_back(':');
  Two(out, s % 60);
}

void AppendDateTime(std::string& out, int64_t local_seconds) {
  AppendDate(out, local_seconds);
  out.push_back(' ');
  AppendTimeOfDay(out, local_seconds - FloorDiv(local_seconds, LocalTime::kDay) * LocalTime::kDay);
}

void AppendMinute(std::string& out, int64_t local_seconds) {
  AppendDateTime(out, local_seconds);
  out.resize(out.size() - 3);
}

std::string DateTimeString(int64_t local_seconds) {
  std::string s;
  AppendDateTime(s, local_seconds);
  return s;
}

void AppendHex(std::string& out, uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(value >> (4 * i)) & 15]);
}

void JsonObject::Key(std::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  out_.push_back('"');
  out_.append(key);
  out_ += "\":";
}

JsonObject& JsonObject::Str(std::string_view key, std::string_view value) {
  Key(key);
  out_.push_back('"');
  AppendJsonEscaped(out_, value);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::Int(std::string_view key, int64_t value) {
  Key(key);
  AppendInt(out_, value);
  return *this;
}

JsonObject& JsonObject::Bool(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Fixed(std::string_view key, int64_t scaled, int decimals) {
  Key(key);
  AppendFixed(out_, scaled, decimals);
  return *this;
}

JsonObject& JsonObject::FixedText(std::string_view key, int64_t scaled, int decimals) {
  Key(key);
  out_.push_back('"');
  AppendFixed(out_, scaled, decimals);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::DateTime(std::string_view key, int64_t local_seconds) {
  Key(key);
  out_.push_back('"');
  AppendDateTime(out_, local_seconds);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::Date(std::string_view key, int64_t local_seconds) {
  Key(key);
  out_.push_back('"');
  AppendDate(out_, local_seconds);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::Minute(std::string_view key, int64_t local_seconds) {
  Key(key);
  out_.push_back('"');
  AppendMinute(out_, local_seconds);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::TimeOfDay(std::string_view key, int64_t seconds_of_day) {
  Key(key);
  out_.push_back('"');
  AppendTimeOfDay(out_, seconds_of_day);
  out_.push_back('"');
  return *this;
}

JsonObject& JsonObject::Raw(std::string_view key, std::string_view json) {
  Key(key);
  out_.append(json);
  return *this;
}

std::string& JsonObject::Begin(std::string_view key) {
  Key(key);
  return out_;
}

void JsonObject::Close() {
  if (closed_) return;
  closed_ = true;
  out_.push_back('}');
}

size_t ValueEnd(std::string_view text, size_t pos) {
  if (pos >= text.size()) return pos;
  const char c = text[pos];
  if (c == '"') {
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        return i + 1;
      }
    }
    return text.size();
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    for (size_t i = pos; i < text.size(); ++i) {
      const char x = text[i];
      if (x == '"') {
        i = ValueEnd(text, i) - 1;
      } else if (x == '{' || x == '[') {
        ++depth;
      } else if ((x == '}' || x == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return text.size();
  }
  size_t i = pos;
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']') ++i;
  return i;
}

void ObjectMembers(std::string_view text, size_t pos, std::vector<Member>& out) {
  out.clear();
  size_t i = pos + 1;
  while (i < text.size() && text[i] == '"') {
    const size_t key_end = text.find('"', i + 1);
    const std::string_view key = text.substr(i + 1, key_end - i - 1);
    const size_t value = key_end + 2;  // skip `":`
    const size_t end = ValueEnd(text, value);
    out.push_back(Member{key, Span{value, end}});
    i = end;
    if (i < text.size() && text[i] == ',') ++i;
  }
}

void ArrayElements(std::string_view text, size_t pos, std::vector<Span>& out) {
  out.clear();
  size_t i = pos + 1;
  while (i < text.size() && text[i] != ']') {
    const size_t end = ValueEnd(text, i);
    out.push_back(Span{i, end});
    i = end;
    if (i < text.size() && text[i] == ',') ++i;
  }
}

const Member* FindMember(const std::vector<Member>& members, std::string_view key) {
  for (const Member& m : members)
    if (m.key == key) return &m;
  return nullptr;
}

}  // namespace civicflow::datagen
