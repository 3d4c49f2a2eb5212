#pragma once
// The throwaway PostgreSQL cluster of the `postgres` CTest fixture
// (scripts/postgres.sh): its directory comes in CIVICFLOW_PG_DIR, its URL
// in DIR/url. Tests make a database of their own and may stop and start
// the server (they hold the fixture's resource lock).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <string>

namespace civicflow::testing {

inline std::string PgClusterDir() {
  const char* dir = std::getenv("CIVICFLOW_PG_DIR");
  return dir ? dir : "";
}

// `command` ("start", "stop") of scripts/postgres.sh on the cluster; its exit status.
inline int PgCluster(const std::string& command) {
  const std::string line = std::string(CIVICFLOW_SOURCE_DIR) + "/scripts/postgres.sh " + command + " '" +
                           PgClusterDir() + "' >/dev/null";
  return std::system(line.c_str());
}

// A fresh, empty database named after the running test; its URL ("" and a
// test failure if the fixture did not start).
inline std::string FreshPgDatabase() {
  if (PgClusterDir().empty()) {
    ADD_FAILURE() << "CIVICFLOW_PG_DIR is not set: run through ctest (fixture postgres)";
    return "";
  }
  std::ifstream in(PgClusterDir() + "/url");
  std::string base;
  std::getline(in, base);
  if (base.empty()) {
    ADD_FAILURE() << "no " << PgClusterDir() << "/url: the postgres fixture did not start";
    return "";
  }
  std::string name = "t_";
  for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()))
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  pqxx::connection admin(base);
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  tx.exec("CREATE DATABASE " + name);
  return base.substr(0, base.rfind('/') + 1) + name;
}

}  // namespace civicflow::testing
