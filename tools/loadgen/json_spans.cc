#include "tools/loadgen/json_spans.h"

namespace civicflow::loadgen {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Index just past the string that opens at text[start] ('"').
size_t StringEnd(std::string_view text, size_t start) {
  size_t i = start + 1;
  while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
  return i + 1;
}

// Index of the first ',' or closing bracket at nesting depth zero from `start`.
size_t ValueEnd(std::string_view text, size_t start) {
  int depth = 0;
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = StringEnd(text, i) - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth-- == 0) return i;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return text.size();
}

// The text between the outer brackets when `json` opens with `open`.
std::optional<std::string_view> Inside(std::string_view json, char open, char close) {
  json = Trimmed(json);
  if (json.size() < 2 || json.front() != open || json.back() != close) return std::nullopt;
  return json.substr(1, json.size() - 2);
}

}  // namespace

std::optional<std::vector<std::string_view>> ArrayElements(std::string_view json) {
  const auto inside = Inside(json, '[', ']');
  if (!inside) return std::nullopt;
  std::vector<std::string_view> elements;
  if (Trimmed(*inside).empty()) return elements;
  for (size_t pos = 0; pos <= inside->size();) {
    const size_t end = ValueEnd(*inside, pos);
    elements.push_back(Trimmed(inside->substr(pos, end - pos)));
    pos = end + 1;
  }
  return elements;
}

std::optional<std::vector<JsonMember>> ObjectMembers(std::string_view json) {
  const auto inside = Inside(json, '{', '}');
  if (!inside) return std::nullopt;
  std::vector<JsonMember> members;
  if (Trimmed(*inside).empty()) return members;
  for (size_t pos = 0; pos <= inside->size();) {
    const size_t end = ValueEnd(*inside, pos);
    const std::string_view member = Trimmed(inside->substr(pos, end - pos));
    const size_t key_end = StringEnd(member, 0);
    const size_t colon = member.find(':', key_end);
    if (member.empty() || member.front() != '"' || colon == std::string_view::npos) return std::nullopt;
    members.push_back({member.substr(1, key_end - 2), Trimmed(member.substr(colon + 1))});
    pos = end + 1;
  }
  return members;
}

}  // namespace civicflow::loadgen
