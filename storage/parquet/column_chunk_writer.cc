#include "storage/parquet/column_chunk_writer.h"

#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>

#include "storage/parquet/thrift_compact.h"

namespace civicflow::storage::parquet {

namespace {

bool DictionaryCapable(ColumnType type) { return type != ColumnType::kDouble && type != ColumnType::kBool; }

// Buffers of the page being encoded; they keep their capacity (see the header).
struct PageScratch {
  std::string page;        // uncompressed
  std::string compressed;  // sized to the largest bound so far, never shrunk
  std::string header;
};
PageScratch& Scratch() {
  thread_local PageScratch scratch;
  return scratch;
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(ColumnSpec spec, const ParquetWriterOptions& options, ZSTD_CCtx* zstd)
    : spec_(std::move(spec)),
      options_(options),
      zstd_(zstd),
      budget_bits_(std::max<size_t>(1, options.page_bytes) * 8) {
  Reset();
}

template <typename Same>
size_t ColumnChunkWriter::Probe(uint64_t hash, Same same) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = hash >> 32;
  for (size_t pos = tag & mask;; pos = (pos + 1) & mask) {
    const uint64_t slot = slots_[pos];
    if (slot == 0) return pos;
    if ((slot >> 32) == tag && same(static_cast<uint32_t>(slot) - 1)) return pos;
  }
}

void ColumnChunkWriter::AppendId(uint32_t id) {
  Present();
  ids_.push_back(id);
  page_bits_ += static_cast<size_t>(id_width_);
  if (page_bits_ >= budget_bits_) CutPage();
}

uint32_t ColumnChunkWriter::AddEntry(size_t slot, uint64_t hash, size_t entry_bytes) {
  const uint32_t entry = entries_++;
  slots_[slot] = (hash >> 32) << 32 | (entry + 1);
  dictionary_bytes_ += entry_bytes;
  id_width_ = BitWidth(entry);
  if (static_cast<size_t>(entries_) * 2 > slots_.size()) GrowSlots();
  return entry;
}

bool ColumnChunkWriter::TrackInt(int64_t v) {
  const uint64_t hash = Hash64(static_cast<uint64_t>(v));
  const size_t slot = Probe(hash, [&](uint32_t e) { return dict_ints_[e] == v; });
  const size_t plain = Is32Bit() ? 4 : 8;
  uint32_t id = static_cast<uint32_t>(slots_[slot]) - 1;
  if (slots_[slot] == 0) {
    if (DictionaryFull(plain)) {
      AbandonDictionary();
      return false;
    }
    dict_ints_.push_back(v);
    id = AddEntry(slot, hash, plain);
  }
  page_plain_bytes_ += plain;
  AppendId(id);
  return true;
}

bool ColumnChunkWriter::TrackString(std::string_view v) {
  const uint64_t hash = std::hash<std::string_view>{}(v);
  const size_t slot = Probe(hash, [&](uint32_t e) { return EntryString(e) == v; });
  uint32_t id = static_cast<uint32_t>(slots_[slot]) - 1;
  if (slots_[slot] == 0) {
    if (DictionaryFull(4 + v.size())) {
      AbandonDictionary();
      return false;
    }
    dict_bytes_.append(v);
    dict_ends_.push_back(dict_bytes_.size());
    id = AddEntry(slot, hash, 4 + v.size());
  }
  page_plain_bytes_ += 4 + v.size();
  AppendId(id);
  return true;
}

void ColumnChunkWriter::GrowSlots() {
  // A slot's tag is the high half of its value's hash, which is also what places it: no rehashing.
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (uint64_t slot : old) {
    if (slot == 0) continue;
    size_t pos = (slot >> 32) & mask;
    while (slots_[pos] != 0) pos = (pos + 1) & mask;
    slots_[pos] = slot;
  }
}

void ColumnChunkWriter::MaterializeIds() {
  for (uint32_t id : ids_) {
    if (spec_.type == ColumnType::kString) {
      bytes_.append(EntryString(id));
      ends_.push_back(bytes_.size());
    } else {
      ints_.push_back(dict_ints_[id]);
    }
  }
  ids_.clear();
  page_bits_ = (spec_.optional ? defs_.size() : 0) + 8 * page_plain_bytes_;
}

void ColumnChunkWriter::AbandonDictionary() {
  if (dictionary_pages_ == 0) {
    MaterializeIds();  // the whole chunk will be PLAIN: no dictionary page
    entries_ = 0;
    dictionary_bytes_ = 0;
    dict_ints_.clear();
    dict_bytes_.clear();
    dict_ends_.clear();
  } else if (page_rows_ > 0) {
    CutPage();  // its ids refer to the dictionary page written at Flush
  }
  dictionary_live_ = false;
}

void ColumnChunkWriter::Reset() {
  rows_ = 0;
  chunk_values_ = 0;
  dictionary_pages_ = plain_pages_ = 0;
  pages_.clear();
  pages_uncompressed_ = pages_compressed_ = 0;
  ClearPage();
  entries_ = 0;
  id_width_ = 1;
  dict_ints_.clear();
  dict_bytes_.clear();
  dict_ends_.clear();
  dictionary_bytes_ = 0;
  stats_any_ = stats_any_false_ = stats_any_true_ = false;
  dictionary_live_ = options_.dictionary && DictionaryCapable(spec_.type);
  if (dictionary_live_) {
    if (slots_.empty()) slots_.resize(1024);
    std::fill(slots_.begin(), slots_.end(), 0);
  }
}

void ColumnChunkWriter::AppendPlainValue(size_t index, std::string* out) const {
  switch (spec_.type) {
    case ColumnType::kString: {
      const std::string_view s = StringAt(index);
      AppendLittleEndian(out, static_cast<uint32_t>(s.size()));
      out->append(s);
      return;
    }
    case ColumnType::kInt32:
    case ColumnType::kDate:
      AppendLittleEndian(out, static_cast<int32_t>(ints_[index]));
      return;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      AppendLittleEndian(out, ints_[index]);
      return;
    case ColumnType::kDouble:
      AppendLittleEndian(out, doubles_[index]);
      return;
    case ColumnType::kBool:
      out->push_back(static_cast<char>(bools_[index]));
      return;
  }
}

void ColumnChunkWriter::AppendPlainEntry(size_t entry, std::string* out) const {
  if (spec_.type == ColumnType::kString) {
    const std::string_view s = EntryString(entry);
    AppendLittleEndian(out, static_cast<uint32_t>(s.size()));
    out->append(s);
  } else if (Is32Bit()) {
    AppendLittleEndian(out, static_cast<int32_t>(dict_ints_[entry]));
  } else {
    AppendLittleEndian(out, dict_ints_[entry]);
  }
}

// Folds the values of the page being cut (PLAIN) into the chunk's statistics.
void ColumnChunkWriter::MergePageStatistics() {
  switch (spec_.type) {
    case ColumnType::kString: {
      if (ends_.empty()) return;
      std::string_view min = StringAt(0), max = min;
      for (size_t i = 1; i < ends_.size(); ++i) {
        const std::string_view s = StringAt(i);
        if (s < min) min = s;
        if (s > max) max = s;
      }
      if (!stats_any_ || min < stats_string_min_) stats_string_min_.assign(min);
      if (!stats_any_ || max > stats_string_max_) stats_string_max_.assign(max);
      stats_any_ = true;
      return;
    }
    case ColumnType::kDouble:
      for (double d : doubles_) {
        if (std::isnan(d)) continue;  // NaN: no bound (parquet.thrift, ColumnOrder)
        if (!stats_any_ || d < stats_double_min_) stats_double_min_ = d;
        if (!stats_any_ || d > stats_double_max_) stats_double_max_ = d;
        stats_any_ = true;
      }
      return;
    case ColumnType::kBool:
      for (uint8_t b : bools_) (b ? stats_any_true_ : stats_any_false_) = true;
      return;
    default: {
      if (ints_.empty()) return;
      const auto [min, max] = std::minmax_element(ints_.begin(), ints_.end());
      if (!stats_any_ || *min < stats_int_min_) stats_int_min_ = *min;
      if (!stats_any_ || *max > stats_int_max_) stats_int_max_ = *max;
      stats_any_ = true;
    }
  }
}

// Every dictionary entry is some value of the chunk: its bounds are the values'.
void ColumnChunkWriter::MergeDictionaryStatistics() {
  for (uint32_t e = 0; e < entries_; ++e) {
    if (spec_.type == ColumnType::kString) {
      const std::string_view s = EntryString(e);
      if (!stats_any_ || s < stats_string_min_) stats_string_min_.assign(s);
      if (!stats_any_ || s > stats_string_max_) stats_string_max_.assign(s);
    } else {
      const int64_t v = dict_ints_[e];
      if (!stats_any_ || v < stats_int_min_) stats_int_min_ = v;
      if (!stats_any_ || v > stats_int_max_) stats_int_max_ = v;
    }
    stats_any_ = true;
  }
}

void ColumnChunkWriter::StatisticsOf(ChunkMetadata* meta) const {
  std::string lo, hi;
  switch (spec_.type) {
    case ColumnType::kString:
      if (!stats_any_) return;
      if (stats_string_min_.size() > options_.max_statistics_bytes ||
          stats_string_max_.size() > options_.max_statistics_bytes) {
        return;
      }
      lo = stats_string_min_;
      hi = stats_string_max_;
      break;
    case ColumnType::kDouble: {
      if (!stats_any_) return;  // no values, or all NaN
      const double min = stats_double_min_ == 0 ? -0.0 : stats_double_min_;
      const double max = stats_double_max_ == 0 ? 0.0 : stats_double_max_;
      AppendLittleEndian(&lo, min);
      AppendLittleEndian(&hi, max);
      break;
    }
    case ColumnType::kBool:
      if (!stats_any_false_ && !stats_any_true_) return;
      lo.push_back(stats_any_false_ ? 0 : 1);
      hi.push_back(stats_any_true_ ? 1 : 0);
      break;
    default:
      if (!stats_any_) return;
      if (Is32Bit()) {
        AppendLittleEndian(&lo, static_cast<int32_t>(stats_int_min_));
        AppendLittleEndian(&hi, static_cast<int32_t>(stats_int_max_));
      } else {
        AppendLittleEndian(&lo, stats_int_min_);
        AppendLittleEndian(&hi, stats_int_max_);
      }
  }
  meta->min_value = std::move(lo);
  meta->max_value = std::move(hi);
}

Status ColumnChunkWriter::WritePage(const std::string& page, int32_t page_type, int32_t num_values,
                                    int32_t encoding, std::string* out, int64_t* uncompressed_total,
                                    int64_t* compressed_total) {
  if (page.size() > INT32_MAX) {
    return Status::Error("column '" + spec_.name + "': page of " + std::to_string(page.size()) +
                         " bytes is too large");
  }
  std::string_view body = page;
  std::string& compressed = Scratch().compressed;
  if (options_.codec == Codec::kZstd) {
    const size_t bound = ZSTD_compressBound(page.size());
    if (compressed.size() < bound) compressed.resize(bound);  // never shrunk: no refill per page
    const size_t n = ZSTD_compressCCtx(zstd_, compressed.data(), compressed.size(), page.data(), page.size(),
                                       options_.zstd_level);
    if (ZSTD_isError(n)) {
      return Status::Error("column '" + spec_.name + "': zstd: " + ZSTD_getErrorName(n));
    }
    body = std::string_view(compressed.data(), n);
  }
  std::string& header = Scratch().header;
  header.clear();
  ThriftWriter w(&header);
  w.FieldI32(1, page_type);
  w.FieldI32(2, static_cast<int32_t>(page.size()));
  w.FieldI32(3, static_cast<int32_t>(body.size()));
  w.FieldI32(4, static_cast<int32_t>(Crc32(body)));
  if (page_type == format::kDictionaryPage) {
    w.BeginStructField(7);
    w.FieldI32(1, num_values);
    w.FieldI32(2, format::kPlain);
    w.EndStruct();
  } else {
    w.BeginStructField(5);
    w.FieldI32(1, num_values);
    w.FieldI32(2, encoding);
    w.FieldI32(3, format::kRle);
    w.FieldI32(4, format::kRle);
    w.EndStruct();
  }
  w.EndMessage();
  out->append(header);
  out->append(body);
  *uncompressed_total += static_cast<int64_t>(header.size() + page.size());
  *compressed_total += static_cast<int64_t>(header.size() + body.size());
  return {};
}

void ColumnChunkWriter::CutPage() {
  if (page_rows_ == 0) return;
  // At the first cut the dictionary must pay for itself against PLAIN.
  if (dictionary_live_ && dictionary_pages_ == 0 &&
      dictionary_bytes_ + ids_.size() * static_cast<size_t>(BitWidth(entries_ ? entries_ - 1 : 0)) / 8 >=
          page_plain_bytes_) {
    AbandonDictionary();
  }
  const bool dictionary = dictionary_live_;
  std::string& page = Scratch().page;
  page.clear();
  if (spec_.optional) {
    page.append(4, '\0');
    AppendRleHybrid(std::span<const uint8_t>(defs_), 1, &page);
    const auto levels = static_cast<uint32_t>(page.size() - 4);
    __builtin_memcpy(page.data(), &levels, 4);
  }
  size_t values = 0;
  if (dictionary) {
    values = ids_.size();
    const int width = BitWidth(entries_ ? entries_ - 1 : 0);
    page.push_back(static_cast<char>(width));
    AppendRleHybrid(std::span<const uint32_t>(ids_), width, &page);
  } else {
    MergePageStatistics();
    switch (spec_.type) {
      case ColumnType::kBool: {
        values = bools_.size();
        uint8_t byte = 0;
        for (size_t i = 0; i < values; ++i) {
          byte |= static_cast<uint8_t>(bools_[i] << (i % 8));
          if (i % 8 == 7) {
            page.push_back(static_cast<char>(byte));
            byte = 0;
          }
        }
        if (values % 8) page.push_back(static_cast<char>(byte));
        break;
      }
      case ColumnType::kString:
        values = ends_.size();
        for (size_t i = 0; i < values; ++i) AppendPlainValue(i, &page);
        break;
      case ColumnType::kDouble:
        values = doubles_.size();
        page.append(reinterpret_cast<const char*>(doubles_.data()), values * sizeof(double));
        break;
      default:
        values = ints_.size();
        if (Is32Bit()) {
          for (size_t i = 0; i < values; ++i) AppendPlainValue(i, &page);
        } else {
          page.append(reinterpret_cast<const char*>(ints_.data()), values * sizeof(int64_t));
        }
    }
  }
  if (page_rows_ > INT32_MAX && status_.ok())
    status_ = Status::Error("column '" + spec_.name + "': page of " + std::to_string(page_rows_) + " rows");
  if (status_.ok()) {
    status_ = WritePage(page, format::kDataPage, static_cast<int32_t>(page_rows_),
                        dictionary ? format::kRleDictionary : format::kPlain, &pages_, &pages_uncompressed_,
                        &pages_compressed_);
  }
  (dictionary ? dictionary_pages_ : plain_pages_)++;
  chunk_values_ += values;
  ClearPage();
}

void ColumnChunkWriter::ClearPage() {
  page_rows_ = 0;
  page_bits_ = 0;
  page_plain_bytes_ = 0;
  defs_.clear();
  ids_.clear();
  ints_.clear();
  doubles_.clear();
  bools_.clear();
  bytes_.clear();
  ends_.clear();
}

Status ColumnChunkWriter::Flush(int64_t file_offset, std::string* out, ChunkMetadata* meta) {
  CutPage();
  *meta = ChunkMetadata{};
  if (!status_.ok()) {
    Status s = status_;
    status_ = Status();
    Reset();
    return s;
  }
  meta->num_values = static_cast<int64_t>(rows_);
  meta->null_count = static_cast<int64_t>(rows_ - chunk_values_);
  const bool dictionary = dictionary_pages_ > 0;
  if (dictionary) MergeDictionaryStatistics();
  StatisticsOf(meta);

  const size_t start = out->size();
  if (dictionary) {
    meta->dictionary_page_offset = file_offset;
    std::string& page = Scratch().page;
    page.clear();
    for (uint32_t e = 0; e < entries_; ++e) AppendPlainEntry(e, &page);
    if (Status s = WritePage(page, format::kDictionaryPage, static_cast<int32_t>(entries_), format::kPlain,
                             out, &meta->total_uncompressed_size, &meta->total_compressed_size);
        !s.ok()) {
      Reset();
      return s;
    }
  }
  meta->data_page_offset = file_offset + static_cast<int64_t>(out->size() - start);
  out->append(pages_);
  meta->total_uncompressed_size += pages_uncompressed_;
  meta->total_compressed_size += pages_compressed_;

  meta->encodings.push_back(format::kPlain);
  if (spec_.optional) meta->encodings.push_back(format::kRle);
  if (dictionary) meta->encodings.push_back(format::kRleDictionary);
  Reset();
  return {};
}

}  // namespace civicflow::storage::parquet
