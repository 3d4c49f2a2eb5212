#include "operators/deduplicator.h"

#include <algorithm>

#include "engine/base/hash.h"

namespace civicflow::operators {

namespace {
constexpr size_t kInitialSlots = 1 << 16;
}

Deduplicator::Deduplicator(const DedupOptions& options, std::vector<std::unique_ptr<Operator>> downstream)
    : options_(options),
      downstream_(std::move(downstream)),
      duplicates_(ingest::Registry::Get().All().size()),
      corrections_(ingest::Registry::Get().All().size()) {
  Rebuild(kInitialSlots, INT64_MIN);
}

Deduplicator::Slot* Deduplicator::FindSlot(uint64_t key) const {
  const size_t mask = capacity_ - 1;
  for (size_t i = Mix64(key) & mask;; i = (i + 1) & mask)
    if (slots_[i].key == key || slots_[i].key == 0) return &slots_[i];
}

void Deduplicator::Rebuild(size_t capacity, int64_t keep_from_hour) {
  HugeBuffer old = std::exchange(table_, HugeBuffer(capacity * sizeof(Slot)));
  const Slot* old_slots = slots_;
  const size_t old_capacity = capacity_;
  slots_ = static_cast<Slot*>(table_.data());  // zero-filled: all empty
  capacity_ = capacity;
  size_ = 0;
  oldest_hour_ = INT64_MAX;
  for (size_t i = 0; i < old_capacity; ++i) {
    const Slot& s = old_slots[i];
    if (s.key == 0 || s.hour < keep_from_hour) continue;
    *FindSlot(s.key) = s;
    oldest_hour_ = std::min(oldest_hour_, s.hour);
    ++size_;
  }
}

void Deduplicator::OnBatch(std::span<const ingest::Record* const> records) {
  passed_.clear();
  // Probing a large table is a cache miss per key: prefetch a few records ahead.
  constexpr size_t kAhead = 8;
  auto prefetch = [&](size_t i) {
    if (i < records.size() && records[i]->dedup_key)
      __builtin_prefetch(&slots_[Mix64(records[i]->dedup_key) & (capacity_ - 1)]);
  };
  for (size_t i = 0; i < kAhead; ++i) prefetch(i);
  for (size_t i = 0; i < records.size(); ++i) {
    prefetch(i + kAhead);
    const ingest::Record* r = records[i];
    if (r->dedup_key == 0) {
      passed_.push_back(r);
      continue;
    }
    Slot* slot = FindSlot(r->dedup_key);
    if (slot->key == 0) {
      // Keys of records without an event time age by their request time.
      const LocalTime when =
          r->event_time == LocalTime::Min() ? LocalTime::FromEpochMillis(r->request_ts_ms) : r->event_time;
      *slot = Slot{r->dedup_key, r->content_hash, when.FloorHour().seconds};
      oldest_hour_ = std::min(oldest_hour_, slot->hour);
      passed_.push_back(r);
      if (++size_ * 2 > capacity_) Rebuild(capacity_ * 2, INT64_MIN);
    } else if (slot->content == r->content_hash) {
      ++duplicates_[r->interface];
    } else {
      slot->content = r->content_hash;
      ++corrections_[r->interface];
    }
  }
  if (!passed_.empty())
    for (auto& op : downstream_) op->OnBatch(passed_);
}

void Deduplicator::OnWatermark(LocalTime watermark) {
  if (watermark.seconds - last_sweep_ >= options_.sweep_every_s) {
    last_sweep_ = watermark.seconds;
    const int64_t keep_from = (watermark - options_.horizon_s).FloorHour().seconds;
    if (oldest_hour_ < keep_from) {
      size_t capacity = capacity_;
      while (capacity > kInitialSlots && size_ * 8 < capacity) capacity /= 2;  // shrink after a quiet period
      Rebuild(capacity, keep_from);
    }
  }
  for (auto& op : downstream_) op->OnWatermark(watermark);
}

void Deduplicator::Flush() {
  for (auto& op : downstream_) op->Flush();
}

}  // namespace civicflow::operators
