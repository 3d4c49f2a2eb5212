#pragma once
// CommunityDictionaries: what `GET /api/v1/wd/<code>` answers (spec 1.6, 数据字典).
// civicflow serves the dictionaries whose values it knows:
//   xzqh    ZD001 行政区划: every compiled-in GB/T 2260 code, as {"dm"} (the
//           vendored list has no names);
//   sblxdm  ZD020 设备类型 as stk/sbzt deviceType uses it, and
//   sbzxzt  设备在线状态 (stk/sbzt isOnLine; the spec gives it no ZD code),
//           as {"dm","mc"};
// plus, named after the field, any other enumeration the community registry
// table declares. Each answer's `data` array is built once, at construction.
// Immutable afterwards: safe to read from any thread.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace civicflow::ingest::http {

class CommunityDictionaries {
 public:
  CommunityDictionaries();
  // The `data` JSON array of dictionary `code`; nullptr when civicflow has no such dictionary.
  const std::string* Find(std::string_view code) const;
  std::vector<std::string> Codes() const;

 private:
  std::map<std::string, std::string, std::less<>> data_;
};

}  // namespace civicflow::ingest::http
