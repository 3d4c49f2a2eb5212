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

bool Is32Bit(ColumnType type) { return type == ColumnType::kInt32 || type == ColumnType::kDate; }

// PLAIN size in bits of one value (strings: their length prefix included).
size_t PlainBits(ColumnType type, size_t string_size) {
  switch (type) {
    case ColumnType::kString:
      return 8 * (4 + string_size);
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return 32;
    case ColumnType::kBool:
      return 1;
    default:
      return 64;
  }
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(ColumnSpec spec, const ParquetWriterOptions& options)
    : spec_(std::move(spec)), options_(options) {
  Reset();
}

size_t ColumnChunkWriter::values() const {
  switch (spec_.type) {
    case ColumnType::kString:
      return ends_.size();
    case ColumnType::kDouble:
      return doubles_.size();
    case ColumnType::kBool:
      return bools_.size();
    default:
      return ints_.size();
  }
}

void ColumnChunkWriter::AppendString(std::string_view v) {
  Present();
  bytes_.append(v);
  ends_.push_back(bytes_.size());
  if (dictionary_live_) Track(std::hash<std::string_view>{}(v), ends_.size() - 1);
}

bool ColumnChunkWriter::SameValue(size_t a, size_t b) const {
  return spec_.type == ColumnType::kString ? StringAt(a) == StringAt(b) : ints_[a] == ints_[b];
}

uint64_t ColumnChunkWriter::HashAt(size_t index) const {
  return spec_.type == ColumnType::kString ? std::hash<std::string_view>{}(StringAt(index))
                                           : Hash64(static_cast<uint64_t>(ints_[index]));
}

void ColumnChunkWriter::Track(uint64_t hash, size_t index) {
  size_t mask = slots_.size() - 1;
  for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
    const uint32_t slot = slots_[pos];
    if (slot == 0) {
      const size_t entry_bytes = spec_.type == ColumnType::kString ? 4 + StringAt(index).size()
                                 : Is32Bit(spec_.type)             ? 4
                                                                   : 8;
      if (first_.size() >= options_.max_dictionary_entries ||
          dictionary_bytes_ + entry_bytes > options_.max_dictionary_bytes) {
        dictionary_live_ = false;  // PLAIN for the rest of this row group
        ids_.clear();
        return;
      }
      const auto entry = static_cast<uint32_t>(first_.size());
      first_.push_back(static_cast<uint32_t>(index));
      slots_[pos] = entry + 1;
      ids_.push_back(entry);
      dictionary_bytes_ += entry_bytes;
      if (first_.size() * 2 > slots_.size()) GrowSlots();
      return;
    }
    if (SameValue(first_[slot - 1], index)) {
      ids_.push_back(slot - 1);
      return;
    }
  }
}

void ColumnChunkWriter::GrowSlots() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (size_t e = 0; e < first_.size(); ++e) {
    size_t pos = HashAt(first_[e]) & mask;
    while (slots_[pos] != 0) pos = (pos + 1) & mask;
    slots_[pos] = static_cast<uint32_t>(e + 1);
  }
}

void ColumnChunkWriter::Reset() {
  rows_ = 0;
  defs_.clear();
  ints_.clear();
  doubles_.clear();
  bools_.clear();
  bytes_.clear();
  ends_.clear();
  ids_.clear();
  first_.clear();
  dictionary_bytes_ = 0;
  dictionary_live_ = options_.dictionary && DictionaryCapable(spec_.type);
  if (dictionary_live_) {
    if (slots_.empty()) slots_.resize(1024);
    std::fill(slots_.begin(), slots_.end(), 0);
  }
}

void ColumnChunkWriter::AppendPlain(size_t index, std::string* out) const {
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
      out->push_back(static_cast<char>(bools_[index]));  // statistics only: pages pack bools into bits
      return;
  }
}

void ColumnChunkWriter::ComputeStatistics(ChunkMetadata* meta) const {
  const size_t n = values();
  if (n == 0) return;
  std::string lo, hi;
  switch (spec_.type) {
    case ColumnType::kString: {
      std::string_view min = StringAt(0), max = min;
      for (size_t i = 1; i < n; ++i) {
        const std::string_view s = StringAt(i);
        if (s < min) min = s;
        if (s > max) max = s;
      }
      if (min.size() > options_.max_statistics_bytes || max.size() > options_.max_statistics_bytes) return;
      lo = min;
      hi = max;
      break;
    }
    case ColumnType::kDouble: {
      bool any = false;
      double min = 0, max = 0;
      for (double d : doubles_) {
        if (std::isnan(d)) continue;
        if (!any || d < min) min = d;
        if (!any || d > max) max = d;
        any = true;
      }
      if (!any) return;  // all NaN: no bounds (parquet.thrift, ColumnOrder)
      if (min == 0) min = -0.0;
      if (max == 0) max = 0.0;
      AppendLittleEndian(&lo, min);
      AppendLittleEndian(&hi, max);
      break;
    }
    case ColumnType::kBool: {
      const bool any_false = std::find(bools_.begin(), bools_.end(), 0) != bools_.end();
      const bool any_true = std::find(bools_.begin(), bools_.end(), 1) != bools_.end();
      lo.push_back(any_false ? 0 : 1);
      hi.push_back(any_true ? 1 : 0);
      break;
    }
    default: {
      const auto [min, max] = std::minmax_element(ints_.begin(), ints_.end());
      if (Is32Bit(spec_.type)) {
        AppendLittleEndian(&lo, static_cast<int32_t>(*min));
        AppendLittleEndian(&hi, static_cast<int32_t>(*max));
      } else {
        AppendLittleEndian(&lo, *min);
        AppendLittleEndian(&hi, *max);
      }
    }
  }
  meta->min_value = std::move(lo);
  meta->max_value = std::move(hi);
}

