#include "ingest/archive/archive_parser.h"

#include <cstring>

#include "engine/base/json_escape.h"

namespace civicflow::ingest {
namespace {

namespace od = simdjson::ondemand;

const InterfaceSpec* Find(std::string_view platform, std::string_view interface) {
  for (Platform p : kAllPlatforms)
    if (PlatformName(p) == platform) return Registry::Get().Find(p, interface);
  return nullptr;
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
  bool have_platform = false, have_interface = false, have_ts = false, body_seen = false;
  int64_t ts = 0;
  const InterfaceSpec* spec = nullptr;
  const Arena::Mark mark = chunk.arena.GetMark();
  const size_t before = chunk.records.size();

  // Rejects the whole line: nothing of it stays in the chunk.
  auto reject = [&](Rule rule, std::string message, uint32_t records) {
    chunk.records.resize(before);
    chunk.arena.Rewind(mark);
    std::string label;
    if (have_platform && have_interface)
      label = std::string(platform_name) + "/" + std::string(interface_name);
    counts.dead_letters.push_back(
        DeadLetter{line_number, std::move(label), rule, std::move(message), std::string(line, length)});
    // A line that is not well-formed JSON has no countable records: it
    // counts once, as unknown, wherever the damage is.
    if (spec && rule != Rule::kMalformedJson) {
      counts.rejected[Registry::Get().IdOf(*spec)] += records;
    } else {
      ++counts.rejected_unknown;
    }
  };
  auto parse_body = [&](od::value body) {
    const ParseOutcome outcome = ParseBody(Registry::Get().IdOf(*spec), body, ts, chunk.arena, chunk.records);
    if (outcome.error) reject(outcome.error->rule, outcome.error->Message(), outcome.records);
    return !outcome.error;
  };

  od::document doc;
  od::object envelope;
  if (auto e = parser_.iterate(line, length, capacity).get(doc); e || (e = doc.get_object().get(envelope)))
    return reject(Rule::kMalformedJson,
                  std::string("line is not a JSON object: ") + simdjson::error_message(e), 1);
  // One pass in key order, so a malformed line is never half accepted. The
  // body is parsed where it stands when platform, interface and ts precede
  // it (as archives write them), else after the pass.
  bool body_deferred = false;
  for (auto member : envelope) {
    od::field field;
    std::string_view key;
    if (auto e = std::move(member).get(field); e || (e = field.unescaped_key().get(key)))
      return reject(Rule::kMalformedJson, std::string("malformed line: ") + simdjson::error_message(e), 1);
    if (key == "platform") {
      if (field.value().get_string().get(platform_name))
        return reject(Rule::kWrongType, "envelope field \"platform\" is not a string", 1);
      have_platform = true;
    } else if (key == "interface") {
      if (field.value().get_string().get(interface_name))
        return reject(Rule::kWrongType, "envelope field \"interface\" is not a string", 1);
      have_interface = true;
    } else if (key == "ts") {
      if (field.value().get_int64().get(ts))
        return reject(Rule::kWrongType, "envelope field \"ts\" is not epoch milliseconds", 1);
      have_ts = true;
    } else if (key == "body") {
      body_seen = true;
      if (!spec && have_platform && have_interface) spec = Find(platform_name, interface_name);
      if (!spec || !have_ts) {
        body_deferred = true;
        continue;
      }
      if (!parse_body(field.value())) return;
    }
  }
  if (!have_platform || !have_interface)
    return reject(Rule::kMissingMandatory, "envelope needs \"platform\" and \"interface\"", 1);
  if (!spec) spec = Find(platform_name, interface_name);
  if (!spec) {
    const std::string name = std::string(platform_name) + "/" + std::string(interface_name);
    return reject(Rule::kUnknownInterface, "no interface " + name + " in the registry", 1);
  }
  if (!have_ts) return reject(Rule::kMissingMandatory, "envelope field \"ts\" missing", 1);
  if (!body_seen) return reject(Rule::kMissingMandatory, "envelope field \"body\" missing", 1);
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS)
    return reject(Rule::kMalformedJson, "content after the upload object", 1);
  if (body_deferred) {
    od::value body;
    if (envelope.reset().error() || envelope.find_field_unordered("body").get(body))
      return reject(Rule::kMalformedJson, "envelope field \"body\" unreadable", 1);
    if (!parse_body(body)) return;
  }
  counts.valid[Registry::Get().IdOf(*spec)] += chunk.records.size() - before;
}

}  // namespace civicflow::ingest
