// Table-driven over every interface of the registry: its example in tests/ingest/examples/<platform>.json
// validates, and mutations derived generically from its FieldSpecs (drop a mandatory field, wrong JSON type,
// impossible time, value outside the enum, one character too many, bad format, outside the range, key
// repeated) are rejected with the right Rule, field path, record index and message.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/arena.h"
#include "ingest/record.h"
#include "ingest/registry/record_parser.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

namespace dom = simdjson::dom;

constexpr int64_t kRequestTs = 1795168800000;  // 2026-11-20 18:00:00 +08:00

std::string Label(const InterfaceSpec& spec) {
  return std::string(PlatformName(spec.platform)) + "/" + std::string(spec.name);
}

// ---- Examples: (platform, interface name) -> minified JSON of one record ----

struct ExampleSet {
  std::map<std::pair<Platform, std::string>, std::string> records;
  std::vector<std::string> load_errors;
};

const ExampleSet& Examples() {
  static const ExampleSet examples = [] {
    ExampleSet out;
    for (Platform platform : kAllPlatforms) {
      const std::string path = std::string(CIVICFLOW_SOURCE_DIR) + "/tests/ingest/examples/" +
                               std::string(PlatformName(platform)) + ".json";
      dom::parser parser;
      dom::object root;
      if (auto error = parser.load(path).get(root)) {
        out.load_errors.push_back(path + ": " + simdjson::error_message(error));
        continue;
      }
      for (auto [key, value] : root) out.records[{platform, std::string(key)}] = simdjson::to_string(value);
    }
    return out;
  }();
  return examples;
}

const std::string* ExampleFor(const InterfaceSpec& spec) {
  const auto& records = Examples().records;
  const auto it = records.find({spec.platform, std::string(spec.name)});
  return it == records.end() ? nullptr : &it->second;
}

// ---- A tiny JSON rewrite: re-serialise the example with one key dropped, set or repeated ----

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

enum class Action { kDrop, kSet, kRepeat };

struct Mutation {
  std::string list;  // empty: a field of the record; else a field of element 0 of this list
  std::string key;
  Action action;
  std::string value;         // raw JSON for kSet
  std::optional<Rule> rule;  // expected; nullopt: the record must still validate
  std::string what;          // for traces

  std::string FieldPath() const { return list.empty() ? key : list + "[0]." + key; }
};

std::string RewriteObject(dom::object object, const Mutation& m) {
  std::string out = "{";
  bool found = false;
  auto add = [&out](std::string_view key, const std::string& value) {
    if (out.size() > 1) out += ',';
    out += Quote(key) + ":" + value;
  };
  for (auto [key, value] : object) {
    if (key != m.key) {
      add(key, simdjson::to_string(value));
      continue;
    }
    found = true;
    if (m.action == Action::kDrop) continue;
    add(key, m.action == Action::kSet ? m.value : simdjson::to_string(value));
    if (m.action == Action::kRepeat) add(key, simdjson::to_string(value));
  }
  if (!found && m.action == Action::kSet) add(m.key, m.value);
  return out + "}";
}

std::string Apply(const std::string& example, const Mutation& m) {
  dom::parser parser;
  const dom::object root = parser.parse(example).get_object().value_unsafe();
  if (m.list.empty()) return RewriteObject(root, m);
  std::string out = "{";
  for (auto [key, value] : root) {
    if (out.size() > 1) out += ',';
    out += Quote(key) + ":";
    if (key != m.list) {
      out += simdjson::to_string(value);
      continue;
    }
    out += '[';
    dom::array elements;
    if (value.get_array().get(elements)) return "";
    size_t i = 0;
    for (dom::element element : elements) {
      if (i++) out += ',';
      out += i == 1 ? RewriteObject(element.get_object().value_unsafe(), m) : simdjson::to_string(element);
    }
    out += ']';
  }
  return out + "}";
}

// ---- Generic mutations from the FieldSpecs ----

bool IsInteger(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kLong || t == FieldType::kEpochMillis;
}
bool IsTimeText(FieldType t) {
  return t == FieldType::kDate || t == FieldType::kDateTime || t == FieldType::kDateMinute ||
         t == FieldType::kTime;
}

bool InEnum(std::string_view values, std::string_view v) {
  while (true) {
    const size_t bar = values.find('|');
    if (values.substr(0, bar) == v) return true;
    if (bar == std::string_view::npos) return false;
    values.remove_prefix(bar + 1);
  }
}

