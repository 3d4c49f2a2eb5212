// OrienteeringAdapter against the orienteering client and the real engine,
// over real HTTP on loopback (LoopbackTransport: the real server in front of
// the adapter): every interface of the registry, SMS login, refresh and token
// expiry, launch, the data plane with path parameters, duplicates,
// validation, the session reads, and the request errors (auth, a field's
// rule, malformed JSON, wrong method, unknown path, oversize), with the exact
// reply bodies (request ids vary: compared as "req_*") or members (tokens
// vary) where they are deterministic.
#include "ingest/platforms/orienteering/http_adapter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>
#include <tuple>

#include "tests/support/adapter_state.h"
#include "tests/support/counting_submitter.h"
#include "tests/support/examples.h"
#include "tests/support/live_pipeline.h"
#include "tests/support/loopback_transport.h"

namespace civicflow::testing {
namespace {

using ingest::Platform;
using ingest::Registry;
using ingest::http::OrienteeringAccount;
using ingest::http::OrienteeringAdapter;
using loadgen::HttpAnswer;
using loadgen::HttpCall;

constexpr int64_t kStartMs = 1'763'632'800'000;  // 2025-11-20 18:00 local
constexpr int64_t kLifetimeMs = 2 * 3600 * 1000;
constexpr std::string_view kExampleSession = "ses_20261120_000123";

const OrienteeringAccount kRunner{"86", "15168870729", "482913"};
const OrienteeringAccount kOtherRunner{"86", "13800138000", "246810"};
const OrienteeringAccount kNewRunner{"86", "13700137000", "135790"};

// A reply taken apart: the envelope's members, each as compact JSON, and
// the whole body with its request id (which varies) written "req_*".
struct Reply {
  std::string request_id, code, message, details, data, body;

  explicit Reply(const HttpAnswer& answer)
      : body(std::regex_replace(answer.body, std::regex(R"(^\{"request_id":"req_[0-9a-f]{16}")"),
                                R"({"request_id":"req_*")", std::regex_constants::format_first_only)) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    EXPECT_FALSE(parser.parse(answer.body).get(root)) << answer.body;
    std::string_view text;
    if (!root["request_id"].get_string().get(text)) request_id = text;
    if (!root["error"]["code"].get_string().get(text)) code = text;
    if (!root["error"]["message"].get_string().get(text)) message = text;
    simdjson::dom::element element;
    if (!root["error"]["details"].get(element)) details = simdjson::minify(element);
    if (!root["data"].get(element)) data = simdjson::minify(element);
    EXPECT_EQ(data.empty(), !code.empty()) << "exactly one of data and error: " << answer.body;
    EXPECT_EQ(answer.status, 200u);
  }
  std::string Member(std::string_view key) const {
    simdjson::dom::parser parser;
    simdjson::dom::element value;
    if (parser.parse(data)[key].get(value)) return {};
    std::string_view text;
    return value.get_string().get(text) ? simdjson::minify(value) : std::string(text);
  }
};

std::string Outcome(uint32_t records, uint32_t accepted, uint32_t duplicates, uint32_t corrections = 0) {
  return "{\"records\":" + std::to_string(records) + ",\"accepted\":" + std::to_string(accepted) +
         ",\"duplicates\":" + std::to_string(duplicates) + ",\"corrections\":" + std::to_string(corrections) +
         "}";
}

// The exact error reply (as Reply::body writes it): `message` as JSON string
// content, `details` as JSON.
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view details = "{}") {
  return R"({"request_id":"req_*","error":{"code":")" + std::string(code) + R"(","message":")" +
         std::string(message) + R"(","details":)" + std::string(details) + "}}";
}

ingest::InterfaceId IdOf(std::string_view name) {
  return Registry::Get().IdOf(*Registry::Get().Find(Platform::kOrienteering, name));
}

std::string Example(std::string_view interface) { return ExampleBody(Platform::kOrienteering, interface); }

