#include "tests/support/table_compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "storage/segments/segment_reader.h"
#include "tests/operators/reference/reference.h"

namespace civicflow::testing {
namespace {

namespace fs = std::filesystem;
using operators::TableSchema;

// "-12.5" → -12'500'000 (6 decimals); nullopt unless it is a plain decimal.
std::optional<int64_t> ParseFixed6(std::string_view s) {
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 12 || !digits(whole) || fraction.size() > 6 || !digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty()))
    return std::nullopt;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (size_t i = 0; i < 6; ++i) v = v * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return negative ? -v : v;
}

// An additive table reduced to SUM per key; keys whose sums are all zero are dropped.
struct Reduced {
  std::map<Row, std::vector<int64_t>> sums;
  std::vector<std::string> problems;  // cells that are not canonical decimals
};

Reduced Reduce(const TableSchema& schema, const std::vector<Row>& rows) {
  std::vector<size_t> keys, values;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const bool is_key =
        std::find(schema.key.begin(), schema.key.end(), schema.columns[c]) != schema.key.end();
    (is_key ? keys : values).push_back(c);
  }
  Reduced out;
  for (const Row& row : rows) {
    Row key;
    for (size_t c : keys) key.push_back(row[c]);
    auto& sum = out.sums.try_emplace(key, values.size(), 0).first->second;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string& cell = row[values[i]];
      const std::optional<int64_t> v = ParseFixed6(cell);
      // Decimals are written exactly, without trailing zeros: "356.75", "5".
      if ((!v || reference::FormatFixed6(*v) != cell) && out.problems.size() < kShown)
        out.problems.push_back(std::string(schema.columns[values[i]]) + " \"" + cell + "\" in " + Join(row));
      sum[i] += v.value_or(0);
    }
  }
  std::erase_if(out.sums, [](const auto& entry) {
    return std::all_of(entry.second.begin(), entry.second.end(), [](int64_t v) { return v == 0; });
  });
  return out;
}

std::string Values(const TableSchema& schema, const std::vector<int64_t>* sums) {
  if (!sums) return "(no row)";
  std::string out;
  size_t i = 0;
  for (std::string_view column : schema.columns) {
    if (std::find(schema.key.begin(), schema.key.end(), column) != schema.key.end()) continue;
    out += (i ? " " : "") + std::string(column) + "=" + reference::FormatFixed6((*sums)[i]);
    ++i;
  }
  return out;
}

// Empty when equal; else how many keys differ and the first few, with both values.
std::string CompareSums(const TableSchema& schema, const Reduced& got, const Reduced& want,
                        std::string_view got_name, std::string_view want_name) {
  std::vector<Row> keys;
  for (const auto& [key, sums] : got.sums) keys.push_back(key);
  for (const auto& [key, sums] : want.sums)
    if (!got.sums.contains(key)) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  size_t differ = 0, only_got = 0, only_want = 0;
  std::string shown;
  for (const Row& key : keys) {
    const auto g = got.sums.find(key), w = want.sums.find(key);
    const std::vector<int64_t>* gv = g == got.sums.end() ? nullptr : &g->second;
    const std::vector<int64_t>* wv = w == want.sums.end() ? nullptr : &w->second;
    if (gv && wv && *gv == *wv) continue;
    ++differ;
    only_got += !wv;
    only_want += !gv;
    if (differ <= kShown)
      shown += "\n  key (" + Join(key) + "): " + std::string(got_name) + " " + Values(schema, gv) + " | " +
               std::string(want_name) + " " + Values(schema, wv);
  }
  if (!differ) return "";
  return std::to_string(differ) + " of " + std::to_string(keys.size()) + " keys differ (" +
         std::to_string(only_want) + " only in " + std::string(want_name) + ", " + std::to_string(only_got) +
         " only in " + std::string(got_name) + "); " + std::string(want_name) + " has " +
         std::to_string(want.sums.size()) + " keys, " + std::string(got_name) + " " +
         std::to_string(got.sums.size()) + ". First keys:" + shown;
}

// Empty when the two are the same multiset of rows; else the first rows found in one only.
std::string CompareRows(std::vector<Row> got, std::vector<Row> want, std::string_view got_name,
                        std::string_view want_name) {
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  std::vector<Row> only_got, only_want;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(only_got));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(only_want));
  if (only_got.empty() && only_want.empty()) return "";
  std::string out = std::string(want_name) + " has " + std::to_string(want.size()) + " rows, " +
                    std::string(got_name) + " " + std::to_string(got.size()) + "; " +
                    std::to_string(only_want.size()) + " only in " + std::string(want_name) + ", " +
                    std::to_string(only_got.size()) + " only in " + std::string(got_name) + ".";
  for (size_t i = 0; i < std::min(kShown, only_want.size()); ++i)
    out += "\n  only in " + std::string(want_name) + ": " + Join(only_want[i]);
  for (size_t i = 0; i < std::min(kShown, only_got.size()); ++i)
    out += "\n  only in " + std::string(got_name) + ": " + Join(only_got[i]);
  return out;
}

}  // namespace

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Join(const Row& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
  return out;
}

Row Columns(const TableSchema& schema) { return Row(schema.columns.begin(), schema.columns.end()); }

Loaded LoadTable(const fs::path& data_dir, const TableSchema& schema) {
  Loaded out;
  Result<std::vector<storage::TextRow>> rows = storage::ReadTableRows(data_dir, schema.name, schema.columns);
  if (!rows.ok()) {
    out.problems.push_back(rows.status().message());
    return out;
  }
  out.rows = std::move(*rows);
  return out;
}

// Empty when `got` and `want` hold the same table content.
std::string CompareTable(const TableSchema& schema, const std::vector<Row>& got, const std::vector<Row>& want,
                         std::string_view got_name, std::string_view want_name) {
  if (schema.key.empty()) return CompareRows(got, want, got_name, want_name);
  const Reduced g = Reduce(schema, got), w = Reduce(schema, want);
  std::string out;
  for (const std::string& p : g.problems) out += std::string(got_name) + " writes a bad value: " + p + "\n";
  for (const std::string& p : w.problems) out += std::string(want_name) + " writes a bad value: " + p + "\n";
  return out + CompareSums(schema, g, w, got_name, want_name);
}

}  // namespace civicflow::testing
