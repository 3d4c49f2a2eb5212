#pragma once
// Deduplicator: the first operator of every shard. A record whose dedup key
// was seen with identical content is a duplicate and is dropped; same key
// with different content is a correction and is handed downstream through
// OnCorrection, so aggregates can retract the old values. New records pass
// downstream through OnBatch.
//
// State is bounded by event time: keys are remembered for `horizon_s` behind
// the watermark (records without an event time age by their request time),
// swept every `sweep_every_s` of watermark. Memory per key: one 24-byte slot
// at a load factor between 1/4 and 1/2, so 48–96 bytes.
// Shard-owned: one thread only.
#include <memory>
#include <vector>

#include "engine/operator.h"
#include "operators/hour_keyed_table.h"

namespace civicflow::operators {

struct DedupOptions {
  int64_t horizon_s = 48 * 3600;
  int64_t sweep_every_s = 6 * 3600;
};

class Deduplicator final : public Operator {
 public:
  Deduplicator(const DedupOptions& options, std::vector<std::unique_ptr<Operator>> downstream);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;
  uint64_t late_rows() const override;  // of every downstream operator

  // Per InterfaceId.
  const std::vector<uint64_t>& duplicates() const { return duplicates_; }
  const std::vector<uint64_t>& corrections() const { return corrections_; }
  size_t keys() const { return seen_.size(); }
  size_t bytes() const { return seen_.bytes(); }

 private:
  DedupOptions options_;
  std::vector<std::unique_ptr<Operator>> downstream_;
  HourKeyedTable<uint64_t> seen_;  // dedup key → content hash of the last accepted record
  int64_t last_sweep_ = LocalTime::Min().seconds;
  std::vector<const ingest::Record*> passed_;
  std::vector<uint64_t> duplicates_, corrections_;
};

}  // namespace civicflow::operators
