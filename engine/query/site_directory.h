#pragma once
// SiteDirectory: which GB/T 2260 district a flow site lies in, learned from
// the raw record tables (operators/raw_records.h): a fitness venue's
// `districtId` from any raw_fitness_* table with `venueId` and `districtId`,
// a parking lot's `areaCode` from raw_parking_parkInfo, a community's (its
// xqbm is the areaNo of its passages) from the first six digits of
// raw_community_xq's `ssqXzqhdm`. Where records disagree the latest request
// wins (ties: the greater code), so the answer does not depend on how files
// are read. Other platforms' sites have none.
// The directory is rebuilt from the source at most once per `refresh_ms`:
// the source caches file contents, this saves scanning them per query.
// Thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "engine/base/clock.h"
#include "engine/query/table_source.h"

namespace civicflow::query {

// (platform, site_id) → district code.
using SiteDistricts = std::map<std::pair<std::string, std::string>, std::string, std::less<>>;

// The district of a site, "" where unknown.
std::string_view DistrictOf(const SiteDistricts& districts, std::string_view platform, std::string_view site);

class SiteDirectory {
 public:
  SiteDirectory(TableSource& raw_tables, const Clock& clock, int64_t refresh_ms = 2000)
      : raw_tables_(raw_tables), clock_(clock), refresh_ms_(refresh_ms) {}

  Result<std::shared_ptr<const SiteDistricts>> Current();

 private:
  Result<SiteDistricts> Learn();

  TableSource& raw_tables_;
  const Clock& clock_;
  const int64_t refresh_ms_;
  std::mutex mu_;
  std::shared_ptr<const SiteDistricts> current_;
  int64_t learned_ms_ = 0;
};

}  // namespace civicflow::query
