#include "engine/query/site_directory.h"

#include <algorithm>

namespace civicflow::query {

std::string_view DistrictOf(const SiteDistricts& districts, std::string_view platform,
                            std::string_view site) {
  const auto at = districts.find(std::pair{std::string(platform), std::string(site)});
  return at == districts.end() ? std::string_view() : std::string_view(at->second);
}

Result<std::shared_ptr<const SiteDistricts>> SiteDirectory::Current() {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mu_);
    if (current_ && now - learned_ms_ < refresh_ms_) return current_;
  }
  Result<SiteDistricts> learned = Learn();
  if (!learned.ok()) return learned.status();
  auto districts = std::make_shared<const SiteDistricts>(std::move(*learned));
  std::lock_guard lock(mu_);
  current_ = districts;
  learned_ms_ = now;
  return districts;
}

Result<SiteDistricts> SiteDirectory::Learn() {
  struct Source {
    std::string_view platform;
    std::string_view table_prefix;
    std::string_view site_column;
    std::string_view district_column;
    size_t district_digits;  // the leading digits that are the GB/T 2260 district code
  };
  static constexpr Source kSources[] = {
      {"fitness", "raw_fitness_", "venueId", "districtId", 6},
      {"parking", "raw_parking_parkInfo", "parkCode", "areaCode", 6},
      // ssqXzqhdm is the 12-digit division code: district, then township digits.
      {"community", "raw_community_xq", "xqbm", "ssqXzqhdm", 6},
  };
  SiteDistricts districts;
  std::map<std::pair<std::string, std::string>, std::string> learned_at;  // request_time of the answer
  for (const Source& source : kSources) {
    const std::string_view columns[] = {source.site_column, source.district_column, "request_time"};
    auto rows = raw_tables_.RawRows(source.table_prefix, columns);
    if (!rows.ok()) return rows.status();
    for (TextRow& row : *rows) {
      if (row[0].empty() || row[1].empty()) continue;
      row[1].resize(std::min(row[1].size(), source.district_digits));
      std::pair key{std::string(source.platform), std::move(row[0])};
      auto [at, added] = learned_at.try_emplace(key, row[2]);
      std::string& district = districts[key];
      if (added || row[2] > at->second || (row[2] == at->second && row[1] > district)) {
        at->second = row[2];
        district = row[1];
      }
    }
  }
  return districts;
}

}  // namespace civicflow::query
