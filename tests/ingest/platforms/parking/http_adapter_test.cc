// ParkingAdapter against the parking client and the real engine, over real
// HTTP on loopback (LoopbackTransport: the real server in front of the
// adapter): every interface of the registry, duplicates, validation, tokens,
// heartbeats and offline lots, field encryption, signs, pictures,
// replenishCarInfo from the live reconciliation output, and the request
// errors (auth, a field's rule, malformed JSON, wrong method, unknown path,
// oversize), with the exact reply bodies where they are deterministic.
#include "ingest/platforms/parking/http_adapter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "engine/base/local_time.h"
#include "ingest/crypto/crypto.h"
#include "ingest/platforms/parking/reply.h"
#include "operators/replenish_query.h"
#include "tests/support/adapter_state.h"
#include "tests/support/counting_submitter.h"
#include "tests/support/examples.h"
#include "tests/support/live_pipeline.h"
#include "tests/support/loopback_transport.h"

namespace civicflow::testing {
namespace {

namespace crypto = ingest::crypto;
using ingest::Platform;
using ingest::Registry;
using ingest::http::ParkingAccount;
using ingest::parking::ParkingAdapter;
using loadgen::HttpAnswer;
using loadgen::HttpCall;
using loadgen::ReplyMember;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kStartMs = 1'795'168'800'000;  // 2026-11-20 18:00 local
constexpr int64_t kLifetimeMs = 2 * 3600 * 1000;
constexpr std::string_view kLot = "c492c59ab3b6eec618f2ba80974110e0";  // the examples' lot
constexpr std::string_view kOtherLot = "0123456789abcdef0123456789abcdef";

const ParkingAccount kSystemA{"szpark0305000001", crypto::Base64Encode(crypto::Sm3("p4rk-A-pass")),
                              "0123456789abcdef"};
const ParkingAccount kSystemB{"szpark0305000002", crypto::Base64Encode(crypto::Sm3("p4rk-B-pass")),
                              "fedcba9876543210"};
const ParkingAccount kSystemC{"szpark0305000003", crypto::Base64Encode(crypto::Sm3("p4rk-C-pass")),
                              "00112233445566778899aabbccddeeff"};

const std::string kEnter =
    R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","id":"095d560a2a2ddc902834c14d431c5451",)"
    R"("plateNo":"粤B12345","enterTime":"2026-11-20 18:00:00","entryCarPhotoId":"P1","entranceCode":"NQD001"})";

std::string TempDir() {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("parking_adapter_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
  std::filesystem::create_directories(dir);
  return dir.string();
}

ingest::InterfaceId IdOf(std::string_view name) {
  return Registry::Get().IdOf(*Registry::Get().Find(Platform::kParking, name));
}

std::string Envelope(std::string_view data, int64_t ts = kStartMs) {
  return R"({"timestamp":)" + std::to_string(ts) + R"(,"sign":")" + ingest::parking::DataSign(data) +
         R"(","version":"1.0.0","data":)" + std::string(data) + "}";
}

// The exact reply civicflow sends at `ts`, and at kStartMs.
std::string ReplyAt(int64_t ts, int code, std::string_view message, std::string_view data = "[]") {
  return ingest::parking::Reply(code, message, ts, data);
}
std::string ReplyAtStart(int code, std::string_view message, std::string_view data = "[]") {
  return ReplyAt(kStartMs, code, message, data);
}

// A member of the reply's first data row.
std::string FirstRowMember(std::string_view reply, std::string_view key) {
  simdjson::dom::parser parser;
  std::string_view value;
  if (parser.parse(simdjson::padded_string(reply))["data"].at(0)[key].get(value)) return {};
  return std::string(value);
}

std::string Sm4Base64(const ParkingAccount& account, std::string_view text) {
  return crypto::Base64Encode(crypto::Sm4EcbEncrypt(account.sm4_key, text).value());
}

std::string EnterRecord(std::string_view id, std::string_view plate, std::string_view time,
                        std::string_view lot = kLot) {
  return R"({"parkCode":")" + std::string(lot) + R"(","id":")" + std::string(id) + R"(","plateNo":")" +
         std::string(plate) + R"(","enterTime":")" + std::string(time) +
         R"(","entryCarPhotoId":"P1","entranceCode":"NQD001"})";
}

std::string ExitRecord(std::string_view id, std::string_view plate, std::string_view time) {
  return R"({"parkCode":")" + std::string(kLot) + R"(","id":")" + std::string(id) + R"(","plateNo":")" +
         std::string(plate) + R"(","leaveTime":")" + std::string(time) +
         R"(","exitCarPhotoId":"P2","exitCode":"NQD001"})";
}

std::string ParkCarInfo(std::string_view plates) {
  return R"({"parkCode":")" + std::string(kLot) + R"(","plateNoList":")" + std::string(plates) + R"("})";
}

std::string ReplenishQuery(std::string_view lot, std::string_view date, int page, int page_size) {
  return R"({"parkCode":")" + std::string(lot) + R"(","queryDate":")" + std::string(date) +
         R"(","currentPage":)" + std::to_string(page) + R"(,"pageSize":)" + std::to_string(page_size) + "}";
}
std::string Replenish(std::string_view lot, std::string_view date, int page, int page_size) {
  return "[" + ReplenishQuery(lot, date, page, page_size) + "]";
}

std::string Id32(int n) {
  char text[33];
  std::snprintf(text, sizeof text, "%032x", n);
  return text;
}

