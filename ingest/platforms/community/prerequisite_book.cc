#include "ingest/platforms/community/prerequisite_book.h"

#include <simdjson.h>

#include <array>
#include <mutex>

namespace civicflow::ingest::http {
namespace {

namespace od = simdjson::ondemand;

struct CodeField {
  std::string_view field;  // empty: none
  CodeKind kind = CodeKind::kCommunity;
  bool comma_separated = false;  // cldz zpjbms: "code,code"
};

// One interface's place in the 前置接入 graph (spec sections x.2).
struct InterfaceCodes {
  std::string_view interface;
  CodeField registers;
  std::array<CodeField, 3> references;
};

constexpr CodeField kInCommunity{"xqbm", CodeKind::kCommunity};
constexpr CodeField kAtArea{"areaNo", CodeKind::kCommunity};

// Buildings and houses (rk's 楼栋/房屋) are not tracked: PLATFORMS.md §3 names the
// kinds whose absence rejects a record. mjxt's crkbm is optional; when sent it must be known.
constexpr InterfaceCodes kInterfaceCodes[] = {
    {"xq", {"xqbm", CodeKind::kCommunity}, {}},
    {"crk", {"crkbm", CodeKind::kEntrance}, {kInCommunity}},
    {"rk", {}, {kInCommunity}},
    {"wyry", {}, {kInCommunity}},
    {"ld", {}, {kInCommunity}},
    {"fw", {}, {kInCommunity}},
    {"gj", {}, {kInCommunity}},
    {"zpj", {"zpjbm", CodeKind::kCamera}, {kInCommunity}},
    {"mjxt", {"mjxtbm", CodeKind::kAccessSystem}, {kInCommunity, {"crkbm", CodeKind::kEntrance}}},
    {"clxx", {}, {kInCommunity}},
    {"cldz",
     {"dzbm", CodeKind::kBarrier},
     {kInCommunity, {"crkbm", CodeKind::kEntrance}, {"zpjbms", CodeKind::kCamera, true}}},
    {"stk/zpjl", {}, {kAtArea, {"snapNo", CodeKind::kCamera}}},
    {"stk/rytxjl", {}, {kAtArea, {"accessControlNo", CodeKind::kAccessSystem}}},
    {"stk/cltxjl", {}, {kAtArea, {"snapNo", CodeKind::kCamera}, {"gateNo", CodeKind::kBarrier}}},
    {"stk/sbzt", {}, {kAtArea, {"deviceID", CodeKind::kCamera}}},
};

constexpr std::string_view kKindNames[kCodeKinds] = {"community", "entrance", "camera", "barrier",
                                                     "access-control system"};
constexpr std::string_view kRegisteredBy[kCodeKinds] = {"xq", "crk", "zpj", "cldz", "mjxt"};

const InterfaceCodes* CodesOf(const InterfaceSpec& spec) {
  for (const InterfaceCodes& codes : kInterfaceCodes)
    if (codes.interface == spec.name) return &codes;
  return nullptr;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Walks the records of one upload; stops at the first unknown reference.
// `Known(kind, code)` says whether a code is registered.
template <typename Known>
class Scanner {
 public:
  Scanner(const InterfaceSpec& spec, const InterfaceCodes& codes, Known known, PrerequisiteScan& out)
      : spec_(spec), codes_(codes), known_(known), out_(out) {}

  // False when the scan stops (a missing reference, or text it cannot read).
  bool Record(od::object object, uint32_t index) {
    for (auto member : object) {
      std::string_view key, value;
      if (member.unescaped_key().get(key)) return false;
      const CodeField* field = Match(key);
      if (field == nullptr || member.value().get_string().get(value)) continue;
      if (field == &codes_.registers) {
        out_.registrations.emplace_back(field->kind, std::string(value));
      } else if (!CheckReference(*field, value, index)) {
        return false;
      }
    }
    return true;
  }

 private:
  const CodeField* Match(std::string_view key) const {
    if (!codes_.registers.field.empty() && key == codes_.registers.field) return &codes_.registers;
    for (const CodeField& field : codes_.references)
      if (!field.field.empty() && key == field.field) return &field;
    return nullptr;
  }

  bool CheckReference(const CodeField& field, std::string_view value, uint32_t index) {
    while (true) {
      const size_t comma = field.comma_separated ? value.find(',') : std::string_view::npos;
      const std::string_view code = Trimmed(value.substr(0, comma));
      if (!code.empty() && !known_(field.kind, code)) {
        Report(field, code, index);
        return false;
      }
      if (comma == std::string_view::npos) return true;
      value.remove_prefix(comma + 1);
    }
  }

  void Report(const CodeField& field, std::string_view code, uint32_t index) {
    const auto kind = static_cast<size_t>(field.kind);
    out_.missing = "community/" + std::string(spec_.name) + "[" + std::to_string(index) + "]." +
                   std::string(field.field) + ": prerequisite missing: " + std::string(kKindNames[kind]) +
                   " \"" + std::string(code) + "\" is not registered (upload " +
                   std::string(kRegisteredBy[kind]) + " first)";
  }

  const InterfaceSpec& spec_;
  const InterfaceCodes& codes_;
  Known known_;
  PrerequisiteScan& out_;
};

}  // namespace

PrerequisiteScan PrerequisiteBook::Check(const InterfaceSpec& spec, std::string_view json,
                                         size_t capacity) const {
  PrerequisiteScan out;
  const InterfaceCodes* codes = CodesOf(spec);
  if (codes == nullptr) return out;
  thread_local od::parser parser;
  od::document document;
  if (parser.iterate(simdjson::padded_string_view(json.data(), json.size(), capacity)).get(document))
    return out;
  std::shared_lock lock(mutex_);
  Scanner scanner(
      spec, *codes, [this](CodeKind kind, std::string_view code) { return KnowsLocked(kind, code); }, out);
  od::json_type type;
  if (document.type().get(type)) return out;
  if (type == od::json_type::object) {
    od::object object;
    if (!document.get_object().get(object)) scanner.Record(object, 0);
  } else if (type == od::json_type::array) {
    od::array array;
    if (document.get_array().get(array)) return out;
    uint32_t index = 0;
    for (auto element : array) {
      od::object object;
      if (element.get_object().get(object) || !scanner.Record(object, index++)) break;
    }
  }
  return out;
}

void PrerequisiteBook::Register(const std::vector<std::pair<CodeKind, std::string>>& codes) {
  if (codes.empty()) return;
  std::unique_lock lock(mutex_);
  for (const auto& [kind, code] : codes) codes_[static_cast<size_t>(kind)].insert(code);
}

bool PrerequisiteBook::Knows(CodeKind kind, std::string_view code) const {
  std::shared_lock lock(mutex_);
  return KnowsLocked(kind, code);
}

bool PrerequisiteBook::KnowsLocked(CodeKind kind, std::string_view code) const {
  const CodeSet& set = codes_[static_cast<size_t>(kind)];
  return set.find(code) != set.end();
}

void PrerequisiteBook::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  out.Section("registered codes");
  for (const CodeSet& set : codes_) {
    out.PutCount(set.size());
    for (const std::string& code : set) out.PutText(code);
  }
}

void PrerequisiteBook::LoadState(StateReader& in) {
  in.Section("registered codes");
  CodeSet codes[kCodeKinds];
  for (CodeSet& set : codes) {
    const uint64_t n = in.GetCount(sizeof(uint64_t));
    for (uint64_t i = 0; i < n && !in.failed(); ++i)
      if (!set.emplace(in.GetText()).second && !in.failed()) return in.Fail("a code registered twice");
  }
  if (in.failed()) return;
  std::unique_lock lock(mutex_);
  for (size_t kind = 0; kind < kCodeKinds; ++kind) codes_[kind] = std::move(codes[kind]);
}

}  // namespace civicflow::ingest::http
