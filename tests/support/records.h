#pragma once
// Test helper: typed records from JSON text, through the real validator.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ingest/registry/record_parser.h"

namespace civicflow::testing {

// Owns the arena and records parsed from JSON bodies.
class RecordSet {
 public:
  // Parses `body` as platform/interface; the test fails on a validation error.
  RecordSet& Add(ingest::Platform platform, std::string_view interface, std::string_view body,
                 int64_t request_ts_ms = 1'763'632'800'000) {
    const auto* spec = ingest::Registry::Get().Find(platform, interface);
    EXPECT_NE(spec, nullptr) << interface;
    if (!spec) return *this;
    const auto outcome =
        ingest::ParseBodyText(ingest::Registry::Get().IdOf(*spec), body, request_ts_ms, arena_, records_);
    EXPECT_FALSE(outcome.error) << outcome.error->Message();
    return *this;
  }
  // Pointers to every record so far, as the engine hands them to operators.
  std::vector<const ingest::Record*> Pointers() const {
    std::vector<const ingest::Record*> out;
    for (const auto& r : records_) out.push_back(&r);
    return out;
  }
  const std::vector<ingest::Record>& records() const { return records_; }
  void Clear() { records_.clear(); }

 private:
  Arena arena_;
  std::vector<ingest::Record> records_;
};

// A parking enterRecord; `id` becomes the record's 32-hex-digit id.
inline std::string EnterRecord(uint64_t id, std::string_view plate, std::string_view time,
                               std::string_view park = "c492c59ab3b6eec618f2ba80974110e0") {
  char hex[33];
  std::snprintf(hex, sizeof hex, "%032llx", static_cast<unsigned long long>(id));
  return std::string(R"({"parkCode":")") + std::string(park) + R"(","id":")" + hex + R"(","plateNo":")" +
         std::string(plate) + R"(","enterTime":")" + std::string(time) +
         R"(","entryCarPhotoId":"P1","entranceCode":"NQD001","entranceName":"南门","carModel":2,"carColor":1,"plateColor":1})";
}

inline std::string BinocularFlow(std::string_view venue, std::string_view acq_time, int people) {
  return std::string(R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":")") +
         std::string(venue) + R"(","acqTime":")" + std::string(acq_time) + R"(","acqNumOfPeople":)" +
         std::to_string(people) + R"(,"deviceId":"BINO-01"})";
}

}  // namespace civicflow::testing
