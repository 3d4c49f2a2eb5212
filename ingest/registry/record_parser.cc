#include "ingest/registry/record_parser.h"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

#include "engine/base/hash.h"

namespace civicflow::ingest {
namespace {

using simdjson::error_code;
namespace od = simdjson::ondemand;

constexpr int kFromEnvelope = -2;

// Flat indexes of an interface's key fields, resolved once.
struct InterfacePlan {
  const InterfaceSpec* spec = nullptr;
  InterfaceId id = 0;
  int record_list = -1;  // index into spec->fields
  size_t flat_count = 0;
  int partition = -1;  // flat index, kFromEnvelope, or -1 (by interface)
  int event_time = -1;
  std::vector<int> dedup;
};

int ResolveKey(const InterfaceSpec& spec, std::string_view name) {
  if (name.empty()) return -1;
  if (name == kEnvelopeTs) return kFromEnvelope;
  return FlatFieldIndex(spec, name);
}

const std::vector<InterfacePlan>& Plans() {
  static const std::vector<InterfacePlan> plans = [] {
    std::vector<InterfacePlan> out;
    const Registry& registry = Registry::Get();
    for (const InterfaceSpec* spec : registry.All()) {
      InterfacePlan plan;
      plan.spec = spec;
      plan.id = static_cast<InterfaceId>(out.size());
      for (size_t i = 0; i < spec->fields.size(); ++i)
        if (!spec->record_list.empty() && spec->fields[i].name == spec->record_list)
          plan.record_list = static_cast<int>(i);
      plan.flat_count = FlatFieldCount(*spec);
      plan.partition = ResolveKey(*spec, spec->partition_key);
      plan.event_time = ResolveKey(*spec, spec->event_time);
      for (std::string_view key : spec->dedup_key)
        if (!key.empty()) plan.dedup.push_back(ResolveKey(*spec, key));
      out.push_back(std::move(plan));
    }
    return out;
  }();
  return plans;
}

// Where in the record a value sits, rendered only when reporting an error.
struct Path {
  const Path* parent;
  std::string_view list;
  uint32_t index;
};

std::string Render(const Path* path, std::string_view field) {
  std::string out;
  if (path) {
    out = Render(path->parent, path->list);
    out += '[' + std::to_string(path->index) + "]";
    if (!field.empty()) out += '.';
  }
  out += field;
  return out;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    const unsigned lower = static_cast<unsigned char>(c) | 0x20u;
    if (static_cast<unsigned>(c - '0') > 9 && lower - 'a' > 5) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// True when s[pos..pos+3) is one of the UTF-8 characters packed in `set`.
bool IsOneOf(std::string_view set, std::string_view s, size_t pos) {
  if (pos + 3 > s.size()) return false;
  for (size_t i = 0; i + 3 <= set.size(); i += 3)
    if (s[pos] == set[i] && s[pos + 1] == set[i + 1] && s[pos + 2] == set[i + 2]) return true;
  return false;
}

// A mainland plate: province abbreviation, issuing-authority letter, then five
// letters/digits (ordinary) or six (new-energy), or four plus a suffix
// character (trailer, coach, police, Hong Kong / Macao crossing, embassy…).
bool IsPlate(std::string_view s) {
  static constexpr std::string_view kProvinces =
      "粤京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵青藏川宁琼使";
  static constexpr std::string_view kSuffixes = "挂学警港澳领使试超";
  if (!IsOneOf(kProvinces, s, 0) || s.size() < 4 || s[3] < 'A' || s[3] > 'Z') return false;
  size_t pos = 4;
  while (pos < s.size() && IsUpperAlnum(s[pos])) ++pos;
  const size_t alnum = pos - 4;
  if (pos == s.size()) return alnum == 5 || alnum == 6;
  return alnum == 4 && pos + 3 == s.size() && IsOneOf(kSuffixes, s, pos);
}

bool IsIdCard(std::string_view s) {
  if (s.size() != 18 || !IsDigits(s.substr(0, 17))) return false;
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (s[i] - '0') * kWeights[i];
  return s[17] == "10X98765432"[sum % 11];
}

bool InEnum(std::string_view allowed, std::string_view value) {
  while (!allowed.empty()) {
    const size_t bar = allowed.find('|');
    if (SameText(allowed.substr(0, bar), value)) return true;
    if (bar == std::string_view::npos) break;
    allowed.remove_prefix(bar + 1);
  }
  return false;
}

// "-12.5" -> -12'500'000 (scale 10^6). Rejects exponents, >6 decimals, overflow.
std::optional<int64_t> ParseFixed6(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (!IsDigits(whole) || whole.size() > 12 || frac.size() > 6 ||
      (dot != std::string_view::npos && frac.empty()) || (!frac.empty() && !IsDigits(frac)))
    return std::nullopt;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  int64_t f = 0;
  for (size_t i = 0; i < 6; ++i) f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  v = v * Value::kDecimalScale + f;
  return negative ? -v : v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool IsTypeError(error_code e) {
  return e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_ERROR || e == simdjson::NUMBER_OUT_OF_RANGE;
}

// Folds one value (kind and content) into `h`: one mix per scalar.
uint64_t HashValue(const Value& v, const FieldSpec& field, uint64_t h) {
  const uint64_t kind = static_cast<uint64_t>(v.kind) << 56;
  switch (v.kind) {
    case Value::Kind::kText:
      return HashBytes(v.text, v.size, h ^ kind);
    case Value::Kind::kList: {
      const size_t width = field.children.empty() ? 1 : field.children.size();
      for (size_t r = 0; r < v.size; ++r)
        for (size_t c = 0; c < width; ++c)
          h = HashValue(v.rows[r * width + c], field.children.empty() ? field : field.children[c], h);
      return HashCombine(h, kind | v.size);
    }
    default:  // kAbsent has i == 0
      return HashCombine(h, kind ^ static_cast<uint64_t>(v.i));
  }
}

class BodyParser {
 public:
  BodyParser(const InterfacePlan& plan, int64_t request_ts_ms, Arena& arena, std::vector<Record>& out)
      : plan_(plan), spec_(*plan.spec), request_ts_ms_(request_ts_ms), arena_(arena), out_(out) {}

  ParseOutcome Run(od::value body) {
    od::json_type type;
    if (auto e = body.type().get(type)) {
      Fail(Rule::kMalformedJson, nullptr, "", simdjson::error_message(e));
      return outcome_;
    }
    if (type == od::json_type::array) {
      od::array array;
      size_t count = 0;
      if (auto e = body.get_array().get(array); e || (e = array.count_elements().get(count))) {
        Fail(Rule::kMalformedJson, nullptr, "", simdjson::error_message(e));
        return outcome_;
      }
      outcome_.records = static_cast<uint32_t>(count);
      for (auto element : array) {
        od::value v;
        if (auto e = element.get(v)) {
          Fail(Rule::kMalformedJson, nullptr, "", simdjson::error_message(e));
          return outcome_;
        }
        if (!ParseRecord(v)) return outcome_;
        ++index_;
      }
      return outcome_;
    }
    outcome_.records = 1;
    ParseRecord(body);
    return outcome_;
  }

 private:
  bool ParseRecord(od::value v) {
    od::object object;
    if (v.get_object().get(object))
      return Fail(Rule::kNotAnObject, nullptr, "", "a record must be a JSON object");
    Value* values = NewValues(spec_.fields.size());
    if (!ParseFields(spec_.fields, object, values, nullptr)) return false;
    if (plan_.record_list < 0) {
      Emit(values);
      return true;
    }
    const FieldSpec& list_field = spec_.fields[plan_.record_list];
    const Value& list = values[plan_.record_list];
    const size_t parent = spec_.fields.size(), width = list_field.children.size();
    for (uint32_t r = 0; r < list.size; ++r) {
      Value* flat = NewValues(plan_.flat_count);
      std::copy_n(values, parent, flat);
      flat[plan_.record_list] = Value{};  // the list itself is represented by its elements
      std::copy_n(list.rows + r * width, width, flat + parent);
      Emit(flat);
    }
    return true;
  }

  Value* NewValues(size_t n) {
    Value* values = arena_.Allocate<Value>(n);
    std::uninitialized_fill_n(values, n, Value{});
    return values;
  }

  bool ParseFields(std::span<const FieldSpec> fields, od::object& object, Value* values, const Path* path) {
    size_t cursor = 0;      // fields usually arrive in spec order: look there first
    std::bitset<256> seen;  // keys met so far, null or not
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field); e || (e = field.unescaped_key().get(key)))
        return Fail(Rule::kMalformedJson, path, "", simdjson::error_message(e));
      const int index = Find(fields, key, cursor);
      if (index < 0) continue;  // unknown fields are ignored: specs grow
      if (seen.test(index)) return Fail(Rule::kDuplicateField, path, key, "field appears twice");
      seen.set(index);
      if (!ParseValue(fields[index], field.value(), values[index], path)) return false;
    }
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i].presence == Presence::kMandatory && !values[i].present())
        return Fail(Rule::kMissingMandatory, path, fields[i].name, "mandatory field missing");
    return true;
  }

  static int Find(std::span<const FieldSpec> fields, std::string_view key, size_t& cursor) {
    for (size_t n = 0; n < fields.size(); ++n) {
      const size_t i = (cursor + n) % fields.size();
      if (SameText(fields[i].name, key)) {
        cursor = i + 1;
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  bool ParseValue(const FieldSpec& field, od::value v, Value& out, const Path* path) {
    bool is_null = false;
    if (auto e = v.is_null().get(is_null))
      return Fail(Rule::kMalformedJson, path, field.name, simdjson::error_message(e));
    if (is_null) return true;  // absent; a mandatory field is reported by ParseFields
    switch (field.type) {
      case FieldType::kString: {
        std::string_view s;
        if (!GetString(field, v, s, path) || !CheckText(field, s, path)) return false;
        out = Text(s);
        return true;
      }
      case FieldType::kInt:
      case FieldType::kLong:
      case FieldType::kEpochMillis:
        return ParseInteger(field, v, out, path);
      case FieldType::kDecimal:
        return ParseDecimal(field, v, out, path);
      case FieldType::kDouble: {
        double d;
        if (auto e = v.get_double().get(d)) return TypeFail(e, field, path, "a number");
        if (d < field.min || d > field.max)
          return Fail(Rule::kOutOfRange, path, field.name, std::to_string(d));
        out.kind = Value::Kind::kDouble;
        out.d = d;
        return true;
      }
      case FieldType::kBool: {
        bool b;
        if (auto e = v.get_bool().get(b)) return TypeFail(e, field, path, "true or false");
        out.kind = Value::Kind::kBool;
        out.i = b;
        return true;
      }
      case FieldType::kDate:
      case FieldType::kDateTime:
      case FieldType::kDateMinute:
      case FieldType::kTime:
        return ParseTime(field, v, out, path);
      case FieldType::kList:
      case FieldType::kObject:
      case FieldType::kStringList:
        return ParseNested(field, v, out, path);
    }
    return false;
  }

  bool GetString(const FieldSpec& field, od::value& v, std::string_view& s, const Path* path) {
    if (auto e = v.get_string().get(s)) return TypeFail(e, field, path, "a string");
    return true;
  }

  bool CheckText(const FieldSpec& field, std::string_view s, const Path* path) {
    // Bytes bound code points from above: count only when the bytes could be too many.
    if (field.max_length && s.size() > field.max_length && CodePoints(s) > field.max_length)
      return Fail(Rule::kTooLong, path, field.name,
                  std::to_string(CodePoints(s)) + " characters, at most " + std::to_string(field.max_length));
    if (!field.enum_values.empty() && !InEnum(field.enum_values, s))
      return Fail(Rule::kNotInEnum, path, field.name, Quote(s) + " not in " + std::string(field.enum_values));
    bool ok = true;
    switch (field.format) {
      case Format::kNone:
        break;
      case Format::kRegionCode: {
        int64_t code = 0;
        if (s.size() != 6 || !IsDigits(s)) {
          ok = false;
          break;
        }
        std::from_chars(s.data(), s.data() + s.size(), code);
        if (!IsRegionCode(code))
          return Fail(Rule::kUnknownRegion, path, field.name, Quote(s) + " is not a GB/T 2260 code");
        break;
      }
      case Format::kHex32:
      case Format::kMd5Hex:
        ok = s.size() == 32 && IsHex(s);
        break;
      case Format::kPlate:
        ok = IsPlate(s);
        break;
      case Format::kDigits:
        ok = IsDigits(s);
        break;
      case Format::kMobile:
        ok = s.size() == 11 && s[0] == '1' && IsDigits(s);
        break;
      case Format::kIdCard:
        ok = IsIdCard(s);
        break;
      case Format::kUrl:
        ok = s.starts_with("http://") || s.starts_with("https://");
        break;
    }
    if (!ok)
      return Fail(Rule::kBadFormat, path, field.name, Quote(s) + " is not " + FormatName(field.format));
    return true;
  }

  bool ParseInteger(const FieldSpec& field, od::value& v, Value& out, const Path* path) {
    int64_t x;
    if (auto e = v.get_int64().get(x)) return TypeFail(e, field, path, "an integer");
    if (field.type == FieldType::kInt && (x < INT32_MIN || x > INT32_MAX))
      return Fail(Rule::kOutOfRange, path, field.name, std::to_string(x) + " exceeds a 32-bit Int");
    if (static_cast<double>(x) < field.min || static_cast<double>(x) > field.max)
      return Fail(Rule::kOutOfRange, path, field.name, std::to_string(x));
    if (!field.enum_values.empty() || field.max_length) {
      char buf[24];
      const std::string_view text(buf, std::to_chars(buf, buf + sizeof buf, x).ptr - buf);
      if (field.max_length && text.size() > field.max_length)
        return Fail(Rule::kTooLong, path, field.name,
                    std::string(text) + " has more than " + std::to_string(field.max_length) + " digits");
      if (!field.enum_values.empty() && !InEnum(field.enum_values, text))
        return Fail(Rule::kNotInEnum, path, field.name,
                    std::string(text) + " not in " + std::string(field.enum_values));
    }
    if (field.format == Format::kRegionCode && !IsRegionCode(x))
      return Fail(Rule::kUnknownRegion, path, field.name, std::to_string(x) + " is not a GB/T 2260 code");
    out.kind = Value::Kind::kInt;
    out.i = x;
    return true;
  }

  bool ParseDecimal(const FieldSpec& field, od::value& v, Value& out, const Path* path) {
    od::json_type type;
    if (auto e = v.type().get(type))
      return Fail(Rule::kMalformedJson, path, field.name, simdjson::error_message(e));
    std::string_view text;
    if (type == od::json_type::number) {
      text = Trim(v.raw_json_token());
    } else if (type == od::json_type::string) {
      if (!GetString(field, v, text, path)) return false;
    } else {
      return Fail(Rule::kWrongType, path, field.name, "expected a decimal number");
    }
    const auto fixed = ParseFixed6(text);
    if (!fixed) return Fail(Rule::kWrongType, path, field.name, Quote(text) + " is not a decimal number");
    const double as_double = static_cast<double>(*fixed) / Value::kDecimalScale;
    if (as_double < field.min || as_double > field.max)
      return Fail(Rule::kOutOfRange, path, field.name, std::string(text));
    out.kind = Value::Kind::kDecimal;
    out.i = *fixed;
    return true;
  }

  bool ParseTime(const FieldSpec& field, od::value& v, Value& out, const Path* path) {
    std::string_view s;
    if (!GetString(field, v, s, path)) return false;
    std::optional<int64_t> seconds;
    switch (field.type) {
      case FieldType::kDate:
        if (auto t = ParseDate(s)) seconds = t->seconds;
        break;
      case FieldType::kDateTime:
        if (auto t = ParseDateTime(s)) seconds = t->seconds;
        break;
      case FieldType::kDateMinute:
        if (auto t = ParseDateMinute(s)) seconds = t->seconds;
        break;
      default:
        seconds = ParseTimeOfDay(s);
        break;
    }
    if (!seconds)
      return Fail(Rule::kBadTime, path, field.name, Quote(s) + " is not a valid " + TimeFormat(field.type));
    out.kind = Value::Kind::kTime;
    out.i = *seconds;
    return true;
  }

  bool ParseNested(const FieldSpec& field, od::value& v, Value& out, const Path* path) {
    if (field.type == FieldType::kObject) {
      od::object object;
      if (auto e = v.get_object().get(object)) return TypeFail(e, field, path, "an object");
      Value* row = NewValues(field.children.size());
      const Path here{path, field.name, 0};
      if (!ParseFields(field.children, object, row, &here)) return false;
      out.kind = Value::Kind::kList;
      out.size = 1;
      out.rows = row;
      return true;
    }
    od::array array;
    size_t count = 0;
    if (auto e = v.get_array().get(array)) return TypeFail(e, field, path, "an array");
    if (auto e = array.count_elements().get(count))
      return Fail(Rule::kMalformedJson, path, field.name, simdjson::error_message(e));
    const size_t width = field.type == FieldType::kStringList ? 1 : field.children.size();
    Value* rows = NewValues(count * width);
    uint32_t r = 0;
    for (auto element : array) {
      od::value item;
      const Path here{path, field.name, r};
      if (auto e = element.get(item))
        return Fail(Rule::kMalformedJson, path, field.name, simdjson::error_message(e));
      if (field.type == FieldType::kStringList) {
        std::string_view s;
        FieldSpec element = field;
        element.name = {};
        if (!GetString(element, item, s, &here) || !CheckText(element, s, &here)) return false;
        rows[r] = Text(s);
      } else {
        od::object object;
        if (auto e = item.get_object().get(object)) return TypeFail(e, field, &here, "an object");
        if (!ParseFields(field.children, object, rows + r * width, &here)) return false;
      }
      ++r;
    }
    out.kind = Value::Kind::kList;
    out.size = r;
    out.rows = rows;
    return true;
  }

  Value Text(std::string_view s) {
    const std::string_view copy = arena_.Copy(s);
    Value v;
    v.kind = Value::Kind::kText;
    v.size = static_cast<uint32_t>(copy.size());
    v.text = copy.data();
    return v;
  }

  void Emit(const Value* values) {
    Record record;
    record.interface = plan_.id;
    record.index = index_;
    record.values = values;
    record.request_ts_ms = request_ts_ms_;
    const uint64_t seed = HashCombine(0x5eed, plan_.id);
    record.partition_hash =
        plan_.partition == -1 ? Mix64(seed) : HashCombine(0, KeyHash(values, plan_.partition));
    if (plan_.event_time == kFromEnvelope) {
      record.event_time = LocalTime::FromEpochMillis(request_ts_ms_);
    } else if (plan_.event_time >= 0 && values[plan_.event_time].present()) {
      const Value& t = values[plan_.event_time];
      record.event_time = FlatField(spec_, plan_.event_time).type == FieldType::kEpochMillis
                              ? LocalTime::FromEpochMillis(t.i)
                              : t.AsTime();
    }
    if (!plan_.dedup.empty()) {
      uint64_t h = seed;
      for (int index : plan_.dedup) h = HashCombine(h, KeyHash(values, index));
      record.dedup_key = h | 1;  // never 0, which means "not deduplicated"
    }
    uint64_t content = seed;
    const size_t parent = spec_.fields.size();
    for (size_t i = 0; i < parent; ++i) content = HashValue(values[i], spec_.fields[i], content);
    if (plan_.record_list >= 0) {
      const auto children = spec_.fields[plan_.record_list].children;
      for (size_t i = 0; i < children.size(); ++i)
        content = HashValue(values[parent + i], children[i], content);
    }
    record.content_hash = content;
    out_.push_back(record);
  }

  uint64_t KeyHash(const Value* values, int index) const {
    if (index == kFromEnvelope) return Mix64(static_cast<uint64_t>(request_ts_ms_));
    return HashValue(values[index], FlatField(spec_, index), 0);
  }

  bool TypeFail(error_code e, const FieldSpec& field, const Path* path, std::string_view expected) {
    if (IsTypeError(e)) return Fail(Rule::kWrongType, path, field.name, "expected " + std::string(expected));
    return Fail(Rule::kMalformedJson, path, field.name, simdjson::error_message(e));
  }

  bool Fail(Rule rule, const Path* path, std::string_view field, std::string_view detail) {
    ValidationError error;
    error.rule = rule;
    error.interface = std::string(PlatformName(spec_.platform)) + "/" + std::string(spec_.name);
    error.record_index = index_;
    error.field = Render(path, field);
    error.detail = std::string(detail);
    outcome_.error = std::move(error);
    return false;
  }

  static std::string Quote(std::string_view s) {
    std::string out = "\"";  // built by appending: GCC 12 warns falsely on operator+ chains here
    out += s;
    out += '"';
    return out;
  }

  static const char* TimeFormat(FieldType type) {
    switch (type) {
      case FieldType::kDate:
        return "yyyy-MM-dd date";
      case FieldType::kDateMinute:
        return "yyyy-MM-dd HH:mm time";
      case FieldType::kTime:
        return "HH:mm:ss time";
      default:
        return "yyyy-MM-dd HH:mm:ss time";
    }
  }

  static std::string FormatName(Format format) {
    constexpr const char* kNames[] = {"free text",         "a GB/T 2260 code",      "32 hex digits",
                                      "an MD5 hex digest", "a vehicle plate",       "digits",
                                      "a mobile number",   "an 18-digit ID number", "an http(s) URL"};
    return kNames[static_cast<int>(format)];
  }

  const InterfacePlan& plan_;
  const InterfaceSpec& spec_;
  const int64_t request_ts_ms_;
  Arena& arena_;
  std::vector<Record>& out_;
  uint32_t index_ = 0;
  ParseOutcome outcome_;
};

}  // namespace

std::string_view RuleName(Rule rule) {
  constexpr std::string_view kNames[] = {"malformed_json",    "not_an_object",  "unknown_interface",
                                         "missing_mandatory", "wrong_type",     "bad_time",
                                         "not_in_enum",       "too_long",       "bad_format",
                                         "out_of_range",      "unknown_region", "duplicate_field"};
  return kNames[static_cast<int>(rule)];
}

std::string ValidationError::Message() const {
  std::string out = interface + "[" + std::to_string(record_index) + "]";
  if (!field.empty()) out += "." + field;
  out += ": ";
  out += RuleName(rule);
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

ParseOutcome ParseBody(InterfaceId id, od::value body, int64_t request_ts_ms, Arena& arena,
                       std::vector<Record>& out) {
  const Arena::Mark mark = arena.GetMark();
  const size_t size = out.size();
  ParseOutcome outcome = BodyParser(Plans()[id], request_ts_ms, arena, out).Run(body);
  if (outcome.error) {
    out.resize(size);
    arena.Rewind(mark);
  }
  return outcome;
}

ParseOutcome ParseBodyText(InterfaceId id, std::string_view json, int64_t request_ts_ms, Arena& arena,
                           std::vector<Record>& out) {
  const simdjson::padded_string padded(json);
  return ParseBodyText(id, simdjson::padded_string_view(padded), request_ts_ms, arena, out);
}

ParseOutcome ParseBodyText(InterfaceId id, simdjson::padded_string_view padded, int64_t request_ts_ms,
                           Arena& arena, std::vector<Record>& out) {
  thread_local od::parser parser;
  const InterfaceSpec& spec = Registry::Get().At(id);
  const std::string label = std::string(PlatformName(spec.platform)) + "/" + std::string(spec.name);
  od::document doc;
  od::value body;
  ParseOutcome outcome;
  if (auto e = parser.iterate(padded).get(doc); e || (e = doc.get_value().get(body))) {
    outcome.records = 1;
    outcome.error =
        ValidationError{e == simdjson::SCALAR_DOCUMENT_AS_VALUE ? Rule::kNotAnObject : Rule::kMalformedJson,
                        label, 0, "", simdjson::error_message(e)};
    return outcome;
  }
  const Arena::Mark mark = arena.GetMark();
  const size_t size = out.size();
  outcome = ParseBody(id, body, request_ts_ms, arena, out);
  const char* rest = nullptr;
  if (!outcome.error && doc.current_location().get(rest) == simdjson::SUCCESS) {
    out.resize(size);
    arena.Rewind(mark);
    outcome.error = ValidationError{Rule::kMalformedJson, label, 0, "", "content after the body"};
  }
  if (outcome.error) outcome.error->upload_records = std::max<uint32_t>(1, outcome.records);
  return outcome;
}

LocalTime HourStart(const InterfaceSpec& spec, LocalTime event_time) {
  const LocalTime hour = event_time.FloorHour();
  return spec.hour_rule == HourRule::kIntervalEnding ? hour - LocalTime::kHour : hour;
}

}  // namespace civicflow::ingest
