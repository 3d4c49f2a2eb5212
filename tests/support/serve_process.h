#pragma once
// ServeProcess: `civicflow serve` as a child process, for tests of the real
// binary. Starts it, reads its stdout until it listens, and stops it with
// SIGTERM (a clean stop) or SIGKILL (a crash).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace civicflow::testing {

class ServeProcess {
 public:
  // Starts `civicflow serve` on `listen` (port 0: any free one) with 2
  // shards and 2 I/O threads, plus `extra` arguments; fails the test unless
  // it listens.
  ServeProcess(const std::filesystem::path& data_dir, const std::string& accounts,
               const std::string& listen = "127.0.0.1:0", const std::vector<std::string>& extra = {}) {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string binary = CIVICFLOW_BINARY_DIR "/civicflow";
    const std::string dir = data_dir.string();
    std::vector<const char*> argv = {binary.c_str(), "serve",     "--listen",     listen.c_str(),
                                     "--data-dir",   dir.c_str(), "--accounts",   accounts.c_str(),
                                     "--shards",     "2",         "--io-threads", "2"};
    for (const std::string& arg : extra) argv.push_back(arg.c_str());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, const_cast<char**>(argv.data()), environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, stdout_)) {
      const std::string_view text = line;
      output_ += text;
      if (const size_t at = text.find("listening on 127.0.0.1:"); at != std::string_view::npos) {
        port_ = static_cast<uint16_t>(std::stoi(std::string(text.substr(at + 23))));
        break;
      }
    }
    EXPECT_NE(port_, 0) << "civicflow serve did not start: " << output_;
  }
  ~ServeProcess() {
    Kill();
    if (stdout_) std::fclose(stdout_);
  }
  uint16_t port() const { return port_; }
  // What it printed before listening (recovery reports).
  const std::string& startup_output() const { return output_; }

  // SIGTERM, then the exit status: -1 unless it exited normally within a minute.
  int Stop() {
    using namespace std::chrono_literals;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int waited_ms = 0; waitpid(pid_, &status, WNOHANG) == 0; waited_ms += 10) {
      if (waited_ms > 60'000) return -1;  // the destructor kills it
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // SIGKILL: a crash at whatever point the process is.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::FILE* stdout_ = nullptr;
  uint16_t port_ = 0;
  std::string output_;
};

}  // namespace civicflow::testing
