#include "tools/datagen/filler.h"

#include <algorithm>
#include <cmath>

#include "engine/base/local_time.h"
#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::FieldSpec;
using ingest::FieldType;
using ingest::Format;
using ingest::Presence;

constexpr std::string_view kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                          "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
constexpr std::string_view kGiven[] = {"伟",   "芳",   "娜",   "敏",   "静",   "磊",  "洋",
                                       "勇",   "艳",   "杰",   "军",   "涛",   "明",  "超",
                                       "秀英", "建华", "志强", "晓燕", "海峰", "嘉怡"};
constexpr std::string_view kPlaces[] = {"全民健身中心", "体育公园",   "文体中心", "社区运动场",
                                        "游泳馆",       "综合训练馆", "滨海步道", "羽毛球馆"};
constexpr std::string_view kWords[] = {"正常", "已完成", "标准", "常规", "备用", "其他"};
constexpr std::string_view kPlateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";

bool Contains(std::string_view name, std::string_view part) {
  return name.find(part) != std::string_view::npos;
}
bool EndsWithAny(std::string_view name, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view s : suffixes)
    if (name.ends_with(s)) return true;
  return false;
}
// Identifier-like names: userId, orderNum, crkbm, jybh...
bool IsIdName(std::string_view name) {
  return name == "id" || EndsWithAny(name, {"Id", "ID", "No", "Num", "Code", "code", "bm", "bh", "Ident"});
}
// Dictionary codes of the community spec (xbdm, mzdm, fwztdm...).
bool IsDictionaryCode(std::string_view name) { return name.size() > 2 && name.ends_with("dm"); }
bool ContainsAny(std::string_view name, std::initializer_list<std::string_view> parts) {
  for (std::string_view p : parts)
    if (Contains(name, p)) return true;
  return false;
}

// Keeps at most `max` code points.
void Truncate(std::string& s, size_t max) {
  if (!max) return;
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points++ == max) {
      s.resize(i);
      return;
    }
  }
}

const Override* Find(std::span<const Override> overrides, std::string_view name) {
  for (const Override& o : overrides)
    if (o.name == name) return &o;
  return nullptr;
}

std::string_view PickEnum(Rng& rng, std::string_view allowed) {
  size_t count = 1;
  for (char c : allowed) count += c == '|';
  size_t k = rng.Below(count);
  while (k--) allowed.remove_prefix(allowed.find('|') + 1);
  return allowed.substr(0, allowed.find('|'));
}

}  // namespace

std::string Quote(std::string_view text) {
  std::string out = "\"";
  AppendJsonEscaped(out, text);
  out.push_back('"');
  return out;
}

std::string RandomPlate(Rng& rng, bool new_energy) {
  std::string plate = "粤B";
  if (new_energy) {
    plate.push_back(rng.Chance(0.8) ? 'D' : 'F');
    if (rng.Chance(0.3)) {
      plate.push_back(kPlateLetters[rng.Below(kPlateLetters.size())]);
      plate += Digits(rng, 4);
    } else {
      plate += Digits(rng, 5);
    }
    return plate;
  }
  for (int i = 0; i < 5; ++i)
    plate.push_back(rng.Chance(i < 2 ? 0.35 : 0.12) ? kPlateLetters[rng.Below(kPlateLetters.size())]
                                                    : static_cast<char>('0' + rng.Below(10)));
  return plate;
}

std::string PersonName(Rng& rng) { return std::string(rng.Pick(kSurnames)) + std::string(rng.Pick(kGiven)); }

std::string MobileNumber(Rng& rng) {
  constexpr std::string_view kPrefixes[] = {"135", "136", "137", "138", "139", "150", "151",
                                            "158", "159", "186", "187", "188", "177", "199"};
  return std::string(rng.Pick(kPrefixes)) + Digits(rng, 8);
}

std::string IdCardNumber(Rng& rng, int district, int64_t birth_local_seconds) {
  std::string id = std::to_string(district);
  std::string date;
  AppendDate(date, birth_local_seconds);
  id += date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
  id += Digits(rng, 3);
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  id.push_back("10X98765432"[sum % 11]);
  return id;
}

