#include "ingest/registry/registry.h"

#include <cassert>

namespace civicflow::ingest {
namespace {

const FieldSpec* RecordListField(const InterfaceSpec& spec) {
  if (spec.record_list.empty()) return nullptr;
  for (const FieldSpec& f : spec.fields)
    if (f.name == spec.record_list) return &f;
  return nullptr;
}

}  // namespace

Registry::Registry() {
  for (auto table : {FitnessInterfaces(), ParkingInterfaces(), CommunityInterfaces(), TicketingInterfaces(),
                     OrienteeringInterfaces()})
    for (const InterfaceSpec& spec : table) {
      all_.push_back(&spec);
      by_name_[static_cast<size_t>(spec.platform)].emplace(spec.name, &spec);
    }
}

const Registry& Registry::Get() {
  static const Registry registry;
  return registry;
}

InterfaceId Registry::IdOf(const InterfaceSpec& spec) const {
  for (size_t i = 0; i < all_.size(); ++i)
    if (all_[i] == &spec) return static_cast<InterfaceId>(i);
  assert(false && "spec not in registry");
  return 0;
}

const InterfaceSpec* Registry::Find(Platform platform, std::string_view name) const {
  const auto& names = by_name_[static_cast<size_t>(platform)];
  const auto it = names.find(name);
  return it == names.end() ? nullptr : it->second;
}

const InterfaceSpec* Registry::FindByPath(std::string_view method, std::string_view path) const {
  for (const InterfaceSpec* spec : all_)
    if (spec->http_method == method && spec->http_path == path) return spec;
  return nullptr;
}

size_t FlatFieldCount(const InterfaceSpec& spec) {
  const FieldSpec* list = RecordListField(spec);
  return spec.fields.size() + (list ? list->children.size() : 0);
}

const FieldSpec& FlatField(const InterfaceSpec& spec, size_t index) {
  if (index < spec.fields.size()) return spec.fields[index];
  return RecordListField(spec)->children[index - spec.fields.size()];
}

int FlatFieldIndex(const InterfaceSpec& spec, std::string_view name) {
  if (const FieldSpec* list = RecordListField(spec)) {
    for (size_t i = 0; i < list->children.size(); ++i)
      if (list->children[i].name == name) return static_cast<int>(spec.fields.size() + i);
  }
  for (size_t i = 0; i < spec.fields.size(); ++i)
    if (spec.fields[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace civicflow::ingest
