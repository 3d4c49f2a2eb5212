#include "ingest/http/account_state.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace civicflow::ingest::http {

std::optional<size_t> AccountMap::ReadAccount(StateReader& in) const {
  const uint64_t saved = in.Get<uint64_t>();
  if (in.failed()) return std::nullopt;
  if (saved >= current_of_saved_.size()) {
    in.Fail("an account index the state lists no account for");
    return std::nullopt;
  }
  return current_of_saved_[saved];
}

void PutAccountNames(StateWriter& out, const std::vector<std::string>& names) {
  out.Section("accounts");
  out.PutCount(names.size());
  for (const std::string& name : names) out.PutText(name);
}

AccountMap ReadAccountMap(StateReader& in, const std::vector<std::string>& current_names) {
  std::unordered_map<std::string_view, size_t> current;
  for (size_t i = 0; i < current_names.size(); ++i) current.emplace(current_names[i], i);  // first wins
  in.Section("accounts");
  const uint64_t n = in.GetCount(sizeof(uint64_t));
  std::vector<std::optional<size_t>> current_of_saved;
  current_of_saved.reserve(n);
  std::unordered_set<std::string_view> saved_names;
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    const std::string_view name = in.GetText();
    if (in.failed()) break;
    if (!saved_names.insert(name).second) {
      in.Fail("an account name listed twice in the state");
      break;
    }
    const auto it = current.find(name);
    current_of_saved.push_back(it == current.end() ? std::nullopt : std::optional(it->second));
  }
  if (in.failed()) return AccountMap();
  return AccountMap(std::move(current_of_saved));
}

}  // namespace civicflow::ingest::http
