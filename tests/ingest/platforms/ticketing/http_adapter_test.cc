// TicketingAdapter against the ticketing client and the real engine, over
// real HTTP on loopback (LoopbackTransport: the real server in front of the
// adapter): every interface of the registry, the answered queries (types,
// venues, session codes), duplicates, validation, tokens, and the request
// errors (auth, a field's rule, malformed JSON, wrong method, unknown path,
// oversize), with the exact reply bodies where they are deterministic.
#include "ingest/platforms/ticketing/http_adapter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <thread>

#include "tests/support/adapter_state.h"
#include "tests/support/counting_submitter.h"
#include "tests/support/examples.h"
#include "tests/support/live_pipeline.h"
#include "tests/support/loopback_transport.h"

namespace civicflow::testing {
namespace {

using ingest::Platform;
using ingest::Registry;
using ingest::http::TicketingAccount;
using ingest::http::TicketingAdapter;
using loadgen::HttpAnswer;
using loadgen::HttpCall;
using loadgen::ReplyMember;

constexpr int64_t kStartMs = 1'763'632'800'000;
constexpr int64_t kLifetimeMs = 3600 * 1000;

const TicketingAccount kSeller{"tk_app_440305_0001", "9f2c4e7a1b3d5f6081a2b3c4d5e6f708"};
const TicketingAccount kOtherSeller{"tk_app_440306_0002", "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"};
const TicketingAccount kNewSeller{"tk_app_440307_0003", "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"};

const std::string kCheck =
    R"({"ticketList":[{"ticketId":"TK01","sessionId":"S1","priceId":"P1","sessionCode":"440305001012026112001",)"
    R"("checkingTime":"2026-11-20 18:42:05","checkingType":1,"authType":1}]})";

const std::string kOk = R"({"code":200,"msg":"success","success":true,"data":true})";
const std::string kMissingToken =
    R"({"code":4200,"msg":"accessToken missing: get one from /getAccessToken","success":false,"data":null})";
const std::string kBadToken =
    R"({"code":4200,"msg":"accessToken invalid or expired: get a new one from /getAccessToken","success":false,"data":null})";

std::string Failure(std::string_view message) {
  std::string reply = R"({"code":4000,"msg":")";
  reply += message;
  return reply + R"(","success":false,"data":null})";
}

ingest::InterfaceId IdOf(std::string_view name) {
  return Registry::Get().IdOf(*Registry::Get().Find(Platform::kTicketing, name));
}

class TicketingAdapterTest : public ::testing::Test {
 protected:
  TicketingAdapterTest()
      : clock_(kStartMs),
        pictures_("/nonexistent"),
        counter_(pipeline_.submitter()),
        adapter_({kSeller, kOtherSeller},
                 ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs}),
        transport_(adapter_, Platform::kTicketing, kStartMs) {}

  HttpAnswer Send(std::string method, std::string target, std::string body = {}) {
    Result<HttpAnswer> answer =
        transport_.RoundTrip(HttpCall{std::move(method), std::move(target), {}, std::move(body)});
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer.value() : HttpAnswer{};
  }
  HttpAnswer Upload(loadgen::PlatformClient& client, std::string_view interface, std::string_view body) {
    Result<HttpCall> call = client.Upload(interface, kStartMs, body, transport_);
    EXPECT_TRUE(call.ok()) << call.status().message();
    if (!call.ok()) return {};
    Result<HttpAnswer> answer = transport_.RoundTrip(call.value());
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer.value() : HttpAnswer{};
  }
  std::string Token(const TicketingAccount& account) {
    const HttpAnswer answer =
        Send("POST", "/getAccessToken",
             R"({"appId":")" + account.app_id + R"(","secret":")" + account.secret + R"("})");
    return ReplyMember(ReplyMember(answer.body, "data"), "accessToken");
  }
  // `body` (a JSON object) with the token as its first member.
  static std::string WithToken(const std::string& token, std::string_view body) {
    return R"({"accessToken":")" + token + "\"," + std::string(body.substr(1));
  }

  ManualClock clock_;
  ingest::http::PictureStore pictures_;
  LivePipeline pipeline_;
  CountingSubmitter counter_;
  TicketingAdapter adapter_;
  LoopbackTransport transport_;
};

