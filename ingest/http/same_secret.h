#pragma once
// Secret comparison for the adapters' logins: takes the same time wherever
// the texts differ, so response times do not reveal a secret's prefix.
#include <string_view>

namespace civicflow::ingest::http {

// False when `expected` is empty (an account without a secret never matches).
inline bool SameSecret(std::string_view expected, std::string_view given) {
  if (expected.empty() || expected.size() != given.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    difference |= static_cast<unsigned char>(expected[i] ^ given[i]);
  return difference == 0;
}

}  // namespace civicflow::ingest::http
