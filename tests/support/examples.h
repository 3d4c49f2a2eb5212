#pragma once
// Test helper: the example business payload of an interface, from
// tests/ingest/examples/<platform>.json (interface name -> payload), as
// compact JSON text. Empty when the file or the example is missing.
#include <simdjson.h>

#include <string>
#include <string_view>

#include "ingest/registry/interface_spec.h"

namespace civicflow::testing {

inline std::string ExampleBody(ingest::Platform platform, std::string_view interface) {
  const std::string path = std::string(CIVICFLOW_SOURCE_DIR) + "/tests/ingest/examples/" +
                           std::string(ingest::PlatformName(platform)) + ".json";
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element example;
  if (parser.parse(text)[interface].get(example)) return {};
  return simdjson::minify(example);
}

}  // namespace civicflow::testing