class ParkingAdapterTest : public ::testing::Test {
 protected:
  ParkingAdapterTest()
      : clock_(kStartMs),
        data_dir_(TempDir()),
        pictures_(data_dir_),
        counter_(pipeline_.submitter()),
        adapter_({kSystemA, kSystemB}, ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs},
                 plates_),
        transport_(adapter_, Platform::kParking, kStartMs),
        client_(loadgen::MakeParkingClient(kSystemA, "p4rk-A-pass")) {}
  ~ParkingAdapterTest() override { std::filesystem::remove_all(data_dir_); }

  HttpAnswer Send(const HttpCall& call) {
    Result<HttpAnswer> answer = transport_.RoundTrip(call);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer.value() : HttpAnswer{};
  }
  HttpAnswer Post(std::string_view interface, std::string body, Headers headers = {}) {
    return Send(
        HttpCall{"POST", "/dataReceive/v1/" + std::string(interface), std::move(headers), std::move(body)});
  }
  // Through the client: login when needed, encryption, sign.
  HttpAnswer Upload(std::string_view interface, std::string_view body, int64_t ts = kStartMs,
                    loadgen::PlatformClient* client = nullptr) {
    Result<HttpCall> call = (client ? *client : *client_).Upload(interface, ts, body, transport_);
    EXPECT_TRUE(call.ok()) << call.status().message();
    return call.ok() ? Send(call.value()) : HttpAnswer{};
  }
  std::string Login(const ParkingAccount& account, std::string_view password) {
    const std::string data = R"([{"userId":")" + account.user_id + R"(","password":")" +
                             crypto::Base64Encode(crypto::Sm3(password)) + R"("}])";
    return FirstRowMember(Post("login", Envelope(data)).body, "accessToken");
  }
  static Headers Auth(const std::string& token, std::string_view encrypted = "1") {
    return {{"authorization", token}, {"encrypted", std::string(encrypted)}};
  }
  std::vector<std::vector<std::string>> Rows(operators::Table table) {
    pipeline_.Drain();
    return pipeline_.rows(table);
  }

  ManualClock clock_;
  std::string data_dir_;
  ingest::http::PictureStore pictures_;
  LivePipeline pipeline_;
  CountingSubmitter counter_;
  operators::LiveProblemPlates plates_;
  ParkingAdapter adapter_;
  LoopbackTransport transport_;
  std::unique_ptr<loadgen::PlatformClient> client_;
};

TEST_F(ParkingAdapterTest, EveryInterfaceOfTheRegistryIsAcceptedFromItsExample) {
  // The reply rows of tables 8-26 for the examples.
  const std::string isv_park_id =
      crypto::HexEncode(crypto::Md5(kSystemA.user_id + "\n" + std::string(kLot) + "\n"));
  const std::string entrance_id =
      crypto::HexEncode(crypto::Md5(kSystemA.user_id + "\n" + std::string(kLot) + "\nNQD001"));
  const std::map<std::string_view, std::string> expected_data = {
      {"parkInfo",
       R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0","isvParkId":")" + isv_park_id + R"("}])"},
      {"entranceExitInfo", R"([{"id":")" + entrance_id + R"("}])"},
      {"enterRecord", R"([{"id":"095d560a2a2ddc902834c14d431c5451"}])"},
      {"exitRecord", R"([{"id":"095d560a2a2ddc902834c14d431c5451"}])"},
      {"parkSpaceInfo", R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0"}])"},
      {"parkCarInfo", R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0"}])"},
      {"reservation", R"([{"bookCode":"BK20261120175500000001"}])"},
      {"cancelReservation", R"([{"bookCode":"BK20261120175500000001"}])"},
      {"heartBeats", "[{\"timestamp\":" + std::to_string(kStartMs) + "}]"},
      {"replenishCarInfo", R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":[]}])"},
  };
  int answered = 0;
  for (const ingest::InterfaceSpec& spec : ingest::ParkingInterfaces()) {
    if (spec.name == "login") {  // with an account's password (the client also logs in by itself)
      EXPECT_EQ(Login(kSystemB, "p4rk-B-pass").size(), 32u);
      ++answered;
      continue;
    }
    const std::string body = ExampleBody(Platform::kParking, spec.name);
    ASSERT_FALSE(body.empty()) << spec.name;
    const HttpAnswer answer = Upload(spec.name, body);
    ++answered;
    EXPECT_EQ(answer.status, 200u) << spec.name;
    EXPECT_EQ(client_->ReplyCode(answer), "0") << spec.name << ": " << answer.body;
    EXPECT_EQ(ReplyMember(answer.body, "message"), "成功") << spec.name;
    EXPECT_EQ(ReplyMember(answer.body, "timestamp"), std::to_string(kStartMs)) << spec.name;
    if (spec.name == "picture") {
      const std::string data = ReplyMember(answer.body, "data");
      ASSERT_EQ(data.size(), std::string(R"([{"id":""}])").size() + 32) << data;
      EXPECT_TRUE(std::filesystem::exists(pictures_.PathOf(data.substr(8, 32)))) << data;
    } else {
      EXPECT_EQ(ReplyMember(answer.body, "data"), expected_data.at(spec.name)) << spec.name;
    }
    if (spec.direction != ingest::Direction::kQuery) {
      EXPECT_EQ(counter_.Totals(Registry::Get().IdOf(spec)).accepted, 1u) << spec.name;
    }
  }
  EXPECT_EQ(answered, 12);
  // The records reached the operators: entries and exits counted for the lot, the lot online.
  std::set<std::string> sources;
  for (const auto& row : Rows(operators::Table::kFlowHourly))
    if (row[0] == "parking" && row[1] == kLot) sources.insert(row[3]);
  EXPECT_EQ(sources, (std::set<std::string>{"parking_enter", "parking_exit"}));
  bool online = false;
  for (const auto& row : pipeline_.rows(operators::Table::kSiteStatus))
    online = online || (row[0] == "parking" && row[1] == kLot && row[3] == "online");
  EXPECT_TRUE(online);
}