// Every interface of the registry gets a good request over HTTP, getAccessToken included.
TEST_F(TicketingAdapterTest, EveryInterfaceOfTheRegistryIsAcceptedFromItsExample) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  int uploads = 0;
  for (const ingest::InterfaceSpec& spec : ingest::TicketingInterfaces()) {
    const std::string body = ExampleBody(Platform::kTicketing, spec.name);
    ASSERT_FALSE(body.empty()) << spec.name;
    if (spec.direction == ingest::Direction::kAuth) {  // the example is kSeller's login
      const HttpAnswer token = Send(std::string(spec.http_method), std::string(spec.http_path), body);
      EXPECT_EQ(ReplyMember(token.body, "code"), "200") << token.body;
      EXPECT_EQ(ReplyMember(ReplyMember(token.body, "data"), "accessToken").size(), 32u) << token.body;
      continue;
    }
    const HttpAnswer answer = Upload(*client, spec.name, body);
    EXPECT_EQ(answer.status, 200u) << spec.name;
    EXPECT_EQ(client->ReplyCode(answer), "200") << spec.name << ": " << answer.body;
    EXPECT_EQ(ReplyMember(answer.body, "success"), "true") << spec.name;
    if (spec.direction == ingest::Direction::kUpload) {
      ++uploads;
      EXPECT_EQ(ReplyMember(answer.body, "data"), "true") << spec.name;
      EXPECT_GE(counter_.Totals(Registry::Get().IdOf(spec)).accepted, 1u) << spec.name;
    }
    // The examples were written with the codes civicflow assigns.
    if (spec.name == "standard/venue/save") {
      EXPECT_EQ(ReplyMember(answer.body, "data"), R"({"venueCode":"440305001","hallCode":"44030500101"})");
    }
    if (spec.name == "performance/code") {
      EXPECT_EQ(ReplyMember(answer.body, "data"), R"({"SS20261120001":"440305001012026112001"})");
    }
  }
  EXPECT_EQ(uploads, 7);

  // The checks of the example reach the session table.
  pipeline_.Drain();
  int64_t checked_in = 0;
  for (const auto& row : pipeline_.rows(operators::Table::kTicketSessions))
    if (row[0] == "440305001012026112001") checked_in += std::stoll(row[6]);
  EXPECT_EQ(checked_in, 1);
}

TEST_F(TicketingAdapterTest, TheTypeListIsTwoLevelsAndNeedsAToken) {
  const std::string token = Token(kSeller);
  const HttpAnswer answer = Send("GET", "/standard/performance/type/list?accessToken=" + token);
  ASSERT_TRUE(answer.body.starts_with(
      R"({"code":200,"msg":"success","success":true,"data":[{"typeId":10,"typeName":"音乐","parentTypeId":0,"level":1},{"typeId":1001,"typeName":"音乐会","parentTypeId":10,"level":2},)"))
      << answer.body;
  simdjson::dom::parser parser;
  simdjson::dom::array types = parser.parse(answer.body)["data"].get_array();
  EXPECT_EQ(types.size(), 28u);
  // Every second-level type names a first-level parent.
  for (auto type : types) {
    const int64_t parent = type["parentTypeId"].get_int64();
    const int64_t level = type["level"].get_int64();
    EXPECT_EQ(level, parent == 0 ? 1 : 2);
    if (parent != 0) {
      EXPECT_EQ(type["typeId"].get_int64().value() / 100, parent);
    }
  }
  // The token may also come in a body.
  EXPECT_EQ(Send("GET", "/standard/performance/type/list", WithToken(token, "{}")).body, answer.body);
  EXPECT_EQ(Send("GET", "/standard/performance/type/list").body, kMissingToken);
  EXPECT_EQ(Send("GET", "/standard/performance/type/list?accessToken=00000000000000000000000000000000").body,
            kBadToken);
}

