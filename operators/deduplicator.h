#pragma once
// Deduplicator: the first operator of every shard. A record whose dedup key
// was seen with identical content is a duplicate and is dropped; same key
// with different content is a correction. New records pass downstream.
//
// Corrections are counted and not forwarded: until aggregates support
// retraction, forwarding them would count the key twice.
//
// State is bounded by event time: keys are remembered for `horizon_s` behind
// the watermark, expired in buckets of `sweep_every_s`. Memory per key: one
// 24-byte slot at a load factor between 1/4 and 1/2, so 48–96 bytes.
// Shard-owned: one thread only.
#include <memory>
#include <vector>

#include "engine/base/huge_buffer.h"
#include "engine/operator.h"

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

  // Per InterfaceId.
  const std::vector<uint64_t>& duplicates() const { return duplicates_; }
  const std::vector<uint64_t>& corrections() const { return corrections_; }
  size_t keys() const { return size_; }
  size_t bytes() const { return table_.size(); }

 private:
  struct Slot {
    uint64_t key = 0;  // 0: empty
    uint64_t content = 0;
    int64_t hour = 0;  // event hour (seconds); expiry is by this
  };
  Slot* FindSlot(uint64_t key) const;
  // Rehashes into a table of `capacity` slots, dropping keys older than `keep_from_hour`.
  void Rebuild(size_t capacity, int64_t keep_from_hour);

  DedupOptions options_;
  std::vector<std::unique_ptr<Operator>> downstream_;
  HugeBuffer table_;
  Slot* slots_ = nullptr;
  size_t capacity_ = 0;  // power of two
  size_t size_ = 0;
  int64_t oldest_hour_ = INT64_MAX;  // of any stored key: sweeps with nothing to expire are skipped
  int64_t last_sweep_ = LocalTime::Min().seconds;
  std::vector<const ingest::Record*> passed_;
  std::vector<uint64_t> duplicates_, corrections_;
};

}  // namespace civicflow::operators