TEST_F(ParkingAdapterTest, LoginIssuesATokenAndRefusesBadCredentials) {
  const std::string password = crypto::Base64Encode(crypto::Sm3("p4rk-A-pass"));
  const HttpAnswer ok =
      Post("login", Envelope(R"([{"userId":"szpark0305000001","password":")" + password + R"("}])"));
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ReplyMember(ok.body, "code"), "0");
  const std::string token = FirstRowMember(ok.body, "accessToken");
  EXPECT_EQ(token.size(), 32u) << ok.body;
  EXPECT_EQ(ok.body, ReplyAtStart(0, "成功", R"([{"accessToken":")" + token + R"("}])"));

  const std::string wrong = crypto::Base64Encode(crypto::Sm3("guess"));
  const std::string refused = ReplyAtStart(3001, "用户名或密码错误");
  const HttpAnswer bad_password =
      Post("login", Envelope(R"([{"userId":"szpark0305000001","password":")" + wrong + R"("}])"));
  EXPECT_EQ(bad_password.body, refused);
  EXPECT_EQ(bad_password.body.find(wrong), std::string::npos);
  EXPECT_EQ(Post("login", Envelope(R"([{"userId":"nobody","password":")" + password + R"("}])")).body,
            refused);
  // The plain password is not what the spec sends.
  EXPECT_EQ(Post("login", Envelope(R"([{"userId":"szpark0305000001","password":"p4rk-A-pass"}])")).body,
            refused);
  EXPECT_EQ(Post("login", Envelope(R"([{"userId":"szpark0305000001"}])")).body,
            ReplyAtStart(4, "parking/login[0].password: missing_mandatory (mandatory field missing)"));
}

TEST_F(ParkingAdapterTest, EveryTokenFailureIsRefused) {
  const std::string data = "[" + kEnter + "]";
  EXPECT_EQ(Post("enterRecord", Envelope(data)).body, ReplyAtStart(5, "Token校验失败"));
  const std::string bad_token = ReplyAtStart(3002, "访问令牌错误");
  EXPECT_EQ(Post("enterRecord", Envelope(data), Auth("0123456789abcdef0123456789abcdef")).body, bad_token);

  // A new login revokes the old token.
  const std::string first = Login(kSystemA, "p4rk-A-pass");
  ASSERT_EQ(first.size(), 32u);
  EXPECT_EQ(ReplyMember(Post("enterRecord", Envelope(data), Auth(first)).body, "code"), "0");
  const std::string second = Login(kSystemA, "p4rk-A-pass");
  ASSERT_NE(first, second);
  const HttpAnswer revoked = Post("enterRecord", Envelope(data), Auth(first));
  EXPECT_EQ(revoked.body, bad_token);
  EXPECT_EQ(revoked.body.find(first), std::string::npos);
  EXPECT_EQ(ReplyMember(Post("enterRecord", Envelope(data), Auth(second)).body, "code"), "1200");
  // Another account's login leaves this one's token alone.
  EXPECT_EQ(Login(kSystemB, "p4rk-B-pass").size(), 32u);
  EXPECT_EQ(ReplyMember(Post("enterRecord", Envelope(data), Auth(second)).body, "code"), "1200");

  // Expiry by the clock: one lifetime later the token is refused.
  clock_.Advance(kLifetimeMs);
  const HttpAnswer expired = Post("enterRecord", Envelope(data), Auth(second));
  EXPECT_EQ(ReplyMember(expired.body, "code"), "3002");
  EXPECT_EQ(ReplyMember(expired.body, "message"), "访问令牌错误");
  EXPECT_EQ(counter_.Totals(IdOf("enterRecord")).records, 3u);
}

TEST_F(ParkingAdapterTest, TheClientLogsInAgainWhenItsTokenIsRejected) {
  EXPECT_EQ(client_->ReplyCode(Upload("enterRecord", kEnter)), "0");
  Login(kSystemA, "p4rk-A-pass");  // another session of the same account revokes the client's token
  const HttpAnswer rejected = Upload("enterRecord", EnterRecord(Id32(2), "粤B22222", "2026-11-20 18:05:00"));
  ASSERT_TRUE(client_->TokenRejected(client_->ReplyCode(rejected))) << rejected.body;
  client_->ForgetToken();
  EXPECT_EQ(
      client_->ReplyCode(Upload("enterRecord", EnterRecord(Id32(2), "粤B22222", "2026-11-20 18:05:00"))),
      "0");
}

TEST_F(ParkingAdapterTest, HeartbeatsRefreshTheTokenAndKeepTheLotOnline) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string beat = R"([{"requestTime":"2026-11-20 18:00:00"}])";
  // No lot reported yet: accepted, but it stands for no lot.
  EXPECT_EQ(Post("heartBeats", Envelope(beat), Auth(token)).body,
            ReplyAtStart(0, "成功", "[{\"timestamp\":" + std::to_string(kStartMs) + "}]"));
  EXPECT_TRUE(adapter_.OfflineLots().empty());

  // Once the account reported a lot (parkInfo), its heartbeats stand for it.
  ASSERT_EQ(ReplyMember(Post("parkInfo", Envelope("[" + ExampleBody(Platform::kParking, "parkInfo") + "]"),
                             Auth(token))
                            .body,
                        "code"),
            "0");
  EXPECT_EQ(ReplyMember(Post("heartBeats", Envelope(beat), Auth(token)).body, "code"), "0");
  EXPECT_TRUE(adapter_.OfflineLots().empty());

  // Three missed beats: more than 90 s without one.
  clock_.Advance(90'000);
  EXPECT_TRUE(adapter_.OfflineLots().empty());
  clock_.Advance(1);
  EXPECT_EQ(adapter_.OfflineLots(), std::vector<std::string>{std::string(kLot)});
  EXPECT_EQ(ReplyMember(
                Post("heartBeats", Envelope(R"([{"requestTime":"2026-11-20 18:01:31"}])"), Auth(token)).body,
                "code"),
            "0");
  EXPECT_TRUE(adapter_.OfflineLots().empty());

  // The heartbeats refresh the token: it outlives its first lifetime.
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(kLifetimeMs / 2);
    EXPECT_EQ(ReplyMember(Post("heartBeats", Envelope(beat), Auth(token)).body, "code"), "0") << i;
  }
  clock_.Advance(kLifetimeMs);
  EXPECT_EQ(ReplyMember(Post("heartBeats", Envelope(beat), Auth(token)).body, "code"), "3002");
  EXPECT_EQ(adapter_.OfflineLots(), std::vector<std::string>{std::string(kLot)});

  // The heartbeats reached DeviceStatus with the session's parkCode filled in.
  EXPECT_EQ(counter_.Totals(IdOf("heartBeats")).accepted, 6u);
  std::vector<std::string> statuses;
  for (const auto& row : Rows(operators::Table::kSiteStatus))
    if (row[0] == "parking" && row[1] == kLot) statuses.push_back(row[3]);
  ASSERT_GE(statuses.size(), 2u);
  EXPECT_EQ(statuses.front(), "online");
}

