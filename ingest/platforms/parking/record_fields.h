#pragma once
// What the parking adapter and client read or change inside an envelope's
// `data` records: the key fields the replies echo (tables 8, 10, 12, 14, 18,
// 20, 22 and 24), the sensitive fields sent SM4-encrypted under header
// `encrypted: 0`, and the lots a heartbeat stands for. One On-Demand pass; the
// bytes of everything else are kept as sent. Stateless; any thread.
#include <simdjson.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::ingest::parking {

// A record's key fields as sent (raw JSON string contents, escapes kept, so
// they can be echoed between quotes); empty when absent or not a string.
struct RecordKeys {
  std::string_view park_code, id, entrance_exit_code, book_code;
};

// The fields of `interface`'s records that header `encrypted: 0` covers. The
// spec names none; civicflow's reading is the personal data: plates
// (plateNo, plateNoList) and the lot's contact (contacts, tel).
std::span<const std::string_view> SensitiveFields(std::string_view interface);

// Turns one sensitive value into its other form (ciphertext → plaintext on
// the server, the reverse in the client), written to `out` (its contents
// replaced; one buffer serves every value of a scan); false when it cannot.
using FieldCipher = std::function<bool(std::string_view value, std::string& out)>;

struct ScannedData {
  std::vector<RecordKeys> records;       // one per element of data, in order
  std::optional<std::string> rewritten;  // data with the sensitive values replaced (when a cipher was given)
};

// Scans `data` (the envelope's JSON array). With `cipher`, each sensitive
// string value is replaced by cipher(its text), JSON-escaped. Fails only when
// the cipher refuses a value: "parking/<interface>[<record>].<field>: <refusal>".
// Malformed JSON ends the scan quietly (the validator names the fault).
Result<ScannedData> ScanData(simdjson::padded_string_view data, std::string_view interface,
                             const FieldCipher* cipher = nullptr, std::string_view refusal = {});

// heartBeats records as civicflow submits them. The spec's heartbeat names
// no lot (the token does): a record without a parkCode stands for every lot
// of the session, so it is repeated once per lot of `session_lots` with that
// lot's code added. Records with a parkCode are kept. Data that is not an
// array of objects is returned unchanged (the validator rejects it).
struct Heartbeats {
  std::string data;
  std::vector<std::string> lots;  // distinct parkCodes the records carry
};
Heartbeats WithSessionLots(std::string_view data, std::span<const std::string> session_lots);

}  // namespace civicflow::ingest::parking
