#pragma once
// The operator interface the analytics build on. One instance per shard,
// created by the engine's factory and touched only by that shard's owner
// thread, so operator state needs no locks.
#include <functional>
#include <memory>
#include <span>

#include "engine/base/local_time.h"
#include "engine/base/state_codec.h"
#include "engine/record_chunk.h"

namespace civicflow {

class Operator {
 public:
  virtual ~Operator() = default;
  // Records routed to this shard, in arrival order. The pointers are valid
  // only during the call.
  virtual void OnBatch(std::span<const ingest::Record* const> records) = 0;
  // A record whose dedup key was accepted before with other content: its
  // values replace the earlier ones. An operator that aggregates the
  // interface retracts what it counted for the key and counts the new values;
  // others ignore it.
  virtual void OnCorrection(const ingest::Record& record) { (void)record; }
  // Event time up to which this shard considers its input complete: windows
  // ending at or before it may be emitted. Monotonic.
  virtual void OnWatermark(LocalTime watermark) = 0;
  // End of input: emit everything still open.
  virtual void Flush() = 0;
  // Checkpoints (engine/base/state_codec.h): SaveState writes everything
  // the operator remembers — dedup sets, open windows, reconciliation sets,
  // interned texts, counters; LoadState, on a fresh operator built with the
  // same options, reads it back so that the operator continues exactly as
  // the saved one would have. Called on the shard's thread at a clean cut.
  virtual void SaveState(StateWriter& out) const = 0;
  virtual void LoadState(StateReader& in) = 0;
  // Rows emitted for windows that had been emitted before (late data,
  // corrections): the late-data metric. 0 for operators without windows.
  virtual uint64_t late_rows() const { return 0; }
};

using OperatorFactory = std::function<std::unique_ptr<Operator>(ShardId)>;

}  // namespace civicflow
