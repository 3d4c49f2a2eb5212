#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/archive/archive_parser.h"
#include "ingest/archive/archive_reader.h"
#include "tests/support/records.h"

namespace civicflow::ingest {
namespace {

std::string TempFile(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("civicflow-archive-test-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

std::string Line(std::string_view platform, std::string_view interface, const std::string& body) {
  return std::string(R"({"platform":")") + std::string(platform) + R"(","interface":")" +
         std::string(interface) + R"(","ts":1763632800000,"body":)" + body + "}\n";
}

TEST(ArchiveReader, YieldsWholeLinesAcrossSmallBlocks) {
  std::string content;
  for (int i = 0; i < 100; ++i) content += "line-" + std::to_string(i) + "\n";
  content += std::string(300, 'x');  // a last line longer than a block, without newline
  auto reader = ArchiveReader::Open(TempFile("blocks", content), 64);
  ASSERT_TRUE(reader.ok());
  std::vector<char> block;
  size_t length = 0;
  std::string joined;
  while (reader->Next(block, length)) {
    const std::string text(block.data(), length);
    EXPECT_TRUE(text.back() == '\n' || text.back() == 'x');
    EXPECT_GE(block.size(), length + simdjson::SIMDJSON_PADDING);
    joined += text;
  }
  EXPECT_EQ(joined, content);
}

TEST(ArchiveReader, ReportsUnreadableFiles) {
  auto reader = ArchiveReader::Open("/nonexistent/archive.ndjson");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("/nonexistent/archive.ndjson"), std::string::npos);
}

TEST(ArchiveParser, KeepsGoodLinesAndDeadLettersBadOnesWithReasons) {
  const std::string good = Line("parking", "enterRecord",
                                "[" + testing::EnterRecord(0xa, "粤B12345", "2026-11-20 18:00:00") + "," +
                                    testing::EnterRecord(0xb, "粤B12346", "2026-11-20 18:01:00") + "]");
  const std::string bad_record =
      Line("parking", "enterRecord",
           "[" + testing::EnterRecord(0xc, "粤B12345", "2026-11-20 18:00:00") + "," +
               testing::EnterRecord(0xd, "粤B12346", "2026-02-30 18:01:00") + "]");
  std::string content = good + "\n" + bad_record + "not json\n" + Line("parking", "noSuchThing", "{}") +
                        R"({"platform":"parking","interface":"enterRecord","body":{}})" + "\n" + good;
  std::vector<char> block(content.begin(), content.end());
  block.resize(content.size() + simdjson::SIMDJSON_PADDING);
  RecordChunk chunk;
  IngestCounts counts;
  ArchiveParser parser;
  parser.ParseBlock(block.data(), content.size(), block.size(), chunk, counts);

  const InterfaceId enter = Registry::Get().IdOf(*Registry::Get().Find(Platform::kParking, "enterRecord"));
  EXPECT_EQ(chunk.records.size(), 4u) << "the bad line's good record is not kept";
  EXPECT_EQ(counts.valid[enter], 4u);
  EXPECT_EQ(counts.rejected[enter], 3u) << "2 records of the atomic bad line + the line without ts";
  EXPECT_EQ(counts.rejected_unknown, 2u);
  EXPECT_EQ(counts.lines, 7u);
  const std::string letters = counts.DeadLetterJson("f.ndjson", 1);
  EXPECT_NE(letters.find(R"("line":3,"interface":"parking/enterRecord","rule":"bad_time")"),
            std::string::npos)
      << letters;
  EXPECT_NE(letters.find(R"(parking/enterRecord[1].enterTime: bad_time)"), std::string::npos);
  EXPECT_NE(letters.find(R"("line":4,"interface":"","rule":"malformed_json")"), std::string::npos);
  EXPECT_NE(letters.find(R"("rule":"unknown_interface")"), std::string::npos);
  EXPECT_NE(letters.find(R"("line":6,"interface":"parking/enterRecord","rule":"missing_mandatory")"),
            std::string::npos);
  EXPECT_EQ(std::count(letters.begin(), letters.end(), '\n'), 4);
}

TEST(ArchiveParser, NeverHalfAcceptsAMalformedLineAndReadsKeysInAnyOrder) {
  const std::string a = testing::EnterRecord(0xa, "粤B12345", "2026-11-20 18:00:00");
  const std::string b = testing::EnterRecord(0xb, "粤B12346", "2026-11-20 18:01:00");
  const std::string content =
      // two records without brackets: the envelope is malformed after the first
      R"({"platform":"parking","interface":"enterRecord","ts":1763632800000,"body":)" + a + "," + b + "}\n" +
      // trailing content after the envelope
      Line("parking", "enterRecord", a).substr(0, Line("parking", "enterRecord", a).size() - 1) + " x\n" +
      // body first, keys after: fine
      R"({"body":)" + b + R"(,"ts":1763632800000,"interface":"enterRecord","platform":"parking"})" + "\n";
  std::vector<char> block(content.begin(), content.end());
  block.resize(content.size() + simdjson::SIMDJSON_PADDING);
  RecordChunk chunk;
  IngestCounts counts;
  ArchiveParser().ParseBlock(block.data(), content.size(), block.size(), chunk, counts);
  ASSERT_EQ(chunk.records.size(), 1u);
  EXPECT_EQ(chunk.records[0].index, 0u);
  ASSERT_EQ(counts.dead_letters.size(), 2u);
  EXPECT_EQ(counts.dead_letters[0].rule, Rule::kMalformedJson);
  EXPECT_EQ(counts.dead_letters[1].rule, Rule::kMalformedJson);
  EXPECT_EQ(counts.dead_letters[1].line, 1u);
}

}  // namespace
}  // namespace civicflow::ingest
