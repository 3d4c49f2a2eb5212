// CommunityAdapter against the community client and the real engine, over
// real HTTP on loopback (LoopbackTransport: the real server in front of the
// adapter): every interface of the registry, duplicates, validation,
// prerequisites (前置接入), appKey and encryption failures, dictionaries, and
// the request errors (auth, a field's rule, malformed JSON, wrong method,
// unknown path, oversize), with the exact reply bodies where they are
// deterministic.
#include "ingest/platforms/community/http_adapter.h"

#include <gtest/gtest.h>

#include <set>
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
using ingest::http::CodeKind;
using ingest::http::CommunityAccount;
using ingest::http::CommunityAdapter;
using loadgen::HttpAnswer;
using loadgen::HttpCall;

constexpr int64_t kStartMs = 1'763'632'800'000;  // 2025-11-20 18:00 local
constexpr std::string_view kCommunity = "340102001001001";

const std::string& PrivateKeyPem() {
  static const std::string pem = ingest::crypto::GenerateRsaPrivateKeyPem();
  return pem;
}
const std::string& OtherPrivateKeyPem() {
  static const std::string pem = ingest::crypto::GenerateRsaPrivateKeyPem();
  return pem;
}

std::string Accepted(uint32_t records, uint32_t accepted, uint32_t duplicates, uint32_t corrections = 0) {
  return R"({"code":"0","errMsg":"success","data":{"records":)" + std::to_string(records) +
         ",\"accepted\":" + std::to_string(accepted) + ",\"duplicates\":" + std::to_string(duplicates) +
         ",\"corrections\":" + std::to_string(corrections) + "}}";
}

std::string Refused(std::string_view code, std::string_view message) {
  return R"({"code":")" + std::string(code) + R"(","errMsg":")" + std::string(message) + R"(","data":null})";
}

ingest::InterfaceId IdOf(std::string_view name) {
  return Registry::Get().IdOf(*Registry::Get().Find(Platform::kCommunity, name));
}

// The example of `interface` with `field` set to the JSON text `value`.
std::string ExampleWith(std::string_view interface, std::string_view field, std::string_view value) {
  std::string body = ExampleBody(Platform::kCommunity, interface);
  const std::string key = "\"" + std::string(field) + "\":";
  const size_t start = body.find(key);
  EXPECT_NE(start, std::string::npos) << interface << " has no " << field;
  size_t end = start + key.size();
  if (body[end] == '"') {
    end = body.find('"', end + 1) + 1;
  } else {
    end = body.find_first_of(",}", end);
  }
  return body.replace(start + key.size(), end - start - key.size(), value);
}

class CommunityAdapterTest : public ::testing::Test {
 protected:
  CommunityAdapterTest()
      : clock_(kStartMs),
        pictures_("/nonexistent"),
        counter_(pipeline_.submitter()),
        account_{"ak_sq_0001", PrivateKeyPem()},
        adapter_({account_}, ingest::http::AdapterContext{counter_, clock_, pictures_}),
        transport_(adapter_, Platform::kCommunity, kStartMs),
        client_(loadgen::MakeCommunityClient(account_)) {}