class OrienteeringAdapterTest : public ::testing::Test {
 protected:
  OrienteeringAdapterTest()
      : clock_(kStartMs),
        pictures_("/nonexistent"),
        counter_(pipeline_.submitter()),
        adapter_({kRunner, kOtherRunner},
                 ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs}),
        transport_(adapter_, Platform::kOrienteering, kStartMs),
        client_(loadgen::MakeOrienteeringClient(kRunner)) {}

  Reply Send(std::string method, std::string target, std::string body = {}, std::string token = {}) {
    HttpCall call{std::move(method), std::move(target), {}, std::move(body)};
    if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
    Result<HttpAnswer> answer = transport_.RoundTrip(call);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return Reply(answer.ok() ? answer.value() : HttpAnswer{200, "", "{}"});
  }
  Reply Upload(std::string_view interface, std::string_view body, loadgen::PlatformClient* client = nullptr) {
    Result<HttpCall> call = (client ? client : client_.get())->Upload(interface, kStartMs, body, transport_);
    EXPECT_TRUE(call.ok()) << call.status().message();
    Result<HttpAnswer> answer = transport_.RoundTrip(call.ok() ? call.value() : HttpCall{});
    EXPECT_TRUE(answer.ok());
    return Reply(answer.ok() ? answer.value() : HttpAnswer{200, "", "{}"});
  }
  static std::string Identity(const OrienteeringAccount& account) {
    return R"("country_code":")" + account.country_code + R"(","mobile":")" + account.mobile +
           R"(","client_type":"app","device_id":"dev_test")";
  }
  Reply SendCode(const OrienteeringAccount& account) {
    return Send("POST", "/client/v1/auth/sms/send", R"({"scene":"client_login",)" + Identity(account) + "}");
  }
  Reply LogIn(const OrienteeringAccount& account, std::string_view code,
              std::string_view client_type = "app") {
    std::string identity = Identity(account);
    identity.replace(identity.find("\"app\""), 5, "\"" + std::string(client_type) + "\"");
    return Send("POST", "/client/v1/auth/login/sms",
                R"({"login_request_id":"login_1","sms_code":")" + std::string(code) + "\"," + identity + "}");
  }
  // A fresh access and refresh token for `account`.
  std::pair<std::string, std::string> Tokens(const OrienteeringAccount& account) {
    SendCode(account);
    const Reply login = LogIn(account, account.sms_code);
    EXPECT_EQ(login.code, "") << login.message;
    return {login.Member("access_token"), login.Member("refresh_token")};
  }
  Reply Get(std::string target, const std::string& token) {
    return Send("GET", std::move(target), {}, token);
  }
  Reply Post(std::string target, std::string body, const std::string& token) {
    return Send("POST", std::move(target), std::move(body), token);
  }

  ManualClock clock_;
  ingest::http::PictureStore pictures_;
  LivePipeline pipeline_;
  CountingSubmitter counter_;
  OrienteeringAdapter adapter_;
  LoopbackTransport transport_;
  std::unique_ptr<loadgen::PlatformClient> client_;
};

