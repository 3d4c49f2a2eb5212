#include "engine/query/pg_source.h"

#include <algorithm>
#include <cstdio>
#include <pqxx/pqxx>

namespace civicflow::query {

struct PgSource::Connection {
  // Bounded waits: a query must not hang on an unreachable or stuck server.
  explicit Connection(const std::string& url) : connection(WithTimeouts(url)) {}
  static std::string WithTimeouts(const std::string& url) {
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))  // key=value form
      return url + " connect_timeout=5 options='-c statement_timeout=30000'";
    return url + (url.find('?') == std::string::npos ? "?" : "&") +
           "connect_timeout=5&options=-c%20statement_timeout%3D30000";
  }
  pqxx::connection connection;
};

namespace {

using storage::ColumnType;

// A column as the text cell the segments hold ("" for NULL).
std::string TextCell(std::string_view column, ColumnType type) {
  const std::string name(column);
  switch (type) {
    case ColumnType::kTimestamp:
      return "coalesce(to_char(" + name + ", 'YYYY-MM-DD HH24:MI:SS'), '')";
    case ColumnType::kDate:
      return "coalesce(to_char(" + name + ", 'YYYY-MM-DD'), '')";
    case ColumnType::kText:
      return "coalesce(" + name + ", '')";
    case ColumnType::kInt:
    case ColumnType::kDecimal:
    case ColumnType::kBool:
      break;
  }
  return "coalesce(" + name + "::text, '')";
}

// Dates reach SQL only after this check (the API validates them too).
bool IsPlainDate(std::string_view date) {
  return date.size() == 10 &&
         std::all_of(date.begin(), date.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

// The reply says only that PostgreSQL failed; its own words (host, user,
// database) go to the server's log.
Status Failure(const std::exception& e) {
  std::string detail = e.what();
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::fprintf(stderr, "civicflow: query API: PostgreSQL: %s\n", detail.c_str());
  return Status::Error("PostgreSQL is unavailable or failed the query (details in the server's log)");
}

}  // namespace

PgSource::PgSource(std::string url, size_t max_idle_connections)
    : url_(std::move(url)), max_idle_connections_(max_idle_connections) {}

PgSource::~PgSource() = default;

Result<std::string> PgSource::SelectSql(operators::Table table, std::span<const std::string_view> columns,
                                        const DateRange& dates) {
  const operators::TableSchema& schema = operators::Schema(table);
  std::string sql = "SELECT ";
  for (size_t c = 0; c < columns.size(); ++c) {
    const auto at = std::find(schema.columns.begin(), schema.columns.end(), columns[c]);
    if (at == schema.columns.end())
      return Status::Error("table " + std::string(schema.name) + " has no column " + std::string(columns[c]));
    sql += (c ? ", " : "") + TextCell(columns[c], schema.types[at - schema.columns.begin()]);
  }
  sql += " FROM " + std::string(schema.name);
  const std::string partition(schema.columns[schema.PartitionColumn()]);
  std::vector<std::string> conditions;
  for (const auto& [bound, op] : {std::pair{&dates.from, ">="}, std::pair{&dates.to, "<="}}) {
    if (bound->empty()) continue;
    if (!IsPlainDate(*bound)) return Status::Error("not a date: " + *bound);
    conditions.push_back(partition + "::date " + op + " DATE '" + *bound + "'");
  }
  for (size_t i = 0; i < conditions.size(); ++i) sql += (i ? " AND " : " WHERE ") + conditions[i];
  // Rows of a table that is not additive in the order they were inserted
  // (tables are only ever appended to, so the heap keeps that order).
  if (schema.key.empty()) sql += " ORDER BY ctid";
  return sql;
}

Result<std::vector<TextRow>> PgSource::Rows(operators::Table table, std::span<const std::string_view> columns,
                                            const DateRange& dates) {
  Result<std::string> sql = SelectSql(table, columns, dates);
  if (!sql.ok()) return sql.status();
  std::unique_ptr<Connection> connection;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  // A kept connection may have been closed by a server restart since: one
  // more try on a fresh connection.
  for (bool kept = connection != nullptr;; kept = false) {
    try {
      if (!connection) connection = std::make_unique<Connection>(url_);
      std::vector<TextRow> rows;
      pqxx::read_transaction tx(connection->connection);
      const pqxx::result result = tx.exec(*sql);
      rows.reserve(result.size());
      for (const auto& r : result) {
        TextRow& row = rows.emplace_back();
        row.reserve(columns.size());
        for (const auto& field : r) row.emplace_back(field.c_str(), field.size());
      }
      tx.commit();
      std::lock_guard lock(mu_);
      if (idle_.size() < max_idle_connections_) idle_.push_back(std::move(connection));
      return rows;
    } catch (const pqxx::broken_connection& e) {
      connection.reset();
      if (!kept) return Failure(e);
    } catch (const std::exception& e) {
      return Failure(e);
    }
  }
}

Result<std::vector<TextRow>> PgSource::RawRows(std::string_view, std::span<const std::string_view>) {
  return std::vector<TextRow>{};
}

}  // namespace civicflow::query
