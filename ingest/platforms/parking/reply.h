#pragma once
// The parking platform's reply (spec table 29) and its codes (appendix A):
//   {"code":<Int>,"message":"<text>","timestamp":<epoch ms>,"data":[...]}
// Every reply civicflow sends on /dataReceive/ and every replenishCarInfo
// answer (operators/replenish_query.h) is written here, so the format and the
// code texts exist once. Stateless; any thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/registry/record_parser.h"

namespace civicflow::ingest::parking {

// Appendix A codes civicflow answers with (A.1 generic, A.2 business).
enum ReplyCode : int {
  kOk = 0,
  kBusinessError = 1,
  kFormatError = 2,  // 接口通用格式错误: not JSON, envelope members, method, multipart
  kOtherError = 3,
  kBadParameter = 4,
  kTokenCheckFailed = 5,  // no authorization header
  kBadSign = 6,
  kBadCode = 1000,  // 编码/命名错误: the interface code in the path is not one of table 30
  kBadParkCode = 1001,
  kTooLong = 1004,
  kWrongType = 1005,
  kOutOfRange = 1007,
  kNoSuchLot = 1101,
  kNoSuchPage = 1107,
  kExists = 1200,
  kBadCredentials = 3001,
  kBadToken = 3002,  // unknown, revoked or expired access token
  kNotInLot = 4001,
};

// Appendix A's own text for `code` ("成功", "对象已存在"…); empty for a code it lacks.
std::string_view CodeText(int code);

// The code a validation error answers with: type and time errors 1005, lengths
// 1004, ranges and enums 1007, a malformed parkCode 1001, missing fields and
// other formats 4, JSON structure 2.
int CodeOf(const ValidationError& error);

// The reply text. `message` is cut to the spec's 255 characters (at a UTF-8
// boundary); `data_json` is the data member's JSON array.
std::string Reply(int code, std::string_view message, int64_t timestamp_ms,
                  std::string_view data_json = "[]");

// The message of `code` with a detail: "<appendix text>: <detail>", or the
// appendix text alone when `detail` is empty.
std::string CodeMessage(int code, std::string_view detail = {});

}  // namespace civicflow::ingest::parking