TEST_F(TicketingAdapterTest, VenuesAreSavedWithStableCodesAndListedByPage) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  auto save = [&](std::string_view body) { return Upload(*client, "standard/venue/save", body).body; };
  const std::string hall_a =
      R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"南山文体中心","venueAddress":"南山大道2093号","hasHall":1,"hallName":"大剧院","hasSeat":1,"seatNum":1500,"seatingCapacity":1500})";
  EXPECT_EQ(
      save(hall_a),
      R"({"code":200,"msg":"success","success":true,"data":{"venueCode":"440305001","hallCode":"44030500101"}})");
  EXPECT_EQ(
      save(hall_a),  // saved again: same codes
      R"({"code":200,"msg":"success","success":true,"data":{"venueCode":"440305001","hallCode":"44030500101"}})");
  EXPECT_EQ(
      save(
          R"({"venueCode":"440305001","provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"南山文体中心","venueAddress":"南山大道2093号","hasHall":1,"hallName":"小剧场","hasSeat":0})"),
      R"({"code":200,"msg":"success","success":true,"data":{"venueCode":"440305001","hallCode":"44030500102"}})");
  EXPECT_EQ(
      save(
          R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"蛇口剧场","venueAddress":"蛇口","hasHall":0,"hasSeat":0})"),
      R"({"code":200,"msg":"success","success":true,"data":{"venueCode":"440305002"}})");
  EXPECT_EQ(
      save(
          R"({"provinceId":440000,"cityId":440300,"districtId":440304,"venueName":"福田音乐厅","venueAddress":"福中路","hasHall":0,"hasSeat":1})"),
      R"({"code":200,"msg":"success","success":true,"data":{"venueCode":"440304001"}})");

  EXPECT_EQ(
      save(
          R"({"venueCode":"440305999","provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"x","venueAddress":"x","hasHall":0,"hasSeat":0})"),
      Failure("unknown venueCode 440305999"));
  EXPECT_EQ(
      save(
          R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"x","venueAddress":"x","hasHall":1,"hasSeat":0})"),
      Failure("ticketing/standard/venue/save[0].hallName: missing_mandatory (required when hasHall is 1)"));
  EXPECT_EQ(
      save(
          R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"x","hasHall":0,"hasSeat":0})"),
      Failure("ticketing/standard/venue/save[0].venueAddress: missing_mandatory (mandatory field missing)"));

  auto list = [&](std::string_view body) { return Upload(*client, "standard/venue/list", body).body; };
  EXPECT_EQ(
      list(R"({"districtId":440305,"venueName":"南山"})"),
      R"({"code":200,"msg":"success","success":true,"data":{"dataList":[{"venueCode":"440305001","venueName":"南山文体中心","hallNum":2,"provinceId":440000,"cityId":440300,"districtId":440305,"venueAddress":"南山大道2093号","hallList":[{"hallName":"大剧院","hallCode":"44030500101","hasSeat":1,"seatNum":1500,"seatingCapacity":1500,"enableState":1},{"hallName":"小剧场","hallCode":"44030500102","hasSeat":0,"enableState":1}]}],"page":1,"pageSize":10,"totalRow":1}})");
  EXPECT_EQ(
      list(R"({"cityId":440300,"pageNo":2,"pageSize":1})"),
      R"({"code":200,"msg":"success","success":true,"data":{"dataList":[{"venueCode":"440305001","venueName":"南山文体中心","hallNum":2,"provinceId":440000,"cityId":440300,"districtId":440305,"venueAddress":"南山大道2093号","hallList":[{"hallName":"大剧院","hallCode":"44030500101","hasSeat":1,"seatNum":1500,"seatingCapacity":1500,"enableState":1},{"hallName":"小剧场","hallCode":"44030500102","hasSeat":0,"enableState":1}]}],"page":2,"pageSize":1,"totalRow":3}})");
  EXPECT_EQ(
      list(R"({"pageNo":4,"pageSize":1})"),
      R"({"code":200,"msg":"success","success":true,"data":{"dataList":[],"page":4,"pageSize":1,"totalRow":3}})");
  EXPECT_EQ(list(R"({"pageSize":201})"),
            Failure("ticketing/standard/venue/list[0].pageSize: out_of_range (201)"));
}

