#pragma once
// Test helper: a RecordSubmitter that hands every upload to the real one and
// adds up, per interface, the outcomes it reports, so that adapter tests can
// see records arrive (and what the adapter submitted). Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include "ingest/http/record_submitter.h"

namespace civicflow::testing {

class CountingSubmitter final : public ingest::http::RecordSubmitter {
 public:
  explicit CountingSubmitter(ingest::http::RecordSubmitter& inner) : inner_(inner) {}

  std::optional<ingest::ValidationError> Submit(ingest::InterfaceId id, std::string_view json,
                                                int64_t request_ts_ms, Done done) override {
    {
      std::lock_guard lock(mutex_);
      last_json_[id] = json;
    }
    return inner_.Submit(id, json, request_ts_ms,
                         [this, id, done = std::move(done)](const ingest::http::SubmitOutcome& outcome) {
                           {
                             std::lock_guard lock(mutex_);
                             ingest::http::SubmitOutcome& total = totals_[id];
                             total.records += outcome.records;
                             total.accepted += outcome.accepted;
                             total.duplicates += outcome.duplicates;
                             total.corrections += outcome.corrections;
                           }
                           done(outcome);
                         });
  }

  // Everything reported so far for interface `id`.
  ingest::http::SubmitOutcome Totals(ingest::InterfaceId id) const {
    std::lock_guard lock(mutex_);
    auto it = totals_.find(id);
    return it == totals_.end() ? ingest::http::SubmitOutcome{} : it->second;
  }
  // The payload of the latest upload submitted as `id`.
  std::string LastJson(ingest::InterfaceId id) const {
    std::lock_guard lock(mutex_);
    auto it = last_json_.find(id);
    return it == last_json_.end() ? std::string() : it->second;
  }

 private:
  ingest::http::RecordSubmitter& inner_;
  mutable std::mutex mutex_;
  std::map<ingest::InterfaceId, ingest::http::SubmitOutcome> totals_;
  std::map<ingest::InterfaceId, std::string> last_json_;
};

}  // namespace civicflow::testing