TEST_F(ParkingAdapterTest, AHeartbeatNamingItsLotCountsForThatLot) {
  const std::string token = Login(kSystemB, "p4rk-B-pass");
  const std::string beat =
      R"([{"requestTime":"2026-11-20 18:00:00","parkCode":")" + std::string(kOtherLot) + R"("}])";
  EXPECT_EQ(ReplyMember(Post("heartBeats", Envelope(beat), Auth(token)).body, "code"), "0");
  clock_.Advance(90'001);
  EXPECT_EQ(adapter_.OfflineLots(), std::vector<std::string>{std::string(kOtherLot)});
  EXPECT_EQ(
      Post("heartBeats", Envelope(R"([{"requestTime":"2026-11-20 25:00:00"}])"), Auth(token)).body,
      ReplyAt(
          kStartMs + 90'001, 1005,
          R"(parking/heartBeats[0].requestTime: bad_time ("2026-11-20 25:00:00" is not a valid yyyy-MM-dd HH:mm:ss time))"));
  EXPECT_EQ(adapter_.OfflineLots(), std::vector<std::string>{std::string(kOtherLot)});
}

TEST_F(ParkingAdapterTest, DuplicatesAnswer1200AndMixedUploadsSucceed) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string data = "[" + kEnter + "]";
  const std::string echo = R"([{"id":"095d560a2a2ddc902834c14d431c5451"}])";
  EXPECT_EQ(Post("enterRecord", Envelope(data), Auth(token)).body, ReplyAtStart(0, "成功", echo));
  EXPECT_EQ(Post("enterRecord", Envelope(data), Auth(token)).body, ReplyAtStart(1200, "对象已存在", echo));
  const std::string mixed =
      "[" + kEnter + "," + EnterRecord(Id32(7), "粤B77777", "2026-11-20 18:07:00") + "]";
  EXPECT_EQ(
      Post("enterRecord", Envelope(mixed), Auth(token)).body,
      ReplyAtStart(0, "成功", R"([{"id":"095d560a2a2ddc902834c14d431c5451"},{"id":")" + Id32(7) + R"("}])"));
  const ingest::http::SubmitOutcome totals = counter_.Totals(IdOf("enterRecord"));
  EXPECT_EQ(totals.records, 4u);
  EXPECT_EQ(totals.duplicates, 2u);
  EXPECT_EQ(totals.accepted, 2u);
}

TEST_F(ParkingAdapterTest, ValidationErrorsNameTheRecordAndField) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string good = EnterRecord(Id32(1), "粤B11111", "2026-11-20 18:00:00");
  auto send = [&](const std::string& second) {
    return Post("enterRecord", Envelope("[" + good + "," + second + "]"), Auth(token)).body;
  };
  EXPECT_EQ(
      send(EnterRecord(Id32(2), "粤B22222", "2026-02-30 10:00:00")),
      ReplyAtStart(
          1005,
          R"(parking/enterRecord[1].enterTime: bad_time ("2026-02-30 10:00:00" is not a valid yyyy-MM-dd HH:mm:ss time))"));
  EXPECT_EQ(send(R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","id":")" + Id32(3) +
                 R"(","enterTime":"2026-11-20 18:00:00","entryCarPhotoId":"P","entranceCode":"E"})"),
            ReplyAtStart(4, "parking/enterRecord[1].plateNo: missing_mandatory (mandatory field missing)"));
  const HttpAnswer bad_lot = Post(
      "enterRecord", Envelope("[" + EnterRecord(Id32(4), "粤B44444", "2026-11-20 18:00:00", "LOT-1") + "]"),
      Auth(token));
  EXPECT_EQ(ReplyMember(bad_lot.body, "code"), "1001");
  EXPECT_NE(ReplyMember(bad_lot.body, "message").find("parking/enterRecord[0].parkCode: bad_format"),
            std::string::npos)
      << bad_lot.body;
  const HttpAnswer big_page =
      Post("replenishCarInfo", Envelope(Replenish(kLot, "2026-11-20", 1, 51)), Auth(token));
  EXPECT_EQ(ReplyMember(big_page.body, "code"), "1007");
  EXPECT_NE(ReplyMember(big_page.body, "message").find("parking/replenishCarInfo[0].pageSize: out_of_range"),
            std::string::npos)
      << big_page.body;
  // Nothing of a refused upload was kept.
  EXPECT_EQ(counter_.Totals(IdOf("enterRecord")).records, 0u);
}

TEST_F(ParkingAdapterTest, TheSignCoversTheExactBytesOfData) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string spaced = "[ " + kEnter + " ]";
  // Signed over the bytes as sent (spaces included), members in any order: accepted.
  const std::string body = R"({"data": )" + spaced + R"( ,"version":"1.0.0","sign":")" +
                           ingest::parking::DataSign(spaced) + R"(","timestamp":)" +
                           std::to_string(kStartMs) + "}";
  EXPECT_EQ(ReplyMember(Post("enterRecord", body, Auth(token)).body, "code"), "0");
  // Whitespace around the envelope is no content.
  EXPECT_EQ(ReplyMember(Post("enterRecord", "\r\n " + body + "\n", Auth(token)).body, "code"), "1200");
  // Signed over a re-serialisation of the same data: refused.
  const std::string resigned = R"({"timestamp":1,"sign":")" + ingest::parking::DataSign("[" + kEnter + "]") +
                               R"(","version":"1.0.0","data":)" + spaced + "}";
  EXPECT_EQ(Post("enterRecord", resigned, Auth(token)).body, ReplyAtStart(6, "sign参数校验失败"));
  // Upper-case hex is the same digest.
  std::string upper = ingest::parking::DataSign(spaced);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string upper_body =
      R"({"timestamp":1,"sign":")" + upper + R"(","version":"1.0.0","data":)" + spaced + "}";
  EXPECT_EQ(ReplyMember(Post("enterRecord", upper_body, Auth(token)).body, "code"), "1200");
}

