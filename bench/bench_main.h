#pragma once
// The shared main() of the benchmarks that read an archive:
//   <bench> --archive FILE [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace civicflow::bench {

// The archive every benchmark of the binary reads.
inline std::string& ArchivePath() {
  static std::string path;
  return path;
}

inline int RunWithArchive(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--archive") == 0) {
      ArchivePath() = argv[i + 1];
      for (int j = i; j + 2 < argc; ++j) argv[j] = argv[j + 2];
      argc -= 2;
      break;
    }
  if (ArchivePath().empty()) {
    std::fprintf(stderr, "usage: %s --archive FILE [benchmark flags]\n", name);
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace civicflow::bench
