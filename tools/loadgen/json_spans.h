#pragma once
// The top-level pieces of a JSON array or object as spans of the original
// text, so that regrouped uploads carry their records byte for byte (no
// re-serialisation: numbers, escapes and member order stay as sent).
// REQUIRES: `json` is well-formed JSON (checked with simdjson first); the
// scanner only tracks strings and nesting. Stateless; any thread.
#include <optional>
#include <string_view>
#include <vector>

namespace civicflow::loadgen {

struct JsonMember {
  std::string_view key;    // the text between the quotes, escapes left as written
  std::string_view value;  // the value's text, without surrounding whitespace
};

// The elements of a JSON array; nullopt when `json` is not an array.
std::optional<std::vector<std::string_view>> ArrayElements(std::string_view json);
// The members of a JSON object in written order; nullopt when not an object.
std::optional<std::vector<JsonMember>> ObjectMembers(std::string_view json);

}  // namespace civicflow::loadgen
