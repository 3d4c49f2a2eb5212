#pragma once
// Arena: a bump allocator for one batch of records. Values and strings of a
// batch live here and die together when the batch is recycled, so parsing
// does no per-field heap allocation. Blocks are kept across Reset() for reuse.
// Not thread-safe: owned by whichever thread currently owns the batch.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace civicflow {

class Arena {
 public:
  explicit Arena(size_t block_size = 1 << 20) : block_size_(block_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;  // blocks stay where they are: views into them remain valid
  Arena& operator=(Arena&&) = default;

  // Uninitialised, suitably aligned storage for `n` objects of T.
  template <typename T>
  T* Allocate(size_t n) {
    return static_cast<T*>(AllocateBytes(n * sizeof(T), alignof(T)));
  }

  std::string_view Copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate<char>(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // A position to rewind to: everything allocated after it is discarded.
  struct Mark {
    size_t block;
    size_t used;
  };
  Mark GetMark() const { return {current_, used_}; }
  void Rewind(Mark m) {
    current_ = m.block;
    used_ = m.used;
  }
  void Reset() { Rewind({0, 0}); }

  size_t BytesReserved() const;

 private:
  void* AllocateBytes(size_t bytes, size_t align) {
    if (current_ < blocks_.size()) {
      const size_t start = (used_ + align - 1) & ~(align - 1);
      if (start + bytes <= blocks_[current_].size) {
        used_ = start + bytes;
        return blocks_[current_].data.get() + start;
      }
    }
    return AllocateSlow(bytes, align);
  }
  void* AllocateSlow(size_t bytes, size_t align);

  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };
  size_t block_size_;
  std::vector<Block> blocks_;
  size_t current_ = 0;  // index of the block being filled
  size_t used_ = 0;     // bytes used in blocks_[current_]
};

}  // namespace civicflow