  HttpAnswer Send(HttpCall call) {
    Result<HttpAnswer> answer = transport_.RoundTrip(call);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    return answer.ok() ? answer.value() : HttpAnswer{};
  }
  HttpAnswer Send(std::string method, std::string target, std::string body = {}) {
    return Send(HttpCall{std::move(method), std::move(target), {}, std::move(body)});
  }
  HttpAnswer Upload(std::string_view interface, std::string_view body,
                    loadgen::PlatformClient* client = nullptr) {
    Result<HttpCall> call = (client ? client : client_.get())->Upload(interface, kStartMs, body, transport_);
    EXPECT_TRUE(call.ok()) << call.status().message();
    return call.ok() ? Send(call.value()) : HttpAnswer{};
  }
  // Registers the examples' community, entrance, cameras, access system and barrier.
  void RegisterExampleMasterData() {
    for (std::string_view name : {"xq", "crk", "zpj", "mjxt", "cldz"})
      ASSERT_EQ(Upload(name, ExampleBody(Platform::kCommunity, name)).body, Accepted(1, 1, 0)) << name;
  }
  // An envelope around `json` sealed for this account, built by hand.
  static std::string Envelope(std::string_view json, std::string_view aes_key) {
    auto private_key = ingest::crypto::RsaPrivateKey::FromPem(PrivateKeyPem());
    auto public_key = ingest::crypto::RsaPublicKey::FromPem(private_key->PublicKeyPem());
    return R"({"encrypted":")" + ingest::crypto::Base64Encode(public_key->EncryptPkcs1(aes_key).value()) +
           R"(","requestData":")" +
           ingest::crypto::Base64Encode(ingest::crypto::Aes128EcbEncrypt("0123456789abcdef", json).value()) +
           "\"}";
  }

  ManualClock clock_;
  ingest::http::PictureStore pictures_;
  LivePipeline pipeline_;
  CountingSubmitter counter_;
  CommunityAccount account_;
  CommunityAdapter adapter_;
  LoopbackTransport transport_;
  std::unique_ptr<loadgen::PlatformClient> client_;
};

TEST_F(CommunityAdapterTest, EveryInterfaceOfTheRegistryIsAcceptedFromItsExampleAndFeedsTheTables) {
  int interfaces = 0;
  for (const ingest::InterfaceSpec& spec : ingest::CommunityInterfaces()) {
    ASSERT_EQ(spec.direction, ingest::Direction::kUpload) << spec.name;
    const std::string body = ExampleBody(Platform::kCommunity, spec.name);
    ASSERT_FALSE(body.empty()) << spec.name;
    const HttpAnswer answer = Upload(spec.name, body);
    EXPECT_EQ(answer.status, 200u) << spec.name;
    EXPECT_EQ(answer.body, Accepted(1, 1, 0)) << spec.name;
    EXPECT_EQ(client_->ReplyCode(answer), "0");
    EXPECT_EQ(counter_.Totals(Registry::Get().IdOf(spec)).accepted, 1u) << spec.name;
    ++interfaces;
  }
  EXPECT_EQ(interfaces, 15);
  EXPECT_TRUE(adapter_.prerequisites().Knows(CodeKind::kCommunity, kCommunity));
  EXPECT_TRUE(adapter_.prerequisites().Knows(CodeKind::kEntrance, "3401020010010011203"));
  EXPECT_TRUE(adapter_.prerequisites().Knows(CodeKind::kCamera, "34010241011328001001"));
  EXPECT_TRUE(adapter_.prerequisites().Knows(CodeKind::kBarrier, "3401020010010011410001"));
  EXPECT_TRUE(adapter_.prerequisites().Knows(CodeKind::kAccessSystem, "3401020010010011150001"));

  pipeline_.Drain();
  std::set<std::string> sources;
  for (const auto& row : pipeline_.rows(operators::Table::kFlowHourly))
    if (row[0] == "community" && row[1] == kCommunity) sources.insert(row[3]);
  EXPECT_EQ(sources, (std::set<std::string>{"face_capture", "person_pass", "vehicle_pass"}));
  bool camera_status = false;
  for (const auto& row : pipeline_.rows(operators::Table::kSiteStatus))
    camera_status |= row[0] == "community" && row[2] == "34010241011328001001";
  EXPECT_TRUE(camera_status);
}

