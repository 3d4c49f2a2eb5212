#include "engine/base/arena.h"

#include <algorithm>

namespace civicflow {

void* Arena::AllocateSlow(size_t bytes, size_t align) {
  // Blocks after current_ are free (left over from before a Rewind): reuse the
  // next one if it fits, else insert a fresh block there.
  const size_t next = blocks_.empty() ? 0 : current_ + 1;
  if (next >= blocks_.size() || bytes + align > blocks_[next].size) {
    const size_t size = std::max(block_size_, bytes + align);
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(next),
                   Block{std::make_unique_for_overwrite<std::byte[]>(size), size});
  }
  current_ = next;
  used_ = 0;
  return AllocateBytes(bytes, align);
}

size_t Arena::BytesReserved() const {
  size_t total = 0;
  for (const auto& b : blocks_) total += b.size;
  return total;
}

}  // namespace civicflow
