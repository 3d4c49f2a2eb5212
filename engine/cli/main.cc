// civicflow: one binary, clear subcommands (see kUsage).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "engine/cli/replay.h"
#include "engine/cli/serve.h"
#include "operators/replenish_query.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  civicflow serve --listen HOST:PORT --data-dir DIR --accounts FILE [--io-threads N] [--shards N]\n"
    "                  [--max-connections N] [--idle-timeout MS] [--read-timeout MS] [--token-lifetime "
    "SECONDS]\n"
    "                  [--lateness SECONDS] [--dedup-horizon SECONDS] [--reconcile-grace SECONDS]\n"
    "                  [--checkpoint-interval MS] [--state-interval MS] [--pg URL] [--compact-interval "
    "SECONDS]\n"
    "                  [--retention-days D] [--wal-retention-hours H] [--wal-file-mb MB]\n"
    "      Serves every platform's upload interfaces on one port; an upload is acknowledged once it is\n"
    "      in the WAL (DIR/wal). Segments are published every --checkpoint-interval (default 10000 ms),\n"
    "      operator and adapter state saved every --state-interval (default 60000 ms, DIR/state); a\n"
    "      restart loads the state (the one before it if it is damaged) and replays the WAL after it.\n"
    "      WAL files both kept states cover are deleted --wal-retention-hours later (default 24; 0 = at\n"
    "      once); a WAL file is closed at --wal-file-mb\n"
    "      (default 64). Tables are Parquet segments under DIR/segments; with --pg, PostgreSQL follows\n"
    "      them. Every --compact-interval\n"
    "      (default 300, 0 = never) each partition's files of final epochs are merged into one compact\n"
    "      file (as civicflow-seg compact --min-files 4 does); --retention-days D (default 0 = keep\n"
    "      forever) also deletes partitions dated before today - D days. SIGTERM drains and exits 0.\n"
    "  civicflow replay --data-dir DIR [--pg URL] [--shards N] [--threads N] [--lateness SECONDS]\n"
    "                   [--dedup-horizon SECONDS] [--reconcile-grace SECONDS] FILE...\n"
    "      Validates and processes archive files (NDJSON, one upload per line) into a fresh data dir,\n"
    "      flushes every window, prints per-interface accepted / rejected / duplicate counts.\n"
    "  civicflow replenish --data-dir DIR --park-code CODE --date yyyy-MM-dd [--page N] [--page-size N]\n"
    "      Answers the parking platform's replenishCarInfo from a replay's parking_problem_plates, in the\n"
    "      specification's reply format.\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "civicflow: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int Replay(int argc, char** argv) {
  civicflow::ReplayOptions options;
  const uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  options.threads = cores;
  options.shards = cores;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (arg == "--data-dir") {
      if (!value(v)) return Usage("--data-dir needs a directory");
      options.data_dir = v;
    } else if (arg == "--pg") {
      if (!value(v)) return Usage("--pg needs a PostgreSQL URL");
      options.pg_url = v;
    } else if (arg == "--shards" || arg == "--threads") {
      uint32_t n = 0;
      if (!value(v) || !ParseNumber(v, n) || n == 0 || n > 256)
        return Usage(std::string(arg) + " needs 1..256");
      (arg == "--shards" ? options.shards : options.threads) = n;
    } else if (arg == "--lateness" || arg == "--dedup-horizon" || arg == "--reconcile-grace") {
      int64_t s = 0;
      if (!value(v) || !ParseNumber(v, s) || s < 0) return Usage(std::string(arg) + " needs seconds >= 0");
      (arg == "--lateness"        ? options.allowed_lateness_s
       : arg == "--dedup-horizon" ? options.dedup_horizon_s
                                  : options.reconcile_grace_s) = s;
    } else if (arg.starts_with("--")) {
      return Usage("unknown option " + std::string(arg));
    } else {
      options.files.emplace_back(arg);
    }
  }
  if (options.data_dir.empty()) return Usage("replay needs --data-dir");
  if (options.files.empty()) return Usage("replay needs at least one archive file");

  auto report = civicflow::RunReplay(options);
  if (!report.ok()) {
    std::fprintf(stderr, "civicflow replay: %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("%s", report->Table().c_str());
  const double records =
      static_cast<double>(report->TotalAccepted() + report->TotalDuplicates() + report->TotalRejected());
  std::printf("\n%.2f s, %.1f MB/s, %.0f records/s, late records %llu, late rows %llu, peak memory %.0f MB\n",
              report->seconds, static_cast<double>(report->input_bytes) / 1e6 / report->seconds,
              records / report->seconds, static_cast<unsigned long long>(report->late),
              static_cast<unsigned long long>(report->late_rows),
              static_cast<double>(report->peak_rss_bytes) / 1e6);
  std::printf("outputs:\n");
  for (const std::string& path : report->outputs) std::printf("  %s\n", path.c_str());
  return 0;
}

int Serve(int argc, char** argv) {
  civicflow::ServeOptions options;
  const uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  options.shards = cores;
  options.server.io_threads = static_cast<int>(cores);
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage(std::string(arg) + " needs a value");
    const std::string_view v = argv[++i];
    int64_t n = 0;
    const bool number = ParseNumber(v, n) && n >= 0;
    if (arg == "--listen") {
      const size_t colon = v.rfind(':');
      uint16_t port = 0;
      if (colon == std::string_view::npos || !ParseNumber(v.substr(colon + 1), port))
        return Usage("--listen needs HOST:PORT");
      options.server.host = v.substr(0, colon);
      options.server.port = port;
    } else if (arg == "--data-dir") {
      options.data_dir = v;
    } else if (arg == "--accounts") {
      options.accounts_file = v;
    } else if (arg == "--pg") {
      options.pg_url = v;
    } else if (!number) {
      return Usage(std::string(arg) + " needs a number >= 0");
    } else if (arg == "--io-threads" || arg == "--shards") {
      if (n == 0 || n > 256) return Usage(std::string(arg) + " needs 1..256");
      if (arg == "--shards")
        options.shards = static_cast<uint32_t>(n);
      else
        options.server.io_threads = static_cast<int>(n);
    } else if (arg == "--max-connections") {
      options.server.max_connections = static_cast<size_t>(n);
    } else if (arg == "--idle-timeout") {
      options.server.idle_timeout_ms = n;
    } else if (arg == "--read-timeout") {
      options.server.read_timeout_ms = n;
    } else if (arg == "--token-lifetime") {
      options.token_lifetime_s = n;
    } else if (arg == "--lateness") {
      options.allowed_lateness_s = n;
    } else if (arg == "--dedup-horizon") {
      options.dedup_horizon_s = n;
    } else if (arg == "--reconcile-grace") {
      options.reconcile_grace_s = n;
    } else if (arg == "--checkpoint-interval") {
      options.checkpoint_interval_ms = n;
    } else if (arg == "--state-interval") {
      options.state_interval_ms = n;
    } else if (arg == "--compact-interval") {
      if (n > 365 * 86'400) return Usage("--compact-interval needs 0..31536000 seconds");
      options.compact_interval_s = n;
    } else if (arg == "--wal-file-mb") {
      if (n < 1 || n > 4096) return Usage("--wal-file-mb needs 1..4096");
      options.wal_file_mb = n;
    } else if (arg == "--wal-retention-hours") {
      if (n > 100'000 * 24) return Usage("--wal-retention-hours needs 0..2400000");
      options.wal_retention_hours = n;
    } else if (arg == "--retention-days") {
      if (n > 100'000) return Usage("--retention-days needs 0..100000");
      options.retention_days = static_cast<uint32_t>(n);
    } else {
      return Usage("unknown option " + std::string(arg));
    }
  }
  if (options.data_dir.empty() || options.accounts_file.empty() || options.server.host.empty())
    return Usage("serve needs --listen, --data-dir and --accounts");
  return civicflow::RunServe(options);
}

// replenishCarInfo's reply (parking spec table 26, appendix A codes).
int Replenish(int argc, char** argv) {
  std::string data_dir, park_code, date;
  int64_t page = 1, page_size = 50;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage(std::string(arg) + " needs a value");
    const std::string_view v = argv[++i];
    if (arg == "--data-dir") {
      data_dir = v;
    } else if (arg == "--park-code") {
      park_code = v;
    } else if (arg == "--date") {
      date = v;
    } else if (arg == "--page" || arg == "--page-size") {
      if (!ParseNumber(v, arg == "--page" ? page : page_size))
        return Usage(std::string(arg) + " needs a number");
    } else {
      return Usage("unknown option " + std::string(arg));
    }
  }
  if (data_dir.empty()) return Usage("replenish needs --data-dir");
  auto index = civicflow::operators::ProblemPlateIndex::LoadFromDir(data_dir);
  if (!index.ok()) {
    std::fprintf(stderr, "civicflow replenish: %s\n", index.status().message().c_str());
    return 1;
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const std::string out =
      civicflow::operators::ReplenishReply(park_code, index->Page(park_code, date, page, page_size), now_ms);
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage("missing subcommand");
  const std::string_view command = argv[1];
  if (command == "serve") return Serve(argc - 2, argv + 2);
  if (command == "replay") return Replay(argc - 2, argv + 2);
  if (command == "replenish") return Replenish(argc - 2, argv + 2);
  if (command == "--help" || command == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  return Usage("unknown subcommand " + std::string(command));
}