TEST_F(OrienteeringAdapterTest, EveryInterfaceOfTheRegistryAnswersItsExample) {
  int interfaces = 0;
  for (const ingest::InterfaceSpec& spec : ingest::OrienteeringInterfaces()) {
    const std::string body = Example(spec.name);
    ASSERT_FALSE(body.empty()) << spec.name;
    const Reply reply = Upload(spec.name, body);
    ++interfaces;
    SCOPED_TRACE(std::string(spec.name) + ": " + reply.code + " " + reply.message + " " + reply.data);
    if (spec.name == "auth/sms/send") {
      EXPECT_EQ(reply.data, R"({"cooldown_sec":60,"expires_in_sec":300})");
    } else if (spec.name == "auth/login/sms") {
      EXPECT_TRUE(std::regex_match(reply.Member("access_token"), std::regex("[0-9a-f]{32}")));
      EXPECT_TRUE(std::regex_match(reply.Member("refresh_token"), std::regex("[0-9a-f]{32}")));
      EXPECT_TRUE(std::regex_match(reply.Member("user_id"), std::regex("usr_[0-9a-f]{16}")));
      EXPECT_EQ(reply.Member("login_method"), "sms");
      EXPECT_EQ(reply.Member("body_profile_status"), "pending");
      EXPECT_EQ(reply.Member("expires_in_sec"), "7200");
    } else if (spec.name == "auth/login/wechat") {
      EXPECT_EQ(reply.code, "login_method_unavailable");
      EXPECT_EQ(reply.message, "WeChat login is not available on this platform: log in with auth/login/sms");
    } else if (spec.name == "auth/refresh") {
      EXPECT_EQ(reply.code, "invalid_refresh_token");  // the example's token was never issued
    } else if (spec.name.ends_with("/launch")) {
      EXPECT_TRUE(std::regex_match(reply.Member("session_id"), std::regex("ses_[0-9a-f]{16}")));
      EXPECT_TRUE(std::regex_match(reply.Member("session_token"), std::regex("[0-9a-f]{32}")));
      EXPECT_EQ(reply.Member("session_token_expires_at"), "2025-11-20 20:00:00");
      EXPECT_EQ(reply.Member("event_id"), "sample-classic-001");
      EXPECT_EQ(reply.Member("event_release_id"), "sample-classic-001-rel-1");
      EXPECT_EQ(reply.Member("route_code"), "classic-001");
      EXPECT_EQ(reply.Member("competition_id"),
                spec.name.starts_with("competitions/") ? "cmp_classic_demo_001" : "");
    } else if (spec.direction == ingest::Direction::kUpload) {
      EXPECT_EQ(reply.data, Outcome(1, 1, 0));
      EXPECT_EQ(counter_.Totals(Registry::Get().IdOf(spec)).accepted, 1u);
    } else if (spec.name == "sessions/{session_id}/result") {
      EXPECT_EQ(
          reply.data,
          R"({"session_id":"ses_20261120_000123","competition_id":null,"event_id":"sample-classic-001",)"
          R"("event_release_id":"sample-classic-001-rel-1","participant_id":"ptc_000456",)"
          R"("route_code":"classic-001","status":"completed","started_at":"2026-11-20 09:00:00",)"
          R"("finished_at":"2026-11-20 09:42:17","elapsed_sec":2537,"distance_m":4210.5,"punch_count":12,)"
          R"("avg_heart_rate_bpm":152,"max_heart_rate_bpm":181,"punches":[{"control_code":"31",)"
          R"("control_seq":1,"punch_time":"2026-11-20 09:06:41","punch_method":"gps"}]})");
    } else if (spec.name == "sessions/{session_id}/replay-summary") {
      EXPECT_EQ(reply.Member("status"), "completed");
      EXPECT_EQ(reply.Member("ended_at"), "2026-11-20 09:42:17");
      EXPECT_EQ(reply.Member("upload_count"), "1");
      EXPECT_EQ(reply.Member("gps_point_count"), "2");
      EXPECT_EQ(reply.Member("heart_rate_sample_count"), "2");
      EXPECT_EQ(reply.Member("punch_count"), "1");
      EXPECT_EQ(reply.Member("bounds"),
                R"({"min_latitude":22.533012,"min_longitude":113.930421,"max_latitude":22.533051,)"
                R"("max_longitude":113.930476})");
      const double distance = std::stod(reply.Member("track_distance_m"));
      EXPECT_GT(distance, 6.5);
      EXPECT_LT(distance, 7.5);
    } else if (spec.name == "sessions/{session_id}/gps-track") {
      EXPECT_EQ(reply.data,
                R"({"session_id":"ses_20261120_000123","points":[{"recorded_at":"2026-11-20 09:00:00",)"
                R"("latitude":22.533012,"longitude":113.930421},{"recorded_at":"2026-11-20 09:00:02",)"
                R"("latitude":22.533051,"longitude":113.930476}],"truncated":false})");
    } else if (spec.name == "sessions/{session_id}/heart-rate") {
      EXPECT_EQ(
          reply.data,
          R"({"session_id":"ses_20261120_000123","samples":[{"recorded_at":"2026-11-20 09:00:00","bpm":96},)"
          R"({"recorded_at":"2026-11-20 09:00:02","bpm":101}],"avg_bpm":98,"max_bpm":101,"truncated":false})");
    } else if (spec.name == "me/sessions") {
      simdjson::dom::parser parser;
      simdjson::dom::array items;
      ASSERT_FALSE(parser.parse(reply.data)["items"].get_array().get(items)) << reply.data;
      ASSERT_EQ(items.size(), 3u);  // the two launches and the example session, newest first
      EXPECT_EQ(
          simdjson::minify(items.at(0).value()),
          R"({"session_id":"ses_20261120_000123","competition_id":null,"event_id":"sample-classic-001",)"
          R"("route_code":"classic-001","status":"completed","started_at":"2026-11-20 09:00:00",)"
          R"("finished_at":"2026-11-20 09:42:17"})");
      EXPECT_EQ(std::string(items.at(1)["status"].get_string().value()), "launched");
      EXPECT_EQ(std::string(items.at(2)["competition_id"].get_string().value()), "cmp_classic_demo_001");
    } else {
      ADD_FAILURE() << "no expectation for " << spec.name;
    }
  }
  EXPECT_EQ(interfaces, 14);
}

TEST_F(OrienteeringAdapterTest, RepliesCarryDistinctRequestIds) {
  const Reply a = Send("GET", "/client/v1/nope"), b = Send("GET", "/client/v1/nope");
  EXPECT_TRUE(std::regex_match(a.request_id, std::regex("req_[0-9a-f]{16}"))) << a.request_id;
  EXPECT_NE(a.request_id, b.request_id);
}

TEST_F(OrienteeringAdapterTest, PathParametersAreCopiedIntoTheRecord) {
  const auto [token, refresh] = Tokens(kRunner);
  std::string finish = Example("sessions/{session_id}/finish");
  const std::string without_id = "{" + finish.substr(finish.find(',') + 1);  // session_id is the first member
  ASSERT_EQ(without_id.find("session_id"), std::string::npos);
  Reply reply = Post("/client/v1/sessions/ses_path_0001/finish", without_id, token);
  EXPECT_EQ(reply.data, Outcome(1, 1, 0)) << reply.message;
  EXPECT_EQ(Get("/client/v1/sessions/ses_path_0001/result", token).Member("status"), "completed");
  // The same id in the body is fine; another is refused.
  reply = Post("/client/v1/sessions/ses_path_0001/finish",
               R"({"session_id":"ses_path_0001",)" + without_id.substr(1), token);
  EXPECT_EQ(reply.data, Outcome(1, 0, 1));
  reply = Post("/client/v1/sessions/ses_path_0002/finish",
               R"({"session_id":"ses_path_0001",)" + without_id.substr(1), token);
  EXPECT_EQ(reply.code, "invalid_request");
  EXPECT_EQ(reply.message, "session_id in the body differs from the path (ses_path_0002)");
  EXPECT_EQ(reply.details, R"({"field":"session_id"})");
  // The path value obeys the field's rules.
  reply = Post("/client/v1/sessions/" + std::string(65, 's') + "/finish", without_id, token);
  EXPECT_EQ(reply.code, "invalid_request");
  EXPECT_EQ(
      reply.details,
      R"({"interface":"orienteering/sessions/{session_id}/finish","record_index":0,"field":"session_id",)"
      R"("rule":"too_long"})");
  reply = Post("/client/v1/sessions/ses_path_0003/finish", "[" + without_id + "]", token);
  EXPECT_EQ(reply.code, "invalid_request");
  EXPECT_EQ(reply.message,
            "orienteering/sessions/{session_id}/finish[0]: not_an_object (the body must be one JSON object)");
  EXPECT_EQ(counter_.Totals(IdOf("sessions/{session_id}/finish")).records, 2u);
}

