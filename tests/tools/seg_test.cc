// civicflow-seg, the real binary, on segment dirs built here with our
// ParquetWriter and WalWriter: every command's output checked exactly, damage
// found and named, compaction keeping every row once and never touching what
// is not final, retention, and the WAL exported back to archive lines.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/local_time.h"
#include "storage/checkpoint.h"
#include "storage/file_system.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/segments/compact_lock.h"
#include "storage/segments/segment_layout.h"
#include "storage/wal/wal_writer.h"

extern char** environ;

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using storage::parquet::ColumnSpec;
using storage::parquet::ColumnType;
using storage::parquet::ParquetReader;
using storage::parquet::ParquetWriter;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

struct Ran {
  int code = -1;
  std::string out, err;
};

// Runs build/tools/seg/civicflow-seg with `args`, capturing stdout and stderr.
Ran RunSeg(const std::vector<std::string>& args) {
  static int runs = 0;
  const fs::path capture = fs::temp_directory_path() / ("civicflow-seg-run-" + std::to_string(getpid()));
  fs::create_directories(capture);
  const std::string out = (capture / ("out" + std::to_string(runs))).string();
  const std::string err = (capture / ("err" + std::to_string(runs++))).string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string binary = CIVICFLOW_BINARY_DIR "/tools/seg/civicflow-seg";
  std::vector<const char*> argv = {binary.c_str()};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  pid_t pid = -1;
  Ran ran;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, const_cast<char**>(argv.data()), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    ran.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  ran.out = ReadFile(out);
  ran.err = ReadFile(err);
  fs::remove_all(capture);
  return ran;
}

fs::path TestDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("civicflow-seg-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::vector<ColumnSpec> kFlowSchema = {
    {"site", ColumnType::kString, false}, {"hour", ColumnType::kTimestamp}, {"day", ColumnType::kDate},
    {"visits", ColumnType::kInt64},       {"ratio", ColumnType::kDouble},   {"open", ColumnType::kBool},
    {"note", ColumnType::kString}};
const std::vector<ColumnSpec> kIdSchema = {{"id", ColumnType::kInt64, false}, {"name", ColumnType::kString}};

using Rows = std::vector<std::vector<std::string>>;  // text cells, "" is null

// A segment file written with ParquetWriter; shard nullopt: a compact file.
fs::path WriteSegment(const fs::path& dir, const std::string& table, const std::string& date, uint64_t epoch,
                      std::optional<uint32_t> shard, const std::vector<ColumnSpec>& schema, const Rows& rows,
                      uint64_t row_group_rows = 1'000'000) {
  const fs::path path = storage::PartitionDir(dir, table, date) /
                        (shard ? storage::PartFileName(epoch, *shard) : storage::CompactFileName(epoch));
  storage::parquet::ParquetWriterOptions options;
  options.row_group_rows = row_group_rows;
  auto writer = ParquetWriter::Create(path, schema, options);
  EXPECT_TRUE(writer.ok()) << writer.status().message();
  for (const auto& row : rows) {
    std::vector<std::string_view> cells(row.begin(), row.end());
    Status appended = (*writer)->AppendTextRow(cells);
    EXPECT_TRUE(appended.ok()) << appended.message();
  }
  auto closed = (*writer)->Close();
  EXPECT_TRUE(closed.ok()) << closed.status().message();
  return path;
}

void SaveEpoch(const fs::path& dir, uint64_t epoch) {
  storage::Checkpoint checkpoint;
  checkpoint.epoch = epoch;
  ASSERT_TRUE(storage::SaveCheckpoint(storage::FileSystem::Posix(), dir, checkpoint).ok());
}

Rows IdRows(int from, int to) {
  Rows rows;
  for (int i = from; i < to; ++i)
    rows.push_back({std::to_string(i), i % 3 == 0 ? "" : "名字" + std::to_string(i)});
  return rows;
}

std::vector<std::string> CsvRows(const fs::path& dir, const std::string& table) {
  Ran ran = RunSeg({"cat", "--data-dir", dir.string(), "--table", table});
  EXPECT_EQ(ran.code, 0) << ran.err;
  std::vector<std::string> lines = Lines(ran.out);
  if (!lines.empty()) lines.erase(lines.begin());  // header
  return lines;
}

