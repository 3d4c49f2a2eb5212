#pragma once
// Regrouping an archive's uploads into requests of a chosen size, to measure
// the cost per request (--batch 1) against the cost per record (--batch 100).
//
// Records are never changed: each is carried as the exact text it had in the
// archive. Only uploads the receiving side can take as a batch are regrouped:
//   - fitness, parking and community uploads, whose body may be one record or
//     an array of them (fitness: §5.3 batches; parking: the envelope's `data`
//     list; community: the registry's parser takes arrays);
//   - ticketing uploads with a record_list (ticketList, priceList,
//     ticketOrderList): their lists are split and merged, and only uploads
//     whose other members are identical share a request.
// A request takes only records that follow one another within their
// interface, so the records of each interface keep their archive order.
// Everything else goes as in the archive: token, login and heartbeat calls,
// queries, multipart files (fitness uploadFile, parking picture), single
// object bodies (ticketing without a list, orienteering), and lines the
// registry rejects (a broken upload stays whole, so its records still fail
// together). Interfaces keyed by the envelope timestamp (parkCarInfo,
// parkSpaceInfo, stk/sbzt) merge only uploads with the same `ts`.
// Stateless functions; any thread.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tools/loadgen/archive_uploads.h"

namespace civicflow::loadgen {

enum class Regrouping : uint8_t {
  kAsArchived,   // sent as in the archive
  kRecordArray,  // body: one record object or an array of records
  kRecordList,   // body: an object whose record_list elements are the records
};
Regrouping RegroupingOf(ingest::Platform platform, std::string_view interface);

// Requests of at most `batch` records (REQUIRES: batch >= 1), each placed
// where its first record was in the archive (so master data sent first stays
// first) and stamped with the `ts` of its last. A single record that came in
// an array body stays in an array, one that came as an object stays an
// object; merged records form an array (or one list).
std::vector<ArchiveUpload> RegroupUploads(const std::vector<ArchiveUpload>& uploads, uint32_t batch);

}  // namespace civicflow::loadgen