TEST_F(OrienteeringAdapterTest, DuplicatesAndCorrectionsAreSuccessesThatSayWhatHappened) {
  const std::string punch = Example("punches");
  EXPECT_EQ(Upload("punches", punch).data, Outcome(1, 1, 0));
  EXPECT_EQ(Upload("punches", punch).data, Outcome(1, 0, 1));
  std::string moved = punch;
  moved.replace(moved.find("\"gps\""), 5, "\"qr\"");
  std::string second = punch;
  second.replace(second.find("\"31\""), 4, "\"32\"");
  EXPECT_EQ(Upload("punches", "[" + moved + "," + second + "]").data, Outcome(2, 2, 0, 1));
  EXPECT_EQ(
      Upload("sessions/{session_id}/result", R"({"session_id":"ses_20261120_000123"})").Member("punches"),
      R"([{"control_code":"31","control_seq":1,"punch_time":"2026-11-20 09:06:41","punch_method":"qr"},)"
      R"({"control_code":"32","control_seq":1,"punch_time":"2026-11-20 09:06:41","punch_method":"gps"}])");
  const auto totals = counter_.Totals(IdOf("punches"));
  EXPECT_EQ(totals.records, 4u);
  EXPECT_EQ(totals.duplicates, 1u);
}

TEST_F(OrienteeringAdapterTest, AValidationErrorNamesInterfaceRecordFieldAndRuleAndKeepsNothing) {
  std::string bad = Example("punches");
  bad.replace(bad.find("\"gps\""), 5, "\"bike\"");
  const Reply reply = Upload("punches", "[" + Example("punches") + "," + bad + "]");
  EXPECT_EQ(
      reply.body,
      ErrorBody("invalid_request",
                R"(orienteering/punches[1].punch_method: not_in_enum (\"bike\" not in gps|qr|nfc|manual))",
                R"({"interface":"orienteering/punches","record_index":1,"field":"punch_method",)"
                R"("rule":"not_in_enum"})"));
  const Reply malformed = Upload("session-uploads", R"({"session_id":"x")");
  EXPECT_EQ(malformed.body,
            ErrorBody("invalid_request",
                      "orienteering/session-uploads[0]: malformed_json (The JSON document has an "
                      "improper structure: missing or superfluous commas, braces, missing keys, etc.)",
                      R"({"interface":"orienteering/session-uploads","record_index":0,"field":"",)"
                      R"("rule":"malformed_json"})"));
  EXPECT_EQ(counter_.Totals(IdOf("punches")).records, 0u);
  EXPECT_EQ(counter_.Totals(IdOf("session-uploads")).records, 0u);
  const auto [token, refresh] = Tokens(kRunner);
  EXPECT_EQ(Get("/client/v1/sessions/ses_20261120_000123/result", token).code, "not_found");  // nothing kept
  const Reply launch = Post("/client/v1/events/sample-classic-001/launch", "{", token);
  EXPECT_EQ(launch.code, "invalid_request");
  EXPECT_EQ(launch.message,
            "orienteering/events/{event_id}/launch[0]: not_an_object (the body must be one JSON object)");
  const Reply send = Send("POST", "/client/v1/auth/sms/send", R"({"scene":"client_login"})");
  EXPECT_EQ(send.message,
            "orienteering/auth/sms/send[0].country_code: missing_mandatory (mandatory field missing)");
}

