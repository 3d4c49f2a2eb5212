// Our writer against our reader: every type, nulls, dictionary and PLAIN
// chunks, several row groups and pages, both codecs, statistics, and the
// writer's own errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "tests/storage/parquet/parquet_test_util.h"

namespace civicflow::storage::parquet {
namespace {

using testing::OpenOrDie;
using testing::WriteToMemory;

std::vector<ColumnSpec> AllTypes() {
  return {
      {"name", ColumnType::kString, true},    {"count32", ColumnType::kInt32, true},
      {"count64", ColumnType::kInt64, false}, {"ratio", ColumnType::kDouble, true},
      {"open", ColumnType::kBool, true},      {"day", ColumnType::kDate, true},
      {"at", ColumnType::kTimestamp, true},
  };
}

bool HasEncoding(const ColumnChunkInfo& chunk, int32_t encoding) {
  return std::find(chunk.encodings.begin(), chunk.encodings.end(), encoding) != chunk.encodings.end();
}

// Row i of the typed test data; every 5th optional value is null.
void AppendRow(ParquetWriter& w, int i) {
  const bool null = i % 5 == 3;
  null ? w.AppendNull(0) : w.AppendString(0, "site-" + std::to_string(i % 7));
  null ? w.AppendNull(1) : w.AppendInt(1, i * 3 - 100);
  w.AppendInt(2, int64_t{1} << 40 | i);
  null ? w.AppendNull(3) : w.AppendDouble(3, i * 0.25 - 1);
  null ? w.AppendNull(4) : w.AppendBool(4, i % 3 == 0);
  null ? w.AppendNull(5) : w.AppendDate(5, *ParseDate("2026-03-01") + i * LocalTime::kDay + 3600);
  null ? w.AppendNull(6) : w.AppendTimestamp(6, *ParseDateTime("2026-03-01 08:00:00") + i * 61);
  ASSERT_TRUE(w.EndRow().ok());
}

void ExpectRow(const std::vector<std::vector<Value>>& columns, size_t row, int i) {
  const bool null = i % 5 == 3;
  auto at = [&](size_t c) -> const Value& { return columns[c][row]; };
  if (null) {
    for (size_t c : {0, 1, 3, 4, 5, 6}) EXPECT_TRUE(std::holds_alternative<std::monostate>(at(c))) << c;
  } else {
    EXPECT_EQ(std::get<std::string>(at(0)), "site-" + std::to_string(i % 7));
    EXPECT_EQ(std::get<int64_t>(at(1)), i * 3 - 100);
    EXPECT_EQ(std::get<double>(at(3)), i * 0.25 - 1);
    EXPECT_EQ(std::get<bool>(at(4)), i % 3 == 0);
    EXPECT_EQ(std::get<int64_t>(at(5)), DaysFromCivil(2026, 3, 1) + i);
    EXPECT_EQ(std::get<int64_t>(at(6)), (ParseDateTime("2026-03-01 08:00:00")->seconds + i * 61) * 1'000'000);
  }
  EXPECT_EQ(std::get<int64_t>(at(2)), int64_t{1} << 40 | i);
}

TEST(ParquetRoundTrip, EveryTypeWithNullsAcrossRowGroupsAndPages) {
  for (Codec codec : {Codec::kZstd, Codec::kUncompressed}) {
    ParquetWriterOptions options;
    options.codec = codec;
    options.row_group_rows = 1000;
    options.page_bytes = 512;  // many pages per chunk
    constexpr int kRows = 3500;
    auto file = WriteToMemory(AllTypes(), options, [](ParquetWriter& w) {
      for (int i = 0; i < kRows; ++i) AppendRow(w, i);
    });
    EXPECT_EQ(file.stats.rows, uint64_t{kRows});
    EXPECT_EQ(file.stats.row_groups, 4u);
    EXPECT_EQ(file.stats.bytes, file.bytes.size());

    auto reader = OpenOrDie(file.bytes);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->created_by(), "civicflow");
    EXPECT_EQ(reader->num_rows(), kRows);
    ASSERT_EQ(reader->columns().size(), AllTypes().size());
    for (size_t c = 0; c < AllTypes().size(); ++c) {
      EXPECT_EQ(reader->columns()[c].name, AllTypes()[c].name);
      EXPECT_EQ(reader->columns()[c].type, AllTypes()[c].type);
      EXPECT_EQ(reader->columns()[c].optional, AllTypes()[c].optional);
    }
    ASSERT_EQ(reader->row_groups().size(), 4u);
    EXPECT_TRUE(reader->Verify().ok()) << reader->Verify().message();

    int i = 0;
    for (size_t g = 0; g < reader->row_groups().size(); ++g) {
      EXPECT_EQ(reader->row_groups()[g].num_rows, g < 3 ? 1000 : 500);
      std::vector<std::vector<Value>> columns;
      for (size_t c = 0; c < AllTypes().size(); ++c) {
        auto values = reader->ReadColumn(g, c);
        ASSERT_TRUE(values.ok()) << values.status().message();
        EXPECT_EQ(reader->row_groups()[g].columns[c].codec, codec);
        columns.push_back(std::move(*values));
      }
      for (size_t row = 0; row < columns[0].size(); ++row, ++i) ExpectRow(columns, row, i);
    }
    EXPECT_EQ(i, kRows);
  }
}

TEST(ParquetRoundTrip, StatisticsPerColumnChunk) {
  ParquetWriterOptions options;
  options.row_group_rows = 10;
  auto file = WriteToMemory(AllTypes(), options, [](ParquetWriter& w) {
    for (int i = 0; i < 10; ++i) AppendRow(w, i);
  });
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  const RowGroupInfo& group = reader->row_groups().at(0);
  auto min = [&](size_t c) { return StatisticValue(AllTypes()[c].type, group.columns[c].min_value.value()); };
  auto max = [&](size_t c) { return StatisticValue(AllTypes()[c].type, group.columns[c].max_value.value()); };
  // Rows 0..9, rows 3 and 8 null in the optional columns.
  EXPECT_EQ(group.columns[0].null_count, 2);
  EXPECT_EQ(group.columns[2].null_count, 0);
  EXPECT_EQ(std::get<std::string>(min(0)), "site-0");
  EXPECT_EQ(std::get<std::string>(max(0)), "site-6");
  EXPECT_EQ(std::get<int64_t>(min(1)), -100);
  EXPECT_EQ(std::get<int64_t>(max(1)), 9 * 3 - 100);
  EXPECT_EQ(std::get<int64_t>(max(2)), int64_t{1} << 40 | 9);
  EXPECT_EQ(std::get<double>(min(3)), -1);
  EXPECT_EQ(std::get<double>(max(3)), 9 * 0.25 - 1);
  EXPECT_EQ(std::get<bool>(min(4)), false);
  EXPECT_EQ(std::get<bool>(max(4)), true);
  EXPECT_EQ(ValueText(ColumnType::kDate, min(5)), "2026-03-01");
  EXPECT_EQ(ValueText(ColumnType::kDate, max(5)), "2026-03-10");
  EXPECT_EQ(ValueText(ColumnType::kTimestamp, max(6)), "2026-03-01 08:09:09");
}

TEST(ParquetRoundTrip, TextRowsComeBackAsTheyWent) {
  const std::vector<std::vector<std::string_view>> rows = {
      {"G-01", "12", "-9000000000", "12.5", "true", "2026-02-28", "2026-02-28 23:59:59"},
      {"", "", "0", "", "", "", ""},
      {"场馆 ✓", "-2147483648", "9223372036854775807", "-0.001", "false", "1970-01-01",
       "1969-12-31 23:00:00"},
      {"x", "2147483647", "1", "1e+300", "true", "2099-12-31", "2000-01-01 00:00:00"},
  };
  auto file = WriteToMemory(AllTypes(), {}, [&](ParquetWriter& w) {
    for (const auto& row : rows) ASSERT_TRUE(w.AppendTextRow(row).ok()) << w.AppendTextRow(row).message();
  });
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  auto text = reader->ReadTextRows();
  ASSERT_TRUE(text.ok()) << text.status().message();
  ASSERT_EQ(text->size(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) EXPECT_EQ((*text)[r][c], rows[r][c]) << r << "," << c;
  }
}

TEST(ParquetRoundTrip, DictionaryWhileSmallPlainOtherwise) {
  const std::vector<ColumnSpec> columns = {{"plate", ColumnType::kString, true},
                                           {"lot", ColumnType::kInt64, false},
                                           {"flow", ColumnType::kInt32, false}};
  ParquetWriterOptions options;
  options.max_dictionary_entries = 100;
  options.row_group_rows = 2000;
  constexpr int kRows = 4000;
  auto value = [](int i, int group) {
    // Row group 0: few distinct values (dictionary); row group 1: all distinct (PLAIN).
    return group == 0 ? i % 37 : i;
  };
  auto file = WriteToMemory(columns, options, [&](ParquetWriter& w) {
    for (int i = 0; i < kRows; ++i) {
      const int v = value(i, i / 2000);
      i % 11 == 0 ? w.AppendNull(0) : w.AppendString(0, "粤B" + std::to_string(10000 + v));
      w.AppendInt(1, 440300000000 + v);
      w.AppendInt(2, v);
      ASSERT_TRUE(w.EndRow().ok());
    }
  });
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->Verify().ok()) << reader->Verify().message();
  ASSERT_EQ(reader->row_groups().size(), 2u);
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnChunkInfo& dict = reader->row_groups()[0].columns[c];
    const ColumnChunkInfo& plain = reader->row_groups()[1].columns[c];
    EXPECT_TRUE(HasEncoding(dict, format::kRleDictionary)) << c;
    EXPECT_TRUE(dict.dictionary_page_offset.has_value()) << c;
    EXPECT_FALSE(HasEncoding(plain, format::kRleDictionary)) << c;
    EXPECT_FALSE(plain.dictionary_page_offset.has_value()) << c;
  }
  for (size_t g = 0; g < 2; ++g) {
    auto plates = reader->ReadColumn(g, 0);
    auto lots = reader->ReadColumn(g, 1);
    ASSERT_TRUE(plates.ok() && lots.ok());
    for (int k = 0; k < 2000; ++k) {
      const int i = static_cast<int>(g) * 2000 + k;
      const int v = value(i, static_cast<int>(g));
      if (i % 11 == 0) {
        EXPECT_TRUE(std::holds_alternative<std::monostate>((*plates)[k]));
      } else {
        EXPECT_EQ(std::get<std::string>((*plates)[k]), "粤B" + std::to_string(10000 + v));
      }
      EXPECT_EQ(std::get<int64_t>((*lots)[k]), 440300000000 + v);
    }
  }
}

