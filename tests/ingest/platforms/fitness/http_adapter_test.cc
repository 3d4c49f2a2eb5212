// FitnessAdapter against the fitness client and the real engine, over real
// HTTP on loopback (LoopbackTransport: the real server in front of the
// adapter): every interface of the registry, duplicates, validation, tokens,
// encryption, files, and the request errors (auth, a field's rule, malformed
// JSON, wrong method, unknown path, oversize), with the exact reply bodies
// where they are deterministic.
#include "ingest/platforms/fitness/http_adapter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <thread>

#include "ingest/crypto/crypto.h"
#include "tests/support/adapter_state.h"
#include "tests/support/counting_submitter.h"
#include "tests/support/examples.h"
#include "tests/support/live_pipeline.h"
#include "tests/support/loopback_transport.h"

namespace civicflow::testing {
namespace {

using ingest::Platform;
using ingest::Registry;
using ingest::http::FitnessAccount;
using ingest::http::FitnessAdapter;
using loadgen::HttpAnswer;
using loadgen::HttpCall;

constexpr int64_t kStartMs = 1'763'632'800'000;  // 2025-11-20 18:00 local
constexpr int64_t kLifetimeMs = 2 * 3600 * 1000;

const FitnessAccount kEncrypting{"fit_app_a", "s3cr3t-A-0001", "k8yA12xyzQ", false};
const FitnessAccount kPlainAllowed{"fit_app_b", "s3cr3t-B-0002", "k8yB34abcR", true};
const FitnessAccount kNewcomer{"fit_app_c", "s3cr3t-C-0003", "k8yC56defS", false};

const std::string kGate =
    R"({"venueId":"000001","provinceId":110000,"cityId":110100,"districtId":110108,"deviceId":"GATE-01",)"
    R"("admTime":"2025-11-20 09:15:00"})";

std::string TempDir() {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("fitness_adapter_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
  std::filesystem::create_directories(dir);
  return dir.string();
}

ingest::InterfaceId IdOf(std::string_view name) {
  return Registry::Get().IdOf(*Registry::Get().Find(Platform::kFitness, name));
}

class FitnessAdapterTest : public ::testing::Test {
 protected:
  FitnessAdapterTest()
      : clock_(kStartMs),
        data_dir_(TempDir()),
        pictures_(data_dir_),
        counter_(pipeline_.submitter()),
        adapter_({kEncrypting, kPlainAllowed},
                 ingest::http::AdapterContext{counter_, clock_, pictures_, kLifetimeMs}),
        transport_(adapter_, Platform::kFitness, kStartMs) {}
  ~FitnessAdapterTest() override { std::filesystem::remove_all(data_dir_); }

  HttpAnswer Send(HttpCall call) {
    Result<HttpAnswer> answer = transport_.RoundTrip(call);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer.value() : HttpAnswer{};
  }
  HttpAnswer Send(std::string method, std::string target, std::string body = {},
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Send(HttpCall{std::move(method), std::move(target), std::move(headers), std::move(body)});
  }
  HttpAnswer Upload(loadgen::PlatformClient& client, std::string_view interface, std::string_view body) {
    Result<HttpCall> call = client.Upload(interface, kStartMs, body, transport_);
    EXPECT_TRUE(call.ok()) << call.status().message();
    return call.ok() ? Send(call.value()) : HttpAnswer{};
  }
  std::string Token(const FitnessAccount& account) {
    const HttpAnswer answer = Send("GET", "/api/token?grant_type=client_credential&appid=" + account.appid +
                                              "&secret=" + account.secret);
    return loadgen::ReplyMember(answer.body, "access_token");
  }
  std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}};
  }
  static std::string Encrypted(const FitnessAccount& account, std::string_view json) {
    return ingest::crypto::Base64Encode(
        ingest::crypto::DesEcbEncrypt(std::string_view(account.app_key).substr(0, 8), json).value());
  }

  ManualClock clock_;
  std::string data_dir_;
  ingest::http::PictureStore pictures_;
  LivePipeline pipeline_;
  CountingSubmitter counter_;
  FitnessAdapter adapter_;
  LoopbackTransport transport_;
};

