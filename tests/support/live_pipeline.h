#pragma once
// Test helpers for the HTTP adapters: the real engine with every operator
// behind a LiveIngest, and an Exchange that a test can wait on.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "engine/engine.h"
#include "engine/live_ingest.h"
#include "ingest/http/exchange.h"
#include "ingest/http/platform_handler.h"
#include "operators/shard_pipeline.h"
#include "tests/support/table_capture.h"
#include "tools/loadgen/platform_client.h"

namespace civicflow::testing {

// Engine + analytics + LiveIngest; tables captured in memory per shard.
class LivePipeline {
 public:
  explicit LivePipeline(uint32_t shards = 2) : pool_(16), captures_(shards) {
    EngineOptions options;
    options.shards = shards;
    engine_ = std::make_unique<Engine>(options, pool_, [this](ShardId shard) {
      operators::ShardSinks sinks;
      for (size_t t = 0; t < operators::kTableCount; ++t) sinks[t] = &captures_[shard][t];
      return operators::MakeShardPipeline(operators::AnalyticsOptions{}, sinks).root;
    });
    ingest_ = std::make_unique<LiveIngest>(*engine_, pool_);
  }
  ingest::http::RecordSubmitter& submitter() { return *ingest_; }
  // Ends input and flushes every window; then rows() may be read.
  void Drain() { engine_->Drain(); }
  // Every shard's rows of one table.
  std::vector<std::vector<std::string>> rows(operators::Table table) const {
    std::vector<std::vector<std::string>> all;
    for (const auto& shard : captures_) {
      const auto& rows = shard[static_cast<size_t>(table)].rows;
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }

 private:
  ChunkPool pool_;
  std::vector<std::array<TableCapture, operators::kTableCount>> captures_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveIngest> ingest_;
};

// An Exchange whose Finish() wakes Wait().
class TestExchange final : public ingest::http::Exchange {
 public:
  void Finish() override {
    std::lock_guard lock(mutex_);
    ++finished_;
    cv_.notify_all();
  }
  // True when Finish() ran exactly once within the timeout.
  bool Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return finished_ > 0; });
    return finished_ == 1;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int finished_ = 0;
};

// A Transport that hands each call to a handler in-process, so the platform
// clients and adapters can be tested against each other without sockets.
class HandlerTransport final : public loadgen::Transport {
 public:
  explicit HandlerTransport(ingest::http::PlatformHandler& handler, int64_t now_ms = 0)
      : handler_(handler), now_ms_(now_ms) {}
  Result<loadgen::HttpAnswer> RoundTrip(const loadgen::HttpCall& call) override {
    TestExchange exchange;
    exchange.method = call.method == "GET"    ? ingest::http::Method::kGet
                      : call.method == "POST" ? ingest::http::Method::kPost
                                              : ingest::http::Method::kOther;
    const std::string_view target = call.target;
    const size_t q = target.find('?');
    exchange.path = target.substr(0, q);
    exchange.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    for (const auto& [name, value] : call.headers) exchange.AddHeader(name, value);
    exchange.body = call.body;
    exchange.received_ms = now_ms_;
    if (call.body.size() > handler_.BodyLimit(exchange.path))
      handler_.RejectOversize(exchange);
    else
      handler_.Handle(exchange);
    if (!exchange.Wait()) return Status::Error("handler did not finish exactly once");
    return loadgen::HttpAnswer{exchange.status, std::string(exchange.content_type), exchange.reply};
  }

 private:
  ingest::http::PlatformHandler& handler_;
  int64_t now_ms_;
};

}  // namespace civicflow::testing