TEST(ParquetRoundTrip, DictionaryOverflowAfterPagesGoesPlainInTheSameChunk) {
  // Pages are cut while values arrive; a dictionary that overflows after some
  // pages were cut keeps them (a dictionary page, then RLE_DICTIONARY pages)
  // and the rest of the chunk is PLAIN.
  const std::vector<ColumnSpec> columns = {{"plate", ColumnType::kString, true},
                                           {"lot", ColumnType::kInt64, false}};
  ParquetWriterOptions options;
  options.page_bytes = 256;  // a page every few hundred rows of ids
  options.max_dictionary_entries = 300;
  constexpr int kRows = 5000;
  auto value = [](int i) { return i < 2000 ? i % 40 : i; };  // distinct values pass 300 after row 2000
  auto file = WriteToMemory(columns, options, [&](ParquetWriter& w) {
    for (int i = 0; i < kRows; ++i) {
      i % 13 == 0 ? w.AppendNull(0) : w.AppendString(0, "粤B" + std::to_string(10000 + value(i)));
      w.AppendInt(1, 440300000000 + value(i));
      ASSERT_TRUE(w.EndRow().ok());
    }
  });
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->Verify().ok()) << reader->Verify().message();
  ASSERT_EQ(reader->row_groups().size(), 1u);
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnChunkInfo& chunk = reader->row_groups()[0].columns[c];
    EXPECT_TRUE(chunk.dictionary_page_offset.has_value()) << c;
    EXPECT_TRUE(HasEncoding(chunk, format::kRleDictionary)) << c;
    EXPECT_TRUE(HasEncoding(chunk, format::kPlain)) << c;
  }
  auto plates = reader->ReadColumn(0, 0);
  auto lots = reader->ReadColumn(0, 1);
  ASSERT_TRUE(plates.ok() && lots.ok());
  for (int i = 0; i < kRows; ++i) {
    if (i % 13 == 0) {
      EXPECT_TRUE(std::holds_alternative<std::monostate>((*plates)[i])) << i;
    } else {
      EXPECT_EQ(std::get<std::string>((*plates)[i]), "粤B" + std::to_string(10000 + value(i))) << i;
    }
    EXPECT_EQ(std::get<int64_t>((*lots)[i]), 440300000000 + value(i)) << i;
  }
  // Statistics cover the dictionary and the PLAIN pages.
  const ColumnChunkInfo& lot = reader->row_groups()[0].columns[1];
  EXPECT_EQ(std::get<int64_t>(StatisticValue(ColumnType::kInt64, *lot.min_value)), 440300000000);
  EXPECT_EQ(std::get<int64_t>(StatisticValue(ColumnType::kInt64, *lot.max_value)), 440300000000 + kRows - 1);
  const ColumnChunkInfo& plate = reader->row_groups()[0].columns[0];
  EXPECT_EQ(std::get<std::string>(StatisticValue(ColumnType::kString, *plate.min_value)), "粤B10000");
  EXPECT_EQ(std::get<std::string>(StatisticValue(ColumnType::kString, *plate.max_value)), "粤B14999");
  EXPECT_EQ(*plate.null_count, (kRows + 12) / 13);
}