// Every interface of the registry gets a good request over HTTP, the token one included.
TEST_F(FitnessAdapterTest, EveryInterfaceOfTheRegistryIsAcceptedFromItsExample) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  int uploads = 0;
  for (const ingest::InterfaceSpec& spec : ingest::FitnessInterfaces()) {
    if (spec.direction == ingest::Direction::kAuth) {  // the example's credentials with an account's
      const HttpAnswer token =
          Send(std::string(spec.http_method),
               std::string(spec.http_path) + "?grant_type=client_credential&appid=" + kPlainAllowed.appid +
                   "&secret=" + kPlainAllowed.secret);
      EXPECT_EQ(token.status, 200u) << spec.name;
      EXPECT_EQ(loadgen::ReplyMember(token.body, "access_token").size(), 32u)
          << spec.name << ": " << token.body;
      continue;
    }
    const std::string body = ExampleBody(Platform::kFitness, spec.name);
    ASSERT_FALSE(body.empty()) << spec.name;
    const HttpAnswer answer = Upload(*client, spec.name, body);
    EXPECT_EQ(answer.status, 200u) << spec.name;
    EXPECT_EQ(client->ReplyCode(answer), "0") << spec.name << ": " << answer.body;
    if (spec.direction == ingest::Direction::kUpload) {
      ++uploads;
      EXPECT_GE(counter_.Totals(Registry::Get().IdOf(spec)).accepted, 1u) << spec.name;
    }
    if (spec.name == "syncVenueDataGet") {
      EXPECT_EQ(loadgen::ReplyMember(answer.body, "venueName"), "北京体育馆");
      EXPECT_EQ(loadgen::ReplyMember(answer.body, "invAmount"), "56000");
    }
    if (spec.name == "uploadFile") {
      // Absolute, on the host the request named (every HTTP/1.1 request names one).
      const std::string site = "http://" + transport_.host();
      const std::string url = loadgen::ReplyMember(answer.body, "imgUrl");
      ASSERT_TRUE(url.starts_with(site + "/api/files/")) << answer.body;
      const HttpAnswer file = Send("GET", url.substr(site.size()));
      EXPECT_EQ(file.status, 200u);
      EXPECT_EQ(file.content_type, "image/jpeg");
      EXPECT_NE(file.body.find("venue-gate-01.jpg"), std::string::npos);
      EXPECT_EQ(ingest::crypto::HexEncode(ingest::crypto::Md5(file.body)), url.substr(site.size() + 11));
    }
  }
  EXPECT_EQ(uploads, 30);

  // The flow examples reach the hourly flow table.
  pipeline_.Drain();
  int fitness_rows = 0;
  for (const auto& row : pipeline_.rows(operators::Table::kFlowHourly)) fitness_rows += row[0] == "fitness";
  EXPECT_GE(fitness_rows, 4);
}

TEST_F(FitnessAdapterTest, GateRecordsCountInTheirHour) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  std::string batch = "[" + kGate;
  for (int minute = 20; minute < 24; ++minute) {
    std::string record = kGate;
    record.replace(record.find("09:15"), 5, "09:" + std::to_string(minute));
    batch += "," + record;
  }
  batch += "]";
  EXPECT_EQ(Upload(*client, "syncGatebrakeFlowData", batch).body, R"({"errCode":0,"errMsg":"success"})");
  EXPECT_EQ(counter_.Totals(IdOf("syncGatebrakeFlowData")).accepted, 5u);
  pipeline_.Drain();
  int64_t entries = 0;
  for (const auto& row : pipeline_.rows(operators::Table::kFlowHourly))
    if (row[0] == "fitness" && row[1] == "000001" && row[2].starts_with("2025-11-20 09:00"))
      entries += std::stoll(row.back());
  EXPECT_EQ(entries, 5);
}