TEST_F(OrienteeringAdapterTest, SmsLoginNeedsASentUnexpiredCode) {
  EXPECT_EQ(LogIn(kRunner, kRunner.sms_code).code, "invalid_sms_code");  // nothing sent yet
  EXPECT_EQ(SendCode(kRunner).data, R"({"cooldown_sec":60,"expires_in_sec":300})");
  const Reply again = SendCode(kRunner);
  EXPECT_EQ(again.code, "sms_cooldown");
  EXPECT_EQ(again.details, R"({"retry_after_sec":60})");
  clock_.Advance(45'000);
  EXPECT_EQ(SendCode(kRunner).details, R"({"retry_after_sec":15})");
  const Reply wrong = LogIn(kRunner, "000000");
  EXPECT_EQ(wrong.code, "invalid_sms_code");
  EXPECT_EQ(wrong.message, "sms_code wrong or expired for this mobile: request one with auth/sms/send");
  EXPECT_EQ(LogIn(kOtherRunner, kRunner.sms_code).code, "invalid_sms_code");  // another mobile's code
  const Reply login = LogIn(kRunner, kRunner.sms_code);
  EXPECT_EQ(login.code, "");
  EXPECT_EQ(login.Member("login_method"), "sms");
  EXPECT_EQ(login.data.find(kRunner.sms_code), std::string::npos);
  clock_.Advance(300'000);
  EXPECT_EQ(LogIn(kRunner, kRunner.sms_code).code, "invalid_sms_code");  // the code expired
  EXPECT_EQ(SendCode(kRunner).data, R"({"cooldown_sec":60,"expires_in_sec":300})");
  EXPECT_EQ(LogIn(kRunner, kRunner.sms_code).code, "");
  // A mobile without an account is answered like any other, and cannot log in.
  const OrienteeringAccount stranger{"86", "13900000000", "123456"};
  EXPECT_EQ(SendCode(stranger).data, R"({"cooldown_sec":60,"expires_in_sec":300})");
  EXPECT_EQ(LogIn(stranger, "123456").code, "invalid_sms_code");
}

TEST_F(OrienteeringAdapterTest, TokensAreCheckedExpireAndANewOneRevokesTheOld) {
  const std::string punches = "/client/v1/punches";
  const std::string punch = Example("punches");
  Reply reply = Post(punches, punch, "");
  EXPECT_EQ(reply.body,
            ErrorBody("unauthorized", "access token missing: send Authorization: Bearer <access_token>"));
  reply = Send("POST", punches, punch);
  EXPECT_EQ(reply.code, "unauthorized");
  reply = Post(punches, punch, std::string(32, 'a'));
  EXPECT_EQ(reply.body,
            ErrorBody("unauthorized", "access token unknown, expired or revoked: log in or refresh it"));

  auto [first, refresh] = Tokens(kRunner);
  EXPECT_EQ(Post(punches, punch, first).data, Outcome(1, 1, 0));
  // Refresh: a new access token, the old one revoked.
  reply =
      Post("/client/v1/auth/refresh", R"({"refresh_token":")" + refresh + R"(","client_type":"app"})", {});
  const std::string second = reply.Member("access_token");
  EXPECT_EQ(reply.Member("expires_in_sec"), "7200");
  ASSERT_FALSE(second.empty()) << reply.message;
  EXPECT_EQ(Post(punches, punch, first).code, "unauthorized");
  EXPECT_EQ(Post(punches, punch, second).data, Outcome(1, 0, 1));
  EXPECT_EQ(
      Post("/client/v1/auth/refresh", R"({"refresh_token":")" + refresh + R"(","client_type":"wechat"})", {})
          .code,
      "invalid_refresh_token");
  // Expiry.
  clock_.Advance(kLifetimeMs - 1);
  EXPECT_EQ(Post(punches, punch, second).data, Outcome(1, 0, 1));
  clock_.Advance(1);
  EXPECT_EQ(Post(punches, punch, second).code, "unauthorized");
  // A new login revokes the previous refresh token too.
  auto [third, refresh2] = Tokens(kRunner);
  EXPECT_EQ(
      Post("/client/v1/auth/refresh", R"({"refresh_token":")" + refresh + R"(","client_type":"app"})", {})
          .code,
      "invalid_refresh_token");
  EXPECT_EQ(Post(punches, punch, third).data, Outcome(1, 0, 1));
  // Another account's tokens are its own.
  auto [other, other_refresh] = Tokens(kOtherRunner);
  EXPECT_EQ(Get("/client/v1/me/sessions", other).data, R"({"items":[]})");
  EXPECT_EQ(Post(punches, punch, third).data, Outcome(1, 0, 1));
}

TEST_F(OrienteeringAdapterTest, TheClientRenewsARejectedTokenByRefreshThenBySms) {
  EXPECT_EQ(Upload("punches", Example("punches")).data, Outcome(1, 1, 0));
  clock_.Advance(kLifetimeMs);
  Reply reply = Upload("punches", Example("punches"));
  ASSERT_EQ(reply.code, "unauthorized");
  ASSERT_TRUE(client_->TokenRejected(reply.code));
  client_->ForgetToken();
  EXPECT_EQ(Upload("punches", Example("punches")).data, Outcome(1, 0, 1));  // via auth/refresh
  clock_.Advance(ingest::http::LoginDesk::kRefreshLifetimeMs);
  client_->ForgetToken();
  EXPECT_EQ(Upload("punches", Example("punches")).data, Outcome(1, 0, 1));  // refresh expired: SMS again
}

TEST_F(OrienteeringAdapterTest, LaunchIsIdempotentAndBoundToTheLoginsClientType) {
  const auto [token, refresh] = Tokens(kRunner);
  const std::string body = R"({"launch_request_id":"launch_1","device_id":"dev_test","client_type":"app",)"
                           R"("release_id":"sample-classic-001-rel-1"})";
  const Reply first = Post("/client/v1/events/sample-classic-001/launch", body, token);
  const Reply again = Post("/client/v1/events/sample-classic-001/launch", body, token);
  EXPECT_EQ(first.data, again.data);
  EXPECT_EQ(first.Member("route_code"), "null");
  EXPECT_EQ(first.Member("realtime_token"), "");
  std::string other = body;
  other.replace(other.find("launch_1"), 8, "launch_2");
  EXPECT_NE(Post("/client/v1/events/sample-classic-001/launch", other, token).Member("session_id"),
            first.Member("session_id"));
  std::string wechat = body;
  wechat.replace(wechat.find("\"app\""), 5, "\"wechat\"");
  const Reply mismatch = Post("/client/v1/events/sample-classic-001/launch", wechat, token);
  EXPECT_EQ(mismatch.code, "client_type_mismatch");
  EXPECT_EQ(mismatch.details, R"({"field":"client_type"})");
  // The launched session is the account's: its data plane and reads work.
  const std::string session = first.Member("session_id");
  std::string punch = Example("punches");
  punch.replace(punch.find(kExampleSession), kExampleSession.size(), session);
  EXPECT_EQ(Post("/client/v1/punches", punch, token).data, Outcome(1, 1, 0));
  const Reply result = Get("/client/v1/sessions/" + session + "/result", token);
  EXPECT_EQ(result.Member("status"), "in_progress");
  EXPECT_EQ(result.Member("participant_id"), first.Member("participant_id"));
  EXPECT_EQ(result.Member("finished_at"), "null");
}

TEST_F(OrienteeringAdapterTest, SessionsBelongToTheirAccount) {
  const auto [mine, refresh] = Tokens(kRunner);
  const auto [theirs, their_refresh] = Tokens(kOtherRunner);
  EXPECT_EQ(Post("/client/v1/punches", Example("punches"), mine).data, Outcome(1, 1, 0));
  const Reply upload = Post("/client/v1/punches", Example("punches"), theirs);
  EXPECT_EQ(upload.code, "forbidden");
  EXPECT_EQ(upload.message, "session ses_20261120_000123 belongs to another user");
  EXPECT_EQ(upload.details, R"({"session_id":"ses_20261120_000123"})");
  const Reply read = Get("/client/v1/sessions/ses_20261120_000123/gps-track", theirs);
  EXPECT_EQ(read.code, "not_found");
  EXPECT_EQ(read.message, "no session ses_20261120_000123 of this user");
  EXPECT_EQ(Get("/client/v1/me/sessions", theirs).data, R"({"items":[]})");
}

TEST_F(OrienteeringAdapterTest, MySessionsArePagedNewestFirst) {
  const auto [token, refresh] = Tokens(kRunner);
  for (int i = 1; i <= 3; ++i) {
    std::string punch = Example("punches");
    punch.replace(punch.find(kExampleSession), kExampleSession.size(), "ses_page_" + std::to_string(i));
    ASSERT_EQ(Post("/client/v1/punches", punch, token).data, Outcome(1, 1, 0));
  }
  auto ids = [&](const std::string& query) {
    const Reply reply = Get("/client/v1/me/sessions" + query, token);
    std::string out;
    simdjson::dom::parser parser;
    simdjson::dom::array items;
    if (parser.parse(reply.data)["items"].get_array().get(items)) return reply.code + ": " + reply.message;
    for (simdjson::dom::element item : items)
      out += std::string(item["session_id"].get_string().value()) + " ";
    return out;
  };
  EXPECT_EQ(ids(""), "ses_page_3 ses_page_2 ses_page_1 ");
  EXPECT_EQ(ids("?page=2&page_size=2"), "ses_page_1 ");
  EXPECT_EQ(ids("?page=3&page_size=1"), "ses_page_1 ");
  EXPECT_EQ(ids("?page=4&page_size=1"), "");
  EXPECT_EQ(ids("?page_size=51"),
            "invalid_request: orienteering/me/sessions[0].page_size: out_of_range (51)");
  EXPECT_EQ(ids("?page=x"),
            "invalid_request: orienteering/me/sessions[0].page: wrong_type (expected an integer)");
}

TEST_F(OrienteeringAdapterTest, WrongMethodUnknownPathAndOversize) {
  const auto [token, refresh] = Tokens(kRunner);
  Reply reply = Get("/client/v1/punches", token);
  EXPECT_EQ(reply.body, ErrorBody("method_not_allowed", "method GET not allowed on /client/v1/punches"));
  EXPECT_EQ(Post("/client/v1/me/sessions", "{}", token).code, "method_not_allowed");
  EXPECT_EQ(Send("PUT", "/client/v1/sessions/s1/finish").code, "method_not_allowed");
  reply = Get("/client/v1/maps", token);
  EXPECT_EQ(reply.body, ErrorBody("not_found", "no such endpoint: /client/v1/maps"));
  EXPECT_EQ(Post("/client/v1/sessions//finish", "{}", token).code, "not_found");
  EXPECT_EQ(Get("/client/v1/sessions/s1/result/extra", token).code, "not_found");
  EXPECT_EQ(adapter_.BodyLimit("/client/v1/session-uploads"), 4u << 20);
  reply = Send("POST", "/client/v1/session-uploads", std::string((4u << 20) + 1, ' '), token);
  EXPECT_EQ(reply.body,
            ErrorBody("payload_too_large",
                      "request body too large: at most 4194304 bytes on /client/v1/session-uploads",
                      R"({"limit_bytes":4194304})"));
}

}  // namespace
}  // namespace civicflow::testing

