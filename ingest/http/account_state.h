#pragma once
// Account names in a checkpoint. Adapter state refers to accounts by their
// position in the accounts file (tokens, lots, sessions), so a state is only
// meaningful for the accounts it was written with: each adapter writes its
// accounts' public names (appid, userId, appKey, mobile — never a secret)
// and loading fails when they are not the accounts it was built with.
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/state_codec.h"

namespace civicflow::ingest::http {

template <typename Account, typename NameOf>
void PutAccountNames(StateWriter& out, const std::vector<Account>& accounts, NameOf name_of) {
  out.Section("accounts");
  out.PutCount(accounts.size());
  for (const Account& account : accounts) out.PutText(name_of(account));
}

// Fails `in` unless the state was written for exactly `accounts`, in order.
template <typename Account, typename NameOf>
void CheckAccountNames(StateReader& in, const std::vector<Account>& accounts, NameOf name_of) {
  in.Section("accounts");
  const uint64_t n = in.GetCount(sizeof(uint64_t));
  if (n != accounts.size() && !in.failed())
    return in.Fail("the state was written for " + std::to_string(n) + " accounts, not " +
                   std::to_string(accounts.size()));
  for (const Account& account : accounts)
    if (in.GetText() != std::string_view(name_of(account)) && !in.failed())
      return in.Fail("the state was written for other accounts");
}

}  // namespace civicflow::ingest::http
