#pragma once
// RecordFiller: writes a valid payload object for any registry field table,
// driven by the FieldSpecs (type, enum, format, length, range) and, for plain
// text, by the field's name. Callers pin the fields that tie a record to the
// simulated world (ids, keys, event time) with overrides. Also the small
// vocabulary shared by the platform generators (plates, names, phone numbers).
// Owned by one generator; uses that generator's Rng.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ingest/registry/interface_spec.h"
#include "tools/datagen/rng.h"

namespace civicflow::datagen {

// A field value fixed by the caller, as JSON text ("\"abc\"", "12").
struct Override {
  std::string_view name;
  std::string json;
};

std::string Quote(std::string_view text);

// Guangdong Shenzhen plate: 粤B + five alphanumerics, or a six-character new-energy plate.
std::string RandomPlate(Rng& rng, bool new_energy);
std::string PersonName(Rng& rng);
std::string MobileNumber(Rng& rng);
// 18-character resident identity number with a valid check digit.
std::string IdCardNumber(Rng& rng, int district, int64_t birth_local_seconds);
std::string HexId(Rng& rng);  // 32 lowercase hex digits
std::string Digits(Rng& rng, size_t count);

// GB/T 2260 parents of a district code.
inline int CityOf(int district) { return district / 100 * 100; }
inline int ProvinceOf(int district) { return district / 10000 * 10000; }

class RecordFiller {
 public:
  explicit RecordFiller(Rng& rng) : rng_(rng) {}

  // Appends one object for `fields`. Mandatory fields are always written,
  // optional ones with probability 0.6, conditional ones 0.5; overrides are
  // always written. Times default to `ref_s` (local seconds); region codes to
  // `district` and its city and province.
  void Fill(std::span<const ingest::FieldSpec> fields, std::span<const Override> overrides, int64_t ref_s,
            int district, std::string& out);

 private:
  void Value(const ingest::FieldSpec& field, int64_t ref_s, int district, std::string& out);
  std::string Text(const ingest::FieldSpec& field);
  uint64_t counter_ = 0;
  Rng& rng_;
};

}  // namespace civicflow::datagen