// flow_hourly: two dates, epochs 1–3, shards 0–1; parking: a compact file and a later part.
class SegTool : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir("basic");
    a_ = WriteSegment(
        dir_, "flow_hourly", "2026-03-01", 1, 0, kFlowSchema,
        {{"朝阳体育馆", "2026-03-01 08:00:00", "2026-03-01", "12", "0.5", "true", "入口, \"东\"门"},
         {"a,b", "", "", "", "", "", ""}});
    b_ = WriteSegment(dir_, "flow_hourly", "2026-03-01", 1, 1, kFlowSchema,
                      {{"场馆\n二", "2026-03-01 23:59:59", "2026-03-01", "-3", "-1.25", "false", "x"}});
    c_ = WriteSegment(
        dir_, "flow_hourly", "2026-03-02", 2, 0, kFlowSchema,
        {{"s", "2026-03-02 00:00:00", "2026-03-02", "9000000000", "1e+20", "true", "tab\there"}});
    d_ = WriteSegment(dir_, "parking", "2026-03-01", 2, std::nullopt, kIdSchema, IdRows(0, 30), 10);
    e_ = WriteSegment(dir_, "parking", "2026-03-01", 3, 0, kIdSchema, IdRows(30, 35));
    SaveEpoch(dir_, 2);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, a_, b_, c_, d_, e_;
};

