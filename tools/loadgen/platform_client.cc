#include "tools/loadgen/platform_client.h"

#include <simdjson.h>

namespace civicflow::loadgen {

std::string ReplyMember(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root)) return {};
  simdjson::dom::element value;
  if (root[key].get(value)) return {};
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  return simdjson::minify(value);
}

}  // namespace civicflow::loadgen
