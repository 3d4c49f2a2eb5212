// civicflow-datagen: writes a seeded synthetic archive for all five platforms
// and, optionally, the manifest of what `civicflow replay` must report for it.
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "tools/datagen/generator.h"

namespace {

constexpr const char* kUsage =
    "usage: civicflow-datagen --out FILE [--manifest FILE] [--records N=100000] [--seed S=1]\n"
    "         [--start 2026-11-16] [--days 3] [--lots 50] [--venues 40] [--communities 20] [--sessions 10]\n"
    "         [--duplicate-rate 0.01] [--correction-rate 0.005] [--late-rate 0.005] [--invalid-rate 0.005]\n"
    "         [--missing-record-rate 0.02] [--disorder-seconds 600]\n"
    "  Writes archive NDJSON (one upload per line, in send order) and the manifest of the\n"
    "  accepted / rejected / duplicate / correction counts replay must report for it.\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "civicflow-datagen: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  civicflow::datagen::GeneratorOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i], value;
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (!arg.starts_with("--")) return Usage("unexpected argument " + std::string(arg));
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Usage(std::string(arg) + " needs a value");
    }
    bool ok = true;
    if (arg == "--out") {
      o.out_path = value;
    } else if (arg == "--manifest") {
      o.manifest_path = value;
    } else if (arg == "--start") {
      o.start_date = value;
    } else if (arg == "--records") {
      ok = ParseNumber(value, o.records);
    } else if (arg == "--seed") {
      ok = ParseNumber(value, o.seed);
    } else if (arg == "--days") {
      ok = ParseNumber(value, o.days);
    } else if (arg == "--lots") {
      ok = ParseNumber(value, o.lots);
    } else if (arg == "--venues") {
      ok = ParseNumber(value, o.venues);
    } else if (arg == "--communities") {
      ok = ParseNumber(value, o.communities);
    } else if (arg == "--sessions") {
      ok = ParseNumber(value, o.sessions);
    } else if (arg == "--duplicate-rate") {
      ok = ParseNumber(value, o.duplicate_rate);
    } else if (arg == "--correction-rate") {
      ok = ParseNumber(value, o.correction_rate);
    } else if (arg == "--late-rate") {
      ok = ParseNumber(value, o.late_rate);
    } else if (arg == "--invalid-rate") {
      ok = ParseNumber(value, o.invalid_rate);
    } else if (arg == "--missing-record-rate") {
      ok = ParseNumber(value, o.missing_record_rate);
    } else if (arg == "--disorder-seconds") {
      ok = ParseNumber(value, o.disorder_seconds);
    } else {
      return Usage("unknown option " + std::string(arg));
    }
    if (!ok) return Usage("bad value for " + std::string(arg) + ": " + std::string(value));
  }
  if (o.out_path.empty()) return Usage("--out is required");

  auto summary = civicflow::datagen::Generate(o);
  if (!summary.ok()) {
    std::fprintf(stderr, "civicflow-datagen: %s\n", summary.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "%llu lines, %llu valid records, %.1f MB in %.2f s (%.0f records/s)\n",
               static_cast<unsigned long long>(summary->lines),
               static_cast<unsigned long long>(summary->valid_records), summary->bytes / 1e6,
               summary->seconds, summary->valid_records / summary->seconds);
  return 0;
}
