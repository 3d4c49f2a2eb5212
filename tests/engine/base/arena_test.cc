#include "engine/base/arena.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace civicflow {
namespace {

TEST(Arena, AllocatesAlignedAndCopies) {
  Arena arena(64);
  char* c = arena.Allocate<char>(3);
  auto* d = arena.Allocate<double>(2);
  EXPECT_NE(static_cast<void*>(c), static_cast<void*>(d));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % alignof(double), 0u);
  EXPECT_EQ(arena.Copy("深圳"), "深圳");
  // Larger than a block: gets a block of its own.
  auto* big = arena.Allocate<char>(1000);
  big[999] = 'x';
  EXPECT_EQ(arena.Copy(std::string_view(big + 999, 1)), "x");
}

TEST(Arena, RewindDiscardsAndReusesBlocks) {
  Arena arena(128);
  arena.Allocate<char>(100);
  const Arena::Mark mark = arena.GetMark();
  for (int i = 0; i < 10; ++i) arena.Allocate<char>(100);
  const size_t reserved = arena.BytesReserved();
  arena.Rewind(mark);
  char* again = arena.Allocate<char>(20);
  EXPECT_NE(again, nullptr);
  arena.Reset();
  for (int i = 0; i < 11; ++i) arena.Allocate<char>(100);
  EXPECT_EQ(arena.BytesReserved(), reserved) << "blocks are reused after Reset, not reallocated";
}

}  // namespace
}  // namespace civicflow
