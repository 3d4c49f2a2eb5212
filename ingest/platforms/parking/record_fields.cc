#include "ingest/platforms/parking/record_fields.h"

#include <algorithm>

#include "engine/base/json_escape.h"
#include "ingest/platforms/parking/envelope.h"

namespace civicflow::ingest::parking {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kPlate[] = {"plateNo"};
constexpr std::string_view kPlateList[] = {"plateNoList"};
constexpr std::string_view kContact[] = {"contacts", "tel"};

struct SensitiveEntry {
  std::string_view interface;
  std::span<const std::string_view> fields;
};
constexpr SensitiveEntry kSensitive[] = {
    {"parkInfo", kContact},  {"enterRecord", kPlate},     {"exitRecord", kPlate},
    {"reservation", kPlate}, {"parkCarInfo", kPlateList},
};

// Where a key field of RecordKeys is kept; nullptr for other keys.
std::string_view* KeySlot(RecordKeys& keys, std::string_view key) {
  if (key == "parkCode") return &keys.park_code;
  if (key == "id") return &keys.id;
  if (key == "entranceExitCode") return &keys.entrance_exit_code;
  if (key == "bookCode") return &keys.book_code;
  return nullptr;
}

// One pass over the records: keys into `out.records`, sensitive values
// replaced into `rewritten` (the bytes of `data` up to `copied` are in it).
class DataScanner {
 public:
  DataScanner(simdjson::padded_string_view data, std::string_view interface, const FieldCipher* cipher,
              std::string_view refusal)
      : data_(data),
        interface_(interface),
        sensitive_(cipher ? SensitiveFields(interface) : std::span<const std::string_view>()),
        cipher_(cipher),
        refusal_(refusal) {
    if (!sensitive_.empty()) rewritten_.reserve(data.size());
  }

  Result<ScannedData> Run() {
    thread_local od::parser parser;
    od::document document;
    od::array array;
    if (parser.iterate(data_).get(document) || document.get_array().get(array)) return std::move(out_);
    bool complete = true;
    for (auto element : array) {
      RecordKeys& keys = out_.records.emplace_back();
      od::object object;
      const auto error = element.get_object().get(object);
      if (error == simdjson::INCORRECT_TYPE) continue;  // the validator reports it
      if (error || !ScanRecord(object, keys)) {
        complete = false;
        break;
      }
      if (!refused_.empty()) return Status::Error(std::move(refused_));
    }
    if (!sensitive_.empty() && complete) {
      rewritten_.append(data_.substr(copied_));
      out_.rewritten = std::move(rewritten_);
    }
    return std::move(out_);
  }

 private:
  // False on malformed JSON; a refused value sets refused_.
  bool ScanRecord(od::object object, RecordKeys& keys) {
    for (auto member : object) {
      std::string_view key;
      od::value value;
      if (member.unescaped_key().get(key) || member.value().get(value)) return false;
      std::string_view* slot = KeySlot(keys, key);
      const bool secret = std::find(sensitive_.begin(), sensitive_.end(), key) != sensitive_.end();
      od::json_type type;
      if ((!slot && !secret) || value.type().get(type) || type != od::json_type::string) continue;
      const std::string_view token = value.raw_json_token();
      const std::string_view contents = JsonStringContents(token);
      if (slot) *slot = contents;
      if (secret && !Replace(value, token, contents, key)) return true;
    }
    return true;
  }

  // Replaces one sensitive string value; false (refused_ set) when the cipher refuses it.
  bool Replace(od::value value, std::string_view token, std::string_view contents, std::string_view key) {
    std::string_view text;
    if (value.get_string().get(text) || !(*cipher_)(text, replaced_)) {
      refused_ = "parking/" + std::string(interface_) + "[" + std::to_string(out_.records.size() - 1) + "]." +
                 std::string(key) + ": " + std::string(refusal_);
      return false;
    }
    const size_t begin = static_cast<size_t>(token.data() - data_.data());
    rewritten_.append(data_.data() + copied_, begin - copied_);
    rewritten_ += '"';
    AppendJsonEscaped(rewritten_, replaced_);
    rewritten_ += '"';
    copied_ = begin + contents.size() + 2;
    return true;
  }

  const simdjson::padded_string_view data_;
  const std::string_view interface_;
  const std::span<const std::string_view> sensitive_;
  const FieldCipher* const cipher_;
  const std::string_view refusal_;
  ScannedData out_;
  std::string rewritten_;
  std::string replaced_;  // the value being replaced, in its other form
  size_t copied_ = 0;
  std::string refused_;
};

void AddDistinct(std::vector<std::string>& lots, std::string_view lot) {
  if (std::find(lots.begin(), lots.end(), lot) == lots.end()) lots.emplace_back(lot);
}

}  // namespace

std::span<const std::string_view> SensitiveFields(std::string_view interface) {
  for (const SensitiveEntry& entry : kSensitive)
    if (entry.interface == interface) return entry.fields;
  return {};
}

Result<ScannedData> ScanData(simdjson::padded_string_view data, std::string_view interface,
                             const FieldCipher* cipher, std::string_view refusal) {
  return DataScanner(data, interface, cipher, refusal).Run();
}

Heartbeats WithSessionLots(std::string_view data, std::span<const std::string> session_lots) {
  thread_local simdjson::dom::parser parser;
  Heartbeats out;
  simdjson::dom::array array;
  if (parser.parse(simdjson::padded_string(data)).get(array)) {
    out.data = data;
    return out;
  }
  out.data = "[";
  auto append = [&out](std::string_view record) {
    if (out.data.size() > 1) out.data += ',';
    out.data += record;
  };
  for (simdjson::dom::element element : array) {
    simdjson::dom::object object;
    if (element.get_object().get(object)) return Heartbeats{std::string(data), {}};
    const std::string record = simdjson::minify(element);
    std::string_view own_lot;
    const bool has_lot = object["parkCode"].get_string().get(own_lot) == simdjson::SUCCESS;
    if (has_lot) AddDistinct(out.lots, own_lot);
    if (has_lot || session_lots.empty() || object["parkCode"].error() != simdjson::NO_SUCH_FIELD) {
      append(record);
      continue;
    }
    for (const std::string& lot : session_lots) {
      std::string with = "{\"parkCode\":";
      AppendJsonString(with, lot);
      if (record.size() > 2) with += ',';
      with.append(record, 1);
      append(with);
      AddDistinct(out.lots, lot);
    }
  }
  out.data += ']';
  return out;
}

}  // namespace civicflow::ingest::parking
