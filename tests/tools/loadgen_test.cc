// civicflow-loadgen's parts that need no civicflow server: regrouping an
// archive into requests (records preserved exactly, per-interface order
// kept), the JSON span scanner, latency percentiles against a sorted-vector
// reference, the demo accounts file, and the keep-alive transport against
// tiny loopback servers that close connections on purpose (after an answer,
// or after answering a request whose body they did not read).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <thread>

#include "ingest/crypto/crypto.h"
#include "ingest/http/accounts.h"
#include "ingest/registry/record_parser.h"
#include "ingest/registry/registry.h"
#include "tools/datagen/generator.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/demo_accounts.h"
#include "tools/loadgen/http_transport.h"
#include "tools/loadgen/json_spans.h"
#include "tools/loadgen/latency_histogram.h"
#include "tools/loadgen/load_run.h"
#include "tools/loadgen/request_plan.h"
#include "tools/loadgen/upload_regrouper.h"

namespace civicflow::loadgen {
namespace {

namespace fs = std::filesystem;
using ingest::Platform;

fs::path TestDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("civicflow-loadgen-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// ---- JSON spans ----

TEST(JsonSpans, SplitsArraysAndObjectsAtTopLevelOnly) {
  const auto elements = ArrayElements(R"( [ {"a":"x,]}","b":[1,2]} , 3 ,"q\"[" ,[] ] )");
  ASSERT_TRUE(elements);
  EXPECT_EQ(*elements, (std::vector<std::string_view>{R"({"a":"x,]}","b":[1,2]})", "3", R"("q\"[")", "[]"}));
  EXPECT_EQ(ArrayElements("[]")->size(), 0u);
  EXPECT_FALSE(ArrayElements(R"({"a":1})"));

  const auto members = ObjectMembers(R"({"k\"1" : {"x":[1,{"y":"}"}]}, "list":[ ],"n":-1.50e3})");
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].key, R"(k\"1)");
  EXPECT_EQ((*members)[0].value, R"({"x":[1,{"y":"}"}]})");
  EXPECT_EQ((*members)[1].key, "list");
  EXPECT_EQ((*members)[1].value, "[ ]");
  EXPECT_EQ((*members)[2].value, "-1.50e3");
  EXPECT_FALSE(ObjectMembers("[1]"));
}

// ---- Regrouping ----

// One record as an independent reading sees it: simdjson's minified DOM of
// the record (with its parent's other members for record_list interfaces),
// plus `ts` where the interface is keyed by it.
struct RecordView {
  std::string interface;  // "parking/enterRecord"
  std::string text;
  bool operator==(const RecordView&) const = default;
};

bool KeyedByTs(const ingest::InterfaceSpec& spec) {
  return spec.event_time == ingest::kEnvelopeTs ||
         std::find(spec.dedup_key.begin(), spec.dedup_key.end(), ingest::kEnvelopeTs) != spec.dedup_key.end();
}

std::vector<RecordView> RecordsOf(const ArchiveUpload& upload) {
  const std::string name = std::string(ingest::PlatformName(upload.platform)) + "/" + upload.interface;
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(upload.platform, upload.interface);
  const std::string ts = spec && KeyedByTs(*spec) ? " @" + std::to_string(upload.ts_ms) : "";
  simdjson::dom::parser parser;
  simdjson::dom::element body = parser.parse(simdjson::padded_string(upload.body)).value();
  std::vector<RecordView> out;
  if (spec && !spec->record_list.empty() && body.is_object()) {
    std::string parent;
    simdjson::dom::array list;
    const simdjson::dom::object object = body.get_object().value();
    for (auto [key, value] : object) {
      if (key == spec->record_list) {
        list = value.get_array().value();
      } else {
        parent += std::string(key) + "=" + simdjson::minify(value) + ";";
      }
    }
    for (simdjson::dom::element element : list)
      out.push_back({name, parent + simdjson::minify(element) + ts});
  } else if (body.is_array()) {
    const simdjson::dom::array array = body.get_array().value();
    for (simdjson::dom::element element : array) out.push_back({name, simdjson::minify(element) + ts});
  } else {
    out.push_back({name, simdjson::minify(body) + ts});
  }
  return out;
}

