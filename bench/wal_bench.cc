// WAL group commit against one fsync per append, in one run on one disk:
//   ours      — W writer threads each loop "append one P-byte frame to the
//               WalWriter, wait for its durable callback", as an HTTP upload
//               does; the commit thread writes and fdatasyncs everything
//               appended since its last round;
//   reference — the same W threads each write their frame and fdatasync it
//               themselves under one mutex: one fsync per append, what a
//               naive log does.
// Each (mode, W) runs for a fixed time on a fresh file in a temp dir under the
// build dir (the data dir's disk), removed afterwards. Latency is from just
// before the append until the writer is woken by its durable callback.
// Usage: wal_bench [--seconds S] [--payload P] [--writers 1,16,64] [--dir PARENT]
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/file_system.h"
#include "storage/wal/wal_format.h"
#include "storage/wal/wal_writer.h"

namespace {

namespace fs = std::filesystem;
namespace st = civicflow::storage;
using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 4;
  size_t payload = 600;
  std::vector<int> writers = {1, 16, 64};
  fs::path parent;  // the temp dir is created here
};

struct Figures {
  double seconds = 0;
  uint64_t appends = 0, syncs = 0;
  double p50_us = 0, p99_us = 0;
  double AppendsPerSecond() const { return static_cast<double>(appends) / seconds; }
  double SyncsPerSecond() const { return static_cast<double>(syncs) / seconds; }
};

fs::path& TempDir() {  // removed on exit, also after a failure
  static fs::path dir;
  return dir;
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "wal_bench: %s\n", message.c_str());
  std::error_code ec;
  if (!TempDir().empty()) fs::remove_all(TempDir(), ec);
  std::exit(1);
}

// Runs `writers` threads, each calling `loop(thread)` (one append, waited for)
// until `seconds` have passed; the time is taken until every thread has
// finished its last append. Appends and latencies are those of every call.
template <typename Loop>
Figures RunWriters(int writers, double seconds, Loop&& loop) {
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<uint32_t>> latencies(writers);
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t)
    threads.emplace_back([&, t] {
      latencies[t].reserve(1 << 16);
      go.wait(false);
      while (!stop.load(std::memory_order_relaxed)) {
        const Clock::time_point start = Clock::now();
        loop(t);
        latencies[t].push_back(static_cast<uint32_t>(
            std::min<int64_t>(std::chrono::nanoseconds(Clock::now() - start).count(), UINT32_MAX)));
      }
    });
  const Clock::time_point start = Clock::now();
  go.store(true);
  go.notify_all();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (std::thread& t : threads) t.join();
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<uint32_t> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  f.appends = all.size();
  if (!all.empty()) {
    auto at = [&](double q) {
      auto it = all.begin() + static_cast<ptrdiff_t>(q * static_cast<double>(all.size() - 1));
      std::nth_element(all.begin(), it, all.end());
      return static_cast<double>(*it) / 1000.0;
    };
    f.p50_us = at(0.50);
    f.p99_us = at(0.99);
  }
  return f;
}

// Ours: WalWriter with group commit; each writer waits for its own callback.
Figures RunOurs(const fs::path& dir, int writers, const Options& options) {
  auto wal = st::WalWriter::Open(st::FileSystem::Posix(), dir, {});
  if (!wal.ok()) Fail(wal.status().message());
  const std::string payload(options.payload, 'u');
  struct alignas(64) Slot {
    std::atomic<bool> done{false};
    bool ok = true;
  };
  std::vector<Slot> slots(writers);
  std::atomic<bool> failed{false};
  Figures f = RunWriters(writers, options.seconds, [&](int t) {
    Slot& slot = slots[t];
    slot.done.store(false, std::memory_order_relaxed);
    (*wal)->Append(st::FrameType::kUpload, payload, [&slot](const civicflow::Status& s, st::WalPosition) {
      slot.ok = s.ok();
      slot.done.store(true, std::memory_order_release);
      slot.done.notify_one();
    });
    slot.done.wait(false, std::memory_order_acquire);
    if (!slot.ok) failed = true;
  });
  f.syncs = (*wal)->stats().syncs;
  (*wal)->Close();
  if (failed) Fail("a WAL append failed");
  return f;
}