TEST_F(CommunityAdapterTest, ABatchIsOneUploadAndARepeatIsADuplicateAnsweredAsSuccess) {
  RegisterExampleMasterData();
  const std::string first = ExampleBody(Platform::kCommunity, "stk/zpjl");
  const std::string second = ExampleWith("stk/zpjl", "snapTime", R"("2019-01-01 12:13:00")");
  EXPECT_EQ(Upload("stk/zpjl", "[" + first + "," + second + "]").body, Accepted(2, 2, 0));
  EXPECT_EQ(Upload("stk/zpjl", first).body, Accepted(1, 0, 1));
  EXPECT_EQ(Upload("stk/zpjl", "[" + first + "," + second + "]").body, Accepted(2, 0, 2));
  const std::string corrected = ExampleWith("stk/zpjl", "snapBigImage", R"("http://img.example/b2.jpg")");
  EXPECT_EQ(Upload("stk/zpjl", corrected).body, Accepted(1, 1, 0, 1));
  const auto totals = counter_.Totals(IdOf("stk/zpjl"));
  EXPECT_EQ(totals.records, 6u);
  EXPECT_EQ(totals.duplicates, 3u);
}

TEST_F(CommunityAdapterTest, AValidationErrorNamesInterfaceRecordFieldAndRuleAndKeepsNothing) {
  RegisterExampleMasterData();
  const std::string good = ExampleBody(Platform::kCommunity, "stk/zpjl");
  const std::string bad = ExampleWith("stk/zpjl", "snapTime", R"("2019-02-30 12:12:12")");
  EXPECT_EQ(
      Upload("stk/zpjl", "[" + good + "," + bad + "]").body,
      Refused(
          "1004",
          R"(community/stk/zpjl[1].snapTime: bad_time (\"2019-02-30 12:12:12\" is not a valid yyyy-MM-dd HH:mm:ss time))"));
  EXPECT_EQ(Upload("stk/sbzt", ExampleWith("stk/sbzt", "isOnLine", R"("5")")).body,
            Refused("1004", R"(community/stk/sbzt[0].isOnLine: not_in_enum (\"5\" not in 1|2|9))"));
  const HttpAnswer malformed = Upload("stk/zpjl", R"({"areaNo":"340102001001001",)");
  EXPECT_EQ(malformed.body,
            Refused("1004",
                    "community/stk/zpjl[0]: malformed_json (The JSON document has an improper structure: "
                    "missing or superfluous commas, braces, missing keys, etc.)"));
  EXPECT_EQ(counter_.Totals(IdOf("stk/zpjl")).records, 0u);
}

TEST_F(CommunityAdapterTest, RecordsNamingUnregisteredCodesAreRefusedWithTheMissingReference) {
  const std::string snap = ExampleBody(Platform::kCommunity, "stk/zpjl");
  EXPECT_EQ(Upload("stk/zpjl", snap).body,
            Refused("1005",
                    R"(community/stk/zpjl[0].areaNo: prerequisite missing: community \"340102001001001\" is )"
                    R"(not registered (upload xq first))"));
  EXPECT_EQ(
      Upload("crk", ExampleBody(Platform::kCommunity, "crk")).body,
      Refused("1005", R"(community/crk[0].xqbm: prerequisite missing: community \"340102001001001\" is not )"
                      R"(registered (upload xq first))"));
  ASSERT_EQ(Upload("xq", ExampleBody(Platform::kCommunity, "xq")).body, Accepted(1, 1, 0));
  EXPECT_EQ(
      Upload("stk/zpjl", snap).body,
      Refused("1005",
              R"(community/stk/zpjl[0].snapNo: prerequisite missing: camera \"34010241011328001001\" is )"
              R"(not registered (upload zpj first))"));
  ASSERT_EQ(Upload("zpj", ExampleBody(Platform::kCommunity, "zpj")).body, Accepted(1, 1, 0));
  ASSERT_EQ(Upload("crk", ExampleBody(Platform::kCommunity, "crk")).body, Accepted(1, 1, 0));
  // A barrier's cameras are a comma-separated list: each must be known.
  EXPECT_EQ(
      Upload("cldz", ExampleWith("cldz", "zpjbms", R"("34010241011328001001, 34010241011328009999")")).body,
      Refused("1005", R"(community/cldz[0].zpjbms: prerequisite missing: camera \"34010241011328009999\" is )"
                      R"(not registered (upload zpj first))"));
  const std::string vehicle = ExampleBody(Platform::kCommunity, "stk/cltxjl");
  EXPECT_EQ(
      Upload("stk/cltxjl", vehicle).body,
      Refused("1005",
              R"(community/stk/cltxjl[0].gateNo: prerequisite missing: barrier \"3401020010010011410001\" )"
              R"(is not registered (upload cldz first))"));
  EXPECT_EQ(Upload("stk/rytxjl", ExampleBody(Platform::kCommunity, "stk/rytxjl")).body,
            Refused("1005",
                    R"(community/stk/rytxjl[0].accessControlNo: prerequisite missing: access-control system )"
                    R"(\"3401020010010011150001\" is not registered (upload mjxt first))"));
  // The whole batch is refused when one record is: nothing reaches the pipeline.
  const std::string stranger = ExampleWith("stk/zpjl", "areaNo", R"("340102001001999")");
  EXPECT_EQ(Upload("stk/zpjl", "[" + snap + "," + stranger + "]").body,
            Refused("1005",
                    R"(community/stk/zpjl[1].areaNo: prerequisite missing: community \"340102001001999\" is )"
                    R"(not registered (upload xq first))"));
  EXPECT_EQ(counter_.Totals(IdOf("stk/zpjl")).records, 0u);
  EXPECT_EQ(Upload("stk/zpjl", snap).body, Accepted(1, 1, 0));
}

TEST_F(CommunityAdapterTest, OnlyAnAcceptedUploadRegistersItsCodes) {
  EXPECT_EQ(Upload("xq", ExampleWith("xq", "xqmc", "12")).body,
            Refused("1004", "community/xq[0].xqmc: wrong_type (expected a string)"));
  EXPECT_FALSE(adapter_.prerequisites().Knows(CodeKind::kCommunity, kCommunity));
  EXPECT_EQ(client_->ReplyCode(Upload("gj", ExampleBody(Platform::kCommunity, "gj"))), "1005");
  ASSERT_EQ(Upload("xq", ExampleBody(Platform::kCommunity, "xq")).body, Accepted(1, 1, 0));
  EXPECT_EQ(Upload("gj", ExampleBody(Platform::kCommunity, "gj")).body, Accepted(1, 1, 0));
}

TEST_F(CommunityAdapterTest, AppKeyAndEncryptionFailures) {
  const std::string xq = ExampleBody(Platform::kCommunity, "xq");
  Result<HttpCall> call = client_->Upload("xq", kStartMs, xq, transport_);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(Send("POST", "/api/v1/xq", call->body).body,
            Refused("1001", "appKey missing: send ?appKey=<appKey>"));
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_other", call->body).body, Refused("1001", "unknown appKey"));
  // Sealed with another key pair's public key: the appKey's private key cannot open it.
  auto stranger = loadgen::MakeCommunityClient(CommunityAccount{account_.app_key, OtherPrivateKeyPem()});
  EXPECT_EQ(
      Upload("xq", xq, stranger.get()).body,
      Refused("1003",
              "encrypted: not a 16-byte AES key sealed with this appKey's public key (RSA PKCS#1 v1.5)"));
  EXPECT_EQ(
      Send("POST", "/api/v1/xq?appKey=ak_sq_0001", Envelope(xq, "short key")).body,
      Refused("1003",
              "encrypted: not a 16-byte AES key sealed with this appKey's public key (RSA PKCS#1 v1.5)"));
  // requestData encrypted under another AES key than the sealed one: the padding check fails
  // (or, rarely, garbage decrypts; then it is not JSON).
  const std::string_view code =
      client_->ReplyCode(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", Envelope(xq, "fedcba9876543210")));
  EXPECT_TRUE(code == "1003" || code == "1004") << code;
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", R"({"encrypted":"@@@","requestData":"AAAA"})").body,
            Refused("1003", "encrypted: not Base64"));
  const std::string envelope_error = Refused(
      "1002",
      R"(request body must be a JSON object {\"encrypted\":\"<Base64>\",\"requestData\":\"<Base64>\"})");
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", "{\"encrypted\":").body, envelope_error);
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", R"({"encrypted":"AAAA"})").body, envelope_error);
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", xq).body, envelope_error);
  EXPECT_EQ(counter_.Totals(IdOf("xq")).records, 0u);
}

