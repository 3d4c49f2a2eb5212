#pragma once
// The registry of every interface of the five platforms. Immutable after
// construction; safe to read from any thread.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/registry/interface_spec.h"

namespace civicflow::ingest {

// Each platform's table, defined in ingest/platforms/<platform>/interfaces.cc.
std::span<const InterfaceSpec> FitnessInterfaces();
std::span<const InterfaceSpec> ParkingInterfaces();
std::span<const InterfaceSpec> CommunityInterfaces();
std::span<const InterfaceSpec> TicketingInterfaces();
std::span<const InterfaceSpec> OrienteeringInterfaces();

// Dense id of an interface across all platforms: index into Registry::All().
using InterfaceId = uint16_t;

class Registry {
 public:
  static const Registry& Get();

  std::span<const InterfaceSpec* const> All() const { return all_; }
  const InterfaceSpec& At(InterfaceId id) const { return *all_[id]; }
  InterfaceId IdOf(const InterfaceSpec& spec) const;

  // nullptr when the platform has no such interface.
  const InterfaceSpec* Find(Platform platform, std::string_view name) const;
  const InterfaceSpec* FindByPath(std::string_view method, std::string_view path) const;

 private:
  Registry();
  std::vector<const InterfaceSpec*> all_;
  std::array<std::unordered_map<std::string_view, const InterfaceSpec*>, std::size(kAllPlatforms)> by_name_;
};

// Flat field layout of a record: the interface's fields, followed, when it
// has a record_list, by that list's element fields. Operators resolve field
// names to these indexes once, at construction.
size_t FlatFieldCount(const InterfaceSpec& spec);
const FieldSpec& FlatField(const InterfaceSpec& spec, size_t index);
// -1 when the name is not a field of the record (element fields win).
int FlatFieldIndex(const InterfaceSpec& spec, std::string_view name);

// GB/T 2260 administrative division codes (vendored list, compiled in).
bool IsRegionCode(int64_t code);
// Every code of that list, ascending (the community dictionary wd/xzqh).
std::span<const int32_t> RegionCodes();

}  // namespace civicflow::ingest