TEST(ParquetFormat, Crc32IsZlibs) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(Crc32(""), 0u);
  // Every length around the 8-byte steps against the bytewise definition.
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  for (size_t n = 0; n <= bytes.size(); ++n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
      c ^= static_cast<uint8_t>(bytes[i]);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    EXPECT_EQ(Crc32(std::string_view(bytes).substr(0, n)), c ^ 0xFFFFFFFFu) << n;
  }
}

TEST(ParquetRoundTrip, DictionaryOffStillReadable) {
  ParquetWriterOptions options;
  options.dictionary = false;
  auto file = WriteToMemory({{"s", ColumnType::kString, false}}, options, [](ParquetWriter& w) {
    for (int i = 0; i < 100; ++i) {
      w.AppendString(0, "same");
      ASSERT_TRUE(w.EndRow().ok());
    }
  });
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  EXPECT_FALSE(HasEncoding(reader->row_groups()[0].columns[0], format::kRleDictionary));
  auto values = reader->ReadColumn(0, 0);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->size(), 100u);
}

TEST(ParquetRoundTrip, BooleansOfEveryCountAndRunShape) {
  // Bit-packed booleans and RLE/bit-packed definition levels at awkward lengths.
  for (int rows : {1, 7, 8, 9, 63, 64, 65, 1000}) {
    auto file = WriteToMemory({{"b", ColumnType::kBool, true}}, {}, [&](ParquetWriter& w) {
      for (int i = 0; i < rows; ++i) {
        (i / 10) % 3 == 2 ? w.AppendNull(0) : w.AppendBool(0, (i * 7) % 5 < 2);
        ASSERT_TRUE(w.EndRow().ok());
      }
    });
    auto reader = OpenOrDie(file.bytes);
    ASSERT_TRUE(reader);
    auto values = reader->ReadColumn(0, 0);
    ASSERT_TRUE(values.ok()) << values.status().message();
    ASSERT_EQ(values->size(), static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      if ((i / 10) % 3 == 2) {
        EXPECT_TRUE(std::holds_alternative<std::monostate>((*values)[i]));
      } else {
        EXPECT_EQ(std::get<bool>((*values)[i]), (i * 7) % 5 < 2) << rows << ":" << i;
      }
    }
  }
}