TEST_F(FitnessAdapterTest, ConcurrentUploadsOfTwoAppsAllArrive) {
  constexpr int kUploads = 40;
  std::vector<std::thread> threads;
  for (const FitnessAccount* account : {&kEncrypting, &kPlainAllowed}) {
    threads.emplace_back([&, account] {
      auto client = loadgen::MakeFitnessClient(*account);
      for (int i = 0; i < kUploads; ++i) {
        std::string record = kGate;
        record.replace(record.find("GATE-01"), 7, account->appid + "-" + std::to_string(i));
        EXPECT_EQ(client->ReplyCode(Upload(*client, "syncGatebrakeFlowData", record)), "0");
        const std::string venue = R"({"venueId":")" + account->appid + R"(","state":"0","businessTime":")" +
                                  std::to_string(i) + R"("})";
        EXPECT_EQ(client->ReplyCode(Upload(*client, "syncVenueData", venue)), "0");
        const HttpAnswer got =
            Upload(*client, "syncVenueDataGet", R"({"venueId":")" + account->appid + R"("})");
        EXPECT_EQ(loadgen::ReplyMember(got.body, "businessTime"), std::to_string(i));  // its own latest
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter_.Totals(IdOf("syncGatebrakeFlowData")).accepted, 2u * kUploads);
}

TEST_F(FitnessAdapterTest, AnUploadOfOnlyDuplicatesAnswers403AndAMixedOneSucceeds) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  EXPECT_EQ(Upload(*client, "syncGatebrakeFlowData", kGate).body, R"({"errCode":0,"errMsg":"success"})");
  const HttpAnswer again = Upload(*client, "syncGatebrakeFlowData", kGate);
  EXPECT_EQ(again.body, R"({"errCode":403,"errMsg":"duplicate: every record was received before"})");
  EXPECT_TRUE(client->Accepted(client->ReplyCode(again)));

  std::string other = kGate;
  other.replace(other.find("09:15"), 5, "09:16");
  EXPECT_EQ(Upload(*client, "syncGatebrakeFlowData", "[" + kGate + "," + other + "]").body,
            R"({"errCode":0,"errMsg":"success"})");
  const auto totals = counter_.Totals(IdOf("syncGatebrakeFlowData"));
  EXPECT_EQ(totals.records, 4u);
  EXPECT_EQ(totals.duplicates, 2u);
}

TEST_F(FitnessAdapterTest, AValidationErrorNamesInterfaceRecordFieldAndRule) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  std::string bad = kGate;
  bad.replace(bad.find("2025-11-20 09:15"), 16, "2026-02-30 10:00");
  const HttpAnswer answer = Upload(*client, "syncGatebrakeFlowData", "[" + kGate + "," + bad + "]");
  EXPECT_EQ(
      answer.body,
      R"~({"errCode":-1,"errMsg":"fitness/syncGatebrakeFlowData[1].admTime: bad_time (\"2026-02-30 10:00:00\" is not a valid yyyy-MM-dd HH:mm:ss time)"})~");
  EXPECT_FALSE(client->Accepted(client->ReplyCode(answer)));
  EXPECT_EQ(counter_.Totals(IdOf("syncGatebrakeFlowData")).records, 0u);  // nothing of it was kept
}

TEST_F(FitnessAdapterTest, MalformedJsonIsRejectedByTheValidator) {
  const std::string token = Token(kEncrypting);
  const HttpAnswer answer = Send("POST", "/api/syncGatebrakeFlowData",
                                 Encrypted(kEncrypting, R"({"venueId":"000001",)"), Bearer(token));
  EXPECT_EQ(
      answer.body,
      R"~({"errCode":-1,"errMsg":"fitness/syncGatebrakeFlowData[0]: malformed_json (The JSON document has )~"
      R"~(an improper structure: missing or superfluous commas, braces, missing keys, etc.)"})~");
}

