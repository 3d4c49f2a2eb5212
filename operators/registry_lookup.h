#pragma once
// What an operator reads, resolved once at construction. A miss means the
// operator and the registry disagree — a programming error — so it throws
// std::logic_error, which every operator's tests trigger by constructing it.
#include <stdexcept>
#include <string>
#include <string_view>

#include "ingest/registry/registry.h"

namespace civicflow::operators {

inline const ingest::InterfaceSpec& InterfaceOrThrow(ingest::Platform platform, std::string_view name) {
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(platform, name);
  if (!spec)
    throw std::logic_error("no interface " + std::string(ingest::PlatformName(platform)) + "/" +
                           std::string(name) + " in the registry");
  return *spec;
}

// The flat field index of `field` in records of `spec`.
inline int FieldOrThrow(const ingest::InterfaceSpec& spec, std::string_view field) {
  const int index = ingest::FlatFieldIndex(spec, field);
  if (index < 0)
    throw std::logic_error("interface " + std::string(spec.name) + " has no field " + std::string(field));
  return index;
}

}  // namespace civicflow::operators
