#include "ingest/archive/archive_parser.h"

#include <cstring>

namespace civicflow::ingest {
namespace {

namespace od = simdjson::ondemand;

std::optional<Platform> PlatformByName(std::string_view name) {
  for (Platform p : kAllPlatforms)
    if (PlatformName(p) == name) return p;
  return std::nullopt;
}

}  // namespace

IngestCounts::IngestCounts() : valid(Registry::Get().All().size()), rejected(Registry::Get().All().size()) {}

void IngestCounts::Merge(const IngestCounts& other) {
  for (size_t i = 0; i < valid.size(); ++i) {
    valid[i] += other.valid[i];
    rejected[i] += other.rejected[i];
  }
  rejected_unknown += other.rejected_unknown;
  lines += other.lines;
}

std::string IngestCounts::DeadLetterJson(std::string_view file, uint64_t first_line) const {
  std::string out;
  for (const DeadLetter& letter : dead_letters) {
    out += "{\"file\":";
    AppendJsonString(out, file);
    out += ",\"line\":" + std::to_string(first_line + letter.line) + ",\"interface\":";
    AppendJsonString(out, letter.interface);
    out += ",\"rule\":\"";
    out += RuleName(letter.rule);
    out += "\",\"error\":";
    AppendJsonString(out, letter.message);
    out += ",\"raw\":";
    AppendJsonString(out, letter.raw);
    out += "}\n";
  }
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void ArchiveParser::ParseBlock(const char* block, size_t length, size_t capacity, RecordChunk& chunk,
                               IngestCounts& counts) {
  size_t pos = 0;
  uint64_t line_number = 0;
  while (pos < length) {
    const char* start = block + pos;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', length - pos));
    size_t line_length = newline ? static_cast<size_t>(newline - start) : length - pos;
    const size_t next = pos + line_length + 1;
    while (line_length > 0 && (start[line_length - 1] == '\r' || start[line_length - 1] == ' '))
      --line_length;
    if (line_length > 0) ParseLine(start, line_length, capacity - pos, chunk, counts, line_number);
    pos = next;
    ++line_number;
  }
  counts.lines = line_number;
}

void ArchiveParser::ParseLine(const char* line, size_t length, size_t capacity, RecordChunk& chunk,
                              IngestCounts& counts, uint64_t line_number) {
  std::string_view platform_name, interface_name;
  int64_t ts = 0;
  od::document doc;
  od::object envelope;
  od::value body;
  const InterfaceSpec* spec = nullptr;
  ParseOutcome outcome;

  auto reject = [&](std::string_view iface, Rule rule, std::string message, uint32_t records) {
    counts.dead_letters.push_back(
        DeadLetter{line_number, std::string(iface), rule, std::move(message), std::string(line, length)});
    if (spec) {
      counts.rejected[Registry::Get().IdOf(*spec)] += records;
    } else {
      ++counts.rejected_unknown;
    }
  };

  if (auto e = parser_.iterate(line, length, capacity).get(doc); e || (e = doc.get_object().get(envelope)))
    return reject("", Rule::kMalformedJson,
                  std::string("line is not a JSON object: ") + simdjson::error_message(e), 1);
  if (envelope.find_field_unordered("platform").get_string().get(platform_name))
    return reject("", Rule::kMissingMandatory, "envelope field \"platform\" missing or not a string", 1);
  if (envelope.find_field_unordered("interface").get_string().get(interface_name))
    return reject("", Rule::kMissingMandatory, "envelope field \"interface\" missing or not a string", 1);
  const auto platform = PlatformByName(platform_name);
  if (platform) spec = Registry::Get().Find(*platform, interface_name);
  const std::string qualified = std::string(platform_name) + "/" + std::string(interface_name);
  if (!spec)
    return reject(qualified, Rule::kUnknownInterface, "no interface " + qualified + " in the registry", 1);
  if (envelope.find_field_unordered("ts").get_int64().get(ts))
    return reject(qualified, Rule::kWrongType, "envelope field \"ts\" missing or not epoch milliseconds", 1);
  if (envelope.find_field_unordered("body").get(body))
    return reject(qualified, Rule::kMissingMandatory, "envelope field \"body\" missing", 1);

  const InterfaceId id = Registry::Get().IdOf(*spec);
  const size_t before = chunk.records.size();
  outcome = ParseBody(id, body, ts, chunk.arena, chunk.records);
  if (outcome.error) return reject(qualified, outcome.error->rule, outcome.error->Message(), outcome.records);
  counts.valid[id] += chunk.records.size() - before;
}

}  // namespace civicflow::ingest