std::string Repeat(std::string_view unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// Whether an integer literal passes the type and range checks that precede max_length / enum checks.
bool IntegerAccepted(const FieldSpec& f, int64_t v) {
  if (f.type == FieldType::kInt && (v < INT32_MIN || v > INT32_MAX)) return false;
  return static_cast<double>(v) >= f.min && static_cast<double>(v) <= f.max;
}

std::string Number(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return std::to_string(v);
}

void AddFieldMutations(const FieldSpec& f, const std::string& list, bool present,
                       std::vector<Mutation>& out) {
  auto add = [&](Action action, std::string value, std::optional<Rule> rule, std::string what) {
    out.push_back({list, std::string(f.name), action, std::move(value), rule, std::move(what)});
  };
  // Presence.
  if (f.presence == Presence::kMandatory) {
    add(Action::kDrop, "", Rule::kMissingMandatory, "drop mandatory");
    add(Action::kSet, "null", Rule::kMissingMandatory, "null for mandatory");
  } else {
    add(Action::kDrop, "", std::nullopt, "drop optional");
    add(Action::kSet, "null", std::nullopt, "null for optional");
  }
  if (present) add(Action::kRepeat, "", Rule::kDuplicateField, "key repeated");

  // Wrong JSON type.
  if (f.type == FieldType::kString || IsTimeText(f.type)) {
    add(Action::kSet, "12345", Rule::kWrongType, "number for a string");
  } else {
    add(Action::kSet, "\"x\"", Rule::kWrongType, "string for a non-string");
  }
  if (f.type == FieldType::kInt || f.type == FieldType::kLong) {
    add(Action::kSet, "1.5", Rule::kWrongType, "fraction for an integer");
  }

  // Impossible and misshapen times.
  switch (f.type) {
    case FieldType::kDateTime:
      add(Action::kSet, "\"2026-02-30 10:00:00\"", Rule::kBadTime, "impossible date-time");
      add(Action::kSet, "\"2026-11-20T18:00:00\"", Rule::kBadTime, "ISO 'T' date-time");
      break;
    case FieldType::kDate:
      add(Action::kSet, "\"2026-02-30\"", Rule::kBadTime, "impossible date");
      add(Action::kSet, "\"2026/11/20\"", Rule::kBadTime, "slashed date");
      break;
    case FieldType::kDateMinute:
      add(Action::kSet, "\"2026-02-30 10:00\"", Rule::kBadTime, "impossible date-minute");
      add(Action::kSet, "\"2026-11-20 18:00:00\"", Rule::kBadTime, "seconds in a date-minute");
      break;
    case FieldType::kTime:
      add(Action::kSet, "\"25:00:00\"", Rule::kBadTime, "impossible time");
      add(Action::kSet, "\"18:00\"", Rule::kBadTime, "time without seconds");
      break;
    default:
      break;
  }

  // Outside the enum (a value that passes the length and range checks first).
  if (!f.enum_values.empty()) {
    if (f.type == FieldType::kString) {
      for (std::string_view candidate : {"Z", "9", "ZZ", "99"}) {
        if (InEnum(f.enum_values, candidate) || (f.max_length && candidate.size() > f.max_length)) continue;
        add(Action::kSet, Quote(candidate), Rule::kNotInEnum, "not in enum");
        break;
      }
    } else if (IsInteger(f.type)) {
      for (int64_t v = 0; v < 1000; ++v) {
        const std::string text = std::to_string(v);
        if (InEnum(f.enum_values, text) || !IntegerAccepted(f, v) ||
            (f.max_length && text.size() > f.max_length))
          continue;
        add(Action::kSet, text, Rule::kNotInEnum, "not in enum");
        break;
      }
    }
  }

  // Length: characters are code points, so CJK text at the limit passes and one more fails.
  if (f.max_length && f.type == FieldType::kString) {
    add(Action::kSet, Quote(Repeat("测", f.max_length + 1u)), Rule::kTooLong, "max_length+1 CJK characters");
    if (f.format == Format::kNone && f.enum_values.empty()) {
      add(Action::kSet, Quote(Repeat("测", f.max_length)), std::nullopt, "max_length CJK characters");
    }
  }
  if (f.max_length && IsInteger(f.type) && f.max_length < 19) {
    const int64_t v = static_cast<int64_t>(std::pow(10, f.max_length));  // max_length + 1 digits
    if (IntegerAccepted(f, v)) add(Action::kSet, std::to_string(v), Rule::kTooLong, "max_length+1 digits");
  }

  // Formats.
  if (f.type == FieldType::kString) {
    std::optional<std::string> bad;
    switch (f.format) {
      case Format::kNone:
        break;
      case Format::kRegionCode:
        add(Action::kSet, "\"440399\"", Rule::kUnknownRegion, "unknown region code");
        bad = "44030";
        break;
      case Format::kHex32:
      case Format::kMd5Hex:
        bad = Repeat("z", 32);
        break;
      case Format::kPlate:
        bad = "B12345";
        break;
      case Format::kDigits:
        bad = "x";
        break;
      case Format::kMobile:
        bad = "23800138000";
        break;
      case Format::kIdCard:
        bad = "440305199001011231";
        break;
      case Format::kUrl:
        bad = "ftp://x";
        break;
    }
    if (bad) add(Action::kSet, Quote(*bad), Rule::kBadFormat, "bad format");
  }
  if (IsInteger(f.type) && f.format == Format::kRegionCode) {
    add(Action::kSet, "440399", Rule::kUnknownRegion, "unknown region code");
  }

  // Ranges.
  const bool numeric = IsInteger(f.type) || f.type == FieldType::kDecimal || f.type == FieldType::kDouble;
  if (numeric) {
    auto literal = [&](double v) { return f.type == FieldType::kDecimal ? Quote(Number(v)) : Number(v); };
    if (f.min != kNoMin) add(Action::kSet, literal(f.min - 1), Rule::kOutOfRange, "below min");
    if (f.max != kNoMax) add(Action::kSet, literal(f.max + 1), Rule::kOutOfRange, "above max");
  }
  if (f.type == FieldType::kInt) {
    add(Action::kSet, "2147483648", Rule::kOutOfRange, "beyond a 32-bit Int");
    add(Action::kSet, "-2147483649", Rule::kOutOfRange, "below a 32-bit Int");
  }
}

std::vector<Mutation> MutationsFor(const InterfaceSpec& spec, const std::string& example) {
  std::vector<Mutation> out;
  dom::parser parser;
  const dom::object root = parser.parse(example).get_object().value_unsafe();
  auto has = [](dom::object object, std::string_view key) { return !object.at_key(key).error(); };
  for (const FieldSpec& f : spec.fields) {
    AddFieldMutations(f, "", has(root, f.name), out);
    // Element fields of a list, through its first element when the example has one.
    if (f.type != FieldType::kList || !has(root, f.name)) continue;
    dom::array elements;
    if (root.at_key(f.name).get_array().get(elements) || elements.size() == 0) continue;
    const dom::object first = elements.at(0).get_object().value_unsafe();
    for (const FieldSpec& child : f.children)
      AddFieldMutations(child, std::string(f.name), has(first, child.name), out);
  }
  out.push_back(
      {"", "x_not_in_any_spec", Action::kSet, "{\"a\":[1,{\"b\":null}]}", std::nullopt, "unknown field"});
  return out;
}

// Records one body yields: the record_list length, or 1.
size_t ExpectedRecords(const InterfaceSpec& spec, const std::string& example) {
  if (spec.record_list.empty()) return 1;
  dom::parser parser;
  dom::array list;
  if (parser.parse(example).at_key(spec.record_list).get_array().get(list)) return 0;
  return list.size();
}

// ---- Running a mutation ----

struct Outcome {
  bool matched = false;  // the validator did what the mutation expects
  std::string report;    // why not
};

// Runs `json` and checks it against the mutation's expectation, both alone (record 0) and as the second
// record of an array after the valid example (record 1). Atomic: on error nothing is appended and the
// arena is rewound.
Outcome RunMutation(InterfaceId id, const std::string& example, const Mutation& m) {
  const InterfaceSpec& spec = Registry::Get().At(id);
  const std::string mutated = Apply(example, m);
  Outcome result;
  for (uint32_t record_index : {0u, 1u}) {
    const std::string body = record_index == 0 ? mutated : "[" + example + "," + mutated + "]";
    Arena arena;
    arena.Allocate<char>(3);  // a non-trivial mark
    const Arena::Mark before = arena.GetMark();
    std::vector<Record> out(1);  // a record from an earlier request must survive
    const ParseOutcome outcome = ParseBodyText(id, body, kRequestTs, arena, out);
    std::string why;
    if (!m.rule) {
      if (outcome.error) why = "rejected: " + outcome.error->Message();
      const size_t expected = 1 + (record_index + 1) * ExpectedRecords(spec, example);
      if (why.empty() && out.size() != expected) {
        why = "yielded " + std::to_string(out.size() - 1) + " records, expected " +
              std::to_string(expected - 1);
      }
    } else if (!outcome.error) {
      why = "accepted, expected " + std::string(RuleName(*m.rule));
    } else {
      const ValidationError& e = *outcome.error;
      const std::string prefix = Label(spec) + "[" + std::to_string(record_index) + "]." + m.FieldPath() +
                                 ": " + std::string(RuleName(*m.rule));
      if (e.rule != *m.rule || e.field != m.FieldPath() || e.interface != Label(spec) ||
          e.record_index != record_index || e.Message().rfind(prefix, 0) != 0) {
        why = "got \"" + e.Message() + "\", expected \"" + prefix + " ...\"";
      } else if (out.size() != 1) {
        why = "records appended despite the error";
      } else if (arena.GetMark().block != before.block || arena.GetMark().used != before.used) {
        why = "arena not rewound";
      } else if (outcome.records != record_index + 1) {
        why = "outcome.records " + std::to_string(outcome.records);
      }
    }
    if (!why.empty()) {
      result.report = m.what + " (" + m.FieldPath() + ") as record " + std::to_string(record_index) + ": " +
                      why + "\n  body: " + body.substr(0, 400);
      return result;
    }
  }
  result.matched = true;
  return result;
}

std::vector<InterfaceId> AllIds() {
  std::vector<InterfaceId> ids(Registry::Get().All().size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<InterfaceId>(i);
  return ids;
}

// ---- Tests ----

TEST(ExamplesFileTest, LoadAndNameOnlyRegisteredInterfaces) {
  const ExampleSet& examples = Examples();
  for (const std::string& error : examples.load_errors) ADD_FAILURE() << error;
  for (const auto& [key, json] : examples.records) {
    EXPECT_NE(Registry::Get().Find(key.first, key.second), nullptr)
        << PlatformName(key.first) << ".json names unknown interface \"" << key.second << "\"";
  }
}

class InterfaceExampleTest : public testing::TestWithParam<InterfaceId> {
 protected:
  const InterfaceSpec& spec() const { return Registry::Get().At(GetParam()); }
};

TEST_P(InterfaceExampleTest, ExampleValidates) {
  const std::string* example = ExampleFor(spec());
  ASSERT_NE(example, nullptr) << "no example for " << Label(spec()) << " in tests/ingest/examples/"
                              << PlatformName(spec().platform) << ".json";
  const size_t expected = ExpectedRecords(spec(), *example);
  ASSERT_GE(expected, 1u) << "the example's " << spec().record_list << " yields no record";

  Arena arena;
  std::vector<Record> out;
  const ParseOutcome outcome = ParseBodyText(GetParam(), *example, kRequestTs, arena, out);
  ASSERT_FALSE(outcome.error) << outcome.error->Message();
  EXPECT_EQ(outcome.records, 1u);
  ASSERT_EQ(out.size(), expected);
  const int list_index = spec().record_list.empty() ? -1 : FlatFieldIndex(spec(), spec().record_list);
  for (const Record& record : out) {
    EXPECT_EQ(record.interface, GetParam());
    EXPECT_EQ(record.index, 0u);
    EXPECT_EQ(record.request_ts_ms, kRequestTs);
    EXPECT_EQ(record.event_time == LocalTime::Min(), spec().event_time.empty());
    EXPECT_EQ(record.dedup_key == 0, spec().dedup_key[0].empty());
    for (size_t i = 0; i < FlatFieldCount(spec()); ++i) {
      const FieldSpec& field = FlatField(spec(), i);
      if (static_cast<int>(i) == list_index) {
        EXPECT_FALSE(record[static_cast<int>(i)].present()) << "the record list itself is flattened away";
      } else if (field.presence == Presence::kMandatory) {
        EXPECT_TRUE(record[static_cast<int>(i)].present()) << field.name;
      }
    }
  }

  // The same example twice as an array: twice the records, indexed by position.
  out.clear();
  const ParseOutcome twice =
      ParseBodyText(GetParam(), "[" + *example + "," + *example + "]", kRequestTs, arena, out);
  ASSERT_FALSE(twice.error) << twice.error->Message();
  EXPECT_EQ(twice.records, 2u);
  ASSERT_EQ(out.size(), 2 * expected);
  for (size_t i = 0; i < expected; ++i) {
    EXPECT_EQ(out[i].index, 0u);
    EXPECT_EQ(out[expected + i].index, 1u);
    EXPECT_EQ(out[i].dedup_key, out[expected + i].dedup_key);
    EXPECT_EQ(out[i].content_hash, out[expected + i].content_hash);
  }
}

TEST_P(InterfaceExampleTest, MutationsAreRejectedWithTheirRule) {
  const std::string* example = ExampleFor(spec());
  ASSERT_NE(example, nullptr) << "no example for " << Label(spec());
  const std::vector<Mutation> mutations = MutationsFor(spec(), *example);
  if (!spec().fields.empty()) {
    EXPECT_GT(mutations.size(), 1u);
  }
  for (const Mutation& m : mutations) {
    const Outcome outcome = RunMutation(GetParam(), *example, m);
    EXPECT_TRUE(outcome.matched) << outcome.report;
  }
}

TEST_P(InterfaceExampleTest, NonObjectRecordsAreRejected) {
  for (std::string_view body : {"[1]", "[\"x\"]", "[[]]"}) {
    Arena arena;
    std::vector<Record> out;
    const ParseOutcome outcome = ParseBodyText(GetParam(), body, kRequestTs, arena, out);
    ASSERT_TRUE(outcome.error) << body;
    EXPECT_EQ(outcome.error->rule, Rule::kNotAnObject) << body;
    EXPECT_EQ(outcome.error->record_index, 0u);
    EXPECT_EQ(outcome.error->interface, Label(spec()));
    EXPECT_TRUE(out.empty());
  }
}

std::string ParamName(const testing::TestParamInfo<InterfaceId>& info) {
  const InterfaceSpec& spec = Registry::Get().At(info.param);
  std::string name = std::string(PlatformName(spec.platform)) + "_";
  for (char c : spec.name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      name += c;
    } else if (name.back() != '_') {
      name += '_';
    }
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllInterfaces, InterfaceExampleTest, testing::ValuesIn(AllIds()), ParamName);

// The generic mutations must exercise every rule kind somewhere in the registry, and reach into
// list elements, so that the table-driven test cannot silently test nothing.
TEST(ExamplesCoverageTest, EveryRuleKindIsExercised) {
  std::map<std::string, int> matched;  // rule name (or "accepted") -> mutations that behaved as expected
  int total = 0, element_mutations = 0, interfaces = 0;
  for (InterfaceId id : AllIds()) {
    const InterfaceSpec& spec = Registry::Get().At(id);
    const std::string* example = ExampleFor(spec);
    if (!example) continue;  // reported by InterfaceExampleTest
    ++interfaces;
    for (const Mutation& m : MutationsFor(spec, *example)) {
      ++total;
      if (!m.list.empty()) ++element_mutations;
      if (RunMutation(id, *example, m).matched)
        ++matched[m.rule ? std::string(RuleName(*m.rule)) : "accepted"];
    }
  }
  EXPECT_EQ(interfaces, static_cast<int>(Registry::Get().All().size()));
  for (Rule rule :
       {Rule::kMissingMandatory, Rule::kWrongType, Rule::kBadTime, Rule::kNotInEnum, Rule::kTooLong,
        Rule::kBadFormat, Rule::kOutOfRange, Rule::kUnknownRegion, Rule::kDuplicateField}) {
    EXPECT_GE(matched[std::string(RuleName(rule))], 1) << RuleName(rule) << " never exercised";
  }
  EXPECT_GE(matched["accepted"], 1);
  EXPECT_GE(element_mutations, 1);
  std::cout << "[ coverage ] " << total << " mutations over " << interfaces << " interfaces ("
            << element_mutations << " in list elements); behaving as expected:";
  for (const auto& [rule, n] : matched) std::cout << " " << rule << "=" << n;
  std::cout << "\n";
}

}  // namespace
}  // namespace civicflow::ingest
