#include "ingest/platforms/parking/reply.h"

#include "engine/base/json_escape.h"

namespace civicflow::ingest::parking {
namespace {

struct CodeEntry {
  int code;
  std::string_view text;
};

// Tables A.1 and A.2, verbatim.
constexpr CodeEntry kAppendixA[] = {
    {0, "成功"},
    {1, "业务异常"},
    {2, "接口通用格式错误"},
    {3, "其他错误"},
    {4, "参数错误"},
    {5, "Token校验失败"},
    {6, "sign参数校验失败"},
    {1000, "编码/命名错误"},
    {1001, "停车场（库）编码错误"},
    {1002, "车位编码错误"},
    {1004, "超出规定长度"},
    {1005, "字段类型错误"},
    {1007, "超出规定值范围"},
    {1100, "对象不存在"},
    {1101, "车场不存在"},
    {1102, "车位不存在"},
    {1103, "车辆不存在"},
    {1104, "预约订单不存在"},
    {1107, "指定页码不存在"},
    {1200, "对象已存在"},
    {1201, "预约编码已存在"},
    {1300, "对象已失效"},
    {1301, "预约已过期"},
    {1400, "对象已删除"},
    {1401, "预约已取消"},
    {1500, "没有空余对象"},
    {1501, "没有可预约车位"},
    {3001, "用户名或密码错误"},
    {3002, "访问令牌错误"},
    {4001, "车辆不在场内"},
    {5004, "预约时间有误"},
    {5005, "黑名单"},
};

constexpr size_t kMaxMessageChars = 255;  // table 29: message String(255)

// The longest prefix of `text` with at most `chars` UTF-8 code points.
std::string_view CutToChars(std::string_view text, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (seen++ == chars) return text.substr(0, i);
  }
  return text;
}

}  // namespace

std::string_view CodeText(int code) {
  for (const CodeEntry& entry : kAppendixA)
    if (entry.code == code) return entry.text;
  return {};
}

int CodeOf(const ValidationError& error) {
  switch (error.rule) {
    case Rule::kMalformedJson:
    case Rule::kNotAnObject:
    case Rule::kDuplicateField:
      return kFormatError;
    case Rule::kUnknownInterface:
      return kBadCode;
    case Rule::kWrongType:
    case Rule::kBadTime:
      return kWrongType;
    case Rule::kTooLong:
      return kTooLong;
    case Rule::kNotInEnum:
    case Rule::kOutOfRange:
    case Rule::kUnknownRegion:
      return kOutOfRange;
    case Rule::kBadFormat:
      return error.field == "parkCode" ? kBadParkCode : kBadParameter;
    case Rule::kMissingMandatory:
      return kBadParameter;
  }
  return kBadParameter;
}

std::string Reply(int code, std::string_view message, int64_t timestamp_ms, std::string_view data_json) {
  std::string out;
  out.reserve(64 + message.size() + data_json.size());
  out += "{\"code\":";
  out += std::to_string(code);
  out += ",\"message\":\"";
  AppendJsonEscaped(out, CutToChars(message, kMaxMessageChars));
  out += "\",\"timestamp\":";
  out += std::to_string(timestamp_ms);
  out += ",\"data\":";
  out += data_json;
  out += '}';
  return out;
}

std::string CodeMessage(int code, std::string_view detail) {
  std::string message(CodeText(code));
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return message;
}

}  // namespace civicflow::ingest::parking