std::string HexId(Rng& rng) {
  std::string s;
  AppendHex(s, rng.Next(), 16);
  AppendHex(s, rng.Next(), 16);
  return s;
}

std::string Digits(Rng& rng, size_t count) {
  std::string s(count, '0');
  for (char& c : s) c = static_cast<char>('0' + rng.Below(10));
  return s;
}

void RecordFiller::Fill(std::span<const FieldSpec> fields, std::span<const Override> overrides, int64_t ref_s,
                        int district, std::string& out) {
  JsonObject object(out);
  for (const FieldSpec& field : fields) {
    if (const Override* o = Find(overrides, field.name)) {
      object.Raw(field.name, o->json);
      continue;
    }
    const double keep = field.presence == Presence::kMandatory  ? 1.0
                        : field.presence == Presence::kOptional ? 0.6
                                                                : 0.5;
    if (!rng_.Chance(keep)) continue;
    Value(field, ref_s, district, object.Begin(field.name));
  }
}

std::string RecordFiller::Text(const FieldSpec& field) {
  const std::string_view name = field.name;
  std::string s;
  switch (field.format) {
    case Format::kHex32:
    case Format::kMd5Hex:
      return HexId(rng_);
    case Format::kPlate:
      return RandomPlate(rng_, rng_.Chance(0.15));
    case Format::kDigits:
      return Digits(rng_, field.max_length ? std::min<size_t>(field.max_length, 12) : 6);
    case Format::kMobile:
      return MobileNumber(rng_);
    case Format::kIdCard:
      return IdCardNumber(rng_, 440305, (rng_.Between(7000, 15000)) * LocalTime::kDay);
    case Format::kUrl:
      s = field.max_length && field.max_length < 48 ? "https://img.cf.cn/"
                                                    : "https://media.civicflow.example/upload/";
      AppendHex(s, rng_.Next(), 12);
      s += ".jpg";
      Truncate(s, field.max_length);
      return s;
    default:
      break;
  }
  if (IsDictionaryCode(name)) {
    s = "0" + std::to_string(rng_.Between(1, 9));
  } else if (ContainsAny(name,
                         {"Url", "url", "Image", "Photo", "Video", "zp", "Zp", "tp", "Chart", "face"})) {
    s = "https://media.civicflow.example/";
    AppendHex(s, rng_.Next(), 12);
    s += ".jpg";
  } else if (ContainsAny(name, {"Tel", "Mobile", "mobile", "phone", "sjhm", "lxdh", "Sjhm", "lxfs"})) {
    s = MobileNumber(rng_);
  } else if (ContainsAny(name, {"ddress", "dz", "location", "Location"})) {
    s = "广东省深圳市南山区科技园路" + std::to_string(rng_.Between(1, 300)) + "号";
  } else if (ContainsAny(name,
                         {"Name", "name", "mc", "xm", "fzr", "contacts", "Charge", "sponsor", "performer"})) {
    s = ContainsAny(name, {"user", "User", "xm", "fzr", "contact", "Charge", "captain", "czxm"}) ||
                name == "name"
            ? PersonName(rng_)
            : std::string(rng_.Pick(kPlaces));
  } else if (IsIdName(name)) {
    for (char c : name)
      if (c >= 'A' && c <= 'Z') s.push_back(c);
    if (s.empty()) s = "ID";
    AppendInt(s, 100000 + static_cast<int64_t>(++counter_));
  } else {
    s = std::string(rng_.Pick(kWords));
  }
  Truncate(s, field.max_length);
  return s;
}