TEST_F(FitnessAdapterTest, TokenEndpointAnswersInTheSpecsFormat) {
  const HttpAnswer good =
      Send("GET", "/api/token?grant_type=client_credential&appid=fit_app_a&secret=s3cr3t-A-0001");
  EXPECT_EQ(loadgen::ReplyMember(good.body, "access_token").size(), 32u) << good.body;
  EXPECT_EQ(loadgen::ReplyMember(good.body, "expires_in"), "7200");

  EXPECT_EQ(Send("GET", "/api/token?grant_type=password&appid=fit_app_a&secret=s3cr3t-A-0001").body,
            R"({"errcode":40002,"errmsg":"invalid grant_type: must be client_credential"})");
  EXPECT_EQ(Send("GET", "/api/token?grant_type=client_credential&appid=nobody&secret=s3cr3t-A-0001").body,
            R"({"errcode":40003,"errmsg":"invalid appid"})");
  const HttpAnswer wrong_secret =
      Send("GET", "/api/token?grant_type=client_credential&appid=fit_app_a&secret=s3cr3t-B-0002");
  EXPECT_EQ(wrong_secret.body, R"({"errcode":40001,"errmsg":"invalid secret"})");
  EXPECT_EQ(Send("GET", "/api/token?grant_type=client_credential&appid=fit_app_a").body,
            R"({"errcode":40001,"errmsg":"invalid secret"})");
  EXPECT_EQ(Send("POST", "/api/token?grant_type=client_credential&appid=fit_app_a&secret=s3cr3t-A-0001").body,
            R"({"errcode":-1,"errmsg":"method POST not allowed on /api/token: use GET"})");
}