TEST_F(ParkingAdapterTest, MalformedEnvelopesAreFormatErrors) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string data = "[" + kEnter + "]";
  const std::string sign = ingest::parking::DataSign(data);
  auto code2 = [](std::string_view detail) {
    return ReplyAtStart(2, "接口通用格式错误: " + std::string(detail));
  };
  EXPECT_EQ(Post("enterRecord", "{\"timestamp\":", Auth(token)).body, code2("body is not a JSON object"));
  EXPECT_EQ(Post("enterRecord", "[1,2]", Auth(token)).body, code2("body is not a JSON object"));
  EXPECT_EQ(Post("enterRecord", Envelope(data) + "{}", Auth(token)).body,
            code2("body is not one JSON object"));
  EXPECT_EQ(Post("enterRecord", R"({"timestamp":1,"version":"1","data":)" + data + "}", Auth(token)).body,
            code2("sign missing"));
  EXPECT_EQ(
      Post("enterRecord", R"({"timestamp":"now","sign":")" + sign + R"(","version":"1","data":)" + data + "}",
           Auth(token))
          .body,
      code2("timestamp must be an integer (epoch milliseconds)"));
  EXPECT_EQ(
      Post("enterRecord", R"({"timestamp":1,"sign":")" + sign + R"(","data":)" + data + "}", Auth(token))
          .body,
      code2("version missing"));
  EXPECT_EQ(
      Post("enterRecord", R"({"timestamp":1,"sign":")" + sign + R"(","version":"1"})", Auth(token)).body,
      code2("data missing"));
  EXPECT_EQ(Post("enterRecord", Envelope(kEnter), Auth(token)).body, code2("data must be a JSON array"));
  EXPECT_EQ(Post("enterRecord", Envelope("[]"), Auth(token)).body,
            ReplyAtStart(4, "参数错误: data is empty"));
  EXPECT_EQ(Post("enterRecord", Envelope("[1]"), Auth(token)).body,
            ReplyAtStart(2, "parking/enterRecord[0]: not_an_object (a record must be a JSON object)"));
}

TEST_F(ParkingAdapterTest, WrongMethodUnknownPathAndOversizeAnswerInTheSpecsFormat) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const HttpAnswer get = Send(HttpCall{"GET", "/dataReceive/v1/enterRecord", Auth(token), ""});
  EXPECT_EQ(get.status, 200u);
  EXPECT_EQ(get.body, ReplyAtStart(2, "接口通用格式错误: interfaces are called with POST"));
  EXPECT_EQ(Post("nothing", Envelope("[]"), Auth(token)).body,
            ReplyAtStart(1000, "编码/命名错误: no interface at /dataReceive/v1/nothing"));
  EXPECT_EQ(Send(HttpCall{"POST", "/dataReceive/v2/enterRecord", Auth(token), ""}).body,
            ReplyAtStart(1000, "编码/命名错误: no interface at /dataReceive/v2/enterRecord"));

  EXPECT_EQ(adapter_.BodyLimit("/dataReceive/v1/enterRecord"), 4u << 20);
  EXPECT_EQ(adapter_.BodyLimit("/dataReceive/v1/picture"), 600u << 10);
  const HttpAnswer oversize = Post("enterRecord", std::string((4 << 20) + 1, ' '), Auth(token));
  EXPECT_EQ(oversize.status, 200u);
  EXPECT_EQ(oversize.body, ReplyAtStart(1004, "超出规定长度: request body exceeds 4194304 bytes"));
  EXPECT_EQ(Post("picture", std::string((600 << 10) + 1, 'x'), Auth(token)).body,
            ReplyAtStart(1004, "超出规定长度: request body exceeds 614400 bytes"));
}

TEST_F(ParkingAdapterTest, SensitiveFieldsAreDecryptedUnderEncrypted0) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string encrypted_plate = Sm4Base64(kSystemA, "粤B12345");
  std::string record = kEnter;
  record.replace(record.find("粤B12345"), std::string_view("粤B12345").size(), encrypted_plate);
  const std::string data = "[" + record + "]";
  // Under encrypted: 0 the plate is decrypted before validation.
  EXPECT_EQ(ReplyMember(Post("enterRecord", Envelope(data), Auth(token, "0")).body, "code"), "0");
  // Sent as plain (encrypted: 1 or no header), the ciphertext is no plate.
  const HttpAnswer plain = Post("enterRecord", Envelope(data), {{"authorization", token}});
  EXPECT_NE(ReplyMember(plain.body, "code"), "0");
  EXPECT_NE(plain.body.find("parking/enterRecord[0].plateNo: "), std::string::npos) << plain.body;
  // Under encrypted: 0 a plain plate, or one under another key, is refused.
  const std::string refusal =
      "参数错误: parking/enterRecord[0].plateNo: not Base64 SM4-ECB ciphertext under the account's sm4Key";
  EXPECT_EQ(Post("enterRecord", Envelope("[" + kEnter + "]"), Auth(token, "0")).body,
            ReplyAtStart(4, refusal));
  std::string foreign = kEnter;
  foreign.replace(foreign.find("粤B12345"), std::string_view("粤B12345").size(),
                  Sm4Base64(kSystemB, "粤B12345"));
  const HttpAnswer wrong_key = Post("enterRecord", Envelope("[" + foreign + "]"), Auth(token, "0"));
  EXPECT_EQ(ReplyMember(wrong_key.body, "code"), "4") << wrong_key.body;
  EXPECT_EQ(Post("enterRecord", Envelope(data), Auth(token, "yes")).body,
            ReplyAtStart(4, "参数错误: header encrypted must be 0 or 1"));
  // Fields that are not sensitive are never decrypted.
  EXPECT_EQ(ReplyMember(Post("cancelReservation",
                             Envelope("[" + ExampleBody(Platform::kParking, "cancelReservation") + "]"),
                             Auth(token, "0"))
                            .body,
                        "code"),
            "0");
}

