#pragma once
// `civicflow-seg export-archive`: the WAL (storage/wal/wal_format.h) back in
// the archive format, one kUpload payload per line, in log order. Read
// only: a torn or corrupt tail ends the export (reported, never cut).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/base/status.h"

namespace civicflow::seg {

struct ArchiveExport {
  uint64_t uploads = 0;  // lines written
  uint64_t frames = 0;   // intact frames, flush markers included
  uint64_t first = 0;    // the log position of the oldest file kept: > 0 once WAL retention dropped files
  std::string damage;    // empty: the log ended cleanly; else where and why it stopped
};

// Writes the uploads of DIR/wal to `out`. An error if there is no WAL
// directory or a file cannot be read or written.
Result<ArchiveExport> ExportArchive(const std::filesystem::path& data_dir, std::FILE* out);

}  // namespace civicflow::seg
