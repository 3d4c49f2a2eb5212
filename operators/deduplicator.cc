#include "operators/deduplicator.h"

#include "engine/base/hash.h"

namespace civicflow::operators {

Deduplicator::Deduplicator(const DedupOptions& options, std::vector<std::unique_ptr<Operator>> downstream)
    : options_(options),
      downstream_(std::move(downstream)),
      slots_(1024),
      duplicates_(ingest::Registry::Get().All().size()),
      corrections_(ingest::Registry::Get().All().size()) {}

Deduplicator::Slot* Deduplicator::FindSlot(uint64_t key) {
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix64(key) & mask;; i = (i + 1) & mask)
    if (slots_[i].key == key || slots_[i].key == 0) return &slots_[i];
}

void Deduplicator::Rebuild(size_t capacity, int64_t keep_from_hour) {
  std::vector<Slot> old(capacity);
  old.swap(slots_);
  size_ = 0;
  for (const Slot& s : old) {
    if (s.key == 0 || s.hour < keep_from_hour) continue;
    *FindSlot(s.key) = s;
    ++size_;
  }
}

void Deduplicator::OnBatch(std::span<const ingest::Record* const> records) {
  passed_.clear();
  for (const ingest::Record* r : records) {
    if (r->dedup_key == 0) {
      passed_.push_back(r);
      continue;
    }
    Slot* slot = FindSlot(r->dedup_key);
    if (slot->key == 0) {
      const LocalTime when = r->event_time == LocalTime::Min() ? watermark_ : r->event_time;
      *slot = Slot{r->dedup_key, r->content_hash, when.FloorHour().seconds};
      passed_.push_back(r);
      if (++size_ * 2 > slots_.size()) Rebuild(slots_.size() * 2, INT64_MIN);
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
  watermark_ = watermark;
  if (watermark.seconds - last_sweep_ >= options_.sweep_every_s) {
    last_sweep_ = watermark.seconds;
    const int64_t keep_from = (watermark - options_.horizon_s).FloorHour().seconds;
    size_t capacity = slots_.size();
    while (capacity > 1024 && size_ * 8 < capacity) capacity /= 2;  // shrink after a quiet period
    Rebuild(capacity, keep_from);
  }
  for (auto& op : downstream_) op->OnWatermark(watermark);
}

void Deduplicator::Flush() {
  for (auto& op : downstream_) op->Flush();
}

}  // namespace civicflow::operators