std::string Form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                 std::string_view file) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += "--B0undary\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
            std::string(value) + "\r\n";
  if (!file.empty())
    body +=
        "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n" +
        std::string(file) + "\r\n";
  return body + "--B0undary--\r\n";
}

TEST_F(ParkingAdapterTest, PicturesAreStoredAndTheirFieldsValidated) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  Headers form = {{"authorization", token}, {"content-type", "multipart/form-data; boundary=B0undary"}};
  const std::string picture(200 << 10, 'p');
  const std::string id = crypto::HexEncode(crypto::Md5(picture));
  const std::initializer_list<std::pair<std::string_view, std::string_view>> fields = {
      {"parkCode", kLot},    {"id", "NSKJY20261120000101"},  {"fileName", "南山智停20261120000101"},
      {"imageBizType", "4"}, {"timestamp", "1795168805000"}, {"pickTime", "1795168800000"}};
  EXPECT_EQ(Post("picture", Form(fields, picture), form).body,
            ReplyAtStart(0, "成功", R"([{"id":")" + id + R"("}])"));
  EXPECT_TRUE(std::filesystem::exists(pictures_.PathOf(id)));
  EXPECT_EQ(counter_.Totals(IdOf("picture")).accepted, 1u);

  EXPECT_EQ(Post("picture", Form(fields, ""), form).body,
            ReplyAtStart(4, "参数错误: parking/picture[0].file: missing"));
  EXPECT_EQ(Post("picture", Form(fields, std::string((500 << 10) + 1, 'q')), form).body,
            ReplyAtStart(1004, "超出规定长度: parking/picture[0].file: larger than 500 KB"));
  const std::string other(150 << 10, 'o');
  EXPECT_EQ(Post("picture",
                 Form({{"parkCode", kLot},
                       {"id", "X1"},
                       {"fileName", "f"},
                       {"imageBizType", "9"},
                       {"timestamp", "1795168805000"},
                       {"pickTime", "1795168800000"}},
                      other),
                 form)
                .body,
            ReplyAtStart(1007, R"(parking/picture[0].imageBizType: not_in_enum (9 not in 1|2|3|4|5))"));
  const HttpAnswer wrong_type = Post("picture",
                                     Form({{"parkCode", kLot},
                                           {"id", "X1"},
                                           {"fileName", "f"},
                                           {"imageBizType", "4"},
                                           {"timestamp", "soon"},
                                           {"pickTime", "1795168800000"}},
                                          other),
                                     form);
  EXPECT_EQ(ReplyMember(wrong_type.body, "code"), "1005") << wrong_type.body;
  // A refused picture is not stored.
  EXPECT_FALSE(std::filesystem::exists(pictures_.PathOf(crypto::HexEncode(crypto::Md5(other)))));
  EXPECT_EQ(Post("picture", "plain", {{"authorization", token}}).body,
            ReplyAtStart(2, "接口通用格式错误: Content-Type is not multipart/form-data"));
  EXPECT_EQ(Post("picture", Form(fields, picture), {{"content-type", form[1].second}}).body,
            ReplyAtStart(5, "Token校验失败"));
}

TEST_F(ParkingAdapterTest, ReplenishCarInfoPagesTheLiveProblemPlates) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  // The account reports the lot (any upload naming it).
  ASSERT_EQ(
      ReplyMember(Post("parkSpaceInfo",
                       Envelope("[" + ExampleBody(Platform::kParking, "parkSpaceInfo") + "]"), Auth(token))
                      .body,
                  "code"),
      "0");
  for (std::string_view plate : {"粤B00003", "粤B00001", "粤B00002"}) {
    const std::string_view row[] = {kLot, "2026-11-20", plate, "missing_exit", "2026-11-20 11:00:00"};
    plates_.Row(row);
  }
  auto query = [&](std::string_view lot, int page, int size) {
    return Post("replenishCarInfo", Envelope(Replenish(lot, "2026-11-20", page, size)), Auth(token)).body;
  };
  EXPECT_EQ(
      query(kLot, 1, 2),
      ReplyAtStart(
          0, "成功",
          R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":["粤B00001","粤B00002"]}])"));
  EXPECT_EQ(query(kLot, 2, 2),
            ReplyAtStart(0, "成功",
                         R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":["粤B00003"]}])"));
  EXPECT_EQ(query(kLot, 3, 2), ReplyAtStart(1107, "指定页码不存在"));
  // A lot the account never reported is unknown to it.
  EXPECT_EQ(query(kOtherLot, 1, 2), ReplyAtStart(1101, "车场不存在"));
  EXPECT_EQ(Post("replenishCarInfo", Envelope(Replenish(kLot, "2026-11-20", 1, 2)),
                 Auth(Login(kSystemB, "p4rk-B-pass")))
                .body,
            ReplyAtStart(1101, "车场不存在"));
  const std::string two =
      "[" + ReplenishQuery(kLot, "2026-11-20", 1, 2) + "," + ReplenishQuery(kLot, "2026-11-21", 1, 2) + "]";
  EXPECT_EQ(Post("replenishCarInfo", Envelope(two), Auth(token)).body,
            ReplyAtStart(2, "parking/replenishCarInfo[0]: not_an_object (one JSON object expected)"));
}