TEST_F(CommunityAdapterTest, TheEnvelopeRoundTripsWithTheKeyItSeals) {
  const std::string xq = ExampleBody(Platform::kCommunity, "xq");
  EXPECT_EQ(Send("POST", "/api/v1/xq?appKey=ak_sq_0001", Envelope(xq, "0123456789abcdef")).body,
            Accepted(1, 1, 0));
}

TEST_F(CommunityAdapterTest, WrongMethodUnknownPathAndOversize) {
  EXPECT_EQ(Send("GET", "/api/v1/xq?appKey=ak_sq_0001").body,
            Refused("1007", "method GET not allowed on /api/v1/xq: use POST"));
  EXPECT_EQ(Send("PUT", "/api/v1/stk/zpjl?appKey=ak_sq_0001").body,
            Refused("1007", "method OTHER not allowed on /api/v1/stk/zpjl: use POST"));
  EXPECT_EQ(Send("POST", "/api/v1/wd/xzqh?appKey=ak_sq_0001").body,
            Refused("1007", "method POST not allowed on /api/v1/wd/xzqh: use GET"));
  EXPECT_EQ(Send("POST", "/api/v1/xqq?appKey=ak_sq_0001").body,
            Refused("1006", "unknown interface /api/v1/xqq"));
  EXPECT_EQ(Send("POST", "/api/v1/stk/").body, Refused("1006", "unknown interface /api/v1/stk/"));
  EXPECT_EQ(Send("GET", "/api/v1/wd/nosuch?appKey=ak_sq_0001").body,
            Refused("1006", "unknown dictionary nosuch"));
  EXPECT_EQ(adapter_.BodyLimit("/api/v1/stk/zpjl"), 4u << 20);
  const HttpAnswer oversize =
      Send("POST", "/api/v1/stk/zpjl?appKey=ak_sq_0001", std::string((4u << 20) + 1, 'x'));
  EXPECT_EQ(oversize.status, 200u);
  EXPECT_EQ(oversize.body,
            Refused("1008", "request body too large: at most 4194304 bytes on /api/v1/stk/zpjl"));
}