TEST_F(TicketingAdapterTest, SessionCodesAreUniquePerHallAndDayAndStable) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  auto session = [](std::string_view id, std::string_view hall, std::string_view start) {
    return R"({"sessionId":")" + std::string(id) + R"(","sessionName":"场次","hallCode":")" +
           std::string(hall) + R"(","sessionStartTime":")" + std::string(start) +
           R"(","sessionEndTime":"2026-12-31 23:00:00","hasSeat":1,"tag":0})";
  };
  auto performance = [](std::string_view id, const std::string& sessions) {
    return R"({"performanceId":")" + std::string(id) +
           R"(","performanceName":"演出","typeId":1001,"sponsor":"主办","sessionList":[)" + sessions + "]}";
  };
  auto code = [&](const std::string& body) {
    return ReplyMember(Upload(*client, "performance/code", body).body, "data");
  };

  EXPECT_EQ(
      code(performance("P1", session("A", "44030500101", "2026-11-20 19:30:00") + "," +
                                 session("B", "44030500101", "2026-11-20 14:30:00") + "," +
                                 session("C", "44030500101", "2026-11-21 19:30:00") + "," +
                                 session("D", "440305002", "2026-11-20 19:30:00"))),
      R"({"A":"440305001012026112001","B":"440305001012026112002","C":"440305001012026112101","D":"440305002002026112001"})");
  // Registered again, with one more session and another hall for A: A keeps its code.
  EXPECT_EQ(code(performance("P1", session("A", "44030500102", "2026-11-22 19:30:00") + "," +
                                       session("E", "44030500101", "2026-11-20 21:00:00"))),
            R"({"A":"440305001012026112001","E":"440305001012026112003"})");
  // Another performance's session of the same id is another session.
  EXPECT_EQ(code(performance("P2", session("A", "44030500101", "2026-11-20 10:00:00"))),
            R"({"A":"440305001012026112004"})");

  EXPECT_EQ(
      Upload(*client, "performance/code", performance("P3", session("A", "4403050", "2026-11-20 10:00:00")))
          .body,
      Failure(
          R"(ticketing/performance/code[0].sessionList[0].hallCode: bad_format (\"4403050\" is neither a venueCode (9) nor a hallCode (11)))"));
  EXPECT_EQ(
      Upload(*client, "performance/code",
             performance("P3", session("A", "44030500101", "2026-11-31 10:00:00")))
          .body,
      Failure(
          R"(ticketing/performance/code[0].sessionList[0].sessionStartTime: bad_time (\"2026-11-31 10:00:00\" is not a valid yyyy-MM-dd HH:mm:ss time))"));
}

TEST_F(TicketingAdapterTest, ConcurrentRegistrationsNeverShareASessionCode) {
  constexpr int kThreads = 4;
  constexpr int kPerformances = 6;
  std::vector<std::vector<std::string>> codes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Two sellers, each on two connections: every login revokes the other connection's token,
      // so a connection logs in again whenever its token is refused.
      auto client = loadgen::MakeTicketingClient(t % 2 == 0 ? kSeller : kOtherSeller);
      for (int p = 0; p < kPerformances; ++p) {
        const std::string body =
            R"({"performanceId":"T)" + std::to_string(t) + "-P" + std::to_string(p) +
            R"(","performanceName":"演出","typeId":1001,"sponsor":"主办","sessionList":[{"sessionId":"S1","sessionName":"场次","hallCode":"44030500101","sessionStartTime":"2026-11-20 19:30:00","sessionEndTime":"2026-11-20 21:30:00","hasSeat":1,"tag":0}]})";
        for (int attempt = 0; attempt < 20; ++attempt) {
          const HttpAnswer answer = Upload(*client, "performance/code", body);
          if (client->TokenRejected(client->ReplyCode(answer))) {
            client->ForgetToken();
            continue;
          }
          codes[t].push_back(ReplyMember(ReplyMember(answer.body, "data"), "S1"));
          break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& per_thread : codes) {
    EXPECT_EQ(per_thread.size(), static_cast<size_t>(kPerformances));
    for (const std::string& code : per_thread) {
      EXPECT_TRUE(code.starts_with("4403050010120261120")) << code;
      unique.insert(code);
    }
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerformances));
}

TEST_F(TicketingAdapterTest, DuplicatesSucceedAndValidationErrorsNameTheField) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  EXPECT_EQ(Upload(*client, "report/checking", kCheck).body, kOk);
  EXPECT_EQ(Upload(*client, "report/checking", kCheck).body,
            R"({"code":200,"msg":"duplicate: every record was received before","success":true,"data":true})");
  const auto totals = counter_.Totals(IdOf("report/checking"));
  EXPECT_EQ(totals.records, 2u);
  EXPECT_EQ(totals.duplicates, 1u);

  std::string bad = kCheck;
  bad.replace(bad.find("\"checkingType\":1"), 16, "\"checkingType\":7");
  const HttpAnswer answer = Upload(*client, "report/checking", bad);
  EXPECT_EQ(answer.body,
            Failure("ticketing/report/checking[0].ticketList[0].checkingType: not_in_enum (7 not in 1|2|3)"));
  EXPECT_FALSE(client->Accepted(client->ReplyCode(answer)));
  EXPECT_EQ(counter_.Totals(IdOf("report/checking")).records, 2u);
}

