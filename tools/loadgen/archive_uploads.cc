#include "tools/loadgen/archive_uploads.h"

#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "ingest/registry/registry.h"
#include "tools/loadgen/json_spans.h"

namespace civicflow::loadgen {
namespace {

namespace dom = simdjson::dom;

const ingest::InterfaceSpec* FindSpec(ingest::Platform platform, std::string_view interface) {
  return ingest::Registry::Get().Find(platform, interface);
}

bool PlatformNamed(std::string_view name, ingest::Platform& out) {
  for (ingest::Platform p : ingest::kAllPlatforms)
    if (ingest::PlatformName(p) == name) {
      out = p;
      return true;
    }
  return false;
}

// The upload on `line`, or false when the line cannot be sent.
bool ParseLine(dom::parser& parser, const std::string& line, ArchiveUpload& upload) {
  dom::object root;
  std::string_view platform, interface;
  if (parser.parse(line).get(root) || root["platform"].get_string().get(platform) ||
      root["interface"].get_string().get(interface) || root["ts"].get_int64().get(upload.ts_ms) ||
      !PlatformNamed(platform, upload.platform))
    return false;
  const auto members = ObjectMembers(line);
  if (!members) return false;
  for (const JsonMember& member : *members)
    if (member.key == "body") {
      upload.interface = std::string(interface);
      upload.body = std::string(member.value);
      upload.records = CountRecords(upload.platform, upload.interface, upload.body);
      return true;
    }
  return false;
}

}  // namespace

uint32_t CountRecords(ingest::Platform platform, std::string_view interface, std::string_view body) {
  const ingest::InterfaceSpec* spec = FindSpec(platform, interface);
  if (spec && !spec->record_list.empty()) {
    if (const auto members = ObjectMembers(body))
      for (const JsonMember& member : *members)
        if (member.key == spec->record_list)
          if (const auto list = ArrayElements(member.value)) return static_cast<uint32_t>(list->size());
    return 0;
  }
  if (const auto elements = ArrayElements(body)) return static_cast<uint32_t>(elements->size());
  return 1;
}

Status ReadArchiveUploads(const std::string& path, uint64_t limit, ArchiveContents& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  dom::parser parser;
  std::string line;
  while ((limit == 0 || out.uploads.size() < limit) && std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    ArchiveUpload upload;
    if (ParseLine(parser, line, upload)) {
      out.uploads.push_back(std::move(upload));
    } else {
      ++out.unreadable_lines;
    }
  }
  if (in.bad()) return Status::Error("cannot read " + path);
  return Status();
}

}  // namespace civicflow::loadgen
