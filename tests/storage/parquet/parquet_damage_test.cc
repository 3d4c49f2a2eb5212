// Damage is found and named: a flipped byte in a page, a truncated footer,
// garbage; a short write or failed fsync while writing is a Status.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "tests/storage/parquet/parquet_test_util.h"

namespace civicflow::storage::parquet {
namespace {

using testing::OpenOrDie;
using testing::WriteToMemory;

const std::vector<ColumnSpec> kColumns = {{"venue", ColumnType::kString, true},
                                          {"flow", ColumnType::kInt64, false}};

testing::WrittenFile SmallFile(Codec codec = Codec::kZstd) {
  ParquetWriterOptions options;
  options.codec = codec;
  options.row_group_rows = 100;
  return WriteToMemory(kColumns, options, [](ParquetWriter& w) {
    for (int i = 0; i < 300; ++i) {
      w.AppendString(0, "venue-" + std::to_string(i % 9));
      w.AppendInt(1, i * 1000);
      ASSERT_TRUE(w.EndRow().ok());
    }
  });
}

TEST(ParquetDamage, FlippedByteInAPageIsNamedByColumnRowGroupAndPage) {
  for (Codec codec : {Codec::kZstd, Codec::kUncompressed}) {
    const std::string good = SmallFile(codec).bytes;
    auto reader = OpenOrDie(good);
    ASSERT_TRUE(reader);
    ASSERT_TRUE(reader->Verify().ok());
    // The last byte of row group 1's 'flow' chunk is in its last page's body.
    const ColumnChunkInfo& chunk = reader->row_groups().at(1).columns.at(1);
    const int64_t at =
        chunk.dictionary_page_offset.value_or(chunk.data_page_offset) + chunk.total_compressed_size - 1;
    std::string bad = good;
    bad[at] ^= 0x10;
    auto damaged = OpenOrDie(bad);  // the footer is intact
    ASSERT_TRUE(damaged);
    Status s = damaged->Verify();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("test.parquet: column 'flow', row group 1, page "), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("crc mismatch"), std::string::npos) << s.message();
    // Reading that chunk fails the same way; the other chunks still read.
    EXPECT_FALSE(damaged->ReadColumn(1, 1).ok());
    EXPECT_TRUE(damaged->ReadColumn(0, 1).ok());
    EXPECT_TRUE(damaged->ReadColumn(1, 0).ok());
  }
}

TEST(ParquetDamage, EveryFlippedByteIsFoundOrHarmless) {
  // Flipping any single byte of the file either is caught (Open or Verify)
  // or leaves every value as written (a byte the reader does not use, like
  // the statistics' min/max). Never a crash.
  const std::string good = SmallFile().bytes;
  auto expected = OpenOrDie(good)->ReadTextRows();
  ASSERT_TRUE(expected.ok());
  for (size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] ^= 0x01;
    auto reader = ParquetReader::FromBytes("bad", bad);
    if (!reader.ok()) continue;
    if (!(*reader)->Verify().ok()) continue;
    auto rows = (*reader)->ReadTextRows();
    if (!rows.ok()) continue;
    if ((*reader)->columns().size() != kColumns.size()) continue;  // e.g. a column renamed
    EXPECT_EQ(*rows, *expected) << "flipped byte " << at << " changed values unnoticed";
  }
}

TEST(ParquetDamage, TruncatedFooter) {
  const std::string good = SmallFile().bytes;
  for (size_t cut : {size_t{1}, size_t{4}, size_t{8}, size_t{20}, good.size() / 2, good.size() - 4}) {
    auto reader = ParquetReader::FromBytes("cut.parquet", good.substr(0, good.size() - cut));
    ASSERT_FALSE(reader.ok()) << cut;
    EXPECT_NE(reader.status().message().find("cut.parquet: "), std::string::npos)
        << reader.status().message();
  }
  // The tail intact but the footer length pointing past the start.
  std::string bad = good;
  bad[bad.size() - 5] = '\x7F';
  auto reader = ParquetReader::FromBytes("len.parquet", bad);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("footer"), std::string::npos) << reader.status().message();
  EXPECT_FALSE(ParquetReader::FromBytes("x", "PAR1").ok());
  EXPECT_FALSE(ParquetReader::FromBytes("x", std::string(100, 'x')).ok());
  EXPECT_FALSE(ParquetReader::Open("/nonexistent/file.parquet").ok());
}

// Fails once `limit` bytes have been written: a short write, as a full disk gives.
class ShortWriteFile final : public OutputFile {
 public:
  ShortWriteFile(size_t limit, bool fail_sync) : limit_(limit), fail_sync_(fail_sync) {}
  Status Write(std::string_view bytes) override {
    if (written_ + bytes.size() > limit_) return Status::Error("short write: no space left on device");
    written_ += bytes.size();
    return {};
  }
  Status Sync() override { return fail_sync_ ? Status::Error("fsync failed: input/output error") : Status(); }
  Status Close() override { return {}; }
  const std::string& name() const override { return name_; }

 private:
  size_t limit_, written_ = 0;
  bool fail_sync_;
  std::string name_ = "short.parquet";
};

TEST(ParquetWriterFailures, ShortWriteIsAStatus) {
  const size_t full = SmallFile().bytes.size();
  for (size_t limit : {size_t{0}, size_t{10}, full / 3, full - 10}) {
    ParquetWriterOptions options;
    options.row_group_rows = 100;
    auto writer = ParquetWriter::Create(std::make_unique<ShortWriteFile>(limit, false), kColumns, options);
    if (!writer.ok()) {  // the magic did not fit
      EXPECT_NE(writer.status().message().find("short write"), std::string::npos);
      continue;
    }
    Status failed;
    for (int i = 0; i < 300 && failed.ok(); ++i) {
      (*writer)->AppendString(0, "venue-" + std::to_string(i % 9));
      (*writer)->AppendInt(1, i * 1000);
      failed = (*writer)->EndRow();
    }
    auto closed = (*writer)->Close();
    EXPECT_FALSE(closed.ok()) << limit;
    const std::string& message = failed.ok() ? closed.status().message() : failed.message();
    EXPECT_NE(message.find("short write"), std::string::npos) << message;
  }
  auto writer = ParquetWriter::Create(std::make_unique<ShortWriteFile>(SIZE_MAX, true), kColumns);
  ASSERT_TRUE(writer.ok());
  auto closed = (*writer)->Close();
  ASSERT_FALSE(closed.ok());
  EXPECT_NE(closed.status().message().find("fsync"), std::string::npos);
}

}  // namespace
}  // namespace civicflow::storage::parquet