// Records by interface, in order.
std::map<std::string, std::vector<std::string>> ByInterface(const std::vector<ArchiveUpload>& uploads) {
  std::map<std::string, std::vector<std::string>> out;
  for (const ArchiveUpload& upload : uploads)
    for (RecordView& record : RecordsOf(upload)) out[record.interface].push_back(std::move(record.text));
  return out;
}

// The first difference between two ByInterface results, or "" when equal.
std::string FirstDifference(const std::map<std::string, std::vector<std::string>>& want,
                            const std::map<std::string, std::vector<std::string>>& got) {
  for (const auto& [interface, records] : want) {
    const auto it = got.find(interface);
    if (it == got.end()) return interface + ": missing";
    for (size_t i = 0; i < std::max(records.size(), it->second.size()); ++i) {
      const std::string a = i < records.size() ? records[i] : "(none)";
      const std::string b = i < it->second.size() ? it->second[i] : "(none)";
      if (a != b) return interface + " record " + std::to_string(i) + ": want " + a + "\n got " + b;
    }
  }
  if (got.size() != want.size()) return "extra interfaces";
  return "";
}

uint64_t TotalRecords(const std::vector<ArchiveUpload>& uploads) {
  uint64_t total = 0;
  for (const ArchiveUpload& upload : uploads) total += upload.records;
  return total;
}

class RegroupArchiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path dir = TestDir("regroup");
    datagen::GeneratorOptions options;
    options.out_path = (dir / "archive.ndjson").string();
    options.records = 20000;
    options.days = 1;
    options.seed = 7;
    ASSERT_TRUE(datagen::Generate(options).ok());
    archive_ = new ArchiveContents;
    ASSERT_TRUE(ReadArchiveUploads(options.out_path, 0, *archive_).ok());
  }
  static void TearDownTestSuite() { delete archive_; }
  static ArchiveContents* archive_;
};
ArchiveContents* RegroupArchiveTest::archive_ = nullptr;

TEST_F(RegroupArchiveTest, ReadsEveryPlatformAndSkipsOnlyTornLines) {
  std::map<Platform, int> platforms;
  for (const ArchiveUpload& upload : archive_->uploads) ++platforms[upload.platform];
  EXPECT_EQ(platforms.size(), std::size(ingest::kAllPlatforms));
  EXPECT_GT(archive_->uploads.size(), 5000u);
  EXPECT_LT(archive_->unreadable_lines, archive_->uploads.size() / 100);
}

TEST_F(RegroupArchiveTest, KeepsEveryRecordInOrderPerInterface) {
  const auto original = ByInterface(archive_->uploads);
  const uint64_t records = TotalRecords(archive_->uploads);
  for (uint32_t batch : {1u, 7u, 100u}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    const std::vector<ArchiveUpload> requests = RegroupUploads(archive_->uploads, batch);
    EXPECT_EQ(FirstDifference(original, ByInterface(requests)), "");
    EXPECT_EQ(TotalRecords(requests), records);
    for (const ArchiveUpload& request : requests)
      EXPECT_EQ(request.records, CountRecords(request.platform, request.interface, request.body));
  }
}

TEST_F(RegroupArchiveTest, BatchOneSendsOneRecordPerRequestWhereTheBodyAllowsIt) {
  const std::vector<ArchiveUpload> requests = RegroupUploads(archive_->uploads, 1);
  size_t split = 0;
  for (const ArchiveUpload& request : requests)
    if (RegroupingOf(request.platform, request.interface) != Regrouping::kAsArchived) {
      ++split;
      if (request.records != 1) {
        // Only a line the registry rejects stays whole.
        const auto* spec = ingest::Registry::Get().Find(request.platform, request.interface);
        Arena arena;
        std::vector<ingest::Record> out;
        EXPECT_TRUE(ingest::ParseBodyText(ingest::Registry::Get().IdOf(*spec), request.body, request.ts_ms,
                                          arena, out)
                        .error.has_value())
            << request.interface << " " << request.body;
      }
    }
  EXPECT_GT(split, requests.size() / 2);
  EXPECT_GT(requests.size(), archive_->uploads.size());
}