TEST_F(FitnessAdapterTest, UploadsWithoutAValidTokenAreRefusedWith401) {
  const std::string gate = Encrypted(kEncrypting, kGate);
  const std::string missing =
      R"({"errCode":-1,"errMsg":"access_token missing: send Authorization: Bearer <access_token>"})";
  const std::string refused =
      R"({"errCode":-1,"errMsg":"access_token invalid, expired or replaced by a newer one: get a new token"})";
  HttpAnswer answer = Send("POST", "/api/syncGatebrakeFlowData", gate, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(answer.status, 401u);
  EXPECT_EQ(answer.body, missing);
  answer = Send("POST", "/api/syncGatebrakeFlowData", gate, Bearer("0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(answer.status, 401u);
  EXPECT_EQ(answer.body, refused);
  EXPECT_TRUE(loadgen::MakeFitnessClient(kEncrypting)
                  ->TokenRejected(loadgen::MakeFitnessClient(kEncrypting)->ReplyCode(answer)));
  // The scheme is optional: the bare token is taken too.
  const std::string token = Token(kEncrypting);
  answer = Send("POST", "/api/syncGatebrakeFlowData", gate, {{"Authorization", token}});
  EXPECT_EQ(answer.body, R"({"errCode":0,"errMsg":"success"})");
}

TEST_F(FitnessAdapterTest, TokensExpireAfterTheirLifetime) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  EXPECT_EQ(client->ReplyCode(Upload(*client, "syncGatebrakeFlowData", kGate)), "0");
  clock_.Advance(kLifetimeMs - 1);
  std::string other = kGate;
  other.replace(other.find("09:15"), 5, "09:17");
  EXPECT_EQ(client->ReplyCode(Upload(*client, "syncGatebrakeFlowData", other)), "0");  // still live
  clock_.Advance(1);
  const HttpAnswer expired = Upload(*client, "syncGatebrakeFlowData", other);
  EXPECT_EQ(expired.status, 401u);
  ASSERT_TRUE(client->TokenRejected(client->ReplyCode(expired)));
  client->ForgetToken();
  EXPECT_EQ(client->ReplyCode(Upload(*client, "syncGatebrakeFlowData", other)), "403");  // logged in again
  EXPECT_EQ(counter_.Totals(IdOf("syncGatebrakeFlowData")).records, 3u);  // the refused upload never arrived
}

TEST_F(FitnessAdapterTest, ANewTokenRevokesTheAppsPreviousOne) {
  auto first = loadgen::MakeFitnessClient(kEncrypting);
  auto second = loadgen::MakeFitnessClient(kEncrypting);
  auto other_app = loadgen::MakeFitnessClient(kPlainAllowed);
  EXPECT_EQ(first->ReplyCode(Upload(*first, "syncGatebrakeFlowData", kGate)), "0");
  EXPECT_EQ(other_app->ReplyCode(Upload(*other_app, "syncGatebrakeFlowData", kGate)), "403");
  EXPECT_EQ(second->ReplyCode(Upload(*second, "syncGatebrakeFlowData", kGate)), "403");  // new token
  EXPECT_EQ(Upload(*first, "syncGatebrakeFlowData", kGate).status, 401u);
  EXPECT_EQ(second->ReplyCode(Upload(*second, "syncGatebrakeFlowData", kGate)), "403");
  EXPECT_EQ(other_app->ReplyCode(Upload(*other_app, "syncGatebrakeFlowData", kGate)), "403");  // own token
}

TEST_F(FitnessAdapterTest, PlainJsonOnlyForAppsAllowedToSendIt) {
  const auto json = std::vector<std::pair<std::string, std::string>>{{"Content-Type", "application/json"}};
  auto with = [&](const std::string& token) {
    auto headers = json;
    headers.emplace_back("Authorization", "Bearer " + token);
    return headers;
  };
  EXPECT_EQ(Send("POST", "/api/syncGatebrakeFlowData", kGate, with(Token(kPlainAllowed))).body,
            R"({"errCode":0,"errMsg":"success"})");
  EXPECT_EQ(
      Send("POST", "/api/syncGatebrakeFlowData", kGate, with(Token(kEncrypting))).body,
      R"~({"errCode":-1,"errMsg":"plain JSON refused: send the Base64 of the DES-encrypted JSON as text/plain (spec 5.3.2)"})~");
  // An app allowed plain JSON may still encrypt, with its own key.
  EXPECT_EQ(Send("POST", "/api/syncGatebrakeFlowData", Encrypted(kPlainAllowed, kGate),
                 Bearer(Token(kPlainAllowed)))
                .body,
            R"({"errCode":403,"errMsg":"duplicate: every record was received before"})");
}

TEST_F(FitnessAdapterTest, BodiesThatDoNotDecryptAreRefused) {
  const std::string token = Token(kEncrypting);
  EXPECT_EQ(Send("POST", "/api/syncGatebrakeFlowData", "not base64!", Bearer(token)).body,
            R"({"errCode":-1,"errMsg":"body is neither JSON nor Base64"})");
  EXPECT_EQ(
      Send("POST", "/api/syncGatebrakeFlowData", ingest::crypto::Base64Encode("seven b"), Bearer(token)).body,
      R"~({"errCode":-1,"errMsg":"body does not decrypt under the app's appKey (DES-ECB/PKCS#5)"})~");
  EXPECT_EQ(Send("POST", "/api/syncGatebrakeFlowData", "", Bearer(token)).body,
            R"({"errCode":-1,"errMsg":"empty body"})");
  // Base64 broken into lines (as some encoders write it) is read.
  std::string wrapped = Encrypted(kEncrypting, kGate);
  wrapped.insert(40, "\r\n");
  EXPECT_EQ(Send("POST", "/api/syncGatebrakeFlowData", wrapped, Bearer(token)).body,
            R"({"errCode":0,"errMsg":"success"})");
}

TEST_F(FitnessAdapterTest, WrongMethodUnknownPathAndOversizeAnswerInThePlatformsFormat) {
  EXPECT_EQ(Send("GET", "/api/syncGatebrakeFlowData").body,
            R"({"errCode":-1,"errMsg":"method GET not allowed on /api/syncGatebrakeFlowData: use POST"})");
  EXPECT_EQ(Send("POST", "/api/syncNothing", "{}").body,
            R"({"errCode":-1,"errMsg":"unknown interface /api/syncNothing"})");
  EXPECT_EQ(Send("GET", "/api/").body, R"({"errCode":-1,"errMsg":"unknown interface /api/"})");

  EXPECT_EQ(adapter_.BodyLimit("/api/syncGatebrakeFlowData"), 4u << 20);
  EXPECT_EQ(adapter_.BodyLimit("/api/uploadFile"), (10u << 20) + (64u << 10));
  const HttpAnswer oversize = Send("POST", "/api/syncGatebrakeFlowData", std::string((4u << 20) + 1, 'A'));
  EXPECT_EQ(oversize.status, 200u);
  EXPECT_EQ(
      oversize.body,
      R"({"errCode":-1,"errMsg":"request body too large: at most 4194304 bytes on /api/syncGatebrakeFlowData"})");
}

TEST_F(FitnessAdapterTest, UploadFileChecksTheSignatureAndServesThePicture) {
  const std::string token = Token(kEncrypting);
  auto form = [&](std::string_view sign, std::string_view picture) {
    std::string body =
        "--B0\r\nContent-Disposition: form-data; name=\"fileSign\"\r\n\r\n" + std::string(sign) +
        "\r\n--B0\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"gate.png\"\r\n"
        "Content-Type: image/png\r\n\r\n" +
        std::string(picture) + "\r\n--B0--\r\n";
    return Send("POST", "/api/uploadFile", body,
                {{"Authorization", "Bearer " + token}, {"Content-Type", "multipart/form-data; boundary=B0"}});
  };
  std::string picture = "\x89PNG\r\n\x1a\n";
  picture += std::string(5u << 20, 'p');  // 5 MB: within the 10 MB limit
  const std::string md5 = ingest::crypto::HexEncode(ingest::crypto::Md5(picture));
  std::string upper = md5;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(form(upper, picture).body, R"({"errCode":0,"errMsg":"success","imgUrl":"http://)" +
                                           transport_.host() + "/api/files/" + md5 + R"("})");
  EXPECT_EQ(counter_.Totals(IdOf("uploadFile")).accepted, 1u);
  EXPECT_TRUE(std::filesystem::exists(pictures_.PathOf(md5)));
  const HttpAnswer served = Send("GET", "/api/files/" + md5);
  EXPECT_EQ(served.content_type, "image/png");
  EXPECT_EQ(served.body, picture);

  EXPECT_EQ(
      form("0123456789abcdef0123456789abcdef", picture).body,
      R"~({"errCode":-1,"errMsg":"fitness/uploadFile[0].fileSign: bad_format (not the hex MD5 of the uploaded file)"})~");
  EXPECT_EQ(
      Send("POST", "/api/uploadFile",
           "--B0\r\nContent-Disposition: form-data; name=\"fileSign\"\r\n\r\n" + md5 + "\r\n--B0--\r\n",
           {{"Authorization", "Bearer " + token}, {"Content-Type", "multipart/form-data; boundary=B0"}})
          .body,
      R"~({"errCode":-1,"errMsg":"fitness/uploadFile[0].uploadFile: missing_mandatory (no file part)"})~");
  EXPECT_EQ(Send("POST", "/api/uploadFile", "x", {{"Authorization", "Bearer " + token}}).body,
            R"({"errCode":-1,"errMsg":"fitness/uploadFile: Content-Type is not multipart/form-data"})");
  const HttpAnswer missing = Send("GET", "/api/files/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, R"({"errCode":-1,"errMsg":"no such file"})");
  EXPECT_EQ(Send("GET", "/api/files/../../etc/passwd").status, 404u);
  EXPECT_EQ(counter_.Totals(IdOf("uploadFile")).records, 1u);
}

TEST_F(FitnessAdapterTest, SyncVenueDataGetAnswersTheLatestAcceptedVenue) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  EXPECT_EQ(Upload(*client, "syncVenueDataGet", R"({"venueId":"000009"})").body,
            R"({"errCode":-1,"errMsg":"no venue 000009 has been accepted"})");
  EXPECT_EQ(Upload(*client, "syncVenueData",
                   R"({"venueId":"000009","state":"0","businessTime":"09:00-21:00","unknownField":1})")
                .body,
            R"({"errCode":0,"errMsg":"success"})");
  EXPECT_EQ(Upload(*client, "syncVenueData",
                   R"([{"venueId":"000009","state":"2","businessTime":"10:00-22:00","venueName":"东馆"},)"
                   R"({"venueId":"000010","state":"1","businessTime":"全天"}])")
                .body,
            R"({"errCode":0,"errMsg":"success"})");
  // A rejected upload changes nothing.
  EXPECT_EQ(client->ReplyCode(
                Upload(*client, "syncVenueData", R"({"venueId":"000009","state":"9","businessTime":"x"})")),
            "-1");
  EXPECT_EQ(
      Upload(*client, "syncVenueDataGet", R"({"venueId":"000009"})").body,
      R"({"errCode":0,"errMsg":"success","venueId":"000009","state":"2","businessTime":"10:00-22:00","venueName":"东馆"})");
  EXPECT_EQ(Upload(*client, "syncVenueDataGet", R"({"venueId":"000010"})").body,
            R"({"errCode":0,"errMsg":"success","venueId":"000010","state":"1","businessTime":"全天"})");
  EXPECT_EQ(
      Upload(*client, "syncVenueDataGet", R"({"venue":"000010"})").body,
      R"~({"errCode":-1,"errMsg":"fitness/syncVenueDataGet[0].venueId: missing_mandatory (mandatory field missing)"})~");
}

TEST_F(FitnessAdapterTest, NoReplyCarriesASecret) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  std::vector<HttpAnswer> answers;
  answers.push_back(Upload(*client, "syncGatebrakeFlowData", kGate));
  answers.push_back(Send("GET", "/api/token?grant_type=client_credential&appid=fit_app_a&secret=wrong"));
  answers.push_back(Send("GET", "/api/token?grant_type=x&appid=fit_app_a&secret=s3cr3t-A-0001"));
  answers.push_back(
      Send("POST", "/api/syncGatebrakeFlowData", "[", {{"Authorization", "Bearer " + Token(kPlainAllowed)}}));
  for (const HttpAnswer& answer : answers)
    for (std::string_view secret : {kEncrypting.secret, kEncrypting.app_key, kPlainAllowed.secret,
                                    kPlainAllowed.app_key, std::string("wrong")})
      EXPECT_EQ(answer.body.find(secret), std::string::npos) << answer.body;
}

}  // namespace
}  // namespace civicflow::testing

