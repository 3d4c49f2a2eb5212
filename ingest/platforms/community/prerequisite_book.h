#pragma once
// PrerequisiteBook: the community spec's "前置接入". A record may only name a
// community, entrance, camera, barrier or access-control system that an
// earlier upload registered (xq, crk, zpj, cldz, mjxt). The book keeps the
// registered codes; the adapter checks an upload against it before
// submitting, and registers the upload's own codes once `done` reports the
// upload accepted.
//
// Which field of which interface registers or references which kind is the
// table in prerequisite_book.cc. Codes are global (the 编码规则 embed the
// community code), so one set per kind.
// Checkpoints keep the registered codes.
// Thread-safe: Check takes a shared lock for the whole upload; Register the
// exclusive one (master data only, rare).
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/base/state_codec.h"
#include "ingest/registry/interface_spec.h"

namespace civicflow::ingest::http {

enum class CodeKind : uint8_t { kCommunity, kEntrance, kCamera, kBarrier, kAccessSystem };
inline constexpr size_t kCodeKinds = 5;

// What an upload registers once accepted, and whether it referenced an
// unregistered code.
struct PrerequisiteScan {
  // "community/stk/zpjl[0].snapNo: prerequisite missing: camera \"…\" is not
  // registered (upload zpj first)"; empty when every reference is known.
  std::string missing;
  std::vector<std::pair<CodeKind, std::string>> registrations;
};

class PrerequisiteBook {
 public:
  // Scans `json` (one object or an array of them, with at least
  // simdjson::SIMDJSON_PADDING bytes readable past its end) as `spec`.
  // Records or fields the scan cannot read are skipped: the validator that
  // runs next rejects them with its own message.
  PrerequisiteScan Check(const InterfaceSpec& spec, std::string_view json, size_t capacity) const;
  void Register(const std::vector<std::pair<CodeKind, std::string>>& codes);
  bool Knows(CodeKind kind, std::string_view code) const;

  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing registered yet.
  void LoadState(StateReader& in);

 private:
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  using CodeSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;
  bool KnowsLocked(CodeKind kind, std::string_view code) const;

  mutable std::shared_mutex mutex_;
  CodeSet codes_[kCodeKinds];
};

}  // namespace civicflow::ingest::http
