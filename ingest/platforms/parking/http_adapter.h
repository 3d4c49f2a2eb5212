#pragma once
// ParkingAdapter: the Shenzhen public smart parking platform's HTTP side
// (shenzhen-parking-interface.txt; PLATFORMS.md §2; readings in README.md).
//
//   POST /dataReceive/v1/<code>, body {"timestamp","sign","version","data":[...]}
//   header authorization: <accessToken> (not for login), encrypted: 0 | 1
//   reply  {"code","message","timestamp","data":[...]}, HTTP 200
//
// login issues a token per userId (a new one revokes the old); heartBeats
// refreshes it and stands for the session's lots (LotRegistry); uploads go to
// the RecordSubmitter, their sign checked over the exact bytes of `data` and
// their sensitive fields SM4-decrypted first; picture is multipart and stored
// in the PictureStore; replenishCarInfo is answered by the ReplenishSource.
//
// Owns the tokens and the lot sessions, which checkpoints keep. Thread-safe: Handle runs on every I/O
// thread, and uploads finish on shard threads.
// REQUIRES: outlives every request handed to it; the submitter, clock,
// picture store and replenish source outlive it.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/token_store.h"
#include "ingest/platforms/parking/envelope.h"
#include "ingest/platforms/parking/lot_registry.h"
#include "ingest/platforms/parking/record_fields.h"
#include "ingest/platforms/parking/replenish_source.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::parking {

class ParkingAdapter final : public http::PlatformHandler {
 public:
  static constexpr std::string_view kPathPrefix = "/dataReceive/";
  static constexpr size_t kBodyLimit = 4 << 20;
  static constexpr size_t kPictureBodyLimit = 600 << 10;  // the file and the form's other parts
  static constexpr size_t kMaxPictureBytes = 500 << 10;   // table 15: 100 KB - 500 KB

  ParkingAdapter(const std::vector<http::ParkingAccount>& accounts, const http::AdapterContext& context,
                 const ReplenishSource& replenish);

  size_t BodyLimit(std::string_view path) const override;
  void Handle(http::Exchange& exchange) override;
  void RejectOversize(http::Exchange& exchange) override;
  // Checkpoints: the live tokens and the lot sessions (LotRegistry).
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  // Lots whose last heartbeat is more than 90 s old by the context's clock
  // (three missed beats); sorted. Lots that never sent one are not listed.
  std::vector<std::string> OfflineLots() const;
  LotCounts HeartbeatCounts() const;

 private:
  // What every enveloped request of an authenticated account carries.
  struct Call {
    const InterfaceSpec& spec;
    size_t account;
    Envelope envelope;
    bool encrypted;
  };

  void Login(http::Exchange& exchange, const InterfaceSpec& spec);
  void Upload(http::Exchange& exchange, const Call& call);
  void HeartBeats(http::Exchange& exchange, const Call& call, std::string_view token);
  void ReplenishCarInfo(http::Exchange& exchange, const Call& call);
  void Picture(http::Exchange& exchange, const InterfaceSpec& spec, size_t account);

  // Reads and checks the envelope; false when it has replied.
  bool ReadEnvelope(http::Exchange& exchange, Envelope& envelope) const;
  // Submits and replies from `done`: 1200 when every record was a duplicate.
  void Submit(http::Exchange& exchange, const InterfaceSpec& spec, size_t account, std::string_view payload,
              int64_t request_ts_ms, std::string reply_data, std::vector<std::string> lots);
  // Table 8/10/12/14/18/20/22/24 rows for the records, as a JSON array.
  std::string ReplyData(const InterfaceSpec& spec, size_t account, std::span<const RecordKeys> records) const;
  void Finish(http::Exchange& exchange, int code, std::string_view message,
              std::string_view data = "[]") const;

  const std::vector<http::ParkingAccount> accounts_;
  std::unordered_map<std::string, size_t> account_by_user_;
  http::RecordSubmitter& submitter_;
  const Clock& clock_;
  http::PictureStore& pictures_;
  const ReplenishSource& replenish_;
  http::TokenStore tokens_;
  LotRegistry lots_;
};

}  // namespace civicflow::ingest::parking