Status ColumnChunkWriter::WritePage(int32_t page_type, int32_t num_values, int32_t encoding, ZSTD_CCtx* zstd,
                                    std::string* out, ChunkMetadata* meta) {
  if (page_.size() > INT32_MAX) {
    return Status::Error("column '" + spec_.name + "': page of " + std::to_string(page_.size()) +
                         " bytes is too large");
  }
  std::string_view body = page_;
  if (options_.codec == Codec::kZstd) {
    compressed_.resize(ZSTD_compressBound(page_.size()));
    const size_t n = ZSTD_compressCCtx(zstd, compressed_.data(), compressed_.size(), page_.data(),
                                       page_.size(), options_.zstd_level);
    if (ZSTD_isError(n)) {
      return Status::Error("column '" + spec_.name + "': zstd: " + ZSTD_getErrorName(n));
    }
    compressed_.resize(n);
    body = compressed_;
  }
  header_.clear();
  ThriftWriter w(&header_);
  w.FieldI32(1, page_type);
  w.FieldI32(2, static_cast<int32_t>(page_.size()));
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
  out->append(header_);
  out->append(body);
  meta->total_uncompressed_size += static_cast<int64_t>(header_.size() + page_.size());
  meta->total_compressed_size += static_cast<int64_t>(header_.size() + body.size());
  return {};
}

Status ColumnChunkWriter::Flush(int64_t file_offset, ZSTD_CCtx* zstd, std::string* out, ChunkMetadata* meta) {
  *meta = ChunkMetadata{};
  const size_t n = values();
  meta->num_values = static_cast<int64_t>(rows_);
  meta->null_count = static_cast<int64_t>(rows_ - n);
  ComputeStatistics(meta);

  // Dictionary only where it is smaller than PLAIN.
  bool dictionary = dictionary_live_ && n > 0;
  const int bit_width = dictionary ? BitWidth(static_cast<uint32_t>(first_.size() - 1)) : 0;
  if (dictionary) {
    const size_t plain_bytes =
        spec_.type == ColumnType::kString ? bytes_.size() + 4 * n : n * (Is32Bit(spec_.type) ? 4 : 8);
    dictionary = dictionary_bytes_ + n * static_cast<size_t>(bit_width) / 8 < plain_bytes;
  }

  const size_t start = out->size();
  if (dictionary) {
    meta->dictionary_page_offset = file_offset;
    page_.clear();
    for (uint32_t index : first_) AppendPlain(index, &page_);
    if (Status s = WritePage(format::kDictionaryPage, static_cast<int32_t>(first_.size()), format::kPlain,
                             zstd, out, meta);
        !s.ok()) {
      return s;
    }
  }
  meta->data_page_offset = file_offset + static_cast<int64_t>(out->size() - start);

  const size_t budget_bits = std::max<size_t>(1, options_.page_bytes) * 8;
  size_t row = 0, value = 0;
  while (row < rows_) {
    // The rows of this page: until its estimated size reaches the budget.
    size_t row_end = row, value_end = value, bits = 0;
    while (row_end < rows_ && bits < budget_bits) {
      if (spec_.optional) {
        bits += 1;
        if (!defs_[row_end]) {
          ++row_end;
          continue;
        }
      }
      bits += dictionary
                  ? static_cast<size_t>(bit_width)
                  : PlainBits(spec_.type, spec_.type == ColumnType::kString ? StringAt(value_end).size() : 0);
      ++value_end;
      ++row_end;
    }
    if (row_end - row > INT32_MAX) row_end = row + INT32_MAX;  // unreachable with a sane page budget

    page_.clear();
    if (spec_.optional) {
      page_.append(4, '\0');
      AppendRleHybrid(std::span<const uint8_t>(defs_).subspan(row, row_end - row), 1, &page_);
      const auto levels = static_cast<uint32_t>(page_.size() - 4);
      __builtin_memcpy(page_.data(), &levels, 4);
    }
    if (dictionary) {
      page_.push_back(static_cast<char>(bit_width));
      AppendRleHybrid(std::span<const uint32_t>(ids_).subspan(value, value_end - value), bit_width, &page_);
    } else if (spec_.type == ColumnType::kBool) {
      uint8_t byte = 0;
      for (size_t i = value; i < value_end; ++i) {
        byte |= static_cast<uint8_t>(bools_[i] << ((i - value) % 8));
        if ((i - value) % 8 == 7) {
          page_.push_back(static_cast<char>(byte));
          byte = 0;
        }
      }
      if ((value_end - value) % 8) page_.push_back(static_cast<char>(byte));
    } else {
      for (size_t i = value; i < value_end; ++i) AppendPlain(i, &page_);
    }
    if (Status s = WritePage(format::kDataPage, static_cast<int32_t>(row_end - row),
                             dictionary ? format::kRleDictionary : format::kPlain, zstd, out, meta);
        !s.ok()) {
      return s;
    }
    row = row_end;
    value = value_end;
  }

  meta->encodings.push_back(format::kPlain);
  if (spec_.optional) meta->encodings.push_back(format::kRle);
  if (dictionary) meta->encodings.push_back(format::kRleDictionary);
  Reset();
  return {};
}

}  // namespace civicflow::storage::parquet