TEST(ParquetRoundTrip, EmptyFile) {
  auto file = WriteToMemory(AllTypes(), {}, [](ParquetWriter&) {});
  EXPECT_EQ(file.stats.rows, 0u);
  auto reader = OpenOrDie(file.bytes);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->num_rows(), 0);
  EXPECT_TRUE(reader->row_groups().empty());
  EXPECT_TRUE(reader->Verify().ok());
}

TEST(ParquetRoundTrip, PosixFileIsPublishedOnClose) {
  const auto dir = std::filesystem::temp_directory_path() / ("parquet_rt_" + std::to_string(::getpid()));
  const auto path = dir / "sub" / "t.parquet";
  auto writer = ParquetWriter::Create(path, AllTypes());
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (int i = 0; i < 10; ++i) AppendRow(**writer, i);
  EXPECT_FALSE(std::filesystem::exists(path));  // only path.tmp until Close()
  auto stats = (*writer)->Close();
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(std::filesystem::file_size(path), stats->bytes);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_TRUE((*reader)->Verify().ok());
  std::filesystem::remove_all(dir);
}

TEST(ParquetWriterErrors, WrongValuesAreStatusesNamingTheColumn) {
  auto writer = ParquetWriter::Create(std::make_unique<MemoryOutputFile>("t"), AllTypes());
  ASSERT_TRUE(writer.ok());
  ParquetWriter& w = **writer;

  // A cell that does not parse: the error names column and text; nothing is appended.
  std::vector<std::string_view> row = {"a", "12", "1", "12.5x", "true", "2026-01-01", "2026-01-01 00:00:00"};
  Status s = w.AppendTextRow(row);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'ratio'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("\"12.5x\""), std::string::npos) << s.message();
  row[3] = "12.5";
  row[6] = "2026-02-30 00:00:00";
  s = w.AppendTextRow(row);
  EXPECT_NE(s.message().find("'at'"), std::string::npos) << s.message();
  row[6] = "2026-02-28 00:00:00";
  row[1] = "2147483648";
  EXPECT_NE(w.AppendTextRow(row).message().find("'count32'"), std::string::npos);
  row[1] = "12";
  row[2] = "";  // required
  EXPECT_NE(w.AppendTextRow(row).message().find("'count64'"), std::string::npos);
  row[2] = "1";
  EXPECT_FALSE(w.AppendTextRow(std::span(row).first(3)).ok());
  ASSERT_TRUE(w.AppendTextRow(row).ok());  // the writer is still usable
  EXPECT_EQ(w.rows(), 1u);

  // A typed value of the wrong type is our bug: reported by EndRow, sticky.
  w.AppendString(1, "not an int");
  s = w.EndRow();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'count32'"), std::string::npos) << s.message();
  EXPECT_FALSE(w.Close().ok());
}

TEST(ParquetWriterErrors, IncompleteRowsAndNullsInRequiredColumns) {
  {
    auto writer = ParquetWriter::Create(std::make_unique<MemoryOutputFile>("t"), AllTypes());
    ASSERT_TRUE(writer.ok());
    (*writer)->AppendString(0, "only one");
    Status s = (*writer)->EndRow();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("'count32'"), std::string::npos) << s.message();
  }
  {
    auto writer = ParquetWriter::Create(std::make_unique<MemoryOutputFile>("t"), AllTypes());
    ASSERT_TRUE(writer.ok());
    (*writer)->AppendNull(2);
    Status s = (*writer)->EndRow();
    EXPECT_NE(s.message().find("required"), std::string::npos) << s.message();
  }
  EXPECT_FALSE(ParquetWriter::Create(std::make_unique<MemoryOutputFile>("t"), {}).ok());
  EXPECT_FALSE(ParquetWriter::Create(std::make_unique<MemoryOutputFile>("t"),
                                     {{"a", ColumnType::kInt32, true}, {"a", ColumnType::kInt64, true}})
                   .ok());
}

}  // namespace
}  // namespace civicflow::storage::parquet