TEST_F(RegroupArchiveTest, BatchHundredFillsRequestsAndLeavesTheRestAlone) {
  const std::vector<ArchiveUpload> requests = RegroupUploads(archive_->uploads, 100);
  size_t full = 0;
  for (const ArchiveUpload& request : requests) {
    EXPECT_LE(request.records, 100u) << request.interface;
    if (request.records == 100) ++full;
  }
  EXPECT_GT(full, 20u);
  EXPECT_LT(requests.size(), archive_->uploads.size() / 4);
  // Calls that are not uploads go as archived, in their order.
  std::vector<std::string> archived_before, archived_after;
  for (const ArchiveUpload& u : archive_->uploads)
    if (RegroupingOf(u.platform, u.interface) == Regrouping::kAsArchived) archived_before.push_back(u.body);
  for (const ArchiveUpload& u : requests)
    if (RegroupingOf(u.platform, u.interface) == Regrouping::kAsArchived) archived_after.push_back(u.body);
  EXPECT_EQ(archived_after, archived_before);
}

ArchiveUpload Upload(Platform platform, std::string interface, int64_t ts, std::string body) {
  ArchiveUpload upload{platform, std::move(interface), ts, std::move(body), 0};
  upload.records = CountRecords(upload.platform, upload.interface, upload.body);
  return upload;
}

const std::string kGateA =
    R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":"440305001","deviceId":"GATE1",)"
    R"("admTime":"2026-11-16 08:00:01"})";
const std::string kGateB =
    R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":"440305001","deviceId":"GATE1",)"
    R"("admTime":"2026-11-16 08:00:02"})";
const std::string kGateBad =
    R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":"440305001","deviceId":"GATE1",)"
    R"("admTime":"2026-02-30 08:00:02"})";

TEST(RegroupUploads, KeepsTheShapeOfSingleRecordsAndMergesIntoArrays) {
  const std::vector<ArchiveUpload> uploads = {
      Upload(Platform::kFitness, "syncGatebrakeFlowData", 1, kGateA),
      Upload(Platform::kFitness, "syncGatebrakeFlowData", 2, "[" + kGateB + "]"),
  };
  const auto single = RegroupUploads(uploads, 1);
  ASSERT_EQ(single.size(), 2u);
  EXPECT_EQ(single[0].body, kGateA);
  EXPECT_EQ(single[1].body, "[" + kGateB + "]");
  const auto merged = RegroupUploads(uploads, 10);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].body, "[" + kGateA + "," + kGateB + "]");
  EXPECT_EQ(merged[0].records, 2u);
  EXPECT_EQ(merged[0].ts_ms, 2);
}

TEST(RegroupUploads, LeavesARejectedLineWhole) {
  const std::string broken = "[" + kGateA + "," + kGateBad + "]";
  const std::vector<ArchiveUpload> uploads = {
      Upload(Platform::kFitness, "syncGatebrakeFlowData", 1, broken),
      Upload(Platform::kFitness, "syncGatebrakeFlowData", 2, kGateB),
  };
  const auto requests = RegroupUploads(uploads, 1);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, broken);
  EXPECT_EQ(requests[1].body, kGateB);
}

