#include "tools/seg/archive_export.h"

#include "storage/file_system.h"
#include "storage/wal/wal_reader.h"

namespace civicflow::seg {

Result<ArchiveExport> ExportArchive(const std::filesystem::path& data_dir, std::FILE* out) {
  const std::filesystem::path wal_dir = data_dir / "wal";
  std::error_code ec;
  if (!std::filesystem::is_directory(wal_dir, ec)) return Status::Error("no WAL at " + wal_dir.string());
  ArchiveExport result;
  Result<storage::WalScan> scan = storage::ScanWal(
      storage::FileSystem::Posix(), wal_dir, storage::WalPosition{},
      [&](const storage::WalFrame& frame) -> Status {
        if (frame.type != storage::FrameType::kUpload) return {};
        if (std::fwrite(frame.payload.data(), 1, frame.payload.size(), out) != frame.payload.size() ||
            std::fputc('\n', out) == EOF)
          return Status::Error("cannot write the archive");
        ++result.uploads;
        return {};
      });
  if (!scan.ok()) return scan.status();
  if (std::fflush(out) != 0 || std::ferror(out)) return Status::Error("cannot write the archive");
  result.frames = scan->frames;
  result.first = scan->begin.bytes;
  result.damage = scan->damage;
  return result;
}

}  // namespace civicflow::seg
