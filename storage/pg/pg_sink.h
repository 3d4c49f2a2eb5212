#pragma once
// PgSink: writes batches of output-table rows into PostgreSQL, exactly once
// per position.
//
// Owns one connection (re-opened on the next Apply after it broke) and the
// tables' SQL. Not thread-safe: one thread at a time (PgFollower's thread
// once handed over). Never throws: libpqxx exceptions become a Status.
//
// Invariants, in the database:
// - civicflow_schema_version lists the migration steps applied (Connect runs
//   the missing ones in order under an advisory lock, so two processes
//   starting together, or a second start, change nothing).
// - civicflow_progress.applied_position is the position of the last batch
//   whose rows are in the tables; both change in the same transaction. A
//   batch at or below it is skipped, so retrying after a crash between the
//   commit and its acknowledgement never applies rows twice.
// - Additive tables (non-empty key) hold one row per key: the SUM of every
//   row ever applied for it. Other tables hold every row applied.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "storage/table_layout.h"

namespace civicflow::storage {

// Rows of one table: `cells` is row-major, tables[table].columns.size()
// cells a row, each the text the CSV tables hold (empty for no value).
struct TableRows {
  size_t table = 0;  // index into the layouts given to Connect
  std::vector<std::string> cells;
};

class PgSink {
 public:
  // Connects to `url` (a libpq connection string or URI) and migrates the
  // schema for `tables`. Fails if PostgreSQL cannot be reached, a layout
  // cannot be mapped (pg_column_types.h), or an existing table lacks a column.
  static Result<PgSink> Connect(std::string url, std::span<const TableLayout> tables);

  PgSink(PgSink&&) noexcept;
  PgSink& operator=(PgSink&&) noexcept;
  ~PgSink();

  // Applies every batch in ONE transaction: COPY into per-session staging
  // tables, then merge (sum per key, or insert) into the tables and advance
  // applied_position to `position`. A position ≤ the stored one changes
  // nothing and returns ok. On error nothing of the batch is stored; the
  // connection is re-opened by the next call if it broke.
  // REQUIRES: 0 < position < 2^63.
  Status Apply(uint64_t position, std::span<const TableRows> batches);

  // The applied position as last read from or written to the database.
  uint64_t applied_position() const { return applied_position_; }
  // Reads the applied position from the database now (re-connecting if needed).
  Result<uint64_t> ReadAppliedPosition();

  // Tables as migrated, in layout order.
  size_t table_count() const;

 private:
  struct State;
  explicit PgSink(std::unique_ptr<State> state);

  Status EnsureConnected();

  std::unique_ptr<State> state_;
  uint64_t applied_position_ = 0;
};

}  // namespace civicflow::storage
