// civicflow-loadgen: uploads archives to a running civicflow exactly as the
// platforms' management systems would, and measures it (see README.md).
#include <charconv>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/http/accounts.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/demo_accounts.h"
#include "tools/loadgen/load_run.h"
#include "tools/loadgen/request_plan.h"
#include "tools/loadgen/upload_regrouper.h"

namespace {

using namespace civicflow;
using namespace civicflow::loadgen;

constexpr const char* kUsage =
    "usage: civicflow-loadgen make-accounts DIR [--parking-password P] [--per-platform N=2]\n"
    "         writes DIR/accounts.json (and DIR/community-<n>.pem) with fresh accounts of every platform\n"
    "       civicflow-loadgen run --url http://HOST:PORT --accounts FILE [--parking-password P]\n"
    "         [--connections N=1] [--rate R] [--batch K] [--limit N] [--send-to http://HOST:PORT]\n"
    "         [--json FILE] ARCHIVE...\n"
    "         prepares a request for every upload of the archives (logging in at --url), then sends\n"
    "         them over N keep-alive connections to --send-to (default --url), flat out or at R\n"
    "         requests/s, and reports throughput, latency percentiles and replies by code.\n"
    "         --batch K regroups records into requests of up to K (1: one record per request);\n"
    "         --limit N reads at most N uploads. The parking password defaults to civicflow-demo.\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "civicflow-loadgen: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

int Fail(const std::string& problem) {
  std::fprintf(stderr, "civicflow-loadgen: %s\n", problem.c_str());
  return 1;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Splits "--name value" / "--name=value" options from positional arguments.
class Arguments {
 public:
  Arguments(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_ = true;
        continue;
      }
      if (!arg.starts_with("--")) {
        positional_.emplace_back(arg);
        continue;
      }
      if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
        options_.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
      } else if (i + 1 < argc) {
        options_.emplace_back(arg, argv[++i]);
      } else {
        problem_ = std::string(arg) + " needs a value";
      }
    }
  }
  const std::vector<std::pair<std::string, std::string>>& options() const { return options_; }
  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& problem() const { return problem_; }
  bool help() const { return help_; }

 private:
  std::vector<std::pair<std::string, std::string>> options_;
  std::vector<std::string> positional_;
  std::string problem_;
  bool help_ = false;
};

int MakeAccounts(const Arguments& args) {
  DemoAccountsOptions options;
  for (const auto& [name, value] : args.options()) {
    bool ok = true;
    if (name == "--parking-password") {
      options.parking_password = value;
    } else if (name == "--per-platform") {
      ok = ParseNumber(value, options.per_platform) && options.per_platform >= 1;
    } else {
      return Usage("unknown option " + name);
    }
    if (!ok) return Usage("bad value for " + name + ": " + value);
  }
  if (args.positional().size() != 1) return Usage("make-accounts takes one directory");
  options.dir = args.positional()[0];
  Result<std::string> path = WriteDemoAccounts(options);
  if (!path.ok()) return Fail(path.status().message());
  std::printf("%s\n", path->c_str());
  return 0;
}

struct RunFlags {
  std::string url, send_to, accounts, json;
  std::string parking_password = std::string(kDefaultParkingPassword);
  size_t connections = 1;
  double rate = 0;
  uint32_t batch = 0;
  uint64_t limit = 0;
  std::vector<std::string> archives;
};

int Run(const Arguments& args) {
  RunFlags f;
  for (const auto& [name, value] : args.options()) {
    bool ok = true;
    if (name == "--url") {
      f.url = value;
    } else if (name == "--send-to") {
      f.send_to = value;
    } else if (name == "--accounts") {
      f.accounts = value;
    } else if (name == "--json") {
      f.json = value;
    } else if (name == "--parking-password") {
      f.parking_password = value;
    } else if (name == "--connections") {
      ok = ParseNumber(value, f.connections) && f.connections >= 1 && f.connections <= 10000;
    } else if (name == "--rate") {
      std::string_view rate = value;
      if (rate.ends_with("/s")) rate.remove_suffix(2);
      ok = ParseNumber(rate, f.rate) && f.rate >= 0;
    } else if (name == "--batch") {
      ok = ParseNumber(value, f.batch) && f.batch >= 1;
    } else if (name == "--limit") {
      ok = ParseNumber(value, f.limit) && f.limit >= 1;
    } else {
      return Usage("unknown option " + name);
    }
    if (!ok) return Usage("bad value for " + name + ": " + value);
  }
  f.archives = args.positional();
  if (f.url.empty()) return Usage("--url is required");
  if (f.accounts.empty()) return Usage("--accounts is required");
  if (f.archives.empty()) return Usage("no archive given");
  Result<HttpEndpoint> login = ParseHttpUrl(f.url);
  if (!login.ok()) return Usage(login.status().message());
  Result<HttpEndpoint> target = ParseHttpUrl(f.send_to.empty() ? f.url : f.send_to);
  if (!target.ok()) return Usage(target.status().message());

  Result<ingest::http::Accounts> accounts = ingest::http::Accounts::Load(f.accounts);
  if (!accounts.ok()) return Fail(accounts.status().message());
  ArchiveContents archive;
  for (const std::string& path : f.archives)
    if (Status read = ReadArchiveUploads(path, f.limit, archive); !read.ok()) return Fail(read.message());
  LoadReport report;
  report.target = target->Url();
  report.connections = f.connections;
  report.rate = f.rate;
  report.batch = f.batch;
  report.archive_uploads = archive.uploads.size();
  report.unreadable_lines = archive.unreadable_lines;
  if (f.batch > 0) archive.uploads = RegroupUploads(archive.uploads, f.batch);

  Result<RequestPlan> plan =
      PrepareRequests(archive.uploads, *accounts, {*login, *target, f.connections, f.parking_password});
  if (!plan.ok()) return Fail(plan.status().message());
  archive.uploads = {};
  std::fprintf(
      stderr,
      "civicflow-loadgen: %llu requests (%llu records, %.1f MB, %zu of master data) prepared in %.2f s\n",
      static_cast<unsigned long long>(plan->requests), static_cast<unsigned long long>(plan->records),
      static_cast<double>(plan->wire_bytes) / 1e6, plan->setup.size(), plan->seconds);
  report.prepare_seconds = plan->seconds;
  report.unprepared = plan->unprepared;

  if (Status sent = RunLoad(*plan, *accounts, {*target, f.rate, f.parking_password}, report); !sent.ok())
    return Fail(sent.message());
  std::fputs(ReportTable(report).c_str(), stdout);
  if (!f.json.empty()) {
    std::ofstream out(f.json, std::ios::binary | std::ios::trunc);
    out << ReportJson(report);
    if (!out.flush()) return Fail("cannot write " + f.json);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server that closes mid-write is an error value, not a signal
  if (argc < 2) return Usage("no command");
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const Arguments args(argc, argv, 2);
  if (args.help()) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!args.problem().empty()) return Usage(args.problem());
  if (command == "make-accounts") return MakeAccounts(args);
  if (command == "run") return Run(args);
  return Usage("unknown command " + std::string(command));
}
