#include "storage/pg/pg_sql.h"

#include <algorithm>

namespace civicflow::storage {
namespace {

// Names go into SQL unquoted (libpqxx's COPY does not quote them either), so
// only plain identifiers are accepted: PostgreSQL folds nothing and no
// keyword-looking name can sneak in odd syntax.
bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 48) return false;  // room for the staging prefix under NAMEDATALEN
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

// The staged text cell as its column's type. Keys and summed values must be
// present (''::bigint fails); other typed columns read an empty cell as NULL
// (e.g. parking_reconciliation.reported_used when no parkSpaceInfo came).
std::string CastExpression(const PgTable& table, size_t column) {
  const std::string& name = table.columns[column];
  const ColumnType type = table.types[column];
  if (type == ColumnType::kText) return name;
  const std::string sql_type(SqlTypeName(type));
  if (table.additive()) return name + "::" + sql_type;
  return "NULLIF(" + name + ", '')::" + sql_type;
}

}  // namespace

Result<std::vector<PgTable>> ResolvePgTables(std::span<const TableLayout> layouts) {
  std::vector<PgTable> tables;
  for (const TableLayout& layout : layouts) {
    if (!IsPlainIdentifier(layout.name)) {
      return Status::Error("pg: table name \"" + std::string(layout.name) + "\" is not a plain identifier");
    }
    if (layout.columns.empty())
      return Status::Error("pg: table " + std::string(layout.name) + " has no columns");
    if (layout.types.size() != layout.columns.size())
      return Status::Error("pg: table " + std::string(layout.name) + " needs one type per column");
    PgTable table;
    table.name = layout.name;
    for (size_t c = 0; c < layout.columns.size(); ++c) {
      const std::string_view column = layout.columns[c];
      if (!IsPlainIdentifier(column)) {
        return Status::Error("pg: column \"" + std::string(column) + "\" of " + table.name +
                             " is not a plain identifier");
      }
      table.columns.emplace_back(column);
      table.types.push_back(layout.types[c]);
      table.is_key.push_back(std::find(layout.key.begin(), layout.key.end(), column) != layout.key.end());
    }
    table.key_count = static_cast<size_t>(std::count(table.is_key.begin(), table.is_key.end(), true));
    if (table.key_count != layout.key.size()) {
      return Status::Error("pg: a key column of " + table.name + " is not one of its columns");
    }
    if (table.additive()) {
      for (size_t c = 0; c < table.columns.size(); ++c) {
        if (!table.is_key[c] && !IsSummable(table.types[c])) {
          return Status::Error("pg: " + table.name + "." + table.columns[c] + " is summed but not a number");
        }
      }
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

std::string CreateTableSql(const PgTable& table) {
  std::vector<std::string> parts;
  std::vector<std::string> key;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    std::string part = table.columns[c] + " " + std::string(SqlTypeName(table.types[c]));
    if (table.additive()) part += " NOT NULL";
    parts.push_back(std::move(part));
    if (table.is_key[c]) key.push_back(table.columns[c]);
  }
  if (!key.empty()) parts.push_back("PRIMARY KEY (" + Joined(key, ", ") + ")");
  return "CREATE TABLE IF NOT EXISTS " + table.name + " (" + Joined(parts, ", ") + ")";
}

std::string StagingTableName(const PgTable& table) { return "civicflow_staging_" + table.name; }

std::string CreateStagingSql(const PgTable& table) {
  std::vector<std::string> parts;
  for (const std::string& column : table.columns) parts.push_back(column + " text");
  return "CREATE TEMP TABLE IF NOT EXISTS " + StagingTableName(table) + " (" + Joined(parts, ", ") +
         ") ON COMMIT DELETE ROWS";
}

std::string MergeStagingSql(const PgTable& table) {
  std::vector<std::string> selected;
  std::vector<std::string> group_by;
  std::vector<std::string> key;
  std::vector<std::string> updates;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const std::string& name = table.columns[c];
    if (!table.additive()) {
      selected.push_back(CastExpression(table, c));
    } else if (table.is_key[c]) {
      selected.push_back(CastExpression(table, c));
      group_by.push_back(std::to_string(c + 1));
      key.push_back(name);
    } else {
      selected.push_back("SUM(" + CastExpression(table, c) + ")");
      updates.push_back(name + " = stored." + name + " + EXCLUDED." + name);
    }
  }
  std::string sql = "INSERT INTO " + table.name + " AS stored (" + Joined(table.columns, ", ") + ") SELECT " +
                    Joined(selected, ", ") + " FROM " + StagingTableName(table);
  if (!table.additive()) return sql;
  sql += " GROUP BY " + Joined(group_by, ", ") + " ON CONFLICT (" + Joined(key, ", ") + ") DO ";
  sql += updates.empty() ? "NOTHING" : "UPDATE SET " + Joined(updates, ", ");
  return sql;
}

}  // namespace civicflow::storage