TEST_F(TicketingAdapterTest, TheTokenIsCheckedAndBlankedBeforeTheRecordsGoOn) {
  const std::string token = Token(kSeller);
  EXPECT_EQ(Send("POST", "/report/checking", WithToken(token, kCheck)).body, kOk);
  const std::string submitted = counter_.LastJson(IdOf("report/checking"));
  EXPECT_EQ(submitted.find(token), std::string::npos);
  EXPECT_TRUE(submitted.starts_with(R"({"accessToken":"********************************","ticketList")"))
      << submitted;
}

TEST_F(TicketingAdapterTest, GetAccessTokenChecksTheCredentials) {
  const HttpAnswer good =
      Send("POST", "/getAccessToken",
           R"({"appId":"tk_app_440305_0001","secret":"9f2c4e7a1b3d5f6081a2b3c4d5e6f708"})");
  EXPECT_EQ(ReplyMember(good.body, "code"), "200");
  const std::string data = ReplyMember(good.body, "data");
  EXPECT_EQ(ReplyMember(data, "accessToken").size(), 32u);
  EXPECT_EQ(ReplyMember(data, "expiresIn"), "3600");

  const std::string refused = Failure("appId or secret invalid");
  EXPECT_EQ(Send("POST", "/getAccessToken",
                 R"({"appId":"tk_app_440305_0001","secret":"0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"})")
                .body,
            refused);
  EXPECT_EQ(
      Send("POST", "/getAccessToken", R"({"appId":"nobody","secret":"9f2c4e7a1b3d5f6081a2b3c4d5e6f708"})")
          .body,
      refused);
  EXPECT_EQ(Send("POST", "/getAccessToken", R"({"appId":"tk_app_440305_0001"})").body,
            Failure("ticketing/getAccessToken[0].secret: missing_mandatory"));
  // A too-long secret is refused without quoting it.
  const HttpAnswer long_secret =
      Send("POST", "/getAccessToken",
           R"({"appId":"tk_app_440305_0001","secret":")" + std::string(101, 's') + "\"}");
  EXPECT_EQ(long_secret.body, Failure("ticketing/getAccessToken[0].secret: too_long"));
  EXPECT_EQ(Send("GET", "/getAccessToken").body,
            Failure("method GET not allowed on /getAccessToken: use POST"));
  for (const HttpAnswer& answer : {good, long_secret})
    EXPECT_EQ(answer.body.find(kSeller.secret), std::string::npos);
}

TEST_F(TicketingAdapterTest, UploadsWithoutALiveTokenAnswer4200) {
  EXPECT_EQ(Send("POST", "/report/checking", kCheck).body, kMissingToken);
  EXPECT_EQ(Send("POST", "/report/checking", WithToken("00000000000000000000000000000000", kCheck)).body,
            kBadToken);
  EXPECT_EQ(Send("POST", "/report/checking", R"({"accessToken":42,"ticketList":[]})").body, kMissingToken);
  EXPECT_EQ(counter_.Totals(IdOf("report/checking")).records, 0u);
}

TEST_F(TicketingAdapterTest, TokensExpireAndANewOneRevokesTheOld) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  EXPECT_EQ(Upload(*client, "report/checking", kCheck).body, kOk);
  clock_.Advance(kLifetimeMs);
  const HttpAnswer expired = Upload(*client, "report/checking", kCheck);
  EXPECT_EQ(expired.body, kBadToken);
  ASSERT_TRUE(client->TokenRejected(client->ReplyCode(expired)));
  client->ForgetToken();
  EXPECT_EQ(client->ReplyCode(Upload(*client, "report/checking", kCheck)), "200");

  auto second = loadgen::MakeTicketingClient(kSeller);
  auto other = loadgen::MakeTicketingClient(kOtherSeller);
  EXPECT_EQ(other->ReplyCode(Upload(*other, "report/checking", kCheck)), "200");
  EXPECT_EQ(second->ReplyCode(Upload(*second, "report/checking", kCheck)),
            "200");  // logs in: revokes client's
  EXPECT_EQ(Upload(*client, "report/checking", kCheck).body, kBadToken);
  EXPECT_EQ(second->ReplyCode(Upload(*second, "report/checking", kCheck)), "200");
  EXPECT_EQ(other->ReplyCode(Upload(*other, "report/checking", kCheck)), "200");
}

