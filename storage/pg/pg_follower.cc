#include "storage/pg/pg_follower.h"

#include <algorithm>
#include <utility>

namespace civicflow::storage {

PgFollower::PgFollower(PgSink sink, PgBatchSource& source, PgFollowerOptions options)
    : sink_(std::move(sink)), source_(source), options_(options) {
  applied_.store(sink_.applied_position());
  known_.store(sink_.applied_position());
  thread_ = std::thread([this] { Run(); });
}

PgFollower::~PgFollower() { Stop(); }

void PgFollower::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void PgFollower::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::string PgFollower::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

bool PgFollower::Wait(std::chrono::milliseconds timeout, bool wake_on_notify) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [&] { return stopping_ || (wake_on_notify && notified_); });
  notified_ = false;
  return !stopping_;
}

void PgFollower::NoteKnown(uint64_t position) {
  uint64_t known = known_.load(std::memory_order_relaxed);
  while (position > known && !known_.compare_exchange_weak(known, position, std::memory_order_relaxed)) {
  }
}

void PgFollower::Run() {
  std::optional<PositionedBatches> held;  // taken from the source, not yet applied
  std::chrono::milliseconds backoff = options_.initial_backoff;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    NoteKnown(source_.LatestPosition());
    if (!held) held = source_.Next(sink_.applied_position());
    if (!held) {
      if (!Wait(options_.idle_poll, /*wake_on_notify=*/true)) return;
      continue;
    }
    NoteKnown(held->position);
    Status status = sink_.Apply(held->position, held->batches);
    if (status.ok()) {
      applied_.store(sink_.applied_position(), std::memory_order_relaxed);
      held.reset();
      backoff = options_.initial_backoff;
      failing_.store(false, std::memory_order_relaxed);
      continue;
    }
    failures_.fetch_add(1, std::memory_order_relaxed);
    failing_.store(true, std::memory_order_relaxed);
    {
      std::lock_guard lock(mutex_);
      last_error_ = status.message();
    }
    // Only Stop cuts a backoff short: new batches are no reason to knock sooner.
    if (!Wait(backoff, /*wake_on_notify=*/false)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace civicflow::storage
