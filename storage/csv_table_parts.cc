#include "storage/csv_table_parts.h"

#include <cstdio>

namespace civicflow::storage {

Result<CsvTableParts> CsvTableParts::Open(const std::filesystem::path& dir,
                                          std::span<const TableColumns> tables, uint32_t shards) {
  CsvTableParts out;
  out.tables_ = tables.size();
  for (uint32_t shard = 0; shard < shards; ++shard)
    for (const TableColumns& table : tables) {
      char name[32];
      std::snprintf(name, sizeof name, "part-%03u.csv", shard);
      auto writer = CsvWriter::Open((dir / "tables" / table.name / name).string(), table.columns);
      if (!writer.ok()) return writer.status();
      out.parts_.push_back(std::move(*writer));
    }
  for (const TableColumns& table : tables)
    out.patterns_.push_back((dir / "tables" / table.name).string() + "/part-*.csv");
  return out;
}

Result<uint64_t> CsvTableParts::Close() {
  uint64_t rows = 0;
  for (auto& part : parts_) {
    rows += part->rows();
    if (Status status = part->Close(); !status.ok()) return status;
  }
  return rows;
}

}  // namespace civicflow::storage