TEST_F(TicketingAdapterTest, MalformedBodiesWrongMethodsUnknownPathsAndOversize) {
  const std::string token = Token(kSeller);
  EXPECT_EQ(Send("POST", "/report/checking", "not json").body,
            Failure("ticketing/report/checking[0]: not_an_object (the body must be one JSON object)"));
  EXPECT_EQ(Send("POST", "/report/checking", "[" + WithToken(token, kCheck) + "]").body,
            Failure("ticketing/report/checking[0]: not_an_object (the body must be one JSON object)"));
  const HttpAnswer truncated =
      Send("POST", "/report/checking", R"({"accessToken":")" + token + R"(","ticketList":[{)");
  EXPECT_EQ(truncated.body,
            Failure("ticketing/report/checking[0]: malformed_json (the body must be one JSON object)"));

  EXPECT_EQ(Send("GET", "/report/checking").body,
            Failure("method GET not allowed on /report/checking: use POST"));
  EXPECT_EQ(Send("POST", "/standard/performance/type/list", WithToken(token, "{}")).body,
            Failure("method POST not allowed on /standard/performance/type/list: use GET"));
  EXPECT_EQ(Send("POST", "/report/nothing", "{}").body, Failure("unknown interface /report/nothing"));
  EXPECT_EQ(Send("POST", "/standard/", "{}").body, Failure("unknown interface /standard/"));

  EXPECT_EQ(adapter_.BodyLimit("/report/ticket"), 4u << 20);
  EXPECT_EQ(Send("POST", "/report/ticket", std::string((4u << 20) + 1, ' ')).body,
            Failure("request body too large: at most 4194304 bytes on /report/ticket"));
}

}  // namespace
}  // namespace civicflow::testing

namespace civicflow::testing {
namespace {

// A checkpoint carries the tokens, the venues with their codes and the
// issued session codes into a fresh adapter: the requests that follow get
// the replies the adapter would have given without the restart.
TEST_F(TicketingAdapterTest, StateCarriesTokensVenuesAndSessionCodesAcrossARestart) {
  auto client = loadgen::MakeTicketingClient(kSeller);
  const std::string hall =
      R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"南山文体中心","venueAddress":"南山大道2093号","hasHall":1,"hallName":"大剧院","hasSeat":1,"seatNum":1500,"seatingCapacity":1500})";
  ASSERT_EQ(ReplyMember(ReplyMember(Upload(*client, "standard/venue/save", hall).body, "data"), "hallCode"),
            "44030500101");
  auto session = [](std::string_view id, std::string_view start) {
    return R"({"sessionId":")" + std::string(id) +
           R"(","sessionName":"场次","hallCode":"44030500101","sessionStartTime":")" + std::string(start) +
           R"(","sessionEndTime":"2026-12-31 23:00:00","hasSeat":1,"tag":0})";
  };
  auto performance = [](const std::string& sessions) {
    return R"({"performanceId":"P1","performanceName":"演出","typeId":1001,"sponsor":"主办","sessionList":[)" +
           sessions + "]}";
  };
  ASSERT_EQ(ReplyMember(Upload(*client, "performance/code",
                               performance(session("A", "2026-11-20 19:30:00") + "," +
                                           session("B", "2026-11-20 14:30:00")))
                            .body,
                        "data"),
            R"({"A":"440305001012026112001","B":"440305001012026112002"})");
  const std::string other_token = Token(kOtherSeller);

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] { return std::make_unique<TicketingAdapter>(std::vector{kSeller, kOtherSeller}, context); };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kTicketing, kStartMs);

  // The same requests, to the adapter that never stopped and to the restarted one.
  const std::pair<std::string_view, std::string> requests[] = {
      {"performance/code", performance(session("A", "2026-11-22 19:30:00") + "," +  // A keeps its code
                                       session("E", "2026-11-20 21:00:00"))},       // E: the day's third
      {"standard/venue/save", hall},                                                // same codes
      {"standard/venue/save",
       R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueName":"蛇口剧场","venueAddress":"蛇口","hasHall":0,"hasSeat":0})"},
      {"standard/venue/list", R"({"districtId":440305})"},
  };
  for (const auto& [interface, body] : requests) {
    const std::string before = Upload(*client, interface, body).body;  // the client's old token
    Result<HttpCall> call = client->Upload(interface, kStartMs, body, after);
    ASSERT_TRUE(call.ok());
    EXPECT_EQ(after.RoundTrip(call.value())->body, before) << interface;
  }
  EXPECT_NE(state.find("440305001012026112002"), std::string::npos);
  // The other seller's token is still its own, and still live.
  EXPECT_EQ(after.RoundTrip({"POST", "/standard/venue/list", {}, WithToken(other_token, "{}")})->body,
            Send("POST", "/standard/venue/list", WithToken(other_token, "{}")).body);
  EXPECT_NE(after.RoundTrip({"POST", "/standard/venue/list", {}, WithToken(other_token, "{}")})->body,
            kBadToken);

  ExpectEveryTruncationFails(state, make, other_token);
}

