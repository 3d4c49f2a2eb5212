#pragma once
// TextInterner: maps short texts (session codes, community codes, device
// codes, plates) to dense uint32 indexes, storing each distinct text once.
// Operators keep indexes in their per-key state so the hot path compares and
// hashes integers, and allocates only when a text is seen for the first time.
// Memory per text: the string (inline up to 15 bytes) + one hash node,
// about 80 bytes. Never forgets. Not thread-safe: owned by one shard.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace civicflow::operators {

class TextInterner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The index of `text`, interning it on first sight.
  uint32_t Intern(std::string_view text) {
    // Uploads come in runs from one site or session: try the last one before hashing.
    if (last_ != kNone && names_[last_] == text) return last_;
    if (auto it = index_.find(text); it != index_.end()) return last_ = it->second;
    const std::string& stored = names_.emplace_back(text);  // deque: references stay valid
    const auto index = static_cast<uint32_t>(names_.size() - 1);
    index_.emplace(stored, index);
    return last_ = index;
  }

  // The index of `text`, or kNone if it was never interned. Never allocates.
  uint32_t Find(std::string_view text) const {
    auto it = index_.find(text);
    return it == index_.end() ? kNone : it->second;
  }

  std::string_view Name(uint32_t index) const { return names_[index]; }
  size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> index_;
  uint32_t last_ = kNone;
};

}  // namespace civicflow::operators