TEST_F(SegTool, LsListsLiveFilesWithFooterRowsAndBytes) {
  const auto bytes = [](const fs::path& p) { return std::to_string(fs::file_size(p)); };
  Ran ran = RunSeg({"ls", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "table\tdate\tepoch\tshard\trows\tbytes\n"
            "flow_hourly\t2026-03-01\t1\t0\t2\t" +
                bytes(a_) + "\n" + "flow_hourly\t2026-03-01\t1\t1\t1\t" + bytes(b_) + "\n" +
                "flow_hourly\t2026-03-02\t2\t0\t1\t" + bytes(c_) + "\n" +
                "parking\t2026-03-01\t2\tcompact\t30\t" + bytes(d_) + "\n" +
                "parking\t2026-03-01\t3\t0\t5\t" + bytes(e_) + "\n");
  ran = RunSeg({"ls", "--data-dir", dir_.string(), "--table", "flow_hourly", "--date", "2026-03-02"});
  EXPECT_EQ(ran.out,
            "table\tdate\tepoch\tshard\trows\tbytes\nflow_hourly\t2026-03-02\t2\t0\t1\t" + bytes(c_) + "\n");
}

TEST_F(SegTool, CatCsvQuotesAsRfc4180AndLeavesNullsEmpty) {
  Ran ran = RunSeg({"cat", "--data-dir", dir_.string(), "--table", "flow_hourly"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "site,hour,day,visits,ratio,open,note\n"
            "朝阳体育馆,2026-03-01 08:00:00,2026-03-01,12,0.5,true,\"入口, \"\"东\"\"门\"\n"
            "\"a,b\",,,,,,\n"
            "\"场馆\n二\",2026-03-01 23:59:59,2026-03-01,-3,-1.25,false,x\n"
            "s,2026-03-02 00:00:00,2026-03-02,9000000000,1e+20,true,tab\there\n");
  ran = RunSeg({"cat", "--data-dir", dir_.string(), "--table", "flow_hourly", "--date", "2026-03-02"});
  EXPECT_EQ(ran.out,
            "site,hour,day,visits,ratio,open,note\n"
            "s,2026-03-02 00:00:00,2026-03-02,9000000000,1e+20,true,tab\there\n");
}

TEST_F(SegTool, CatNdjsonTypesValues) {
  Ran ran = RunSeg({"cat", "--data-dir", dir_.string(), "--table", "flow_hourly", "--format", "ndjson"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "{\"site\":\"朝阳体育馆\",\"hour\":\"2026-03-01 08:00:00\",\"day\":\"2026-03-01\",\"visits\":12,"
            "\"ratio\":0.5,\"open\":true,\"note\":\"入口, \\\"东\\\"门\"}\n"
            "{\"site\":\"a,b\",\"hour\":null,\"day\":null,\"visits\":null,\"ratio\":null,\"open\":null,"
            "\"note\":null}\n"
            "{\"site\":\"场馆\\n二\",\"hour\":\"2026-03-01 23:59:59\",\"day\":\"2026-03-01\",\"visits\":-3,"
            "\"ratio\":-1.25,\"open\":false,\"note\":\"x\"}\n"
            "{\"site\":\"s\",\"hour\":\"2026-03-02 00:00:00\",\"day\":\"2026-03-02\",\"visits\":9000000000,"
            "\"ratio\":1e+20,\"open\":true,\"note\":\"tab\\there\"}\n");
}

TEST(SegToolCat, KeepsEmptyStringsApartFromNulls) {
  const fs::path dir = TestDir("empty-strings");
  const fs::path path = storage::PartitionDir(dir, "notes", "2026-03-01") / storage::PartFileName(1, 0);
  auto writer = ParquetWriter::Create(path, {{"n", ColumnType::kString}});
  ASSERT_TRUE(writer.ok());
  (*writer)->AppendString(0, "");
  ASSERT_TRUE((*writer)->EndRow().ok());
  (*writer)->AppendNull(0);
  ASSERT_TRUE((*writer)->EndRow().ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(RunSeg({"cat", "--data-dir", dir.string(), "--table", "notes"}).out, "n\n\"\"\n\n");
  EXPECT_EQ(RunSeg({"cat", "--data-dir", dir.string(), "--table", "notes", "--format", "ndjson"}).out,
            "{\"n\":\"\"}\n{\"n\":null}\n");
  fs::remove_all(dir);
}

TEST_F(SegTool, StatsSumsFootersPerTable) {
  struct Sum {
    uint64_t files = 0, rows = 0, bytes = 0, uncompressed = 0, groups = 0;
  };
  const auto sum = [](const std::vector<fs::path>& paths) {
    Sum s;
    for (const fs::path& p : paths) {
      auto reader = ParquetReader::Open(p);
      EXPECT_TRUE(reader.ok());
      ++s.files;
      s.rows += (*reader)->num_rows();
      s.bytes += fs::file_size(p);
      s.groups += (*reader)->row_groups().size();
      for (const auto& g : (*reader)->row_groups())
        for (const auto& c : g.columns) s.uncompressed += c.total_uncompressed_size;
    }
    return s;
  };
  const auto line = [](const std::string& name, const Sum& s) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2f",
                  static_cast<double>(s.uncompressed) / static_cast<double>(s.bytes));
    return name + "\t" + std::to_string(s.files) + "\t" + std::to_string(s.rows) + "\t" +
           std::to_string(s.bytes) + "\t" + std::to_string(s.uncompressed) + "\t" + ratio + "\t" +
           std::to_string(s.groups) + "\n";
  };
  const Sum flow = sum({a_, b_, c_}), parking = sum({d_, e_}), total = sum({a_, b_, c_, d_, e_});
  EXPECT_EQ(flow.rows, 4u);
  EXPECT_EQ(parking.rows, 35u);
  EXPECT_EQ(parking.groups, 4u);  // 10 rows a group in the compact file
  Ran ran = RunSeg({"stats", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out, "table\tfiles\trows\tbytes\tuncompressed_bytes\tratio\trow_groups\n" +
                         line("flow_hourly", flow) + line("parking", parking) + line("total", total));
  ran = RunSeg({"stats", "--data-dir", dir_.string(), "--table", "parking"});
  EXPECT_EQ(ran.out, "table\tfiles\trows\tbytes\tuncompressed_bytes\tratio\trow_groups\n" +
                         line("parking", parking) + line("total", parking));
}

TEST_F(SegTool, VerifyIsCleanOnGoodFiles) {
  Ran ran = RunSeg({"verify", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 0) << ran.out << ran.err;
  EXPECT_EQ(ran.out,
            "verified 5 live files (39 rows): 0 problems; 0 superseded files awaiting deletion, "
            "0 files being written\n");
}

TEST_F(SegTool, VerifyNamesTheFileColumnAndPageOfAFlippedByte) {
  auto reader = ParquetReader::Open(d_);
  ASSERT_TRUE(reader.ok());
  const auto& chunk = (*reader)->row_groups()[1].columns[1];  // "name", row group 1
  const int64_t end =
      chunk.dictionary_page_offset.value_or(chunk.data_page_offset) + chunk.total_compressed_size;
  std::string bytes = ReadFile(d_);
  bytes[static_cast<size_t>(end - 1)] ^= 0x20;  // last byte of the chunk's last page body
  WriteFile(d_, bytes);
  Ran ran = RunSeg({"verify", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 1);
  const std::vector<std::string> lines = Lines(ran.out);
  ASSERT_EQ(lines.size(), 2u) << ran.out;
  EXPECT_TRUE(lines[0].starts_with(d_.string() + ": column 'name', row group 1, page ")) << lines[0];
  EXPECT_NE(lines[0].find("crc"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1],
            "verified 5 live files (39 rows): 1 problems; 0 superseded files awaiting deletion, "
            "0 files being written");
  // The other table is still clean.
  EXPECT_EQ(RunSeg({"verify", "--data-dir", dir_.string(), "--table", "flow_hourly"}).code, 0);
}

TEST_F(SegTool, VerifyNamesATruncatedFile) {
  std::string bytes = ReadFile(b_);
  bytes.resize(bytes.size() / 2);
  WriteFile(b_, bytes);
  Ran ran = RunSeg({"verify", "--data-dir", dir_.string(), "--table", "flow_hourly"});
  EXPECT_EQ(ran.code, 1);
  EXPECT_EQ(Lines(ran.out).size(), 2u) << ran.out;
  EXPECT_TRUE(ran.out.starts_with(b_.string() + ": footer damaged or truncated")) << ran.out;
  // cat and ls fail on it too, with the path.
  Ran cat = RunSeg({"cat", "--data-dir", dir_.string(), "--table", "flow_hourly"});
  EXPECT_EQ(cat.code, 1);
  EXPECT_NE(cat.err.find(b_.string()), std::string::npos) << cat.err;
  EXPECT_EQ(RunSeg({"ls", "--data-dir", dir_.string()}).code, 1);
}

TEST_F(SegTool, VerifyChecksTheLayout) {
  const fs::path partition = storage::PartitionDir(dir_, "flow_hourly", "2026-03-01");
  WriteFile(partition / "notes.txt", "hello");
  WriteFile(partition / "part-0000000009-000.parquet.tmp", "being written");
  const fs::path empty = WriteSegment(dir_, "flow_hourly", "2026-03-01", 2, 1, kFlowSchema, {});
  const fs::path other = WriteSegment(dir_, "flow_hourly", "2026-03-02", 2, 1, kIdSchema, IdRows(0, 2));
  Ran ran = RunSeg({"verify", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 1);
  EXPECT_EQ(
      Sorted(Lines(ran.out)),
      Sorted({(partition / "notes.txt").string() +
                  ": not a segment file (expected <table>/date=YYYY-MM-DD/part-<epoch>-<shard>.parquet or "
                  "compact-<epoch>.parquet)",
              empty.string() + ": no rows (--allow-empty accepts that)",
              other.string() + ": schema (id INT64 NOT NULL, name STRING) differs from " + a_.string() +
                  "'s (site STRING NOT NULL, hour TIMESTAMP, day DATE, visits INT64, ratio DOUBLE, open "
                  "BOOLEAN, note STRING)",
              "verified 7 live files (41 rows): 3 problems; 0 superseded files awaiting deletion, 1 files "
              "being written"}));
  ran = RunSeg({"verify", "--data-dir", dir_.string(), "--allow-empty"});
  EXPECT_EQ(ran.out.find("no rows"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find(": 2 problems;"), std::string::npos) << ran.out;
}

TEST(SegToolUsage, ExitsTwoOnUsageErrorsAndOneOnFailures) {
  const fs::path dir = TestDir("usage");
  EXPECT_EQ(RunSeg({}).code, 2);
  EXPECT_EQ(RunSeg({"frobnicate", "--data-dir", dir.string()}).code, 2);
  EXPECT_EQ(RunSeg({"ls"}).code, 2);
  EXPECT_EQ(RunSeg({"ls", "--data-dir", dir.string(), "--shard", "1"}).code, 2);
  EXPECT_EQ(RunSeg({"ls", "--data-dir", dir.string(), "--date", "2026-02-30"}).code, 2);
  EXPECT_EQ(RunSeg({"cat", "--data-dir", dir.string()}).code, 2);
  EXPECT_EQ(RunSeg({"cat", "--data-dir", dir.string(), "--table", "t", "--format", "xml"}).code, 2);
  EXPECT_EQ(RunSeg({"compact", "--data-dir", dir.string(), "--min-files", "0"}).code, 2);
  Ran help = RunSeg({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("export-archive"), std::string::npos);
  EXPECT_EQ(RunSeg({"ls", "--data-dir", (dir / "missing").string()}).code, 1);
  Ran cat = RunSeg({"cat", "--data-dir", dir.string(), "--table", "t"});
  EXPECT_EQ(cat.code, 1);
  EXPECT_NE(cat.err.find("no live segment files of table 't'"), std::string::npos) << cat.err;
  Ran compact = RunSeg({"compact", "--data-dir", dir.string()});
  EXPECT_EQ(compact.code, 1);
  EXPECT_NE(compact.err.find("no checkpoint in " + dir.string()), std::string::npos) << compact.err;
  fs::remove_all(dir);
}

// t/2026-03-01: epochs 1–3 × shards 0–1, then epochs 4 and 5 (shard 0); t/2026-03-02: two files of epoch 1.
class SegCompact : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir("compact");
    int next = 0;
    for (uint64_t epoch = 1; epoch <= 3; ++epoch)
      for (uint32_t shard = 0; shard < 2; ++shard, next += 7)
        WriteSegment(dir_, "t", "2026-03-01", epoch, shard, kIdSchema, IdRows(next, next + 7), 3);
    e4_ = WriteSegment(dir_, "t", "2026-03-01", 4, 0, kIdSchema, IdRows(100, 104));
    e5_ = WriteSegment(dir_, "t", "2026-03-01", 5, 0, kIdSchema, IdRows(200, 202));
    WriteSegment(dir_, "t", "2026-03-02", 1, 0, kIdSchema, IdRows(300, 302));
    WriteSegment(dir_, "t", "2026-03-02", 1, 1, kIdSchema, IdRows(400, 401));
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Files() {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(storage::SegmentsDir(dir_)))
      if (entry.is_regular_file())
        names.push_back(fs::relative(entry.path(), storage::SegmentsDir(dir_)).string());
    return Sorted(names);
  }

  fs::path dir_, e4_, e5_;
};

TEST_F(SegCompact, MergesFinalEpochsUpToThePgHoldAndKeepsEveryRow) {
  SaveEpoch(dir_, 4);
  WriteFile(dir_ / "pg_hold", "3\n");
  const std::vector<std::string> rows = Sorted(CsvRows(dir_, "t"));
  ASSERT_EQ(rows.size(), 42u + 4 + 2 + 3);
  const std::string e4 = ReadFile(e4_), e5 = ReadFile(e5_);

  Ran ran = RunSeg({"compact", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 0) << ran.out << ran.err;
  const std::vector<std::string> out = Lines(ran.out);
  ASSERT_GE(out.size(), 3u) << ran.out;
  EXPECT_EQ(out[0], "final epoch 4, pg_hold 3; compacting epochs <= 3");
  EXPECT_TRUE(
      out[1].starts_with("merged t/date=2026-03-01: 6 files (epochs 1..3, 42 rows) into "
                         "compact-0000000003.parquet ("))
      << out[1];
  EXPECT_EQ(out.back(), "1 partitions merged (6 files, 42 rows), 6 files deleted, 0 partitions expired");
  EXPECT_EQ(Files(), (std::vector<std::string>{"t/date=2026-03-01/compact-0000000003.parquet",
                                               "t/date=2026-03-01/part-0000000004-000.parquet",
                                               "t/date=2026-03-01/part-0000000005-000.parquet",
                                               "t/date=2026-03-02/part-0000000001-000.parquet",
                                               "t/date=2026-03-02/part-0000000001-001.parquet"}));
  EXPECT_EQ(Sorted(CsvRows(dir_, "t")), rows);
  EXPECT_EQ(ReadFile(e4_), e4);  // above the hold
  EXPECT_EQ(ReadFile(e5_), e5);  // above the final epoch
  EXPECT_EQ(RunSeg({"verify", "--data-dir", dir_.string()}).code, 0);

  // Hold gone: epoch 4 is final and merged; 5 never is. Two files are enough now.
  fs::remove(dir_ / "pg_hold");
  ran = RunSeg({"compact", "--data-dir", dir_.string(), "--min-files", "2"});
  EXPECT_EQ(ran.code, 0) << ran.out << ran.err;
  EXPECT_NE(ran.out.find("merged t/date=2026-03-01: 2 files (epochs 3..4, 46 rows) into compact-0000000004"),
            std::string::npos)
      << ran.out;
  EXPECT_NE(ran.out.find("merged t/date=2026-03-02: 2 files (epochs 1..1, 3 rows) into compact-0000000001"),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(Files(), (std::vector<std::string>{"t/date=2026-03-01/compact-0000000004.parquet",
                                               "t/date=2026-03-01/part-0000000005-000.parquet",
                                               "t/date=2026-03-02/compact-0000000001.parquet"}));
  EXPECT_EQ(Sorted(CsvRows(dir_, "t")), rows);
  EXPECT_EQ(ReadFile(e5_), e5);

  // Nothing left to merge: a no-op.
  ran = RunSeg({"compact", "--data-dir", dir_.string(), "--min-files", "1"});
  EXPECT_EQ(ran.code, 0);
  EXPECT_EQ(Lines(ran.out).back(),
            "0 partitions merged (0 files, 0 rows), 0 files deleted, 0 partitions expired");
}

TEST_F(SegCompact, RespectsMinFilesAndTable) {
  SaveEpoch(dir_, 5);
  WriteSegment(dir_, "u", "2026-03-01", 1, 0, kIdSchema, IdRows(0, 1));
  WriteSegment(dir_, "u", "2026-03-01", 2, 0, kIdSchema, IdRows(1, 2));
  Ran ran = RunSeg({"compact", "--data-dir", dir_.string(), "--table", "u", "--min-files", "3"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(Files().size(), 12u);  // nothing merged: 2 < 3, and t not asked for
  ran = RunSeg({"compact", "--data-dir", dir_.string(), "--table", "u", "--min-files", "2"});
  EXPECT_EQ(Files().size(), 11u);
  EXPECT_EQ(CsvRows(dir_, "u"), (std::vector<std::string>{"0,", "1,名字1"}));
}

TEST_F(SegCompact, AnInterruptedCompactionShowsNoDuplicatesAndIsCleanedUp) {
  SaveEpoch(dir_, 3);
  // A compaction of epochs ≤ 3 that published its file and stopped before deleting.
  Rows merged;
  for (int next = 0; next < 42; next += 7)
    for (const auto& row : IdRows(next, next + 7)) merged.push_back(row);
  WriteSegment(dir_, "t", "2026-03-01", 3, std::nullopt, kIdSchema, merged);
  EXPECT_EQ(Files().size(), 11u);

  std::vector<std::string> rows = CsvRows(dir_, "t");
  EXPECT_EQ(rows.size(), 42u + 4 + 2 + 3);
  std::vector<std::string> unique = Sorted(rows);
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end()) << "a row is listed twice";
  Ran ls = RunSeg({"ls", "--data-dir", dir_.string(), "--date", "2026-03-01"});
  EXPECT_EQ(Lines(ls.out).size(), 1u + 3) << ls.out;  // compact-3, part-4, part-5
  Ran verify = RunSeg({"verify", "--data-dir", dir_.string()});
  EXPECT_EQ(verify.code, 0);
  EXPECT_NE(verify.out.find("6 superseded files awaiting deletion"), std::string::npos) << verify.out;

  Ran ran = RunSeg({"compact", "--data-dir", dir_.string()});  // no partition has 4 final files
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_NE(
      ran.out.find("deleted superseded " +
                   (storage::PartitionDir(dir_, "t", "2026-03-01") / storage::PartFileName(2, 1)).string()),
      std::string::npos)
      << ran.out;
  EXPECT_EQ(Lines(ran.out).back(),
            "0 partitions merged (0 files, 0 rows), 6 files deleted, 0 partitions expired");
  EXPECT_EQ(Files().size(), 5u);
  EXPECT_EQ(Sorted(CsvRows(dir_, "t")), Sorted(rows));
}

TEST_F(SegCompact, RefusesABadPgHoldAndReportsASchemaMismatch) {
  SaveEpoch(dir_, 5);
  WriteFile(dir_ / "pg_hold", "three");
  Ran ran = RunSeg({"compact", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 1);
  EXPECT_NE(ran.err.find("pg_hold does not hold one decimal epoch"), std::string::npos) << ran.err;
  fs::remove(dir_ / "pg_hold");
  WriteSegment(dir_, "t", "2026-03-02", 2, 0, kFlowSchema, {{"s", "", "", "", "", "", ""}});
  ran = RunSeg({"compact", "--data-dir", dir_.string(), "--min-files", "3"});
  EXPECT_EQ(ran.code, 1);
  EXPECT_NE(ran.out.find("cannot merge t/date=2026-03-02: "), std::string::npos) << ran.out;
  EXPECT_NE(ran.err.find("1 partitions could not be merged"), std::string::npos) << ran.err;
  // The other partition was merged; the mismatched one is untouched, with no staged file left.
  EXPECT_EQ(Files(), (std::vector<std::string>{"t/date=2026-03-01/compact-0000000005.parquet",
                                               "t/date=2026-03-02/part-0000000001-000.parquet",
                                               "t/date=2026-03-02/part-0000000001-001.parquet",
                                               "t/date=2026-03-02/part-0000000002-000.parquet"}));
}

// One compaction per data dir: while another holds DIR/compact.lock (a
// server's background compaction, here this process), the tool fails at once,
// touching nothing, and names the lock; once it is released the tool runs.
TEST_F(SegCompact, FailsFastWhileAnotherCompactionHoldsTheLock) {
  SaveEpoch(dir_, 5);
  const std::vector<std::string> before = Files();
  {
    Result<storage::CompactLock> held = storage::CompactLock::TryAcquire(dir_);
    ASSERT_TRUE(held.ok()) << held.status().message();
    EXPECT_FALSE(storage::CompactLock::TryAcquire(dir_).ok()) << "a second holder in the same process";
    Ran ran = RunSeg({"compact", "--data-dir", dir_.string()});
    EXPECT_EQ(ran.code, 1);
    EXPECT_EQ(ran.out, "");
    EXPECT_EQ(ran.err, "civicflow-seg: another compaction is running on " + dir_.string() + " (it holds " +
                           (dir_ / "compact.lock").string() + "); try again when it has finished\n");
    EXPECT_EQ(Files(), before);
  }
  Ran ran = RunSeg({"compact", "--data-dir", dir_.string()});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(Files().size(), 3u) << ran.out;  // 2026-03-01 merged; 2026-03-02 has too few files
  EXPECT_TRUE(storage::CompactLock::TryAcquire(dir_).ok()) << "the tool released the lock";
}

// In a server's data dir an expired partition may still get files of epochs
// that are not final yet (late rows): retention deletes the final ones and
// keeps the directory until the rest are final too.
TEST(SegRetention, KeepsFilesOfEpochsThatAreNotFinal) {
  const fs::path dir = TestDir("retention-final");
  SaveEpoch(dir, 1);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const std::string old =
      (LocalTime::FromEpochMillis(now.count()).FloorDay() - 30 * LocalTime::kDay).DateString();
  WriteSegment(dir, "t", old, 1, 0, kIdSchema, IdRows(0, 1));
  const fs::path later = WriteSegment(dir, "t", old, 2, 0, kIdSchema, IdRows(1, 2));
  WriteFile(later.string() + ".tmp", "being written");
  Ran ran = RunSeg({"compact", "--data-dir", dir.string(), "--retention-days", "7"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_NE(ran.out.find("expired 1 files of partition " + storage::PartitionDir(dir, "t", old).string()),
            std::string::npos)
      << ran.out;
  EXPECT_TRUE(fs::exists(later));
  EXPECT_TRUE(fs::exists(later.string() + ".tmp"));
  EXPECT_FALSE(fs::exists(storage::PartitionDir(dir, "t", old) / storage::PartFileName(1, 0)));
  fs::remove(later.string() + ".tmp");
  SaveEpoch(dir, 2);
  ran = RunSeg({"compact", "--data-dir", dir.string(), "--retention-days", "7"});
  EXPECT_EQ(Lines(ran.out).back(),
            "0 partitions merged (0 files, 0 rows), 0 files deleted, 1 partitions expired");
  EXPECT_FALSE(fs::exists(storage::PartitionDir(dir, "t", old)));
  fs::remove_all(dir);
}

TEST(SegRetention, DeletesPartitionsOlderThanTheRetentionOnly) {
  const fs::path dir = TestDir("retention");
  SaveEpoch(dir, 1);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const LocalTime today = LocalTime::FromEpochMillis(now.count()).FloorDay();
  const auto day = [&](int back) { return (today - back * LocalTime::kDay).DateString(); };
  for (const std::string table : {"t", "u"})
    for (const int back : {30, 8, 7, 1}) WriteSegment(dir, table, day(back), 1, 0, kIdSchema, IdRows(0, 1));
  const auto partitions = [&](const std::string& table) {
    std::vector<std::string> dates;
    for (const auto& entry : fs::directory_iterator(storage::SegmentsDir(dir) / table))
      dates.push_back(entry.path().filename().string().substr(5));
    return Sorted(dates);
  };
  Ran ran = RunSeg({"compact", "--data-dir", dir.string(), "--table", "t", "--retention-days", "7"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_NE(ran.out.find("deleted partition " + storage::PartitionDir(dir, "t", day(30)).string() +
                         " (1 entries, older than " + day(7) + ")"),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(partitions("t"), Sorted({day(7), day(1)}));
  EXPECT_EQ(partitions("u").size(), 4u);
  ran = RunSeg({"compact", "--data-dir", dir.string(), "--retention-days", "7"});
  EXPECT_EQ(Lines(ran.out).back(),
            "0 partitions merged (0 files, 0 rows), 0 files deleted, 2 partitions expired");
  EXPECT_EQ(partitions("u"), Sorted({day(7), day(1)}));
  fs::remove_all(dir);
}

TEST(SegExportArchive, GivesBackTheExactLinesAndStopsAtATornTail) {
  const fs::path dir = TestDir("export");
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i)
    lines.push_back("{\"platform\":\"parking\",\"interface\":\"enterRecord\",\"ts\":" + std::to_string(i) +
                    ",\"body\":{\"parkCode\":\"停车场" + std::to_string(i) + "\",\"note\":\"a\\nb\"}}");
  {
    auto wal = storage::WalWriter::Open(storage::FileSystem::Posix(), dir / "wal", {},
                                        storage::WalOptions{.file_bytes = 1024});
    ASSERT_TRUE(wal.ok());
    for (size_t i = 0; i < lines.size(); ++i) {
      // One frame a commit round, so the log rotates across several files.
      std::promise<void> durable;
      (*wal)->Append(storage::FrameType::kUpload, lines[i], [&](const Status& s, storage::WalPosition) {
        EXPECT_TRUE(s.ok());
        durable.set_value();
      });
      durable.get_future().wait();
      if (i == 20)
        (*wal)->Append(storage::FrameType::kFlushWindows, "", [](const Status&, storage::WalPosition) {});
    }
    (*wal)->Close();
  }
  std::string expected;
  for (const std::string& line : lines) expected += line + "\n";
  ASSERT_GT(std::distance(fs::directory_iterator(dir / "wal"), fs::directory_iterator()), 2);

  Ran ran =
      RunSeg({"export-archive", "--data-dir", dir.string(), "--out", (dir / "archive.ndjson").string()});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err, "civicflow-seg: exported 40 uploads (41 WAL frames)\n");
  EXPECT_EQ(ReadFile(dir / "archive.ndjson"), expected);

  // A torn frame at the end: everything before it, a warning, the WAL untouched.
  fs::path last;
  for (const auto& entry : fs::directory_iterator(dir / "wal")) last = std::max(last, entry.path());
  std::string frame;
  storage::AppendFrame(storage::FrameType::kUpload, "{\"torn\":true}", frame);
  std::ofstream(last, std::ios::binary | std::ios::app) << frame.substr(0, frame.size() - 3);
  const std::string torn = ReadFile(last);
  ran = RunSeg({"export-archive", "--data-dir", dir.string()});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.out, expected);
  EXPECT_NE(ran.err.find("warning: the WAL ends in a torn or corrupt frame (" + last.filename().string() +
                         " at offset "),
            std::string::npos)
      << ran.err;
  EXPECT_NE(ran.err.find("torn frame payload"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("exported 40 uploads"), std::string::npos) << ran.err;
  EXPECT_EQ(ReadFile(last), torn);

  EXPECT_EQ(RunSeg({"export-archive", "--data-dir", (dir / "wal").string()}).code, 1);  // no DIR/wal/wal
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
