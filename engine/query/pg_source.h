#pragma once
// PgSource: tables read from the PostgreSQL database that `--pg` keeps
// following the data dir (storage/pg/). Cells are cast in SQL to the text
// the segments hold, so queries see the same rows from either source.
// Connections are opened on demand and kept in a small pool guarded by a
// mutex: a query takes one, and gives it back unless it failed (a broken
// connection is dropped, so the next query connects afresh). libpqxx's
// exceptions become Status values here. PostgreSQL holds the output tables
// only: RawRows answers no rows.
// Thread-safe.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/query/table_source.h"

namespace civicflow::query {

class PgSource final : public TableSource {
 public:
  explicit PgSource(std::string url, size_t max_idle_connections = 4);
  ~PgSource() override;

  std::string_view name() const override { return "postgresql"; }
  Result<std::vector<TextRow>> Rows(operators::Table table, std::span<const std::string_view> columns,
                                    const DateRange& dates) override;
  Result<std::vector<TextRow>> RawRows(std::string_view prefix,
                                       std::span<const std::string_view> columns) override;

 private:
  // The SELECT for `table`'s `columns`, or an error naming an unknown column.
  static Result<std::string> SelectSql(operators::Table table, std::span<const std::string_view> columns,
                                       const DateRange& dates);

  const std::string url_;
  const size_t max_idle_connections_;
  std::mutex mu_;
  struct Connection;  // a pqxx::connection
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace civicflow::query
