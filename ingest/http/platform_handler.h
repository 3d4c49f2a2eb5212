#pragma once
// PlatformHandler: one platform's HTTP adapter — its auth, decryption,
// envelope and reply format. The server routes by path prefix (router.h)
// and never looks inside a platform's requests or replies.
// Thread-safe: every I/O thread calls Handle concurrently.
#include <cstddef>
#include <string_view>

#include "engine/base/clock.h"
#include "engine/base/state_codec.h"
#include "ingest/http/exchange.h"
#include "ingest/http/picture_store.h"
#include "ingest/http/record_submitter.h"

namespace civicflow::ingest::http {

// What every adapter is built with, besides its platform's accounts.
struct AdapterContext {
  RecordSubmitter& submitter;
  const Clock& clock;
  PictureStore& pictures;
  int64_t token_lifetime_ms = 24 * 3600 * 1000;  // the specs' "valid for 24 hours" where they say
};

class PlatformHandler {
 public:
  virtual ~PlatformHandler() = default;
  // Largest request body accepted on `path`; checked before the body is read.
  virtual size_t BodyLimit(std::string_view path) const = 0;
  // Answers the request in the platform's own reply format (Finish() once).
  virtual void Handle(Exchange& exchange) = 0;
  // The body exceeded BodyLimit(path): reply with the platform's error for it.
  virtual void RejectOversize(Exchange& exchange) = 0;
  // An upload acknowledged before a restart, replayed from the WAL before
  // any request is served: learn from it what answering later requests
  // needs (registrations, stored master data), as its `done` did.
  virtual void Recall(const InterfaceSpec& spec, std::string_view json) {
    (void)spec;
    (void)json;
  }
  // Checkpoints (engine/base/state_codec.h): everything the adapter has
  // learned or issued that later requests depend on — what Recall rebuilds,
  // and what no upload carries (which account a lot or session belongs to,
  // issued session codes, live tokens). SaveState runs while requests are
  // served, under the adapter's own locks; LoadState on a fresh adapter
  // before any request or Recall, whose accounts file may have changed
  // since (account_state.h).
  virtual void SaveState(StateWriter& out) const = 0;
  virtual void LoadState(StateReader& in) = 0;
};

}  // namespace civicflow::ingest::http