namespace civicflow::testing {
namespace {

// A checkpoint carries the login state (tokens, codes sent) and the sessions
// whole into a fresh adapter: the same requests get the same replies after
// the restart — a session stays its account's and refused to the other.
TEST_F(OrienteeringAdapterTest, StateCarriesLoginsAndSessionsAcrossARestart) {
  const auto [mine, refresh] = Tokens(kRunner);
  const auto [theirs, their_refresh] = Tokens(kOtherRunner);
  const std::string launch_body =
      R"({"launch_request_id":"launch_1","device_id":"dev_test","client_type":"app",)"
      R"("release_id":"sample-classic-001-rel-1"})";
  const std::string launched =
      Post("/client/v1/events/sample-classic-001/launch", launch_body, mine).Member("session_id");
  ASSERT_FALSE(launched.empty());
  for (const auto& [path, interface] : std::initializer_list<std::pair<std::string, std::string_view>>{
           {"/client/v1/session-uploads", "session-uploads"},
           {"/client/v1/punches", "punches"},
           {"/client/v1/sessions/" + std::string(kExampleSession) + "/finish",
            "sessions/{session_id}/finish"}})
    ASSERT_EQ(Post(path, Example(interface), mine).data, Outcome(1, 1, 0)) << path;
  std::string punch = Example("punches");
  punch.replace(punch.find(kExampleSession), kExampleSession.size(), launched);
  ASSERT_EQ(Post("/client/v1/punches", punch, mine).data, Outcome(1, 1, 0));

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] {
    return std::make_unique<OrienteeringAdapter>(std::vector{kRunner, kOtherRunner}, context);
  };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kOrienteering, kStartMs);
  auto send_after = [&](std::string method, std::string target, std::string body, const std::string& token) {
    HttpCall call{std::move(method), std::move(target), {}, std::move(body)};
    if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
    Result<HttpAnswer> answer = after.RoundTrip(call);
    EXPECT_TRUE(answer.ok());
    return Reply(answer.ok() ? answer.value() : HttpAnswer{200, "", "{}"});
  };