TEST(RegroupUploads, SplitsAndMergesTicketListsOnlyUnderTheSameParent) {
  auto check = [](std::string session, std::string ticket) {
    return R"({"ticketId":")" + ticket + R"(","sessionId":"S1","priceId":"P1","sessionCode":")" + session +
           R"(","checkingTime":"2026-11-16 19:00:00","checkingType":1,"authType":1})";
  };
  const std::string a = check("SC1", "T1"), b = check("SC1", "T2"), c = check("SC1", "T3");
  const std::vector<ArchiveUpload> uploads = {
      Upload(Platform::kTicketing, "report/checking", 1, R"({"ticketList":[)" + a + "," + b + "]}"),
      Upload(Platform::kTicketing, "report/checking", 2, R"({"ticketList":[)" + c + "]}"),
  };
  ASSERT_EQ(RegroupingOf(Platform::kTicketing, "report/checking"), Regrouping::kRecordList);
  const auto single = RegroupUploads(uploads, 1);
  ASSERT_EQ(single.size(), 3u);
  EXPECT_EQ(single[1].body, R"({"ticketList":[)" + b + "]}");
  const auto merged = RegroupUploads(uploads, 3);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].body, R"({"ticketList":[)" + a + "," + b + "," + c + "]}");
}

TEST(RegroupUploads, MergesEnvelopeTimedListsOnlyAtTheSameTsAndInARow) {
  auto list = [](const char* lot) {
    return std::string(R"([{"parkCode":")") + lot + R"(","plateNoList":"粤B12345"}])";
  };
  const std::vector<ArchiveUpload> uploads = {
      Upload(Platform::kParking, "parkCarInfo", 1000, list("2775c247592e0d495d27ab50f39099d1")),
      Upload(Platform::kParking, "parkCarInfo", 1000, list("a5671caa2e14831a188101b0d1e4f731")),
      Upload(Platform::kParking, "parkCarInfo", 2000, list("ed93a93d5634f540d5640babadb1f43a")),
      Upload(Platform::kParking, "parkCarInfo", 1000, list("33cbb71f19a3fac7a4536040496df2c8")),
  };
  const auto requests = RegroupUploads(uploads, 100);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].ts_ms, 1000);
  EXPECT_EQ(requests[0].records, 2u);
  EXPECT_EQ(requests[1].ts_ms, 2000);
  EXPECT_EQ(requests[2].ts_ms, 1000);
  EXPECT_EQ(requests[2].records, 1u);
}

TEST(RegroupUploads, NeverTouchesAuthQueryAndFileCalls) {
  EXPECT_EQ(RegroupingOf(Platform::kParking, "login"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kParking, "heartBeats"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kParking, "replenishCarInfo"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kParking, "picture"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kFitness, "uploadFile"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kFitness, "syncVenueDataGet"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kTicketing, "report/order"), Regrouping::kRecordList);
  EXPECT_EQ(RegroupingOf(Platform::kTicketing, "performance/code"), Regrouping::kAsArchived);
  EXPECT_EQ(RegroupingOf(Platform::kParking, "enterRecord"), Regrouping::kRecordArray);
  EXPECT_EQ(RegroupingOf(Platform::kCommunity, "stk/rytxjl"), Regrouping::kRecordArray);
  EXPECT_EQ(RegroupingOf(Platform::kFitness, "noSuchInterface"), Regrouping::kAsArchived);
}

// Answers each request with its own body and a count; closes the connection
// after `per_connection` answers (announcing it on the last one only when
// `announce_close`).
class LoopbackServer {
 public:
  LoopbackServer(int per_connection, bool announce_close)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this, per_connection, announce_close] { Serve(per_connection, announce_close); }) {}
  ~LoopbackServer() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

 private:
  void Serve(int per_connection, bool announce_close) {
    namespace http = boost::beast::http;
    int answered = 0;
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++connections_;
      boost::beast::flat_buffer buffer;
      for (int i = 0; i < per_connection; ++i) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) break;
        http::response<http::string_body> response(http::status::ok, 11);
        response.set(http::field::content_type, "application/json");
        response.body() =
            R"({"code":)" + std::to_string(++answered) + R"(,"echo":")" + request.body() + "\"}";
        response.keep_alive(!(announce_close && i + 1 == per_connection));
        response.prepare_payload();
        http::write(socket, response, ec);
        if (ec) break;
      }
      socket.close(ec);  // silently when not announced: the client finds out on its next request
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_ = false;
  std::atomic<int> connections_ = 0;
  std::thread thread_;
};

// ---- Request plan ----

