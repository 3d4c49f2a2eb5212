#include "storage/pg/pg_sink.h"

#include <cstdint>
#include <exception>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>
#include <set>
#include <utility>

#include "storage/pg/pg_sql.h"

namespace civicflow::storage {
namespace {

// pg_advisory_xact_lock key for migrations: "civicflw" in ASCII.
constexpr int64_t kMigrationLockKey = 0x6369766963666c77;

// Migration steps, applied in order, each once per database. Append new
// steps; never edit one that has shipped.
struct MigrationStep {
  int version;
  std::string_view description;
  std::vector<std::string> (*statements)(const std::vector<PgTable>& tables);
};

std::vector<std::string> ProgressStep(const std::vector<PgTable>&) {
  return {
      "CREATE TABLE civicflow_progress (id smallint PRIMARY KEY CHECK (id = 1), "
      "applied_position bigint NOT NULL CHECK (applied_position >= 0))",
      "INSERT INTO civicflow_progress (id, applied_position) VALUES (1, 0)",
  };
}

std::vector<std::string> OutputTablesStep(const std::vector<PgTable>& tables) {
  std::vector<std::string> statements;
  for (const PgTable& table : tables) statements.push_back(CreateTableSql(table));
  return statements;
}

constexpr MigrationStep kMigrationSteps[] = {
    {1, "civicflow_progress: the applied position", ProgressStep},
    {2, "output tables", OutputTablesStep},
};
constexpr int kSchemaVersion = 2;

// Runs the missing migration steps in one transaction, serialized across
// processes by an advisory lock. Then makes sure every table of this build
// exists (a table added to the layouts since step 2 is created; a column
// added to an existing table needs a migration step, and is reported).
void Migrate(pqxx::connection& connection, const std::vector<PgTable>& tables) {
  pqxx::work tx(connection, "civicflow_migrate");
  tx.exec("SET LOCAL client_min_messages = warning");  // no NOTICE for IF NOT EXISTS
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
  tx.exec(
      "CREATE TABLE IF NOT EXISTS civicflow_schema_version (version integer PRIMARY KEY, "
      "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  const int current = tx.exec1("SELECT COALESCE(MAX(version), 0) FROM civicflow_schema_version")[0].as<int>();
  if (current > kSchemaVersion) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this build knows (" + std::to_string(kSchemaVersion) + ")");
  }
  for (const MigrationStep& step : kMigrationSteps) {
    if (step.version <= current) continue;
    for (const std::string& statement : step.statements(tables)) tx.exec(statement);
    tx.exec("INSERT INTO civicflow_schema_version (version, description) VALUES (" +
            std::to_string(step.version) + ", " + tx.quote(std::string(step.description)) + ")");
  }
  for (const PgTable& table : tables) {
    tx.exec(CreateTableSql(table));
    std::set<std::string> stored;
    for (const auto& row : tx.exec("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                   "current_schema() AND table_name = " +
                                   tx.quote(table.name))) {
      stored.insert(row[0].as<std::string>());
    }
    for (const std::string& column : table.columns) {
      if (!stored.contains(column)) {
        throw std::runtime_error("table " + table.name + " has no column " + column +
                                 " (the schema needs a migration step)");
      }
    }
  }
  tx.commit();
}

// One row as a line of COPY text format: tab-separated, backslash escapes.
void AppendCopyLine(std::span<const std::string> cells, std::string& line) {
  line.clear();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += '\t';
    for (char c : cells[i]) {
      switch (c) {
        case '\\':
          line += "\\\\";
          break;
        case '\t':
          line += "\\t";
          break;
        case '\n':
          line += "\\n";
          break;
        case '\r':
          line += "\\r";
          break;
        default:
          line += c;
      }
    }
  }
}

// COPY … FROM STDIN of `rows` into `staging`. pqxx::stream_to in 6.4 takes
// only tuples, so this uses tablewriter (deprecated there) with lines we
// escape ourselves; UTF-8 bytes never look like a tab, newline or backslash.
void CopyRows(pqxx::work& tx, const PgTable& table, std::span<const std::string> cells) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  pqxx::tablewriter writer(tx, StagingTableName(table), table.columns.begin(), table.columns.end());
#pragma GCC diagnostic pop
  const size_t width = table.columns.size();
  std::string line;
  for (size_t at = 0; at < cells.size(); at += width) {
    AppendCopyLine(cells.subspan(at, width), line);
    writer.write_raw_line(line);
  }
  writer.complete();
}

uint64_t ReadPosition(pqxx::work& tx, bool for_update) {
  const auto row = tx.exec1(std::string("SELECT applied_position FROM civicflow_progress WHERE id = 1") +
                            (for_update ? " FOR UPDATE" : ""));
  return row[0].as<uint64_t>();
}

}  // namespace

struct PgSink::State {
  std::string url;
  std::vector<PgTable> tables;
  std::vector<std::string> merge_sql;  // per table
  std::unique_ptr<pqxx::connection> connection;
  // The backend whose session has the staging tables (0: none yet). A
  // re-opened connection is a new backend, without them.
  int staged_backend = 0;
};

