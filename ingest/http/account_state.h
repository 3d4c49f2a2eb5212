#pragma once
// Accounts in a checkpoint. Adapter state refers to accounts by their index
// in the accounts file (tokens, lots, sessions), and that file changes
// between runs: management systems are added, removed and reordered. So each
// adapter writes its accounts' public names (appid, userId, appKey, mobile —
// never a secret) before its state, and loading reads them back as an
// AccountMap. Every account index read from a state goes through the map;
// state of an account that is gone is dropped, the rest loads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/state_codec.h"

namespace civicflow::ingest::http {

// AccountMap: where each account of a state is in the current accounts file,
// matched by public name (to the first current account of that name, the one
// requests authenticate as), or gone. Immutable once read.
class AccountMap {
 public:
  AccountMap() = default;
  explicit AccountMap(std::vector<std::optional<size_t>> current_of_saved)
      : current_of_saved_(std::move(current_of_saved)) {}

  // How many accounts the state was written with.
  size_t saved_accounts() const { return current_of_saved_.size(); }
  // The current index of the state's account `saved`; nullopt when it is gone.
  // REQUIRES: saved < saved_accounts().
  std::optional<size_t> CurrentOf(size_t saved) const { return current_of_saved_[saved]; }
  // Reads a saved account index from `in` and maps it. Fails `in` (and
  // returns nullopt) on an index the state lists no account for.
  std::optional<size_t> ReadAccount(StateReader& in) const;

 private:
  std::vector<std::optional<size_t>> current_of_saved_;
};

void PutAccountNames(StateWriter& out, const std::vector<std::string>& names);
// Reads what PutAccountNames wrote and maps it onto `current_names`. Fails
// `in` on a name listed twice (the state would not say whose state is whose).
AccountMap ReadAccountMap(StateReader& in, const std::vector<std::string>& current_names);

// The same for a list of accounts and the public name of each.
template <typename Account, typename NameOf>
std::vector<std::string> AccountNames(const std::vector<Account>& accounts, NameOf name_of) {
  std::vector<std::string> names;
  names.reserve(accounts.size());
  for (const Account& account : accounts) names.emplace_back(name_of(account));
  return names;
}
template <typename Account, typename NameOf>
void PutAccountNames(StateWriter& out, const std::vector<Account>& accounts, NameOf name_of) {
  PutAccountNames(out, AccountNames(accounts, name_of));
}
template <typename Account, typename NameOf>
AccountMap ReadAccountMap(StateReader& in, const std::vector<Account>& accounts, NameOf name_of) {
  return ReadAccountMap(in, AccountNames(accounts, name_of));
}

}  // namespace civicflow::ingest::http
