#include "operators/raw_tables.h"

#include "operators/raw_records.h"

namespace civicflow::operators {

RawTables::RawTables(storage::SegmentTables& segments, uint32_t shard)
    : segments_(segments), shard_(shard), options_(RawTableWriterOptions()) {
  options_.row_group_rows = 32 * 1024;  // bounds what each open file buffers
  last_.resize(ingest::Registry::Get().All().size());
}

void RawTables::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records) Write(*r);
}

void RawTables::Write(const ingest::Record& record) {
  if (segments_.muted()) return;
  LastFile& last = last_[record.interface];
  const int64_t day = RawPartitionTime(record).FloorDay().seconds;
  if (day != last.day || segments_.epoch() != last.epoch) {
    const RawTable& table = RawTableOf(record.interface);
    last = {day, segments_.epoch(),
            segments_.ShardFile(shard_, table.name, table.columns, options_, LocalTime{day}.DateString())};
  }
  if (last.file == nullptr) return;
  if (Status s = AppendRawRow(*last.file, record); !s.ok())
    segments_.Fail(shard_, Status::Error(RawTableOf(record.interface).name + ": " + s.message()));
}

}  // namespace civicflow::operators