namespace civicflow::testing {
namespace {

// A checkpoint carries the live tokens and the venues into a fresh adapter:
// the same requests get the same replies as before the restart.
TEST_F(FitnessAdapterTest, StateCarriesTokensAndVenuesAcrossARestart) {
  auto client = loadgen::MakeFitnessClient(kEncrypting);
  const std::string venue = R"({"venueId":"000009","state":"0","businessTime":"09:00-21:00"})";
  ASSERT_EQ(Upload(*client, "syncVenueData", venue).body, R"({"errCode":0,"errMsg":"success"})");
  const std::string token = Token(kPlainAllowed);
  const std::string query = R"({"venueId":"000009"})";
  const HttpAnswer before = Upload(*client, "syncVenueDataGet", query);
  const HttpAnswer plain_before = Send("POST", "/api/syncVenueDataGet", query, Bearer(token));
  ASSERT_EQ(plain_before.body, before.body);

  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] {
    return std::make_unique<FitnessAdapter>(std::vector{kEncrypting, kPlainAllowed}, context);
  };
  {  // Without the state the old tokens are refused: what the restart must not change.
    auto forgetful = make();
    LoopbackTransport forgetful_transport(*forgetful, Platform::kFitness, kStartMs);
    EXPECT_EQ(forgetful_transport.RoundTrip({"POST", "/api/syncVenueDataGet", Bearer(token), query})->status,
              401u);
  }
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kFitness, kStartMs);
  Result<HttpCall> call = client->Upload("syncVenueDataGet", kStartMs, query, after);  // the old token
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(after.RoundTrip(call.value())->body, before.body);
  EXPECT_EQ(after.RoundTrip({"POST", "/api/syncVenueDataGet", Bearer(token), query})->body, before.body);
  EXPECT_EQ(state.find(kPlainAllowed.secret), std::string::npos);  // secrets of the accounts stay out

