#pragma once
// ArchiveUpload: one upload of an archive line (PLATFORMS.md, "Archive
// format"), its body kept as the exact text of the line, and the reading of
// archive files into them. Plain values; no thread concerns.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "ingest/registry/interface_spec.h"

namespace civicflow::loadgen {

struct ArchiveUpload {
  ingest::Platform platform = ingest::Platform::kFitness;
  std::string interface;  // "enterRecord", "stk/rytxjl"
  int64_t ts_ms = 0;
  std::string body;  // JSON text: one record object, or an array of them
  uint32_t records = 0;
};

// Records in an upload as the registry counts them: the elements of the
// interface's record_list when it has one, else the elements of an array
// body, else one. Unknown interfaces count one per object or element.
uint32_t CountRecords(ingest::Platform platform, std::string_view interface, std::string_view body);

struct ArchiveContents {
  std::vector<ArchiveUpload> uploads;
  // Lines that are not JSON or lack platform, interface, ts or body
  // (a torn line cannot be sent: there is no knowing where it goes).
  uint64_t unreadable_lines = 0;
};

// Appends the uploads of `path` to `out`, stopping once `out` holds `limit`
// uploads (0: no limit). Fails only when the file cannot be read.
Status ReadArchiveUploads(const std::string& path, uint64_t limit, ArchiveContents& out);

}  // namespace civicflow::loadgen