  struct Request {
    std::string method, target, body;
    std::string token;
  };
  const std::string example_session(kExampleSession);
  const std::vector<Request> requests = {
      {"GET", "/client/v1/sessions/" + example_session + "/result", {}, mine},
      {"GET", "/client/v1/sessions/" + example_session + "/replay-summary", {}, mine},
      {"GET", "/client/v1/sessions/" + example_session + "/gps-track", {}, mine},
      {"GET", "/client/v1/sessions/" + example_session + "/heart-rate", {}, mine},
      {"GET", "/client/v1/sessions/" + launched + "/result", {}, mine},
      {"GET", "/client/v1/me/sessions", {}, mine},
      {"GET", "/client/v1/me/sessions", {}, theirs},
      {"GET", "/client/v1/sessions/" + launched + "/result", {}, theirs},          // not theirs
      {"POST", "/client/v1/punches", punch, theirs},                               // forbidden
      {"POST", "/client/v1/events/sample-classic-001/launch", launch_body, mine},  // the same session
  };
  for (const Request& request : requests) {
    const Reply before = Send(request.method, request.target, request.body, request.token);
    const Reply restored = send_after(request.method, request.target, request.body, request.token);
    EXPECT_EQ(restored.body, before.body) << request.target;
  }
  EXPECT_EQ(send_after("POST", "/client/v1/punches", punch, theirs).code, "forbidden");
  // The code sent before the restart still counts: cooldown and login alike.
  const std::string resend = R"({"scene":"client_login",)" + Identity(kRunner) + "}";
  EXPECT_EQ(send_after("POST", "/client/v1/auth/sms/send", resend, {}).code, "sms_cooldown");
  EXPECT_EQ(send_after("POST", "/client/v1/auth/refresh",
                       R"({"refresh_token":")" + refresh + R"(","client_type":"app"})", {})
                .code,
            "");

  ExpectEveryTruncationFails(state, make, mine);
}