TEST(RequestPlan, MasterDataIsWhatHasNeitherEventTimeNorDedupKey) {
  EXPECT_TRUE(IsSetupInterface(Platform::kCommunity, "xq"));
  EXPECT_TRUE(IsSetupInterface(Platform::kCommunity, "cldz"));
  EXPECT_TRUE(IsSetupInterface(Platform::kParking, "parkInfo"));
  EXPECT_TRUE(IsSetupInterface(Platform::kFitness, "syncVenueData"));
  EXPECT_TRUE(IsSetupInterface(Platform::kTicketing, "report/session/update"));
  EXPECT_FALSE(IsSetupInterface(Platform::kCommunity, "stk/zpjl"));
  EXPECT_FALSE(IsSetupInterface(Platform::kParking, "cancelReservation"));  // dedup key
  EXPECT_FALSE(IsSetupInterface(Platform::kParking, "heartBeats"));         // auth
  EXPECT_FALSE(IsSetupInterface(Platform::kTicketing, "report/checking"));
  EXPECT_FALSE(IsSetupInterface(Platform::kFitness, "noSuchInterface"));
}

TEST(RequestPlan, AnUploadSpeaksForTheAccountItsPartitionKeyHashesTo) {
  const auto slot = [](Platform platform, const char* interface, std::string body) {
    return AccountSlot(Upload(platform, interface, 1, std::move(body)));
  };
  const size_t lot = std::hash<std::string>()("2775c247592e0d495d27ab50f39099d1");
  EXPECT_EQ(slot(Platform::kParking, "enterRecord",
                 R"([{"parkCode":"2775c247592e0d495d27ab50f39099d1","id":"1"}])"),
            lot);
  EXPECT_EQ(slot(Platform::kParking, "heartBeats", R"({"parkCode":"2775c247592e0d495d27ab50f39099d1"})"),
            lot);
  EXPECT_EQ(slot(Platform::kOrienteering, "punches", R"({"session_id":"ses_1","control_seq":1})"),
            slot(Platform::kOrienteering, "session-uploads", R"({"session_id":"ses_1"})"));
  EXPECT_EQ(slot(Platform::kFitness, "syncOrderData", R"({"venueId":440103003})"),
            std::hash<std::string>()("440103003"));
  // report/checking: sessionCode is a field of the list's elements.
  EXPECT_EQ(slot(Platform::kTicketing, "report/checking", R"({"ticketList":[{"sessionCode":"SC7"}]})"),
            std::hash<std::string>()("SC7"));
  EXPECT_EQ(slot(Platform::kParking, "parkSpaceInfo", "[]"), 0u);
  EXPECT_EQ(slot(Platform::kFitness, "uploadFile", R"({"uploadFile":"a.jpg"})"), 0u);
}

TEST(RunLoad, SendsEveryRequestAtTheRateAndCountsRepliesByCode) {
  LoopbackServer server(1000, true);
  const HttpEndpoint endpoint{"127.0.0.1", server.port()};
  RequestPlan plan;
  plan.by_connection.resize(1);
  for (int i = 0; i < 20; ++i)
    plan.by_connection[0].push_back(
        {WireRequest({"POST", "/dataReceive/v1/enterRecord", {}, "x"}, endpoint), Platform::kParking, 3});
  LoadReport report;
  ASSERT_TRUE(RunLoad(plan, ingest::http::Accounts(), {endpoint, 200, ""}, report).ok());
  EXPECT_EQ(report.requests, 20u);
  EXPECT_EQ(report.records, 60u);
  EXPECT_EQ(report.latency.count(), 20u);
  EXPECT_EQ(report.transport_errors, 0u);
  EXPECT_EQ(report.replies,
            (std::map<std::string, uint64_t>{{"parking http_200", 20}}));  // no parking account
  EXPECT_GE(report.seconds, 19 / 200.0);  // the 20th request is due 95 ms after the start
  EXPECT_EQ(report.setup_requests, 0u);
}

