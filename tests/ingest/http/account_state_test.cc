// AccountMap: the account names a state was written with, mapped onto the
// current accounts file by name (reordered, added, removed), and the states
// it refuses (a name listed twice, an index no saved account has, a cut).
#include "ingest/http/account_state.h"

#include <gtest/gtest.h>

namespace civicflow::ingest::http {
namespace {

std::string StateOf(const std::vector<std::string>& names) {
  std::string state;
  StateWriter out(state);
  PutAccountNames(out, names);
  return state;
}

TEST(AccountMapTest, SavedAccountsAreFoundByNameWhereverTheyAreNow) {
  const std::string state = StateOf({"a", "b", "c"});
  StateReader in(state);
  const AccountMap map = ReadAccountMap(in, std::vector<std::string>{"new", "c", "a"});
  ASSERT_FALSE(in.failed()) << in.error();
  EXPECT_TRUE(in.at_end());
  ASSERT_EQ(map.saved_accounts(), 3u);
  EXPECT_EQ(map.CurrentOf(0), std::optional<size_t>(2));  // a moved behind the new account
  EXPECT_EQ(map.CurrentOf(1), std::nullopt);              // b is gone
  EXPECT_EQ(map.CurrentOf(2), std::optional<size_t>(1));
}

TEST(AccountMapTest, AnUnchangedAccountsFileMapsEveryAccountToItself) {
  const std::vector<std::string> names{"fit_app_a", "fit_app_b"};
  const std::string state = StateOf(names);
  StateReader in(state);
  const AccountMap map = ReadAccountMap(in, names);
  ASSERT_FALSE(in.failed()) << in.error();
  ASSERT_EQ(map.saved_accounts(), 2u);
  EXPECT_EQ(map.CurrentOf(0), std::optional<size_t>(0));
  EXPECT_EQ(map.CurrentOf(1), std::optional<size_t>(1));
}

// Requests authenticate as the first account of a name, so its state goes there.
TEST(AccountMapTest, ANameTwiceInTheAccountsFileMapsToItsFirstAccount) {
  const std::string state = StateOf({"a"});
  StateReader in(state);
  const AccountMap map = ReadAccountMap(in, std::vector<std::string>{"b", "a", "a"});
  ASSERT_FALSE(in.failed()) << in.error();
  EXPECT_EQ(map.CurrentOf(0), std::optional<size_t>(1));
}

TEST(AccountMapTest, AStateListingANameTwiceFails) {
  const std::string state = StateOf({"a", "b", "a"});
  StateReader in(state);
  const AccountMap map = ReadAccountMap(in, std::vector<std::string>{"a", "b"});
  EXPECT_TRUE(in.failed());
  EXPECT_EQ(map.saved_accounts(), 0u);
}

TEST(AccountMapTest, ReadAccountMapsIndicesAndFailsOnOnesTheStateDoesNotList) {
  std::string state = StateOf({"a", "b"});
  StateWriter out(state);
  out.Put<uint64_t>(1);
  out.Put<uint64_t>(0);
  out.Put<uint64_t>(2);  // no third account was saved
  StateReader in(state);
  const AccountMap map = ReadAccountMap(in, std::vector<std::string>{"b"});
  ASSERT_FALSE(in.failed()) << in.error();
  EXPECT_EQ(map.ReadAccount(in), std::optional<size_t>(0));
  EXPECT_EQ(map.ReadAccount(in), std::nullopt);  // a is gone
  EXPECT_FALSE(in.failed());
  EXPECT_EQ(map.ReadAccount(in), std::nullopt);
  EXPECT_TRUE(in.failed());
}

TEST(AccountMapTest, EveryCutOfTheNamesFails) {
  const std::string state = StateOf({"szpark0305000001", "szpark0305000002"});
  for (size_t size = 0; size < state.size(); ++size) {
    StateReader in(std::string_view(state).substr(0, size));
    ReadAccountMap(in, std::vector<std::string>{"szpark0305000002"});
    EXPECT_TRUE(in.failed()) << "cut to " << size << " bytes";
  }
}

}  // namespace
}  // namespace civicflow::ingest::http
