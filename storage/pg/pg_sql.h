#pragma once
// The SQL the PostgreSQL sink runs, built once per table at Connect from its
// layout and the column type mapping. Plain functions without a connection,
// so the statements can be read (and tested) on their own.
#include <span>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "storage/pg/pg_column_types.h"
#include "storage/table_layout.h"

namespace civicflow::storage {

// An output table as the sink keeps it (owned copies of the layout's views).
// Invariant (ResolvePgTables): names are plain lower-case identifiers, every
// key column is a column, and every summed column of an additive table is
// numeric or bigint.
struct PgTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<ColumnType> types;
  std::vector<bool> is_key;
  size_t key_count = 0;

  bool additive() const { return key_count > 0; }
};

Result<std::vector<PgTable>> ResolvePgTables(std::span<const TableLayout> layouts);

// CREATE TABLE IF NOT EXISTS with typed columns; additive tables get their
// key as PRIMARY KEY (what ON CONFLICT needs), their values NOT NULL.
std::string CreateTableSql(const PgTable& table);
// The session's staging table: every column text, emptied at each commit.
std::string StagingTableName(const PgTable& table);
std::string CreateStagingSql(const PgTable& table);
// Moves the staged rows into the table: additive tables sum the staged rows
// per key and add them to what is stored (INSERT … ON CONFLICT DO UPDATE);
// the others insert every row. Text cells are cast here, so a bad cell fails.
std::string MergeStagingSql(const PgTable& table);

}  // namespace civicflow::storage