PgSink::PgSink(std::unique_ptr<State> state) : state_(std::move(state)) {}
PgSink::PgSink(PgSink&&) noexcept = default;
PgSink& PgSink::operator=(PgSink&&) noexcept = default;
PgSink::~PgSink() = default;

size_t PgSink::table_count() const { return state_->tables.size(); }

Result<PgSink> PgSink::Connect(std::string url, std::span<const TableLayout> tables) {
  Result<std::vector<PgTable>> resolved = ResolvePgTables(tables);
  if (!resolved.ok()) return resolved.status();
  auto state = std::make_unique<State>();
  state->url = std::move(url);
  state->tables = std::move(*resolved);
  for (const PgTable& table : state->tables) state->merge_sql.push_back(MergeStagingSql(table));
  PgSink sink(std::move(state));
  if (Status status = sink.EnsureConnected(); !status.ok()) return status;
  try {
    Migrate(*sink.state_->connection, sink.state_->tables);
  } catch (const std::exception& e) {
    return Status::Error(std::string("pg: migrating the schema: ") + e.what());
  }
  Result<uint64_t> position = sink.ReadAppliedPosition();
  if (!position.ok()) return position.status();
  return sink;
}

Status PgSink::EnsureConnected() {
  State& s = *state_;
  if (s.connection && s.connection->is_open()) return Status();
  s.connection.reset();
  s.staged_backend = 0;
  try {
    s.connection = std::make_unique<pqxx::connection>(s.url);
  } catch (const std::exception& e) {
    s.connection.reset();
    return Status::Error(std::string("pg: cannot connect: ") + e.what());
  }
  return Status();
}

Result<uint64_t> PgSink::ReadAppliedPosition() {
  if (Status status = EnsureConnected(); !status.ok()) return status;
  try {
    pqxx::work tx(*state_->connection, "civicflow_read_position");
    applied_position_ = ReadPosition(tx, false);
    tx.commit();
    return applied_position_;
  } catch (const std::exception& e) {
    if (dynamic_cast<const pqxx::broken_connection*>(&e) || !state_->connection->is_open()) {
      state_->connection.reset();
    }
    return Status::Error(std::string("pg: reading the applied position: ") + e.what());
  }
}

Status PgSink::Apply(uint64_t position, std::span<const TableRows> batches) {
  State& s = *state_;
  if (position == 0 || position > static_cast<uint64_t>(INT64_MAX)) {
    return Status::Error("pg: position " + std::to_string(position) + " is out of range");
  }
  for (const TableRows& batch : batches) {
    if (batch.table >= s.tables.size()) {
      return Status::Error("pg: batch for table " + std::to_string(batch.table) + " of " +
                           std::to_string(s.tables.size()));
    }
    if (batch.cells.size() % s.tables[batch.table].columns.size() != 0) {
      return Status::Error("pg: batch for " + s.tables[batch.table].name + " has " +
                           std::to_string(batch.cells.size()) + " cells, not whole rows of " +
                           std::to_string(s.tables[batch.table].columns.size()));
    }
  }
  if (Status status = EnsureConnected(); !status.ok()) return status;
  try {
    pqxx::work tx(*s.connection, "civicflow_apply");
    // Locks the progress row: a second writer waits here, then sees our position.
    const uint64_t stored = ReadPosition(tx, true);
    if (position <= stored) {
      tx.commit();
      applied_position_ = stored;
      return Status();
    }
    const int backend = s.connection->backendpid();
    if (backend != s.staged_backend) {
      tx.exec("SET LOCAL client_min_messages = warning");
      for (const PgTable& table : s.tables) tx.exec(CreateStagingSql(table));
    }
    std::vector<bool> staged(s.tables.size(), false);
    for (const TableRows& batch : batches) {
      if (batch.cells.empty()) continue;
      CopyRows(tx, s.tables[batch.table], batch.cells);
      staged[batch.table] = true;
    }
    for (size_t t = 0; t < s.tables.size(); ++t) {
      if (staged[t]) tx.exec(s.merge_sql[t]);
    }
    tx.exec("UPDATE civicflow_progress SET applied_position = " + std::to_string(position) + " WHERE id = 1");
    tx.commit();
    s.staged_backend = backend;
    applied_position_ = position;
    return Status();
  } catch (const pqxx::broken_connection& e) {
    s.connection.reset();
    return Status::Error(std::string("pg: connection lost applying position ") + std::to_string(position) +
                         ": " + e.what());
  } catch (const pqxx::in_doubt_error& e) {
    // The commit may or may not have happened; the next Apply of this
    // position finds out from applied_position.
    s.connection.reset();
    return Status::Error(std::string("pg: commit of position ") + std::to_string(position) +
                         " in doubt: " + e.what());
  } catch (const std::exception& e) {
    if (s.connection && !s.connection->is_open()) s.connection.reset();
    return Status::Error(std::string("pg: applying position ") + std::to_string(position) + ": " + e.what());
  }
}

}  // namespace civicflow::storage
