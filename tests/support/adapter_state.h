#pragma once
// Checkpoint round trips for adapter tests: an adapter's state saved and
// loaded into a fresh adapter (a restart), and the state cut short.
#include <gtest/gtest.h>

#include <string>

#include "engine/base/state_codec.h"
#include "ingest/http/platform_handler.h"

namespace civicflow::testing {

// `before`'s state, loaded into `fresh`; the state must load whole.
inline std::string CarryState(const ingest::http::PlatformHandler& before,
                              ingest::http::PlatformHandler& fresh) {
  std::string state;
  StateWriter out(state);
  before.SaveState(out);
  StateReader in(state);
  fresh.LoadState(in);
  EXPECT_FALSE(in.failed()) << in.error();
  EXPECT_TRUE(in.at_end());
  return state;
}

// Every proper prefix of `state` fails to load into a fresh adapter from
// `make()`, with an error that never quotes `secret` (a token).
template <typename MakeAdapter>
void ExpectEveryTruncationFails(const std::string& state, MakeAdapter make, const std::string& secret) {
  for (size_t size = 0; size < state.size(); ++size) {
    auto adapter = make();
    StateReader in(std::string_view(state).substr(0, size));
    adapter->LoadState(in);
    ASSERT_TRUE(in.failed()) << "a state cut to " << size << " of " << state.size() << " bytes loaded";
    if (!secret.empty()) {
      ASSERT_EQ(in.error().find(secret), std::string::npos) << in.error();
    }
  }
}

}  // namespace civicflow::testing
