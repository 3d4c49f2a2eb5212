#pragma once
// HugeBuffer: a zero-filled anonymous mapping that asks for transparent huge
// pages. Large, randomly accessed tables (dedup sets) and batch arenas live in
// these, so filling them costs a page fault per 2 MiB rather than per 4 KiB,
// and lookups miss the TLB less.
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <utility>

namespace civicflow {

class HugeBuffer {
 public:
  HugeBuffer() = default;
  explicit HugeBuffer(size_t bytes) : size_(bytes) {
    if (bytes == 0) return;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (bytes >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
    data_ = p;
  }
  HugeBuffer(HugeBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  HugeBuffer& operator=(HugeBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~HugeBuffer() {
    if (data_) munmap(data_, size_);
  }

  void* data() const { return data_; }
  size_t size() const { return size_; }

  static constexpr size_t kHugePage = 2 << 20;

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace civicflow
