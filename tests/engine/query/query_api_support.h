#pragma once
// What the tests of the query API on the real `civicflow serve` share: a
// data dir replayed from a generated archive of every platform (once per
// test binary), the queries of the contract, a client that checks each
// reply's shape, and tables read straight from the segment files with the
// Parquet reader (not through the server's code).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "engine/cli/replay.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/segments/compaction.h"
#include "storage/segments/segment_layout.h"
#include "tests/support/http_uploads.h"
#include "tests/support/serve_process.h"

namespace civicflow::testing {

namespace fs = std::filesystem;

// A table's rows as name → cell maps, read here file by file with the
// Parquet reader (not through the server's code).
inline std::vector<std::map<std::string, std::string>> TableCells(const fs::path& data_dir,
                                                                  const std::string& table) {
  std::vector<std::map<std::string, std::string>> rows;
  auto listing = storage::ListSegments(data_dir, table);
  EXPECT_TRUE(listing.ok());
  if (!listing.ok()) return rows;
  for (const storage::SegmentFile& file : listing->live) {
    auto reader = storage::parquet::ParquetReader::Open(file.path);
    EXPECT_TRUE(reader.ok()) << file.path;
    if (!reader.ok()) continue;
    auto text = (*reader)->ReadTextRows();
    EXPECT_TRUE(text.ok()) << file.path;
    if (!text.ok()) continue;
    for (const auto& cells : *text) {
      auto& row = rows.emplace_back();
      for (size_t c = 0; c < cells.size(); ++c) row[(*reader)->columns()[c].name] = cells[c];
    }
  }
  return rows;
}

struct Reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

class QueryClient {
 public:
  explicit QueryClient(uint16_t port) : transport_({"127.0.0.1", port}) {}
  Reply Call(const std::string& target, const std::string& method = "GET") {
    loadgen::HttpCall call;
    call.method = method;
    call.target = target;
    auto answer = transport_.RoundTrip(call);
    EXPECT_TRUE(answer.ok()) << target << ": " << (answer.ok() ? "" : answer.status().message());
    if (!answer.ok()) return {};
    return {answer->status, answer->content_type, answer->body};
  }
  // The `data` array of a 200 reply as compact JSON rows; expects `source`.
  std::vector<std::string> Data(const std::string& target, std::string_view source) {
    const Reply reply = Call(target);
    EXPECT_EQ(reply.status, 200u) << target << ": " << reply.body;
    EXPECT_EQ(reply.content_type, "application/json;charset=UTF-8");
    simdjson::dom::element root;
    std::vector<std::string> rows;
    if (parser_.parse(reply.body).get(root) != simdjson::SUCCESS) {
      ADD_FAILURE() << target << ": not JSON: " << reply.body;
      return rows;
    }
    EXPECT_EQ(root["ok"].get_bool().value_unsafe(), true) << reply.body;
    std::string_view said;
    EXPECT_EQ(root["source"].get(said), simdjson::SUCCESS);
    EXPECT_EQ(said, source) << target;
    simdjson::dom::array data;
    EXPECT_EQ(root["data"].get(data), simdjson::SUCCESS) << reply.body;
    for (simdjson::dom::element row : data) rows.push_back(simdjson::minify(row));
    return rows;
  }
  // A JSON error reply: its status, parameter and message.
  void ExpectError(const std::string& target, unsigned status, std::string_view parameter,
                   std::string_view words, const std::string& method = "GET") {
    const Reply reply = Call(target, method);
    EXPECT_EQ(reply.status, status) << target << ": " << reply.body;
    EXPECT_EQ(reply.content_type, "application/json;charset=UTF-8") << target;
    simdjson::dom::element root;
    ASSERT_EQ(parser_.parse(reply.body).get(root), simdjson::SUCCESS) << reply.body;
    EXPECT_EQ(root["ok"].get_bool().value_unsafe(), false) << reply.body;
    std::string_view said_parameter, message;
    EXPECT_EQ(root["error"]["parameter"].get(said_parameter), simdjson::SUCCESS) << reply.body;
    EXPECT_EQ(root["error"]["message"].get(message), simdjson::SUCCESS) << reply.body;
    EXPECT_EQ(said_parameter, parameter) << target;
    EXPECT_NE(message.find(words), std::string_view::npos) << target << ": " << reply.body;
  }
  simdjson::dom::parser& parser() { return parser_; }

 private:
  loadgen::HttpTransport transport_;
  simdjson::dom::parser parser_;
};

// Field `key` of each row: numbers as doubles (exact for the integers here).
inline std::map<std::string, double> Column(simdjson::dom::parser& parser,
                                            const std::vector<std::string>& rows,
                                            const std::vector<std::string>& keys, const std::string& value) {
  std::map<std::string, double> out;
  for (const std::string& text : rows) {
    simdjson::dom::element row = parser.parse(text).value_unsafe();
    std::string key;
    for (const std::string& k : keys) key += std::string(row[k].get_string().value_unsafe()) + "|";
    out[key] += row[value].get_double().value_unsafe();
  }
  return out;
}

// The demo archive's tables and the queries asked of them.
class QueryApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::FreshTestDir("query-api");
    datagen::GeneratorOptions generate;
    generate.out_path = (dir_ / "archive.ndjson").string();
    generate.records = 4'000;
    generate.seed = 29;
    generate.days = 2;
    generate.duplicate_rate = 0.02;
    generate.correction_rate = 0.01;
    demo_ = new DemoUploads(PrepareUploads(dir_, generate));
    ReplayOptions replay;
    replay.data_dir = (dir_ / "data").string();
    replay.files = {generate.out_path};
    auto report = RunReplay(replay);
    ASSERT_TRUE(report.ok()) << report.status().message();
  }
  static void TearDownTestSuite() {
    delete demo_;
    fs::remove_all(dir_);
  }
  static fs::path data() { return dir_ / "data"; }

  // Every query of the contract, and each one's data.
  static std::vector<std::string> Targets(const std::string& lot, const std::string& date) {
    return {"/query/v1/flow?by=hour",
            "/query/v1/flow?by=day",
            "/query/v1/flow?by=site",
            "/query/v1/flow?by=district",
            "/query/v1/flow?by=day&platform=parking&from=" + date + "&to=" + date,
            "/query/v1/energy?by=venue",
            "/query/v1/energy?by=district",
            "/query/v1/energy?by=kind",
            "/query/v1/energy?by=day&kind=electricity",
            "/query/v1/parking?by=lot",
            "/query/v1/parking?by=day",
            "/query/v1/problem-plates?lot=" + lot + "&date=" + date,
            "/query/v1/offline",
            "/query/v1/tickets?by=session",
            "/query/v1/tickets?by=hour",
            "/query/v1/tickets?by=day",
            "/query/v1/ingest"};
  }
  // The demo's live counters are not wired in (ingest) and its lots may all be online (offline).
  static bool MayBeEmpty(const std::string& target) {
    return target.find("/ingest") != std::string::npos || target.find("/offline") != std::string::npos;
  }
  // A lot and date with problem plates.
  static std::pair<std::string, std::string> ProblemLotAndDate() {
    auto rows = TableCells(data(), "parking_problem_plates");
    if (rows.empty()) return {"", ""};
    return {rows.front()["park_code"], rows.front()["date"]};
  }

  static inline fs::path dir_;
  static inline DemoUploads* demo_ = nullptr;
};

}  // namespace civicflow::testing
