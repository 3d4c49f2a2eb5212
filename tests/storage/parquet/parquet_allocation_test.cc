// Appending rows allocates nothing once the writer is warm (its buffers have
// reached the row group's size): counted by replacing global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "storage/parquet/parquet_writer.h"

// GCC 12 flags free() in a replaced operator delete once inlined (a false positive here).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace civicflow::storage::parquet {
namespace {

TEST(ParquetWriterAllocations, NoneForRowsOnceWarm) {
  const std::vector<ColumnSpec> columns = {
      {"site", ColumnType::kString, true},   {"flow", ColumnType::kInt32, true},
      {"energy", ColumnType::kDouble, true}, {"open", ColumnType::kBool, false},
      {"day", ColumnType::kDate, true},      {"at", ColumnType::kTimestamp, true},
      {"plate", ColumnType::kString, true}};
  ParquetWriterOptions options;
  options.row_group_rows = 1000;
  options.max_dictionary_entries = 100;  // 'plate' abandons its dictionary every row group
  auto writer = ParquetWriter::Create(std::make_unique<MemoryOutputFile>(), columns, options);
  ASSERT_TRUE(writer.ok());
  ParquetWriter& w = **writer;

  std::vector<std::string> sites, plates, flows, times;
  for (int i = 0; i < 1000; ++i) {
    sites.push_back("site-" + std::to_string(i % 13));
    plates.push_back("粤B" + std::to_string(100000 + i));
    flows.push_back(std::to_string(i % 77));
    times.push_back("2026-03-01 10:" + std::to_string(10 + i % 50) + ":00");
  }
  std::vector<std::string_view> cells(columns.size());
  auto row = [&](int i) {
    if (i % 2) {
      cells = {sites[i], flows[i], i % 9 ? "12.5" : "", "true", "2026-03-01", times[i], plates[i]};
      return w.AppendTextRow(cells);
    }
    w.AppendString(0, sites[i]);
    i % 5 ? w.AppendInt(1, i) : w.AppendNull(1);
    w.AppendDouble(2, i * 0.5);
    w.AppendBool(3, i % 3 == 0);
    w.AppendDays(4, 20000 + i % 30);
    w.AppendTimestampMicros(5, int64_t{1'700'000'000'000'000} + i);
    w.AppendString(6, plates[i]);
    return w.EndRow();
  };
  // Two row groups to warm up (the second flush included).
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(row(i % 1000).ok());
  const long before = allocations.load();
  ASSERT_GT(before, 0);                                    // the counter works
  for (int i = 0; i < 999; ++i) ASSERT_TRUE(row(i).ok());  // stops short of the next flush
  EXPECT_EQ(allocations.load() - before, 0);
  ASSERT_TRUE(w.Close().ok());
}

}  // namespace
}  // namespace civicflow::storage::parquet