TEST_F(CommunityAdapterTest, DictionariesListRegionCodesAndEveryEnumerationOfTheRegistry) {
  EXPECT_EQ(Send("GET", "/api/v1/wd/xzqh").body, Refused("1001", "appKey missing: send ?appKey=<appKey>"));
  const HttpAnswer regions = Send("GET", "/api/v1/wd/xzqh?appKey=ak_sq_0001");
  EXPECT_EQ(client_->ReplyCode(regions), "0");
  EXPECT_TRUE(regions.body.starts_with(R"({"code":"0","errMsg":"success","data":[{"dm":"110000"},)"))
      << regions.body.substr(0, 100);
  simdjson::dom::parser parser;
  simdjson::dom::array entries;
  ASSERT_FALSE(parser.parse(regions.body)["data"].get_array().get(entries));
  EXPECT_EQ(entries.size(), ingest::RegionCodes().size());
  EXPECT_GT(entries.size(), 3000u);
  EXPECT_NE(regions.body.find(R"({"dm":"440305"})"), std::string::npos);  // 深圳市南山区

  EXPECT_EQ(Send("GET", "/api/v1/wd/sbzxzt?appKey=ak_sq_0001").body,
            R"({"code":"0","errMsg":"success","data":[{"dm":"1","mc":"在线"},{"dm":"2","mc":"离线"},)"
            R"({"dm":"9","mc":"其他"}]})");
  EXPECT_EQ(Send("GET", "/api/v1/wd/sblxdm?appKey=ak_sq_0001").body,
            R"({"code":"0","errMsg":"success","data":[{"dm":"1","mc":"抓拍机"}]})");

  // Every value of every enumerated field of the registry is in some dictionary.
  std::set<std::pair<std::string, std::string>> served;  // (dictionary, value)
  for (const std::string& code : ingest::http::CommunityDictionaries().Codes()) {
    const HttpAnswer answer = Send("GET", "/api/v1/wd/" + code + "?appKey=ak_sq_0001");
    simdjson::dom::array list;
    ASSERT_FALSE(parser.parse(answer.body)["data"].get_array().get(list)) << code;
    for (simdjson::dom::element entry : list)
      served.emplace(code, std::string(entry["dm"].get_string().value()));
  }
  int enums = 0;
  for (const ingest::InterfaceSpec& spec : ingest::CommunityInterfaces())
    for (const ingest::FieldSpec& field : spec.fields) {
      if (field.enum_values.empty()) continue;
      ++enums;
      std::string_view values = field.enum_values;
      for (size_t bar; !values.empty();
           values = bar == std::string_view::npos ? "" : values.substr(bar + 1)) {
        bar = values.find('|');
        const std::string value(values.substr(0, bar));
        bool found = false;
        for (const auto& [code, dm] : served) found |= dm == value && code != "xzqh";
        EXPECT_TRUE(found) << spec.name << "." << field.name << " = " << value;
      }
    }
  EXPECT_GE(enums, 2);
}

