#include "storage/csv_table_parts.h"

#include <cstdio>

namespace civicflow::storage {

Result<CsvTableParts> CsvTableParts::Open(FileSystem& fs, const std::filesystem::path& dir,
                                          std::span<const TableColumns> tables, uint32_t shards,
                                          const Checkpoint* resume) {
  CsvTableParts out;
  out.tables_ = tables.size();
  for (uint32_t shard = 0; shard < shards; ++shard)
    for (const TableColumns& table : tables) {
      char name[32];
      std::snprintf(name, sizeof name, "part-%03u.csv", shard);
      std::string path = "tables/" + std::string(table.name) + "/" + name;
      const std::optional<uint64_t> length = resume ? resume->PartLength(path) : std::nullopt;
      if (resume && !length)
        return Status::Error("the checkpoint in " + dir.string() + " does not list " + path +
                             ": the data dir was written with another shard count");
      auto writer = length ? CsvWriter::Resume(fs, dir / path, *length)
                           : CsvWriter::Create(fs, dir / path, table.columns);
      if (!writer.ok()) return writer.status();
      out.parts_.push_back(Part{std::move(path), std::move(*writer)});
    }
  for (const TableColumns& table : tables)
    out.patterns_.push_back((dir / "tables" / table.name).string() + "/part-*.csv");
  return out;
}

void CsvTableParts::SetMuted(bool muted) {
  for (Part& part : parts_) part.writer->set_muted(muted);
}

Status CsvTableParts::Sync(Checkpoint& checkpoint) {
  checkpoint.parts.clear();
  for (Part& part : parts_) {
    if (Status s = part.writer->Sync(); !s.ok()) return s;
    checkpoint.parts.emplace_back(part.path, part.writer->length());
  }
  return {};
}

Result<uint64_t> CsvTableParts::Close() {
  uint64_t rows = 0;
  for (Part& part : parts_) {
    rows += part.writer->rows();
    if (Status status = part.writer->Close(); !status.ok()) return status;
  }
  return rows;
}

}  // namespace civicflow::storage
