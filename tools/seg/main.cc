// civicflow-seg: lists, prints, checks and compacts a data dir's Parquet
// segments, and exports its WAL as an archive (see README.md).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/segments/compaction.h"
#include "tools/seg/archive_export.h"
#include "tools/seg/inspect.h"

namespace {

using namespace civicflow;
using namespace civicflow::seg;

constexpr const char* kUsage =
    "usage: civicflow-seg COMMAND --data-dir DIR [options]\n"
    "  ls [--table T] [--date D]          live segment files: table, date, epoch, shard (or compact),\n"
    "                                     rows (footer), bytes\n"
    "  cat --table T [--date D] [--format csv|ndjson]\n"
    "                                     every row of the table's live files (csv: header, RFC 4180;\n"
    "                                     ndjson: typed values, null for nulls)\n"
    "  stats [--table T]                  per table: files, rows, bytes, uncompressed bytes, ratio,\n"
    "                                     row groups; a total line\n"
    "  verify [--table T] [--allow-empty] every live file checked (magic, footer, page CRCs, decoding)\n"
    "                                     plus the layout (names, rows > 0, one schema per table);\n"
    "                                     problems as 'path: message', exit 1 if any\n"
    "  compact [--table T] [--min-files N=4] [--retention-days D]\n"
    "                                     merges each partition's files of final epochs (CHECKPOINT,\n"
    "                                     and DIR/pg_hold if present) into one compact file, deletes\n"
    "                                     superseded files; D: deletes partitions dated before today\n"
    "                                     (UTC+8) - D days\n"
    "  export-archive [--out FILE]        the WAL's uploads as archive lines (stdout or FILE)\n"
    "Exit status: 0 ok, 1 failure (or problems found), 2 usage.\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "civicflow-seg: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

int Fail(const std::string& problem) {
  std::fprintf(stderr, "civicflow-seg: %s\n", problem.c_str());
  return 1;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "--name value" / "--name=value" options and value-less flags, checked
// against what the command accepts.
class Arguments {
 public:
  Arguments(int argc, char** argv, const std::set<std::string>& options, const std::set<std::string>& flags) {
    for (int i = 2; i < argc && problem_.empty(); ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_ = true;
        continue;
      }
      if (!arg.starts_with("--")) {
        problem_ = "unexpected argument " + std::string(arg);
        break;
      }
      std::string name(arg), value;
      bool has_value = false;
      if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        has_value = true;
      }
      if (flags.contains(name)) {
        if (has_value) problem_ = name + " takes no value";
        values_[name] = "";
      } else if (!options.contains(name)) {
        problem_ = "unknown option " + name;
      } else if (has_value) {
        values_[name] = value;
      } else if (i + 1 < argc) {
        values_[name] = argv[++i];
      } else {
        problem_ = name + " needs a value";
      }
    }
  }
  bool has(const std::string& name) const { return values_.contains(name); }
  std::string get(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? "" : it->second;
  }
  const std::string& problem() const { return problem_; }
  bool help() const { return help_; }

 private:
  std::map<std::string, std::string> values_;
  std::string problem_;
  bool help_ = false;
};