// The accounts file changed between runs: a runner added in front, another
// removed, so kRunner moved from index 0 to 1. kRunner's tokens, code sent,
// launches and sessions are still its own; the removed runner's token is
// refused and its sessions and launches are gone; the new runner starts with
// none of either.
TEST_F(OrienteeringAdapterTest, StateFollowsItsRunnersWhenOneIsAddedAndAnotherRemoved) {
  const auto [mine, refresh] = Tokens(kRunner);
  const auto [theirs, their_refresh] = Tokens(kOtherRunner);
  const std::string launch_body =
      R"({"launch_request_id":"launch_1","device_id":"dev_test","client_type":"app",)"
      R"("release_id":"sample-classic-001-rel-1"})";
  const std::string launched =
      Post("/client/v1/events/sample-classic-001/launch", launch_body, mine).Member("session_id");
  const std::string their_launched =
      Post("/client/v1/events/sample-classic-001/launch", launch_body, theirs).Member("session_id");
  ASSERT_FALSE(launched.empty());
  ASSERT_FALSE(their_launched.empty());
  ASSERT_EQ(Post("/client/v1/punches", Example("punches"), mine).data, Outcome(1, 1, 0));
  std::string their_punch = Example("punches");
  their_punch.replace(their_punch.find(kExampleSession), kExampleSession.size(), "ses_theirs_1");
  ASSERT_EQ(Post("/client/v1/punches", their_punch, theirs).data, Outcome(1, 1, 0));

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] {
    return std::make_unique<OrienteeringAdapter>(std::vector{kNewRunner, kRunner}, context);
  };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kOrienteering, kStartMs);
  auto send_after = [&](std::string method, std::string target, std::string body, const std::string& token) {
    HttpCall call{std::move(method), std::move(target), {}, std::move(body)};
    if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
    Result<HttpAnswer> answer = after.RoundTrip(call);
    EXPECT_TRUE(answer.ok());
    return Reply(answer.ok() ? answer.value() : HttpAnswer{200, "", "{}"});
  };

  // kRunner: the same replies as from the adapter that never stopped.
  const std::string example_session(kExampleSession);
  for (const auto& [method, target, body] :
       std::initializer_list<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/client/v1/sessions/" + example_session + "/result", ""},
           {"GET", "/client/v1/sessions/" + launched + "/result", ""},
           {"GET", "/client/v1/me/sessions", ""},
           {"POST", "/client/v1/events/sample-classic-001/launch", launch_body}}) {  // the same session
    EXPECT_EQ(send_after(method, target, body, mine).body, Send(method, target, body, mine).body) << target;
  }
  const std::string resend = R"({"scene":"client_login",)" + Identity(kRunner) + "}";
  EXPECT_EQ(send_after("POST", "/client/v1/auth/sms/send", resend, {}).code, "sms_cooldown");
  EXPECT_EQ(send_after("POST", "/client/v1/auth/refresh",
                       R"({"refresh_token":")" + refresh + R"(","client_type":"app"})", {})
                .code,
            "");

  // The removed runner: its tokens are refused.
  EXPECT_EQ(send_after("GET", "/client/v1/me/sessions", {}, theirs).code, "unauthorized");
  EXPECT_EQ(send_after("POST", "/client/v1/auth/refresh",
                       R"({"refresh_token":")" + their_refresh + R"(","client_type":"app"})", {})
                .code,
            "invalid_refresh_token");

  // The new runner: no code sent yet, no session, and its launch_1 is a new session.
  const std::string send_new = R"({"scene":"client_login",)" + Identity(kNewRunner) + "}";
  EXPECT_EQ(send_after("POST", "/client/v1/auth/sms/send", send_new, {}).data,
            R"({"cooldown_sec":60,"expires_in_sec":300})");
  const Reply login = send_after("POST", "/client/v1/auth/login/sms",
                                 R"({"login_request_id":"login_1","sms_code":")" + kNewRunner.sms_code +
                                     "\"," + Identity(kNewRunner) + "}",
                                 {});
  ASSERT_EQ(login.code, "") << login.message;
  const std::string newcomer = login.Member("access_token");
  EXPECT_EQ(send_after("GET", "/client/v1/me/sessions", {}, newcomer).data, R"({"items":[]})");
  EXPECT_EQ(send_after("GET", "/client/v1/sessions/" + example_session + "/result", {}, newcomer).code,
            "not_found");
  const std::string new_launch =
      send_after("POST", "/client/v1/events/sample-classic-001/launch", launch_body, newcomer)
          .Member("session_id");
  EXPECT_FALSE(new_launch.empty());
  EXPECT_NE(new_launch, launched);
  EXPECT_NE(new_launch, their_launched);
  // The removed runner's session went with it: nobody owns it now.
  EXPECT_EQ(send_after("GET", "/client/v1/sessions/ses_theirs_1/result", {}, newcomer).code, "not_found");
  EXPECT_EQ(send_after("POST", "/client/v1/punches", their_punch, newcomer).code, "");

  ExpectEveryTruncationFails(state, make, mine);
}

}  // namespace
}  // namespace civicflow::testing
