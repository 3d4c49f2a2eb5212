#pragma once
// RawTables: every record the Deduplicator passes — new ones and
// corrections — as a row of its interface's raw table (raw_records.h), in
// the shard's segment file of the row's day (storage/segments). Holds no
// windows. One per shard, on the shard's thread.
#include <vector>

#include "engine/operator.h"
#include "storage/segments/segment_tables.h"

namespace civicflow::operators {

class RawTables final : public Operator {
 public:
  RawTables(storage::SegmentTables& segments, uint32_t shard);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override { Write(record); }
  void OnWatermark(LocalTime) override {}
  void Flush() override {}
  // Remembers nothing across a cut: its rows are in the segments.
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}

 private:
  void Write(const ingest::Record& record);

  // Per interface, the file of its last row: looked up again only when the
  // day or the epoch changes.
  struct LastFile {
    int64_t day = INT64_MIN;
    uint64_t epoch = 0;
    storage::parquet::ParquetWriter* file = nullptr;
  };
  storage::SegmentTables& segments_;
  const uint32_t shard_;
  storage::parquet::ParquetWriterOptions options_;
  std::vector<LastFile> last_;
};

}  // namespace civicflow::operators