// Table and date values become paths: keep them to one plain name.
bool PlainName(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage("no command");
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  static const std::map<std::string, std::set<std::string>> kOptions = {
      {"ls", {"--data-dir", "--table", "--date"}},
      {"cat", {"--data-dir", "--table", "--date", "--format"}},
      {"stats", {"--data-dir", "--table"}},
      {"verify", {"--data-dir", "--table"}},
      {"compact", {"--data-dir", "--table", "--min-files", "--retention-days"}},
      {"export-archive", {"--data-dir", "--out"}},
  };
  const auto known = kOptions.find(command);
  if (known == kOptions.end()) return Usage("unknown command " + command);
  const Arguments args(
      argc, argv, known->second,
      command == "verify" ? std::set<std::string>{"--allow-empty"} : std::set<std::string>{});
  if (args.help()) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!args.problem().empty()) return Usage(args.problem());
  if (args.get("--data-dir").empty()) return Usage("--data-dir is required");
  Selection selection{args.get("--data-dir"), args.get("--table"), args.get("--date")};
  if (args.has("--table") && !PlainName(selection.table)) return Usage("bad --table: " + selection.table);
  if (args.has("--date") && !ParseDate(selection.date))
    return Usage("bad --date (yyyy-MM-dd): " + selection.date);
  std::error_code ec;
  if (!std::filesystem::is_directory(selection.data_dir, ec))
    return Fail("no data dir at " + selection.data_dir.string());

  if (command == "ls") {
    Status listed = ListFiles(selection, stdout);
    return listed.ok() ? 0 : Fail(listed.message());
  }
  if (command == "cat") {
    if (selection.table.empty()) return Usage("cat needs --table");
    const std::string format = args.has("--format") ? args.get("--format") : "csv";
    if (format != "csv" && format != "ndjson") return Usage("bad --format (csv or ndjson): " + format);
    Status printed = CatRows(selection, format == "csv" ? RowFormat::kCsv : RowFormat::kNdjson, stdout);
    return printed.ok() ? 0 : Fail(printed.message());
  }
  if (command == "stats") {
    Status printed = PrintStats(selection, stdout);
    return printed.ok() ? 0 : Fail(printed.message());
  }
  if (command == "verify") {
    Result<VerifyReport> report = VerifySegments(selection, args.has("--allow-empty"), stdout);
    if (!report.ok()) return Fail(report.status().message());
    std::printf(
        "verified %llu live files (%llu rows): %llu problems; %llu superseded files awaiting deletion, "
        "%llu files being written\n",
        static_cast<unsigned long long>(report->files), static_cast<unsigned long long>(report->rows),
        static_cast<unsigned long long>(report->problems),
        static_cast<unsigned long long>(report->superseded),
        static_cast<unsigned long long>(report->in_progress));
    return report->problems == 0 ? 0 : 1;
  }
  if (command == "compact") {
    storage::CompactOptions options;
    options.data_dir = selection.data_dir;
    options.table = selection.table;
    if (args.has("--min-files") &&
        !(ParseNumber(args.get("--min-files"), options.min_files) && options.min_files >= 1))
      return Usage("bad --min-files: " + args.get("--min-files"));
    if (args.has("--retention-days")) {
      uint32_t days = 0;
      if (!ParseNumber(args.get("--retention-days"), days) || days > 100'000)
        return Usage("bad --retention-days: " + args.get("--retention-days"));
      options.retention_days = days;
    }
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    options.today = LocalTime::FromEpochMillis(now.count());
    Result<storage::CompactReport> report = storage::Compact(options, stdout);
    return report.ok() ? 0 : Fail(report.status().message());
  }
  // export-archive
  const std::string out_path = args.get("--out");
  const std::string tmp_path = out_path + ".tmp";
  std::FILE* out = out_path.empty() ? stdout : std::fopen(tmp_path.c_str(), "wb");
  if (out == nullptr) return Fail("cannot create " + tmp_path);
  Result<ArchiveExport> exported = ExportArchive(selection.data_dir, out);
  if (!out_path.empty()) {
    const bool closed = std::fclose(out) == 0;
    if (!exported.ok() || !closed) {
      std::filesystem::remove(tmp_path, ec);
      return Fail(exported.ok() ? "cannot write " + out_path : exported.status().message());
    }
    std::filesystem::rename(tmp_path, out_path, ec);
    if (ec) return Fail("cannot rename " + tmp_path + ": " + ec.message());
  }
  if (!exported.ok()) return Fail(exported.status().message());
  if (exported->first > 0)
    std::fprintf(stderr,
                 "civicflow-seg: the WAL starts at log position %llu: older uploads were dropped after "
                 "serve's --wal-retention-hours\n",
                 static_cast<unsigned long long>(exported->first));
  if (!exported->damage.empty())
    std::fprintf(stderr,
                 "civicflow-seg: warning: the WAL ends in a torn or corrupt frame (%s); exported what "
                 "precedes it, the WAL is left as it is\n",
                 exported->damage.c_str());
  std::fprintf(stderr, "civicflow-seg: exported %llu uploads (%llu WAL frames)\n",
               static_cast<unsigned long long>(exported->uploads),
               static_cast<unsigned long long>(exported->frames));
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