// The accounts file changed between runs: a seller added in front, another
// removed, so kSeller moved from index 0 to 1. Its token still works, and is
// still its own (its next token revokes it, the new seller's does not); its
// sessions keep their codes; the removed seller's token is refused.
TEST_F(TicketingAdapterTest, StateFollowsItsSellersWhenOneIsAddedAndAnotherRemoved) {
  const std::string sessions =
      R"({"performanceId":"P1","performanceName":"演出","typeId":1001,"sponsor":"主办","sessionList":[)"
      R"({"sessionId":"A","sessionName":"场次","hallCode":"44030500101","sessionStartTime":"2026-11-20 19:30:00",)"
      R"("sessionEndTime":"2026-12-31 23:00:00","hasSeat":1,"tag":0}]})";
  const std::string token = Token(kSeller);
  const std::string removed_token = Token(kOtherSeller);
  const std::string code = Send("POST", "/performance/code", WithToken(token, sessions)).body;
  ASSERT_EQ(ReplyMember(code, "data"), R"({"A":"440305001012026112001"})");

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] { return std::make_unique<TicketingAdapter>(std::vector{kNewSeller, kSeller}, context); };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kTicketing, kStartMs);
  auto post = [&](std::string target, std::string body) {
    return after.RoundTrip({"POST", std::move(target), {}, std::move(body)})->body;
  };
  auto list = [&](const std::string& with) { return post("/standard/venue/list", WithToken(with, "{}")); };
  auto token_of = [&](const TicketingAccount& account) {
    const std::string reply = post(
        "/getAccessToken", R"({"appId":")" + account.app_id + R"(","secret":")" + account.secret + R"("})");
    return ReplyMember(ReplyMember(reply, "data"), "accessToken");
  };
  EXPECT_EQ(post("/performance/code", WithToken(token, sessions)), code);
  EXPECT_EQ(list(removed_token), kBadToken);
  const std::string new_token = token_of(kNewSeller);
  ASSERT_FALSE(new_token.empty());
  EXPECT_NE(list(new_token), kBadToken);
  EXPECT_NE(list(token), kBadToken);  // the new seller's token revoked nothing
  ASSERT_FALSE(token_of(kSeller).empty());
  EXPECT_EQ(list(token), kBadToken);  // replaced by its seller's next token

  ExpectEveryTruncationFails(state, make, token);
}

// A token whose lifetime passed while the server was down answers 4200 after LoadState.
TEST_F(TicketingAdapterTest, ATokenThatExpiredWhileDownIsRefusedAfterARestart) {
  const std::string token = Token(kSeller);
  clock_.Advance(kLifetimeMs / 2);
  const std::string later_token = Token(kOtherSeller);
  TicketingAdapter restarted({kSeller, kOtherSeller},
                             ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs});
  CarryState(adapter_, restarted);
  clock_.Advance(kLifetimeMs / 2);
  LoopbackTransport after(restarted, Platform::kTicketing, kStartMs);
  auto list = [&](const std::string& with) {
    return after.RoundTrip({"POST", "/standard/venue/list", {}, WithToken(with, "{}")})->body;
  };
  EXPECT_EQ(list(token), kBadToken);
  EXPECT_NE(list(later_token), kBadToken);
  EXPECT_EQ(list(later_token), Send("POST", "/standard/venue/list", WithToken(later_token, "{}")).body);
}

}  // namespace
}  // namespace civicflow::testing
