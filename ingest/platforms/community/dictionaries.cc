#include "ingest/platforms/community/dictionaries.h"

#include <cctype>

#include "engine/base/json_escape.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {
namespace {

struct Entry {
  std::string_view value, name;
};
struct EnumDictionary {
  std::string_view code;   // the wd/<code> path segment
  std::string_view field;  // the registry field whose enum_values it lists
  std::initializer_list<Entry> names;
};

// Names from the field descriptions of spec 16.4.
const EnumDictionary kEnumDictionaries[] = {
    {"sblxdm", "deviceType", {{"1", "抓拍机"}}},
    {"sbzxzt", "isOnLine", {{"1", "在线"}, {"2", "离线"}, {"9", "其他"}}},
};

std::string_view NameOf(const EnumDictionary* dictionary, std::string_view value) {
  if (dictionary == nullptr) return {};
  for (const Entry& entry : dictionary->names)
    if (entry.value == value) return entry.name;
  return {};
}

void AppendEntry(std::string& out, std::string_view value, std::string_view name) {
  if (out.size() > 1) out += ',';
  out += "{\"dm\":";
  AppendJsonString(out, value);
  if (!name.empty()) {
    out += ",\"mc\":";
    AppendJsonString(out, name);
  }
  out += '}';
}

std::string RegionCodesArray() {
  std::string out = "[";
  for (int32_t code : RegionCodes()) AppendEntry(out, std::to_string(code), {});
  out += ']';
  return out;
}

// The entries of `enum_values` ("1|2|9"), named where the table knows them.
std::string EnumArray(std::string_view enum_values, const EnumDictionary* dictionary) {
  std::string out = "[";
  while (true) {
    const size_t bar = enum_values.find('|');
    const std::string_view value = enum_values.substr(0, bar);
    AppendEntry(out, value, NameOf(dictionary, value));
    if (bar == std::string_view::npos) break;
    enum_values.remove_prefix(bar + 1);
  }
  out += ']';
  return out;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void CollectEnums(std::span<const FieldSpec> fields, std::map<std::string, std::string, std::less<>>& data) {
  for (const FieldSpec& field : fields) {
    CollectEnums(field.children, data);
    if (field.enum_values.empty()) continue;
    const EnumDictionary* dictionary = nullptr;
    for (const EnumDictionary& d : kEnumDictionaries)
      if (d.field == field.name) dictionary = &d;
    const std::string code = dictionary ? std::string(dictionary->code) : Lowercase(field.name);
    data.emplace(code, EnumArray(field.enum_values, dictionary));
  }
}

}  // namespace

CommunityDictionaries::CommunityDictionaries() {
  data_.emplace("xzqh", RegionCodesArray());
  for (const InterfaceSpec& spec : CommunityInterfaces()) CollectEnums(spec.fields, data_);
}

const std::string* CommunityDictionaries::Find(std::string_view code) const {
  const auto it = data_.find(code);
  return it == data_.end() ? nullptr : &it->second;
}

std::vector<std::string> CommunityDictionaries::Codes() const {
  std::vector<std::string> codes;
  for (const auto& [code, data] : data_) codes.push_back(code);
  return codes;
}

}  // namespace civicflow::ingest::http
