#pragma once
// HourKeyedTable<T>: an open-addressing hash map from nonzero 64-bit keys
// (dedup keys) to small trivially copyable values, each stamped with the
// event hour it belongs to so the table can forget keys past a horizon.
// Lives in huge pages; linear probing; load factor between 1/4 and 1/2.
// Memory per key: 2–4 × sizeof(Slot) = 2–4 × (16 + sizeof(T)) bytes.
// Not thread-safe: owned by one shard.
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "engine/base/hash.h"
#include "engine/base/huge_buffer.h"
#include "engine/base/state_codec.h"

namespace civicflow::operators {

template <typename T>
class HourKeyedTable {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  static constexpr size_t kInitialSlots = 1 << 16;

  HourKeyedTable() { Rebuild(kInitialSlots, INT64_MIN); }

  // The value for `key`, or nullptr.
  T* Find(uint64_t key) {
    Slot* s = Probe(key);
    return s->key ? &s->value : nullptr;
  }

  // The value for `key`, inserting a zero value stamped with `hour` if absent.
  // The pointer is valid until the next insertion.
  std::pair<T*, bool> FindOrInsert(uint64_t key, int64_t hour) {
    Slot* s = Probe(key);
    if (s->key) return {&s->value, false};
    s->key = key;
    s->hour = hour;
    oldest_hour_ = std::min(oldest_hour_, hour);
    if (++size_ * 2 > capacity_) {
      Rebuild(capacity_ * 2, INT64_MIN);
      s = Probe(key);
    }
    return {&s->value, true};
  }

  void Prefetch(uint64_t key) const { __builtin_prefetch(&slots_[Mix64(key) & (capacity_ - 1)]); }

  // Forgets keys stamped before `hour`; cheap when there are none. Shrinks
  // the table after a quiet period.
  void ExpireBefore(int64_t hour) {
    if (oldest_hour_ >= hour) return;
    size_t capacity = capacity_;
    while (capacity > kInitialSlots && size_ * 8 < capacity) capacity /= 2;
    Rebuild(capacity, hour);
  }

  size_t size() const { return size_; }
  size_t bytes() const { return table_.size(); }

  // Whether pred(hour, value) holds for every key: lets an owner check a
  // loaded state whose values index into its other members.
  template <typename Pred>
  bool AllOf(Pred&& pred) const {
    for (size_t i = 0; i < capacity_; ++i)
      if (slots_[i].key && !pred(slots_[i].hour, slots_[i].value)) return false;
    return true;
  }

  // Checkpoints: the keys present, with their hours and values.
  void SaveState(StateWriter& out) const {
    out.PutCount(size_);
    for (size_t i = 0; i < capacity_; ++i)
      if (slots_[i].key) out.Put(slots_[i]);
  }
  // REQUIRES: an empty table.
  void LoadState(StateReader& in) {
    const uint64_t n = in.GetCount(sizeof(Slot));
    size_t capacity = kInitialSlots;
    while (n * 2 >= capacity) capacity *= 2;
    Rebuild(capacity, INT64_MIN);
    for (uint64_t i = 0; i < n; ++i) {
      const Slot s = in.Get<Slot>();
      if (s.key == 0) return in.Fail("a dedup key of zero");
      Slot* slot = Probe(s.key);
      if (slot->key) return in.Fail("a dedup key twice");
      *slot = s;
      oldest_hour_ = std::min(oldest_hour_, s.hour);
      ++size_;
    }
  }

 private:
  struct Slot {
    uint64_t key;  // 0: empty
    int64_t hour;
    T value;
  };

  Slot* Probe(uint64_t key) const {
    const size_t mask = capacity_ - 1;
    for (size_t i = Mix64(key) & mask;; i = (i + 1) & mask)
      if (slots_[i].key == key || slots_[i].key == 0) return &slots_[i];
  }

  void Rebuild(size_t capacity, int64_t keep_from_hour) {
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
      *Probe(s.key) = s;
      oldest_hour_ = std::min(oldest_hour_, s.hour);
      ++size_;
    }
  }

  HugeBuffer table_;
  Slot* slots_ = nullptr;
  size_t capacity_ = 0;  // power of two
  size_t size_ = 0;
  int64_t oldest_hour_ = INT64_MAX;
};

}  // namespace civicflow::operators
