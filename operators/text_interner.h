#pragma once
// TextInterner: maps short texts (site and session codes, venue ids, plates)
// to dense uint32 indexes, storing each distinct text once in an arena.
// Operators keep indexes in their state so the hot path hashes and compares
// integers; a text is copied only the first time it is seen.
// Open addressing over (hash, index) pairs; memory per text: its bytes plus
// 16–32 bytes of table and 24 bytes of index. Never forgets (Clear() starts
// over). Not thread-safe: owned by one shard.
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/hash.h"
#include "engine/base/state_codec.h"

namespace civicflow::operators {

class TextInterner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // `initial_slots`: a power of two; `arena_block`: bytes of name storage per allocation.
  explicit TextInterner(size_t initial_slots = 16, size_t arena_block = 4096)
      : slots_(initial_slots), arena_(arena_block) {}

  // The index of `text`, interning it on first sight.
  uint32_t Intern(std::string_view text) {
    // Uploads come in runs from one site or session: try the last one before hashing.
    if (last_ != kNone && SameText(names_[last_], text)) return last_;
    const uint64_t hash = HashText(text);
    Slot* slot = Probe(text, hash);
    if (slot->index == kNone) {
      slot->hash = hash;
      slot->index = static_cast<uint32_t>(names_.size());
      names_.push_back(arena_.Copy(text));
      if (names_.size() * 2 > slots_.size()) Grow();
      return last_ = static_cast<uint32_t>(names_.size() - 1);
    }
    return last_ = slot->index;
  }

  // The index of `text`, or kNone if it was never interned.
  uint32_t Find(std::string_view text) const { return Probe(text, HashText(text))->index; }

  std::string_view Name(uint32_t index) const { return names_[index]; }
  size_t size() const { return names_.size(); }

  // Checkpoints: the texts in index order, so indexes stay what they were.
  void SaveState(StateWriter& out) const {
    out.PutCount(names_.size());
    for (std::string_view name : names_) out.PutText(name);
  }
  // REQUIRES: nothing interned yet.
  void LoadState(StateReader& in) {
    const uint64_t n = in.GetCount(sizeof(uint64_t));
    for (uint64_t i = 0; i < n && !in.failed(); ++i)
      if (Intern(in.GetText()) != i) return in.Fail("a text interned twice");
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kNone;
  };

  Slot* Probe(std::string_view text, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == kNone || (s.hash == hash && SameText(names_[s.index], text)))
        return const_cast<Slot*>(&s);
    }
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kNone) continue;
      size_t i = s.hash & mask;
      while (slots_[i].index != kNone) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // power-of-two size, at most half full
  std::vector<std::string_view> names_;
  Arena arena_;
  uint32_t last_ = kNone;
};

}  // namespace civicflow::operators
