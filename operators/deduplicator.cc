#include "operators/deduplicator.h"

namespace civicflow::operators {

Deduplicator::Deduplicator(const DedupOptions& options, std::vector<std::unique_ptr<Operator>> downstream)
    : options_(options),
      downstream_(std::move(downstream)),
      duplicates_(ingest::Registry::Get().All().size()),
      corrections_(ingest::Registry::Get().All().size()) {}

void Deduplicator::OnBatch(std::span<const ingest::Record* const> records) {
  passed_.clear();
  // Probing a large table is a cache miss per key: prefetch a few records ahead.
  constexpr size_t kAhead = 8;
  auto prefetch = [&](size_t i) {
    if (i < records.size() && records[i]->dedup_key) seen_.Prefetch(records[i]->dedup_key);
  };
  for (size_t i = 0; i < kAhead; ++i) prefetch(i);
  for (size_t i = 0; i < records.size(); ++i) {
    prefetch(i + kAhead);
    const ingest::Record* r = records[i];
    if (r->dedup_key == 0) {
      passed_.push_back(r);
      continue;
    }
    const LocalTime when =
        r->event_time == LocalTime::Min() ? LocalTime::FromEpochMillis(r->request_ts_ms) : r->event_time;
    auto [content, inserted] = seen_.FindOrInsert(r->dedup_key, when.FloorHour().seconds);
    if (inserted) {
      *content = r->content_hash;
      passed_.push_back(r);
    } else if (*content == r->content_hash) {
      r->fate = ingest::Fate::kDuplicate;
      ++duplicates_[r->interface];
    } else {
      *content = r->content_hash;
      r->fate = ingest::Fate::kCorrection;
      ++corrections_[r->interface];
      // Keep arrival order: what passed so far goes first.
      if (!passed_.empty())
        for (auto& op : downstream_) op->OnBatch(passed_);
      passed_.clear();
      for (auto& op : downstream_) op->OnCorrection(*r);
    }
  }
  if (!passed_.empty())
    for (auto& op : downstream_) op->OnBatch(passed_);
}

void Deduplicator::OnWatermark(LocalTime watermark) {
  if (watermark.seconds - last_sweep_ >= options_.sweep_every_s) {
    last_sweep_ = watermark.seconds;
    seen_.ExpireBefore((watermark - options_.horizon_s).FloorHour().seconds);
  }
  for (auto& op : downstream_) op->OnWatermark(watermark);
}

uint64_t Deduplicator::late_rows() const {
  uint64_t n = 0;
  for (const auto& op : downstream_) n += op->late_rows();
  return n;
}

void Deduplicator::Flush() {
  for (auto& op : downstream_) op->Flush();
}

// The dedup set and counters, then each downstream operator's own section.
void Deduplicator::SaveState(StateWriter& out) const {
  out.Section("Deduplicator");
  seen_.SaveState(out);
  out.Put(last_sweep_);
  out.PutVector(duplicates_);
  out.PutVector(corrections_);
  out.PutCount(downstream_.size());
  for (const auto& op : downstream_) op->SaveState(out);
}

void Deduplicator::LoadState(StateReader& in) {
  in.Section("Deduplicator");
  seen_.LoadState(in);
  last_sweep_ = in.Get<int64_t>();
  in.GetVector(duplicates_);
  in.GetVector(corrections_);
  const size_t interfaces = ingest::Registry::Get().All().size();
  if (duplicates_.size() != interfaces || corrections_.size() != interfaces) {
    duplicates_.assign(interfaces, 0);
    corrections_.assign(interfaces, 0);
    return in.Fail("counters for another set of interfaces");
  }
  // Not GetCount: an operator may save nothing (RawTables), so the count
  // bounds no bytes; it only has to match.
  if (in.Get<uint64_t>() != downstream_.size())
    return in.Fail("state of another set of downstream operators");
  for (auto& op : downstream_) {
    if (in.failed()) return;
    op->LoadState(in);
  }
}

}  // namespace civicflow::operators