TEST(RunLoad, FailsOnlyWhenItCannotConnect) {
  uint16_t port;
  {
    LoopbackServer gone(1, true);
    port = gone.port();
  }
  RequestPlan plan;
  plan.by_connection.resize(2);
  LoadReport report;
  EXPECT_FALSE(RunLoad(plan, ingest::http::Accounts(), {{"127.0.0.1", port}, 0, ""}, report).ok());
}

// ---- Latency histogram ----

int64_t ReferencePercentile(std::vector<int64_t> sorted, double q) {
  std::sort(sorted.begin(), sorted.end());
  const auto rank =
      std::max<size_t>(1, static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

TEST(LatencyHistogram, PercentilesMatchASortedReferenceWithinOneBucket) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(200'000.0), 1.2);  // ~200 µs, long tail
  std::vector<int64_t> values;
  LatencyHistogram histogram;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<int64_t>(latency(rng));
    values.push_back(v);
    histogram.Record(v);
  }
  for (double q : {0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const int64_t want = ReferencePercentile(values, q), got = histogram.Percentile(q);
    EXPECT_GE(got, want) << "q " << q;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(want) * (1 + LatencyHistogram::kRelativeError))
        << "q " << q;
  }
  EXPECT_EQ(histogram.Percentile(1.0), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(histogram.min(), *std::min_element(values.begin(), values.end()));
}

TEST(LatencyHistogram, SmallValuesAreExactAndMergingEqualsRecordingOnce) {
  LatencyHistogram a, b, all;
  for (int64_t v = 0; v < 128; ++v) {
    (v % 2 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), 128u);
  for (double q : {0.1, 0.5, 0.75, 1.0}) {
    EXPECT_EQ(a.Percentile(q), all.Percentile(q));
    EXPECT_EQ(a.Percentile(q), ReferencePercentile(
                                   [] {
                                     std::vector<int64_t> v(128);
                                     for (int i = 0; i < 128; ++i) v[i] = i;
                                     return v;
                                   }(),
                                   q));
  }
  EXPECT_EQ(LatencyHistogram().Percentile(0.5), 0);
  LatencyHistogram huge;
  huge.Record(INT64_MAX);
  EXPECT_EQ(huge.Percentile(0.5), INT64_MAX);
}

// ---- Demo accounts ----

TEST(DemoAccounts, LoadWithAccountsLoadAndHashTheParkingPassword) {
  const fs::path dir = TestDir("accounts") / "nested";
  Result<std::string> path = WriteDemoAccounts({dir.string(), "s3cret-pass", 3});
  ASSERT_TRUE(path.ok()) << path.status().message();
  Result<ingest::http::Accounts> accounts = ingest::http::Accounts::Load(*path);
  ASSERT_TRUE(accounts.ok()) << accounts.status().message();
  EXPECT_EQ(accounts->fitness.size(), 3u);
  EXPECT_EQ(accounts->parking.size(), 3u);
  EXPECT_EQ(accounts->community.size(), 3u);
  EXPECT_EQ(accounts->ticketing.size(), 3u);
  EXPECT_EQ(accounts->orienteering.size(), 3u);
  const std::string expected = ingest::crypto::Base64Encode(ingest::crypto::Sm3("s3cret-pass"));
  for (const auto& parking : accounts->parking) {
    EXPECT_EQ(parking.password_sm3_base64, expected);
    EXPECT_EQ(parking.sm4_key.size(), 16u);
  }
  EXPECT_NE(accounts->parking[0].sm4_key, accounts->parking[1].sm4_key);
  for (const auto& fitness : accounts->fitness) {
    EXPECT_GE(fitness.app_key.size(), 8u);
    EXPECT_FALSE(fitness.allow_plaintext);
  }
  EXPECT_NE(accounts->community[0].private_key_pem, accounts->community[1].private_key_pem);
  EXPECT_TRUE(fs::exists(dir / "community-1.pem"));
  std::ifstream file(*path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(R"("privateKeyPem":"community-2.pem")"), std::string::npos);
  EXPECT_EQ(ParkingPasswordHash("civicflow-demo"),
            ingest::crypto::Base64Encode(ingest::crypto::Sm3(std::string(kDefaultParkingPassword))));
}

// ---- HTTP transport ----

TEST(HttpTransport, ParsesUrlsAndBuildsWireRequests) {
  Result<HttpEndpoint> endpoint = ParseHttpUrl("http://127.0.0.1:8080/");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, 8080);
  EXPECT_FALSE(ParseHttpUrl("https://x:1").ok());
  EXPECT_FALSE(ParseHttpUrl("http://x:0").ok());
  EXPECT_FALSE(ParseHttpUrl("http://x:1/path").ok());
  EXPECT_EQ(ParseHttpUrl("http://localhost")->port, 80);

  HttpCall call{"POST", "/api/x?a=1", {{"Content-Type", "text/plain"}, {"Host", "ignored"}}, "body"};
  EXPECT_EQ(WireRequest(call, *endpoint),
            "POST /api/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: text/plain\r\n"
            "Content-Length: 4\r\n\r\nbody");
  EXPECT_EQ(WireRequest({"GET", "/t", {}, ""}, *endpoint), "GET /t HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
}

TEST(HttpTransport, KeepsTheConnectionAliveAndReconnectsWhenTheServerCloses) {
  for (bool announce : {true, false}) {
    SCOPED_TRACE(announce ? "announced close" : "silent close");
    LoopbackServer server(2, announce);
    HttpTransport transport({"127.0.0.1", server.port()});
    for (int i = 1; i <= 5; ++i) {
      Result<HttpAnswer> answer = transport.RoundTrip({"POST", "/x", {}, "r" + std::to_string(i)});
      ASSERT_TRUE(answer.ok()) << answer.status().message();
      EXPECT_EQ(answer->status, 200u);
      EXPECT_EQ(answer->content_type, "application/json");
      EXPECT_EQ(ReplyMember(answer->body, "code"), std::to_string(i));
      EXPECT_EQ(ReplyMember(answer->body, "echo"), "r" + std::to_string(i));
    }
    EXPECT_EQ(transport.connects(), 3u);
    EXPECT_EQ(server.connections(), 3);
  }
}

// A server that refuses a body from its Content-Length answers before reading
// it and closes (as HttpServer does past a route's limit): sending fails, and
// the transport returns the answer that is already there.
TEST(HttpTransport, HearsAnAnswerSentBeforeTheBodyWasRead) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::thread server([&] {
    for (int i = 0; i < 2; ++i) {
      boost::asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) return;
      boost::beast::flat_buffer buffer;
      http::request_parser<http::string_body> parser;
      parser.body_limit(std::numeric_limits<uint64_t>::max());
      http::read_header(socket, buffer, parser, ec);
      http::response<http::string_body> response(http::status::payload_too_large, 11);
      response.body() = "refused: " + std::to_string(parser.content_length().value_or(0));
      response.keep_alive(false);
      response.prepare_payload();
      http::write(socket, response, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      socket.close(ec);  // the unread body makes this a reset
    }
  });
  HttpTransport transport({"127.0.0.1", acceptor.local_endpoint().port()});
  // Larger than what the socket buffers take in, so that sending fails.
  Result<HttpAnswer> answer = transport.RoundTrip({"POST", "/x", {}, std::string(32u << 20, 'x')});
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 413u);
  EXPECT_EQ(answer->body, "refused: 33554432");
  answer = transport.RoundTrip({"POST", "/x", {}, "small"});  // on a new connection
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->body, "refused: 5");
  EXPECT_EQ(transport.connects(), 2u);
  server.join();
}

TEST(HttpTransport, ReportsAServerThatIsNotThereAsAStatus) {
  uint16_t port;
  {
    LoopbackServer gone(1, true);
    port = gone.port();
  }
  HttpTransport transport({"127.0.0.1", port});
  EXPECT_FALSE(transport.Connect().ok());
  Result<HttpAnswer> answer = transport.RoundTrip({"GET", "/", {}, ""});
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("cannot connect"), std::string::npos) << answer.status().message();
}

}  // namespace
}  // namespace civicflow::loadgen
