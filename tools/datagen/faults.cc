#include "tools/datagen/faults.h"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "engine/base/local_time.h"
#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::FieldSpec;
using ingest::FieldType;
using ingest::Format;
using ingest::InterfaceSpec;
using ingest::Presence;
using ingest::Rule;

// A field present in the object text, with where its member and value sit.
struct Site {
  const FieldSpec* field;
  size_t member_begin;  // the opening quote of the key
  Span value;
  bool parent;  // a top-level field of a record_list payload
};

const FieldSpec* FieldNamed(std::span<const FieldSpec> fields, std::string_view name) {
  for (const FieldSpec& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

void AddSites(std::string_view text, size_t object_pos, std::span<const FieldSpec> fields, bool parent,
              std::vector<Site>& out) {
  std::vector<Member> members;
  ObjectMembers(text, object_pos, members);
  for (const Member& m : members)
    if (const FieldSpec* f = FieldNamed(fields, m.key))
      out.push_back(Site{f, m.value.begin - m.key.size() - 3, m.value, parent});
}

// Scalar fields of the object, plus the fields of the record_list's first element.
std::vector<Site> Sites(const InterfaceSpec& spec, std::string_view text) {
  std::vector<Site> sites;
  AddSites(text, 0, spec.fields, !spec.record_list.empty(), sites);
  if (spec.record_list.empty()) return sites;
  const FieldSpec* list = FieldNamed(spec.fields, spec.record_list);
  for (const Site& s : sites) {
    if (s.field != list) continue;
    std::vector<Span> elements;
    ArrayElements(text, s.value.begin, elements);
    if (!elements.empty()) AddSites(text, elements[0].begin, list->children, false, sites);
    break;
  }
  return sites;
}

bool IsScalar(const FieldSpec& f) {
  return f.type != FieldType::kList && f.type != FieldType::kObject && f.type != FieldType::kStringList;
}
bool IsTime(const FieldSpec& f) {
  return f.type == FieldType::kDate || f.type == FieldType::kDateTime || f.type == FieldType::kDateMinute ||
         f.type == FieldType::kTime;
}
bool IsNumeric(const FieldSpec& f) {
  return f.type == FieldType::kInt || f.type == FieldType::kLong || f.type == FieldType::kDecimal ||
         f.type == FieldType::kDouble || f.type == FieldType::kEpochMillis;
}

bool InEnum(std::string_view allowed, std::string_view value) {
  while (!allowed.empty()) {
    const size_t bar = allowed.find('|');
    if (allowed.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) break;
    allowed.remove_prefix(bar + 1);
  }
  return false;
}

std::vector<std::string_view> EnumValues(std::string_view allowed) {
  std::vector<std::string_view> out;
  while (!allowed.empty()) {
    const size_t bar = allowed.find('|');
    out.push_back(allowed.substr(0, bar));
    if (bar == std::string_view::npos) break;
    allowed.remove_prefix(bar + 1);
  }
  return out;
}

size_t Digits(int64_t v) { return std::to_string(v < 0 ? -v : v).size(); }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// An integer the field accepts by range and length but its enum does not.
std::optional<int64_t> IntOutsideEnum(const FieldSpec& f) {
  for (int64_t v : {97, 98, 9, 7, 0, 6, 5, 8, 999, 1000, 4, 3})
    if (v >= f.min && v <= f.max && (!f.max_length || Digits(v) <= f.max_length) &&
        !InEnum(f.enum_values, std::to_string(v)))
      return v;
  return std::nullopt;
}

std::optional<std::string> StringOutsideEnum(const FieldSpec& f) {
  for (std::string_view v : {"X", "99", "0", "Z9", "unknown"})
    if ((!f.max_length || v.size() <= f.max_length) && !InEnum(f.enum_values, v)) return std::string(v);
  return std::nullopt;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The replacement value (JSON text) that breaks `f` with `rule`; nullopt if
// the field cannot break it. An empty string means "remove the member".
std::optional<std::string> Breaking(const FieldSpec& f, Rule rule) {
  switch (rule) {
    case Rule::kMissingMandatory:
      if (f.presence == Presence::kMandatory) return std::string();
      return std::nullopt;
    case Rule::kWrongType:
      if (!IsScalar(f)) return std::nullopt;
      switch (f.type) {
        case FieldType::kInt:
        case FieldType::kLong:
        case FieldType::kEpochMillis:
          return std::string("\"12\"");
        case FieldType::kDouble:
          return std::string("\"1.5\"");
        case FieldType::kBool:
          return std::string("\"yes\"");
        case FieldType::kDecimal:
          return std::string("true");
        default:
          return std::string("12345");
      }
    case Rule::kBadTime:
      switch (f.type) {
        case FieldType::kDate:
          return Quoted("2026-02-30");
        case FieldType::kDateTime:
          return Quoted("2026-02-30 10:00:00");
        case FieldType::kDateMinute:
          return Quoted("2026-02-30 10:00");
        case FieldType::kTime:
          return Quoted("25:61:00");
        default:
          return std::nullopt;
      }
    case Rule::kNotInEnum:
      if (f.enum_values.empty()) return std::nullopt;
      if (f.type == FieldType::kString) {
        if (auto v = StringOutsideEnum(f)) return Quoted(*v);
      } else if (f.type == FieldType::kInt || f.type == FieldType::kLong) {
        if (auto v = IntOutsideEnum(f)) return std::to_string(*v);
      }
      return std::nullopt;
    case Rule::kTooLong:
      if (f.type != FieldType::kString || !f.max_length) return std::nullopt;
      return Quoted(std::string(f.max_length + 3u, 'W'));
    case Rule::kBadFormat:
      if (f.type != FieldType::kString || f.format == Format::kNone || f.format == Format::kRegionCode ||
          !f.enum_values.empty())
        return std::nullopt;
      // Short enough that the length check, which runs first, passes.
      return Quoted(!f.max_length || f.max_length >= 3 ? "X#1" : "X");
    case Rule::kOutOfRange: {
      if (!IsNumeric(f) || f.format != Format::kNone || f.type == FieldType::kEpochMillis)
        return std::nullopt;
      if (std::isfinite(f.min)) {
        const double v = std::floor(f.min) - 1;
        if (f.type == FieldType::kInt && v < INT32_MIN) return std::nullopt;
        return std::to_string(static_cast<int64_t>(v));
      }
      if (std::isfinite(f.max)) {
        const double v = std::floor(f.max) + 1;
        if (f.type == FieldType::kInt && v > INT32_MAX) return std::nullopt;
        return std::to_string(static_cast<int64_t>(v));
      }
      return std::nullopt;
    }
    case Rule::kUnknownRegion:
      if (f.format != Format::kRegionCode) return std::nullopt;
      return f.type == FieldType::kString ? Quoted("999999") : std::string("999999");
    default:
      return std::nullopt;
  }
}

void ReplaceValue(std::string& text, const Site& site, std::string_view value) {
  text.replace(site.value.begin, site.value.end - site.value.begin, value);
}

void RemoveMember(std::string& text, const Site& site) {
  size_t begin = site.member_begin, end = site.value.end;
  if (end < text.size() && text[end] == ',') {
    ++end;  // first or middle member: drop the comma after it
  } else if (begin > 0 && text[begin - 1] == ',') {
    --begin;  // last member: drop the comma before it
  }
  text.erase(begin, end - begin);
}

bool Excluded(const InterfaceSpec& spec, const FieldSpec& f) {
  if (f.name == spec.partition_key || f.name == spec.event_time) return true;
  for (std::string_view key : spec.dedup_key)
    if (f.name == key) return true;
  return false;
}

// Another valid value for the field, or nullopt.
std::optional<std::string> Changed(const FieldSpec& f, std::string_view value) {
  if (f.format != Format::kNone) return std::nullopt;
  const bool quoted = !value.empty() && value.front() == '"';
  const std::string_view bare = quoted ? value.substr(1, value.size() - 2) : value;
  if (!f.enum_values.empty()) {
    for (std::string_view v : EnumValues(f.enum_values))
      if (v != bare) return quoted ? Quoted(v) : std::string(v);
    return std::nullopt;
  }
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kLong: {
      int64_t v = 0;
      if (std::from_chars(bare.data(), bare.data() + bare.size(), v).ec != std::errc()) return std::nullopt;
      const int64_t next = v + 1 <= f.max && (!f.max_length || Digits(v + 1) <= f.max_length) ? v + 1 : v - 1;
      if (next < f.min) return std::nullopt;
      return std::to_string(next);
    }
    case FieldType::kDecimal:
    case FieldType::kDouble: {
      const size_t dot = bare.find('.');
      const size_t decimals = dot == std::string_view::npos ? 0 : bare.size() - dot - 1;
      std::string digits(bare);
      if (dot != std::string_view::npos) digits.erase(dot, 1);
      int64_t scaled = 0;
      if (std::from_chars(digits.data(), digits.data() + digits.size(), scaled).ec != std::errc())
        return std::nullopt;
      int64_t unit = 1;
      for (size_t i = 0; i < decimals; ++i) unit *= 10;
      const int64_t bumped = scaled + unit;
      if (static_cast<double>(bumped) / static_cast<double>(unit) > f.max) return std::nullopt;
      std::string out;
      AppendFixed(out, bumped, static_cast<int>(decimals));
      return quoted ? Quoted(out) : out;
    }
    case FieldType::kDateTime: {
      const auto t = ParseDateTime(bare);
      if (!t) return std::nullopt;
      return Quoted(DateTimeString(t->seconds + 60));
    }
    case FieldType::kString: {
      if (!quoted) return std::nullopt;
      const std::string_view suffix = bare.starts_with("http") ? "?v=2" : "-2";
      if (f.max_length && CodePoints(bare) + suffix.size() > f.max_length) return std::nullopt;
      return Quoted(std::string(bare) + std::string(suffix));
    }
    default:
      return std::nullopt;
  }
}

// Fields a correction changes first, when present: what the real systems re-send.
constexpr std::array<std::string_view, 14> kPreferred = {
    "acqNumOfPeople", "consumption",  "carColor",   "reservedStalls", "checkingType",
    "sportCnt",       "admUserIdent", "isOnLine",   "snapSmallImage", "ticketOrderAmount",
    "refundAmount",   "orderAmount",  "distance_m", "accuracy_m"};

int Preference(std::string_view name) {
  for (size_t i = 0; i < kPreferred.size(); ++i)
    if (kPreferred[i] == name) return static_cast<int>(i);
  return static_cast<int>(kPreferred.size());
}

}  // namespace

bool BreakRecord(const InterfaceSpec& spec, Rule rule, std::string& object, Rng& rng) {
  const std::vector<Site> sites = Sites(spec, object);
  std::vector<std::pair<const Site*, std::string>> candidates;
  for (const Site& site : sites) {
    if (!spec.record_list.empty() && site.field->name == spec.record_list) continue;
    if (auto value = Breaking(*site.field, rule)) candidates.emplace_back(&site, std::move(*value));
  }
  if (candidates.empty()) return false;
  const auto& [site, value] = candidates[rng.Below(candidates.size())];
  if (value.empty()) {
    RemoveMember(object, *site);
  } else {
    ReplaceValue(object, *site, value);
  }
  return true;
}

bool CorrectRecord(const InterfaceSpec& spec, std::string& object, Rng& rng) {
  const std::vector<Site> sites = Sites(spec, object);
  const Site* best = nullptr;
  std::string best_value;
  int best_rank = 1 << 30;
  for (const Site& site : sites) {
    const FieldSpec& f = *site.field;
    if (!IsScalar(f) || Excluded(spec, f)) continue;
    auto value = Changed(f, site.value.In(object));
    if (!value) continue;
    // Preferred names first, then numbers, enums, times and text; ties broken at random.
    const int kind = IsNumeric(f) ? 0 : !f.enum_values.empty() ? 1 : IsTime(f) ? 2 : 3;
    const int rank = Preference(f.name) * 16 + kind * 4 + static_cast<int>(rng.Below(4));
    if (rank < best_rank) {
      best_rank = rank;
      best = &site;
      best_value = std::move(*value);
    }
  }
  if (!best) return false;
  ReplaceValue(object, *best, best_value);
  return true;
}

size_t RecordsInObject(const InterfaceSpec& spec, std::string_view object) {
  if (spec.record_list.empty()) return 1;
  std::vector<Member> members;
  ObjectMembers(object, 0, members);
  const Member* list = FindMember(members, spec.record_list);
  if (!list) return 0;
  std::vector<Span> elements;
  ArrayElements(object, list->value.begin, elements);
  return elements.size();
}

void KeepOneElement(const InterfaceSpec& spec, std::string& object, size_t index) {
  std::vector<Member> members;
  ObjectMembers(object, 0, members);
  const Member* list = FindMember(members, spec.record_list);
  if (!list) return;
  std::vector<Span> elements;
  ArrayElements(object, list->value.begin, elements);
  if (index >= elements.size()) return;
  const std::string element(elements[index].In(object));
  object.replace(list->value.begin, list->value.end - list->value.begin, "[" + element + "]");
}

}  // namespace civicflow::datagen