  ExpectEveryTruncationFails(state, make, token);
}

// Expiry is an absolute clock time: a token whose lifetime passed while the
// server was down is refused after LoadState, one still live is taken.
TEST_F(FitnessAdapterTest, ATokenThatExpiredWhileDownIsRefusedAfterARestart) {
  const std::string token = Token(kPlainAllowed);
  clock_.Advance(kLifetimeMs / 2);
  const std::string later_token = Token(kEncrypting);
  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  FitnessAdapter restarted({kEncrypting, kPlainAllowed}, context);
  CarryState(adapter_, restarted);
  clock_.Advance(kLifetimeMs / 2);  // down until the first token's lifetime is over
  LoopbackTransport after(restarted, Platform::kFitness, kStartMs);
  const HttpCall upload{"POST", "/api/syncGatebrakeFlowData", Bearer(token), kGate};
  EXPECT_EQ(after.RoundTrip(upload)->status, 401u);
  const HttpCall live{"POST", "/api/syncGatebrakeFlowData", Bearer(later_token),
                      Encrypted(kEncrypting, kGate)};
  EXPECT_EQ(after.RoundTrip(live)->body, R"({"errCode":0,"errMsg":"success"})");
}

// The accounts file changed between runs: an app added in front, another
// removed, so kEncrypting moved from index 0 to 1. Its token still works as
// its own (the body decrypts under its appKey, and its next token revokes
// it); the removed app's token is refused; the new app starts without one.
TEST_F(FitnessAdapterTest, StateFollowsItsAppsWhenOneIsAddedAndAnotherRemoved) {
  const std::string token = Token(kEncrypting);
  const std::string removed_token = Token(kPlainAllowed);
  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  auto make = [&] { return std::make_unique<FitnessAdapter>(std::vector{kNewcomer, kEncrypting}, context); };
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  LoopbackTransport after(*restarted, Platform::kFitness, kStartMs);
  auto gate = [&](const std::string& with, const FitnessAccount& as, char minute) {  // a new record each
    std::string record = kGate;
    record[record.find("09:15:00") + 4] = minute;
    return *after.RoundTrip({"POST", "/api/syncGatebrakeFlowData", Bearer(with), Encrypted(as, record)});
  };
  const std::string accepted = R"({"errCode":0,"errMsg":"success"})";
  EXPECT_EQ(gate(token, kEncrypting, '2').body, accepted);
  EXPECT_EQ(gate(removed_token, kPlainAllowed, '3').status, 401u);

  auto token_after = [&](const FitnessAccount& account) {
    const HttpCall call{
        "GET",
        "/api/token?grant_type=client_credential&appid=" + account.appid + "&secret=" + account.secret,
        {},
        {}};
    return loadgen::ReplyMember(after.RoundTrip(call)->body, "access_token");
  };
  const std::string new_token = token_after(kNewcomer);
  ASSERT_EQ(new_token.size(), 32u);
  EXPECT_EQ(gate(new_token, kNewcomer, '4').body, accepted);
  EXPECT_EQ(gate(token, kEncrypting, '5').body, accepted);  // the newcomer's token revoked nothing
  ASSERT_EQ(token_after(kEncrypting).size(), 32u);
  EXPECT_EQ(gate(token, kEncrypting, '6').status, 401u);  // replaced by its app's next token

  ExpectEveryTruncationFails(state, make, token);
}

// Two accounts of one name would leave the state's owners ambiguous: such a
// state does not load.
TEST_F(FitnessAdapterTest, AStateListingAnAppTwiceDoesNotLoad) {
  const ingest::http::AdapterContext context{counter_, clock_, pictures_, kLifetimeMs};
  FitnessAdapter twice({kEncrypting, kPlainAllowed, kEncrypting}, context);
  std::string state;
  StateWriter out(state);
  twice.SaveState(out);
  FitnessAdapter fresh({kEncrypting, kPlainAllowed}, context);
  StateReader in(state);
  fresh.LoadState(in);
  EXPECT_TRUE(in.failed());
}

}  // namespace
}  // namespace civicflow::testing