// Reference: each writer writes its frame and fdatasyncs it under one mutex.
Figures RunReference(const fs::path& dir, int writers, const Options& options) {
  auto file = st::FileSystem::Posix().OpenAppend(dir / st::WalFileName({}));
  if (!file.ok()) Fail(file.status().message());
  const std::string payload(options.payload, 'u');
  std::mutex mu;
  std::atomic<bool> failed{false};
  Figures f = RunWriters(writers, options.seconds, [&](int) {
    std::string frame;
    st::AppendFrame(st::FrameType::kUpload, payload, frame);
    std::lock_guard lock(mu);
    if (!(*file)->Append(frame).ok() || !(*file)->Sync().ok()) failed = true;
  });
  f.syncs = f.appends;
  if (failed) Fail("a reference write or fdatasync failed");
  return f;
}

std::vector<int> ParseList(const char* text) {
  std::vector<int> out;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p || v < 1 || v > 1024) Fail(std::string("bad --writers list: ") + text);
    out.push_back(static_cast<int>(v));
    p = *end == ',' ? end + 1 : end;
    if (*end != ',' && *end != '\0') Fail(std::string("bad --writers list: ") + text);
  }
  return out;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  // Default parent: the build dir holding this binary (build*/bench/wal_bench).
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  o.parent = ec ? fs::path("build") : self.parent_path().parent_path();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc)
      Fail("usage: wal_bench [--seconds S] [--payload P] [--writers 1,16,64] [--dir PARENT]");
    const char* value = argv[++i];
    if (arg == "--seconds")
      o.seconds = std::atof(value);
    else if (arg == "--payload")
      o.payload = static_cast<size_t>(std::atol(value));
    else if (arg == "--writers")
      o.writers = ParseList(value);
    else if (arg == "--dir")
      o.parent = value;
    else
      Fail("unknown flag " + arg);
  }
  if (o.seconds <= 0 || o.payload == 0 || o.payload > st::kMaxFramePayload)
    Fail("bad --seconds or --payload");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  std::error_code ec;
  fs::create_directories(options.parent, ec);
  std::string pattern = (options.parent / "wal-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) Fail("cannot create a temp dir under " + options.parent.string());
  const fs::path dir = TempDir() = pattern;
  std::printf("WAL: %zu-byte payloads (%zu-byte frames), %.1f s per run, dir %s\n", options.payload,
              options.payload + st::kFrameHeaderBytes, options.seconds, dir.c_str());
  std::printf("ours: WalWriter group commit; reference: write + fdatasync per append under a mutex\n\n");
  std::printf(
      "| writers | ours appends/s | ours fsyncs/s | frames/fsync | ours p50 | ours p99 "
      "| reference appends/s | reference p99 | speed-up |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::string single;
  for (int w : options.writers) {
    const Figures ours = RunOurs(dir / ("ours-" + std::to_string(w)), w, options);
    const Figures ref = RunReference(dir / ("reference-" + std::to_string(w)), w, options);
    fs::remove_all(dir / ("ours-" + std::to_string(w)), ec);
    fs::remove_all(dir / ("reference-" + std::to_string(w)), ec);
    std::printf("| %d | %.0f | %.0f | %.1f | %.2f ms | %.2f ms | %.0f | %.2f ms | %.1f× |\n", w,
                ours.AppendsPerSecond(), ours.SyncsPerSecond(),
                ours.syncs ? static_cast<double>(ours.appends) / static_cast<double>(ours.syncs) : 0.0,
                ours.p50_us / 1000, ours.p99_us / 1000, ref.AppendsPerSecond(), ref.p99_us / 1000,
                ours.AppendsPerSecond() / ref.AppendsPerSecond());
    std::fflush(stdout);
    if (w == 1)
      single = "\nOne write + fdatasync of a frame on this disk (reference, 1 writer): p50 " +
               std::to_string(ref.p50_us / 1000).substr(0, 5) + " ms\n";
  }
  std::printf("%s", single.c_str());
  fs::remove_all(dir, ec);
  return 0;
}