TEST_F(CommunityAdapterTest, NoReplyCarriesAKey) {
  RegisterExampleMasterData();
  const std::string marker = "PRIVATE KEY";
  for (const std::string& target : {std::string("/api/v1/xq?appKey=ak_sq_0001"), std::string("/api/v1/xq")}) {
    const HttpAnswer answer = Send("POST", target, Envelope("{}", "0123456789abcdef"));
    EXPECT_EQ(answer.body.find(marker), std::string::npos);
    EXPECT_EQ(answer.body.find("0123456789abcdef"), std::string::npos);
  }
}

TEST_F(CommunityAdapterTest, ConcurrentUploadsFromSeveralThreadsAreEachAnsweredOnce) {
  RegisterExampleMasterData();
  constexpr int kThreads = 4, kUploads = 25;
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto client = loadgen::MakeCommunityClient(account_);
      LoopbackTransport transport(adapter_, Platform::kCommunity, kStartMs);
      for (int i = 0; i < kUploads; ++i) {
        char time[32];
        std::snprintf(time, sizeof time, "\"2019-01-01 %02d:%02d:00\"", t, i);
        const std::string body = ExampleWith("stk/zpjl", "snapTime", time);
        Result<HttpCall> call = client->Upload("stk/zpjl", kStartMs, body, transport);
        if (!call.ok()) continue;
        Result<HttpAnswer> answer = transport.RoundTrip(*call);
        if (answer.ok() && answer->body == Accepted(1, 1, 0)) accepted.fetch_add(1);
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), kThreads * kUploads);
  EXPECT_EQ(counter_.Totals(IdOf("stk/zpjl")).accepted, static_cast<uint32_t>(kThreads * kUploads));
}

}  // namespace
}  // namespace civicflow::testing

