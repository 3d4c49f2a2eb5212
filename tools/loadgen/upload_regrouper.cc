#include "tools/loadgen/upload_regrouper.h"

#include <algorithm>
#include <map>
#include <string>

#include "ingest/registry/record_parser.h"
#include "ingest/registry/registry.h"
#include "tools/loadgen/json_spans.h"

namespace civicflow::loadgen {
namespace {

using ingest::Platform;

bool KeyedByEnvelopeTs(const ingest::InterfaceSpec& spec) {
  return spec.event_time == ingest::kEnvelopeTs || spec.partition_key == ingest::kEnvelopeTs ||
         std::find(spec.dedup_key.begin(), spec.dedup_key.end(), ingest::kEnvelopeTs) != spec.dedup_key.end();
}

// An upload taken apart: the request text around its records, and the records.
struct Parts {
  std::string prefix, suffix;  // kRecordList: the body up to and after the list's elements
  std::vector<std::string_view> records;
  bool from_array = false;  // kRecordArray: the body was an array
};

bool Decompose(Regrouping regrouping, const ingest::InterfaceSpec& spec, std::string_view body,
               Parts& parts) {
  if (regrouping == Regrouping::kRecordArray) {
    if (auto elements = ArrayElements(body)) {
      parts.records = std::move(*elements);
      parts.from_array = true;
    } else {
      parts.records = {body};
    }
    return true;
  }
  const auto members = ObjectMembers(body);
  if (!members) return false;
  bool found = false;
  std::string* side = &parts.prefix;
  *side = "{";
  for (size_t i = 0; i < members->size(); ++i) {
    const JsonMember& member = (*members)[i];
    if (i > 0) *side += ',';
    *side += '"';
    *side += member.key;
    *side += "\":";
    if (member.key == spec.record_list && !found) {
      auto elements = ArrayElements(member.value);
      if (!elements) return false;
      parts.records = std::move(*elements);
      *side += '[';
      side = &parts.suffix;
      *side = "]";
      found = true;
    } else {
      *side += member.value;
    }
  }
  *side += '}';
  return found;
}

// Records waiting for their request: at most one per interface, whose
// records all share the same group (parent members, envelope ts).
struct OpenRequest {
  std::string group;
  size_t slot = 0;       // index of its place among the requests
  ArchiveUpload upload;  // platform, interface, ts of the latest record
  Parts parts;           // prefix / suffix / from_array of its first upload
  std::vector<std::string_view> records;
};

ArchiveUpload Close(OpenRequest& open) {
  ArchiveUpload request = std::move(open.upload);
  request.records = static_cast<uint32_t>(open.records.size());
  std::string& body = request.body;
  body.clear();
  const bool list = !open.parts.prefix.empty();
  const bool bare = !list && open.records.size() == 1 && !open.parts.from_array;
  body += list ? open.parts.prefix : bare ? "" : "[";
  for (size_t i = 0; i < open.records.size(); ++i) {
    if (i > 0) body += ',';
    body += open.records[i];
  }
  body += list ? open.parts.suffix : bare ? "" : "]";
  return request;
}

class Validator {
 public:
  bool Accepts(const ingest::InterfaceSpec& spec, const ArchiveUpload& upload) {
    arena_.Reset();
    records_.clear();
    const auto outcome = ingest::ParseBodyText(ingest::Registry::Get().IdOf(spec), upload.body, upload.ts_ms,
                                               arena_, records_);
    return !outcome.error.has_value();
  }

 private:
  Arena arena_;
  std::vector<ingest::Record> records_;
};

}  // namespace

Regrouping RegroupingOf(Platform platform, std::string_view interface) {
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(platform, interface);
  if (!spec || spec->direction != ingest::Direction::kUpload) return Regrouping::kAsArchived;
  switch (platform) {
    case Platform::kFitness:
      return interface == "uploadFile" ? Regrouping::kAsArchived : Regrouping::kRecordArray;
    case Platform::kParking:
      return interface == "picture" ? Regrouping::kAsArchived : Regrouping::kRecordArray;
    case Platform::kCommunity:
      return Regrouping::kRecordArray;
    case Platform::kTicketing:
      return spec->record_list.empty() ? Regrouping::kAsArchived : Regrouping::kRecordList;
    case Platform::kOrienteering:
      return Regrouping::kAsArchived;
  }
  return Regrouping::kAsArchived;
}

std::vector<ArchiveUpload> RegroupUploads(const std::vector<ArchiveUpload>& uploads, uint32_t batch) {
  std::vector<ArchiveUpload> requests;
  std::map<std::string, OpenRequest> open;  // by "platform/interface"
  auto close = [&](std::map<std::string, OpenRequest>::iterator it) {
    requests[it->second.slot] = Close(it->second);
    open.erase(it);
  };
  Validator validator;
  for (const ArchiveUpload& upload : uploads) {
    const Regrouping regrouping = RegroupingOf(upload.platform, upload.interface);
    if (regrouping == Regrouping::kAsArchived) {
      requests.push_back(upload);
      continue;
    }
    const std::string interface = std::string(ingest::PlatformName(upload.platform)) + "/" + upload.interface;
    const ingest::InterfaceSpec& spec = *ingest::Registry::Get().Find(upload.platform, upload.interface);
    Parts parts;
    if (!validator.Accepts(spec, upload) || !Decompose(regrouping, spec, upload.body, parts) ||
        parts.records.empty()) {
      // Sent whole, after the records of its interface that came before it.
      if (auto it = open.find(interface); it != open.end()) close(it);
      requests.push_back(upload);
      continue;
    }
    std::string group = KeyedByEnvelopeTs(spec) ? std::to_string(upload.ts_ms) : std::string();
    group += '\0';
    group += parts.prefix;
    group += '\0';
    group += parts.suffix;
    if (auto it = open.find(interface); it != open.end() && it->second.group != group) close(it);
    for (std::string_view record : parts.records) {
      auto [it, fresh] = open.try_emplace(interface);
      OpenRequest& request = it->second;
      if (fresh) {
        request.group = group;
        request.slot = requests.size();
        requests.emplace_back();
        request.parts.prefix = parts.prefix;
        request.parts.suffix = parts.suffix;
        request.parts.from_array = parts.from_array;
        request.upload.platform = upload.platform;
        request.upload.interface = upload.interface;
      }
      request.upload.ts_ms = upload.ts_ms;
      request.records.push_back(record);
      if (request.records.size() >= batch) close(it);
    }
  }
  while (!open.empty()) close(open.begin());
  return requests;
}

}  // namespace civicflow::loadgen
