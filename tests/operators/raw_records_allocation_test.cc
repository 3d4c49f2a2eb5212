// AppendRawRow allocates nothing once the writers are warm (their buffers
// have reached a row group's size and the JSON scratch its longest value):
// counted by replacing global operator new, so this is its own binary.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "ingest/registry/record_parser.h"
#include "ingest/registry/registry.h"
#include "operators/raw_records.h"
#include "storage/parquet/output_file.h"
#include "storage/parquet/parquet_writer.h"
#include "tests/support/examples.h"

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
// simdjson allocates with the nothrow form: it must come from malloc too, as
// the replaced delete frees (a sanitizer build checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace civicflow::operators {
namespace {

namespace pq = storage::parquet;

TEST(RawRecordsAllocations, NoneForRowsOnceWarm) {
  // Scalars of every kind, list elements as rows with a nested list as JSON, a time of day.
  const std::vector<std::pair<ingest::Platform, std::string_view>> interfaces = {
      {ingest::Platform::kParking, "enterRecord"},
      {ingest::Platform::kTicketing, "report/ticket"},
      {ingest::Platform::kFitness, "syncUserData"},
      {ingest::Platform::kOrienteering, "session-uploads"},
  };
  Arena arena;
  std::vector<ingest::Record> records;
  std::vector<std::pair<size_t, size_t>> ranges;  // each writer's records in `records`
  std::vector<std::unique_ptr<pq::ParquetWriter>> writers;
  pq::ParquetWriterOptions options = RawTableWriterOptions();
  options.row_group_rows = 200;
  for (const auto& [platform, name] : interfaces) {
    const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(platform, name);
    ASSERT_NE(spec, nullptr) << name;
    const ingest::InterfaceId id = ingest::Registry::Get().IdOf(*spec);
    const std::string body = civicflow::testing::ExampleBody(platform, name);
    ASSERT_FALSE(body.empty()) << name;
    const size_t begin = records.size();
    const auto outcome = ingest::ParseBodyText(id, body, 1'795'168'800'123, arena, records);
    ASSERT_FALSE(outcome.error) << outcome.error->Message();
    ASSERT_GT(records.size(), begin);
    ASSERT_LT(records.size() - begin, 200u);
    ranges.emplace_back(begin, records.size());
    auto writer =
        pq::ParquetWriter::Create(std::make_unique<pq::MemoryOutputFile>(), RawTableOf(id).columns, options);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    writers.push_back(std::move(*writer));
  }
  auto write = [&](int n) {
    for (int i = 0; i < n; ++i)
      for (size_t w = 0; w < writers.size(); ++w)
        for (size_t r = ranges[w].first; r < ranges[w].second; ++r)
          ASSERT_TRUE(AppendRawRow(*writers[w], records[r]).ok());
  };
  // 400 rounds: every writer has just flushed its last row group of 200 rows (flushes included in
  // the warm-up); one more round stays short of the next flush, which grows the output.
  write(400);
  const long before = allocations.load();
  ASSERT_GT(before, 0);  // the counter works
  write(1);
  EXPECT_EQ(allocations.load() - before, 0);
  for (auto& writer : writers) ASSERT_TRUE(writer->Close().ok());
}

}  // namespace
}  // namespace civicflow::operators