namespace civicflow::testing {
namespace {

// A checkpoint carries the registered codes (前置接入) into a fresh adapter:
// a record naming them is accepted after the restart, as it would have been
// before, where an adapter that forgot them refuses it.
TEST_F(CommunityAdapterTest, StateCarriesRegistrationsAcrossARestart) {
  RegisterExampleMasterData();
  const ingest::http::AdapterContext context{counter_, clock_, pictures_};
  auto make = [&] { return std::make_unique<CommunityAdapter>(std::vector{account_}, context); };
  const std::string snap = ExampleBody(Platform::kCommunity, "stk/zpjl");
  auto upload = [&](ingest::http::PlatformHandler& adapter) {
    LoopbackTransport transport(adapter, Platform::kCommunity, kStartMs);
    Result<HttpCall> call = client_->Upload("stk/zpjl", kStartMs, snap, transport);
    EXPECT_TRUE(call.ok());
    Result<HttpAnswer> answer = transport.RoundTrip(call.value());
    EXPECT_TRUE(answer.ok());
    return answer.ok() ? answer->body : std::string();
  };
  auto forgetful = make();
  EXPECT_EQ(upload(*forgetful),
            Refused("1005",
                    R"(community/stk/zpjl[0].areaNo: prerequisite missing: community \"340102001001001\" is )"
                    R"(not registered (upload xq first))"));
  auto restarted = make();
  const std::string state = CarryState(adapter_, *restarted);
  EXPECT_EQ(upload(*restarted), Accepted(1, 1, 0));
  EXPECT_TRUE(restarted->prerequisites().Knows(ingest::http::CodeKind::kBarrier, "3401020010010011410001"));
  EXPECT_FALSE(restarted->prerequisites().Knows(ingest::http::CodeKind::kBarrier, "3401020010010011410009"));

  ExpectEveryTruncationFails(state, make, "");
}

// The accounts file changed between runs: an account added in front, another
// removed. Registrations are global, so they all load: the kept account and
// the new one may name the registered codes; the removed account is refused.
TEST_F(CommunityAdapterTest, RegistrationsSurviveAnAccountAddedAndAnotherRemoved) {
  const CommunityAccount departing{"ak_sq_0002", OtherPrivateKeyPem()};
  const CommunityAccount newcomer{"ak_sq_0003", OtherPrivateKeyPem()};
  const ingest::http::AdapterContext context{counter_, clock_, pictures_};
  CommunityAdapter before({departing, account_}, context);
  LoopbackTransport before_transport(before, Platform::kCommunity, kStartMs);
  auto upload = [&](LoopbackTransport& transport, const CommunityAccount& as, std::string_view interface) {
    auto client = loadgen::MakeCommunityClient(as);
    Result<HttpCall> call =
        client->Upload(interface, kStartMs, ExampleBody(Platform::kCommunity, interface), transport);
    EXPECT_TRUE(call.ok());
    Result<HttpAnswer> answer = transport.RoundTrip(call.value());
    EXPECT_TRUE(answer.ok());
    return answer.ok() ? answer->body : std::string();
  };
  for (std::string_view name : {"xq", "crk", "zpj", "mjxt", "cldz"})  // half by each account
    ASSERT_EQ(upload(before_transport, name < "d" ? departing : account_, name), Accepted(1, 1, 0)) << name;

  auto make = [&] { return std::make_unique<CommunityAdapter>(std::vector{newcomer, account_}, context); };
  auto restarted = make();
  const std::string state = CarryState(before, *restarted);
  LoopbackTransport after(*restarted, Platform::kCommunity, kStartMs);
  EXPECT_EQ(upload(after, account_, "stk/zpjl"), Accepted(1, 1, 0));
  EXPECT_EQ(upload(after, newcomer, "stk/zpjl"), Accepted(1, 0, 1));  // known codes; the same record
  EXPECT_EQ(after.RoundTrip({"POST", "/api/v1/xq?appKey=ak_sq_0002", {}, "{}"})->body,
            Refused("1001", "unknown appKey"));

  ExpectEveryTruncationFails(state, make, "");
}

}  // namespace
}  // namespace civicflow::testing