TEST_F(ParkingAdapterTest, ReplenishCarInfoAnswersFromTheReconciliationOfUploadedRecords) {
  auto ts = [](std::string_view time) { return ParseDateTime(time)->ToEpochMillis(); };
  // 10:00 baseline list {A, B}; A leaves, C enters; 11:00 list {B, D}:
  // tracked {B, C}, so D is missing its enter record and C its exit record.
  ASSERT_EQ(
      client_->ReplyCode(Upload("parkCarInfo", ParkCarInfo("粤BAAAA1, 粤BBBBB2"), ts("2026-11-20 10:00:00"))),
      "0");
  ASSERT_EQ(
      client_->ReplyCode(Upload("enterRecord", EnterRecord(Id32(10), "粤BAAAA1", "2026-11-20 09:30:00"))),
      "0");
  ASSERT_EQ(client_->ReplyCode(Upload("exitRecord", ExitRecord(Id32(10), "粤BAAAA1", "2026-11-20 10:20:00"))),
            "0");
  ASSERT_EQ(
      client_->ReplyCode(Upload("enterRecord", EnterRecord(Id32(11), "粤BCCCC3", "2026-11-20 10:30:00"))),
      "0");
  ASSERT_EQ(
      client_->ReplyCode(Upload("parkCarInfo", ParkCarInfo("粤BBBBB2,粤BDDDD4"), ts("2026-11-20 11:00:00"))),
      "0");
  for (const auto& row : Rows(operators::Table::kParkingProblemPlates))
    plates_.Row(std::vector<std::string_view>(row.begin(), row.end()));
  EXPECT_EQ(plates_.plates(), 2u);

  const HttpAnswer answer = Upload("replenishCarInfo", ReplenishQuery(kLot, "2026-11-20", 1, 50));
  EXPECT_EQ(
      answer.body,
      ReplyAtStart(
          0, "成功",
          R"([{"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":["粤BCCCC3","粤BDDDD4"]}])"));
  EXPECT_EQ(client_->ReplyCode(Upload("replenishCarInfo", Replenish(kLot, "2026-11-21", 1, 50))), "0");
}

TEST_F(ParkingAdapterTest, ConcurrentUploadsAreAllAnswered) {
  constexpr int kThreads = 4, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto client =
          loadgen::MakeParkingClient(t % 2 ? kSystemB : kSystemA, t % 2 ? "p4rk-B-pass" : "p4rk-A-pass");
      LoopbackTransport transport(adapter_, Platform::kParking, kStartMs);
      for (int i = 0; i < kEach; ++i) {
        const std::string body = EnterRecord(Id32(1000 * (t + 1) + i), "粤B12345", "2026-11-20 18:00:00");
        // Two threads share each account: their logins revoke each other's tokens.
        for (int attempt = 0; attempt < 50; ++attempt) {
          Result<HttpCall> call = client->Upload("enterRecord", kStartMs, body, transport);
          if (!call.ok()) break;
          Result<HttpAnswer> answer = transport.RoundTrip(*call);
          if (!answer.ok()) break;
          const std::string code = client->ReplyCode(*answer);
          if (!client->TokenRejected(code)) {
            accepted += code == "0";
            break;
          }
          client->ForgetToken();
        }
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), kThreads * kEach);
  EXPECT_EQ(counter_.Totals(IdOf("enterRecord")).accepted, static_cast<uint32_t>(kThreads * kEach));
}

}  // namespace
}  // namespace civicflow::testing

namespace civicflow::testing {
namespace {

// A checkpoint carries the tokens, which account reports which lot and the
// lots' heartbeats into a fresh adapter: after the restart the same requests
// get the same replies (a lot stays refused to the other account).
TEST_F(ParkingAdapterTest, StateCarriesTokensLotsAndHeartbeatsAcrossARestart) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string other_token = Login(kSystemB, "p4rk-B-pass");
  ASSERT_EQ(
      ReplyMember(Post("parkSpaceInfo",
                       Envelope("[" + ExampleBody(Platform::kParking, "parkSpaceInfo") + "]"), Auth(token))
                      .body,
                  "code"),
      "0");
  ASSERT_EQ(ReplyMember(
                Post("heartBeats", Envelope(R"([{"requestTime":"2026-11-20 18:00:00"}])"), Auth(token)).body,
                "code"),
            "0");
  const std::string_view row[] = {kLot, "2026-11-20", "粤B00001", "missing_exit", "2026-11-20 11:00:00"};
  plates_.Row(row);
  const std::string query = Envelope(Replenish(kLot, "2026-11-20", 1, 2));
  const std::string mine = Post("replenishCarInfo", query, Auth(token)).body;
  const std::string theirs = Post("replenishCarInfo", query, Auth(other_token)).body;
  ASSERT_EQ(
      mine,
      ReplyAtStart(0, "成功", R"([{"parkCode":")" + std::string(kLot) + R"(","plateNoList":["粤B00001"]}])"));
  ASSERT_EQ(theirs, ReplyAtStart(1101, "车场不存在"));

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] {
    return std::make_unique<ParkingAdapter>(std::vector{kSystemA, kSystemB}, context, plates_);
  };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kParking, kStartMs);
  auto post_after = [&](std::string_view interface, std::string body, Headers headers) {
    Result<HttpAnswer> answer = after.RoundTrip(
        HttpCall{"POST", "/dataReceive/v1/" + std::string(interface), std::move(headers), std::move(body)});
    EXPECT_TRUE(answer.ok());
    return answer.ok() ? answer->body : std::string();
  };
  EXPECT_EQ(post_after("replenishCarInfo", query, Auth(token)), mine);
  EXPECT_EQ(post_after("replenishCarInfo", query, Auth(other_token)), theirs);
  // The lot's heartbeat session went along: online now, offline after three missed beats.
  EXPECT_EQ(restarted->HeartbeatCounts().online, 1u);
  clock_.Advance(ingest::parking::LotRegistry::kOfflineAfterMs + 1);
  EXPECT_EQ(restarted->OfflineLots(), std::vector<std::string>{std::string(kLot)});
  EXPECT_EQ(restarted->OfflineLots(), adapter_.OfflineLots());

  ExpectEveryTruncationFails(state, make, token);
}