void RecordFiller::Value(const FieldSpec& field, int64_t ref_s, int district, std::string& out) {
  const std::string_view name = field.name;
  auto region = [&] {
    if (Contains(name, "rovince")) return ProvinceOf(district);
    if (Contains(name, "ity")) return CityOf(district);
    return district;
  };
  switch (field.type) {
    case FieldType::kString:
      if (!field.enum_values.empty()) {
        out += Quote(PickEnum(rng_, field.enum_values));
      } else if (field.format == Format::kRegionCode) {
        out += Quote(std::to_string(region()));
      } else {
        out += Quote(Text(field));
      }
      return;
    case FieldType::kInt:
    case FieldType::kLong: {
      if (!field.enum_values.empty()) {
        out += PickEnum(rng_, field.enum_values);
        return;
      }
      if (field.format == Format::kRegionCode) {
        AppendInt(out, region());
        return;
      }
      const int64_t lo = std::isfinite(field.min) ? static_cast<int64_t>(field.min) : 0;
      int64_t hi = std::isfinite(field.max) ? static_cast<int64_t>(field.max) : lo + 500;
      if (IsDictionaryCode(name)) {
        AppendInt(out, std::max<int64_t>(lo, rng_.Between(1, 9)));
        return;
      }
      if (IsIdName(name) && !std::isfinite(field.max)) {
        AppendInt(out, lo + 100000 + static_cast<int64_t>(++counter_));
        return;
      }
      hi = std::min(hi, lo + 500);
      if (field.max_length && field.max_length < 10) {
        int64_t cap = 1;
        for (int i = 0; i < field.max_length; ++i) cap *= 10;
        hi = std::min(hi, cap - 1);
      }
      AppendInt(out, rng_.Between(lo, std::max(lo, hi)));
      return;
    }
    case FieldType::kEpochMillis:
      AppendInt(out, LocalTime{ref_s}.ToEpochMillis());
      return;
    case FieldType::kDecimal:
    case FieldType::kDouble: {
      double lo = std::isfinite(field.min) ? field.min : 0,
             hi = std::isfinite(field.max) ? field.max : lo + 200;
      if (Contains(name, "lat") || name == "wd") lo = 22.50, hi = 22.60;
      if (Contains(name, "lon") || Contains(name, "lng") || name == "jd") lo = 113.90, hi = 114.10;
      const int64_t scaled = static_cast<int64_t>(std::floor(rng_.Uniform(lo, hi) * 10000));
      if (field.type == FieldType::kDecimal) {
        out.push_back('"');
        AppendFixed(out, scaled, 4);
        out.push_back('"');
      } else {
        AppendFixed(out, scaled, 4);
      }
      return;
    }
    case FieldType::kBool:
      out += rng_.Chance(0.5) ? "true" : "false";
      return;
    case FieldType::kDate:
      if (ContainsAny(name, {"irth", "csrq"})) {
        AppendDate(out.append("\""), rng_.Between(-7000, 14000) * LocalTime::kDay);
      } else if (ContainsAny(name, {"End", "end", "jzrq"})) {
        AppendDate(out.append("\""), ref_s + 365 * LocalTime::kDay);
      } else if (ContainsAny(name, {"built", "qsrq"})) {
        AppendDate(out.append("\""), ref_s - rng_.Between(400, 3000) * LocalTime::kDay);
      } else {
        AppendDate(out.append("\""), ref_s);
      }
      out.push_back('"');
      return;
    case FieldType::kDateTime:
    case FieldType::kDateMinute: {
      const int64_t t = ContainsAny(name, {"End", "end", "eadline", "finish"}) ? ref_s + 3600 : ref_s;
      out.push_back('"');
      if (field.type == FieldType::kDateTime) {
        AppendDateTime(out, t);
      } else {
        AppendMinute(out, t);
      }
      out.push_back('"');
      return;
    }
    case FieldType::kTime:
      out.push_back('"');
      AppendTimeOfDay(out, rng_.Between(6, 21) * 3600);
      out.push_back('"');
      return;
    case FieldType::kStringList: {
      out.push_back('[');
      const int n = static_cast<int>(rng_.Between(1, 3));
      for (int i = 0; i < n; ++i) {
        if (i) out.push_back(',');
        out += Quote(Text(field));
      }
      out.push_back(']');
      return;
    }
    case FieldType::kList: {
      out.push_back('[');
      const int n = static_cast<int>(rng_.Between(1, 3));
      for (int i = 0; i < n; ++i) {
        if (i) out.push_back(',');
        Fill(field.children, {}, ref_s, district, out);
      }
      out.push_back(']');
      return;
    }
    case FieldType::kObject:
      Fill(field.children, {}, ref_s, district, out);
      return;
  }
}

}  // namespace civicflow::datagen