// The accounts file changed between runs: system C added in front, B
// removed, so A moved from index 0 to 1. A keeps its token and its lot (its
// heartbeats still stand for it); B's token is refused and the heartbeat session
// of the lot only B reported is gone with it (a lot A reports too keeps its
// own); C logs in as usual and reports no lot yet.
TEST_F(ParkingAdapterTest, StateFollowsItsAccountsWhenOneIsAddedAndAnotherRemoved) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  const std::string removed_token = Login(kSystemB, "p4rk-B-pass");
  ASSERT_EQ(
      ReplyMember(Post("parkSpaceInfo",
                       Envelope("[" + ExampleBody(Platform::kParking, "parkSpaceInfo") + "]"), Auth(token))
                      .body,
                  "code"),
      "0");
  ASSERT_EQ(ReplyMember(
                Post("heartBeats", Envelope(R"([{"requestTime":"2026-11-20 18:00:00"}])"), Auth(token)).body,
                "code"),
            "0");
  for (std::string_view lot : {kOtherLot, kLot}) {
    const std::string beat =
        R"([{"requestTime":"2026-11-20 18:00:00","parkCode":")" + std::string(lot) + R"("}])";
    ASSERT_EQ(ReplyMember(Post("heartBeats", Envelope(beat), Auth(removed_token)).body, "code"), "0");
  }
  const std::string_view row[] = {kLot, "2026-11-20", "粤B00001", "missing_exit", "2026-11-20 11:00:00"};
  plates_.Row(row);
  const std::string query = Envelope(Replenish(kLot, "2026-11-20", 1, 2));
  const std::string mine = Post("replenishCarInfo", query, Auth(token)).body;
  ASSERT_EQ(
      mine,
      ReplyAtStart(0, "成功", R"([{"parkCode":")" + std::string(kLot) + R"(","plateNoList":["粤B00001"]}])"));
  ASSERT_EQ(adapter_.HeartbeatCounts().online, 2u);

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] {
    return std::make_unique<ParkingAdapter>(std::vector{kSystemC, kSystemA}, context, plates_);
  };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kParking, kStartMs);
  auto post_after = [&](std::string_view interface, std::string body, Headers headers) {
    Result<HttpAnswer> answer = after.RoundTrip(
        HttpCall{"POST", "/dataReceive/v1/" + std::string(interface), std::move(headers), std::move(body)});
    EXPECT_TRUE(answer.ok());
    return answer.ok() ? answer->body : std::string();
  };
  // A: the same reply as before, its lot still its own.
  EXPECT_EQ(post_after("replenishCarInfo", query, Auth(token)), mine);
  EXPECT_EQ(post_after("replenishCarInfo", Envelope(Replenish(kOtherLot, "2026-11-20", 1, 2)), Auth(token)),
            ReplyAtStart(1101, "车场不存在"));
  // B: gone, and its token with it.
  EXPECT_EQ(post_after("replenishCarInfo", query, Auth(removed_token)), ReplyAtStart(3002, "访问令牌错误"));
  // C: logs in, holds no lot.
  const std::string login_c =
      R"([{"userId":")" + kSystemC.user_id + R"(","password":")" + kSystemC.password_sm3_base64 + R"("}])";
  const std::string new_token = FirstRowMember(post_after("login", Envelope(login_c), {}), "accessToken");
  ASSERT_EQ(new_token.size(), 32u);
  EXPECT_EQ(post_after("replenishCarInfo", query, Auth(new_token)), ReplyAtStart(1101, "车场不存在"));
  // Only kLot's heartbeat session is left, and A's heartbeats stand for it.
  EXPECT_EQ(restarted->HeartbeatCounts().online, 1u);
  clock_.Advance(ingest::parking::LotRegistry::kOfflineAfterMs + 1);
  EXPECT_EQ(restarted->OfflineLots(), std::vector<std::string>{std::string(kLot)});
  EXPECT_EQ(adapter_.OfflineLots().size(), 2u);
  clock_.Advance(kLifetimeMs - ingest::parking::LotRegistry::kOfflineAfterMs - 2);
  EXPECT_EQ(ReplyMember(
                post_after("heartBeats", Envelope(R"([{"requestTime":"2026-11-20 19:59:59"}])"), Auth(token)),
                "code"),
            "0");
  EXPECT_TRUE(restarted->OfflineLots().empty());

  ExpectEveryTruncationFails(state, make, token);
}

// A token whose lifetime passed while the server was down is refused after
// LoadState, with the spec's code for a bad token.
TEST_F(ParkingAdapterTest, ATokenThatExpiredWhileDownIsRefusedAfterARestart) {
  const std::string token = Login(kSystemA, "p4rk-A-pass");
  clock_.Advance(kLifetimeMs / 2);
  const std::string later_token = Login(kSystemB, "p4rk-B-pass");
  std::string state;
  StateWriter out(state);
  adapter_.SaveState(out);
  clock_.Advance(kLifetimeMs / 2);  // down until the first token's lifetime is over
  ParkingAdapter restarted({kSystemA, kSystemB},
                           ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs}, plates_);
  StateReader in(state);
  restarted.LoadState(in);
  ASSERT_FALSE(in.failed()) << in.error();
  LoopbackTransport after(restarted, Platform::kParking, kStartMs);
  auto beat = [&](const std::string& with) {
    return ReplyMember(after
                           .RoundTrip(HttpCall{"POST", "/dataReceive/v1/heartBeats", Auth(with),
                                               Envelope(R"([{"requestTime":"2026-11-20 18:00:00"}])")})
                           ->body,
                       "code");
  };
  EXPECT_EQ(beat(token), "3002");
  EXPECT_EQ(beat(later_token), "0");
}

}  // namespace
}  // namespace civicflow::testing
