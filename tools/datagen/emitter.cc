#include "tools/datagen/emitter.h"

#include <algorithm>

#include "engine/base/hash.h"
#include "engine/base/local_time.h"
#include "tools/datagen/faults.h"
#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::InterfaceSpec;
using ingest::Registry;
using ingest::Rule;

constexpr int64_t kMinute = 60, kHour = 3600;
// Re-sends (duplicates, corrections) follow the original within this window, and
// late records lag their event by at most kLateMax: both stay far inside the
// 48 h dedup horizon, so replay still remembers every key they repeat.
constexpr int64_t kResendMin = 1 * kMinute, kResendMax = 12 * kHour;
constexpr int64_t kLateMin = 70 * kMinute, kLateMax = 6 * kHour;

// Invalid requests rotate through these rules.
constexpr Rule kRules[] = {Rule::kMissingMandatory, Rule::kWrongType,     Rule::kBadTime,
                           Rule::kNotInEnum,        Rule::kTooLong,       Rule::kBadFormat,
                           Rule::kOutOfRange,       Rule::kUnknownRegion, Rule::kMalformedJson};

bool HasDedupKey(const InterfaceSpec& spec) { return !spec.dedup_key[0].empty(); }

bool KeyedByEnvelope(const InterfaceSpec& spec) {
  for (std::string_view key : spec.dedup_key)
    if (key == ingest::kEnvelopeTs) return true;
  return false;
}

int64_t EpochMillis(int64_t local_seconds) { return LocalTime{local_seconds}.ToEpochMillis(); }

}  // namespace

uint64_t* Emitter::SeenKeys::Find(uint64_t key, bool* inserted) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix64(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i].first == key) {
      *inserted = false;
      return &slots_[i].second;
    }
    if (slots_[i].first == 0) {
      slots_[i].first = key;
      ++size_;
      *inserted = true;
      return &slots_[i].second;
    }
  }
}

void Emitter::SeenKeys::Grow() {
  std::vector<std::pair<uint64_t, uint64_t>> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const auto& slot : old) {
    if (slot.first == 0) continue;
    size_t i = Mix64(slot.first) & mask;
    while (slots_[i].first != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

Emitter::Emitter(const FaultRates& rates, uint64_t seed, std::FILE* out)
    : rates_(rates),
      faults_(seed, 0xfa17),
      batches_(seed, 0xba7c),
      out_(out),
      counts_(Registry::Get().All().size()) {
  buffer_.reserve(1 << 21);
}

void Emitter::Submit(Request request) {
  const InterfaceSpec& spec = Registry::Get().At(request.iface);
  if (request.kind == Request::Kind::kPrimary) {
    if (faults_.Chance(rates_.invalid) && AddInvalidCopy(request)) ++injected_.invalid_requests;
    // Replay remembers a key by its event hour; a key without an event time is aged
    // by the shard's watermark, which this tool cannot follow: never repeat those.
    const bool repeatable = !HasDedupKey(spec) || !spec.event_time.empty();
    if (faults_.Chance(rates_.duplicate) && repeatable) {
      Request copy = request;
      copy.kind = Request::Kind::kDuplicate;
      copy.send_ms += faults_.Between(kResendMin, kResendMax) * 1000;
      Push(std::move(copy));
      ++injected_.duplicate_requests;
    }
    // The hourly plate lists stay true to the simulated history: never corrected.
    if (HasDedupKey(spec) && repeatable && spec.name != "parkCarInfo" && faults_.Chance(rates_.correction))
      AddCorrection(request);
  }
  Push(std::move(request));
}

bool Emitter::AddInvalidCopy(const Request& request) {
  const InterfaceSpec& spec = Registry::Get().At(request.iface);
  constexpr size_t kCount = sizeof kRules / sizeof kRules[0];
  for (size_t attempt = 0; attempt < kCount; ++attempt) {
    const Rule rule = kRules[(next_rule_ + attempt) % kCount];
    Request bad = request;
    bad.rule = rule;
    if (rule == Rule::kMalformedJson) {
      bad.kind = Request::Kind::kMalformed;
    } else {
      bad.kind = Request::Kind::kInvalid;
      if (!BreakRecord(spec, rule, bad.objects[faults_.Below(bad.objects.size())], faults_)) continue;
    }
    next_rule_ = (next_rule_ + attempt + 1) % kCount;
    ++injected_.invalid_by_rule[static_cast<size_t>(rule)];
    Push(std::move(bad));  // sent just before the good one, like a retry after an error reply
    return true;
  }
  return false;
}

void Emitter::AddCorrection(const Request& request) {
  const InterfaceSpec& spec = Registry::Get().At(request.iface);
  std::string object = request.objects[faults_.Below(request.objects.size())];
  if (!spec.record_list.empty()) {
    const size_t n = RecordsInObject(spec, object);
    if (n == 0) return;
    KeepOneElement(spec, object, faults_.Below(n));
  }
  if (!CorrectRecord(spec, object, faults_)) return;
  Request fix;
  fix.iface = request.iface;
  fix.kind = Request::Kind::kCorrection;
  fix.array_body = request.array_body;
  fix.send_ms = request.send_ms + faults_.Between(kResendMin, kResendMax) * 1000;
  // Where the envelope time is part of the key, the fix must carry the original one.
  fix.ts_ms = KeyedByEnvelope(spec) ? request.ts_ms : fix.send_ms;
  fix.objects.push_back(std::move(object));
  Push(std::move(fix));
  ++injected_.correction_requests;
}

void Emitter::Push(Request request) {
  out_of_order_ += request.send_ms < flushed_ms_;
  size_t slot;
  if (free_slots_.empty()) {
    slot = slots_.size();
    slots_.push_back(std::move(request));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(request);
  }
  heap_.push_back(Pending{slots_[slot].send_ms, next_seq_++, slot});
  std::push_heap(heap_.begin(), heap_.end(), PendingLater{});
}

void Emitter::Stream(ingest::InterfaceId iface, std::vector<Item>& items, const StreamShape& shape) {
  if (items.empty()) return;
  const InterfaceSpec& spec = Registry::Get().At(iface);
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.ready_s < b.ready_s; });

  auto make = [&](std::span<Item* const> batch, int64_t send_s) {
    Request r;
    r.iface = iface;
    r.send_ms = EpochMillis(send_s) + static_cast<int64_t>(batches_.Below(1000));
    r.ts_ms = r.send_ms;
    if (shape.shape == BodyShape::kList) {
      std::string object(shape.list_prefix);
      for (size_t i = 0; i < batch.size(); ++i) {
        if (i) object.push_back(',');
        object += batch[i]->text;
      }
      object += "]}";
      r.objects.push_back(std::move(object));
    } else {
      r.array_body = shape.shape == BodyShape::kArray;
      for (Item* item : batch) r.objects.push_back(std::move(item->text));
    }
    Submit(std::move(r));
  };

  std::vector<Item*> normal;
  normal.reserve(items.size());
  for (Item& item : items) {
    if (!batches_.Chance(rates_.late)) {
      normal.push_back(&item);
      continue;
    }
    injected_.late += shape.shape == BodyShape::kList ? 1 : RecordsInObject(spec, item.text);
    Item* one[] = {&item};
    make(one, item.event_s + batches_.Between(kLateMin, kLateMax));
  }
  for (size_t i = 0; i < normal.size();) {
    const int64_t send_s = normal[i]->ready_s + batches_.Between(0, rates_.disorder_s);
    const size_t limit = shape.max_batch <= 1 ? 1 : static_cast<size_t>(batches_.Between(1, shape.max_batch));
    size_t j = i + 1;
    while (j < normal.size() && j - i < limit && normal[j]->ready_s <= send_s) ++j;
    std::span<Item*> batch(normal.data() + i, j - i);
    if (batch.size() > 1 && batches_.Chance(0.3)) batches_.Shuffle(batch);
    make(batch, send_s);
    i = j;
  }
  items.clear();
}

void Emitter::FlushBefore(int64_t send_ms) {
  flushed_ms_ = std::max(flushed_ms_, send_ms);
  while (!heap_.empty() && heap_.front().send_ms < send_ms) {
    std::pop_heap(heap_.begin(), heap_.end(), PendingLater{});
    const size_t slot = heap_.back().slot;
    heap_.pop_back();
    Write(slots_[slot]);
    slots_[slot] = Request{};
    free_slots_.push_back(slot);
  }
}

bool Emitter::Finish() {
  FlushBefore(INT64_MAX);
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size())
    write_failed_ = true;
  buffer_.clear();
  return !write_failed_ && std::fflush(out_) == 0;
}

void Emitter::Output(std::string_view text) {
  buffer_.append(text);
  bytes_ += text.size();
  if (buffer_.size() >= (1 << 20)) {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) write_failed_ = true;
    buffer_.clear();
  }
}

void Emitter::Write(Request& request) {
  const InterfaceSpec& spec = Registry::Get().At(request.iface);
  line_.clear();
  line_ += "{\"platform\":\"";
  line_ += ingest::PlatformName(spec.platform);
  line_ += "\",\"interface\":\"";
  line_ += spec.name;
  line_ += "\",\"ts\":";
  AppendInt(line_, request.ts_ms);
  line_ += ",\"body\":";
  if (request.array_body) line_.push_back('[');
  for (size_t i = 0; i < request.objects.size(); ++i) {
    if (i) line_.push_back(',');
    line_ += request.objects[i];
  }
  if (request.array_body) line_.push_back(']');
  line_.push_back('}');
  ++lines_;

  switch (request.kind) {
    case Request::Kind::kMalformed: {
      // A torn write: the line stops early, at a character boundary. It must not
      // stop just after a '}': simdjson only rejects an envelope up front when its
      // last structural character cannot close it; otherwise the error would
      // surface inside the body and count against the interface instead.
      size_t cut = 20 + faults_.Below(line_.size() - 21);
      while (cut > 1 && (static_cast<unsigned char>(line_[cut]) >= 0x80 || line_[cut - 1] == '}' ||
                         line_[cut - 1] == ' '))
        --cut;
      line_.resize(cut);
      ++rejected_unknown_;
      break;
    }
    case Request::Kind::kInvalid:
      counts_[request.iface].rejected += request.objects.size();
      break;
    default:
      Account(request);
  }
  line_.push_back('\n');
  Output(line_);
}

void Emitter::Account(const Request& request) {
  const InterfaceSpec& spec = Registry::Get().At(request.iface);
  ExpectedCounts& counts = counts_[request.iface];
  if (!HasDedupKey(spec)) {
    for (const std::string& object : request.objects) {
      const size_t n = RecordsInObject(spec, object);
      counts.accepted += n;
      records_sent_ += n;
    }
    return;
  }
  std::vector<Member> members, element_members;
  std::vector<Span> elements;
  const uint64_t seed = HashCombine(0xda7a, request.iface);
  // The dedup key: element fields first, then the parent's; absent fields hash as such.
  auto key_of = [&](std::string_view object, std::string_view element) {
    uint64_t h = seed;
    for (std::string_view name : spec.dedup_key) {
      if (name.empty()) continue;
      if (name == ingest::kEnvelopeTs) {
        h = HashCombine(h, static_cast<uint64_t>(request.ts_ms));
        continue;
      }
      const Member* m = element.empty() ? nullptr : FindMember(element_members, name);
      std::string_view value = m ? m->value.In(element) : std::string_view();
      if (!m && (m = FindMember(members, name))) value = m->value.In(object);
      h = HashCombine(h, m ? HashText(value, 1) : 0x0ab5e17ULL);
    }
    return h | 1;
  };
  for (const std::string& object : request.objects) {
    ObjectMembers(object, 0, members);
    if (spec.record_list.empty()) {
      Record(request.iface, key_of(object, {}), HashText(object));
      continue;
    }
    // A record_list element's content is its parent's other fields plus itself.
    uint64_t parent = 0x9a7e;
    const Member* list = nullptr;
    for (const Member& m : members) {
      if (m.key == spec.record_list) {
        list = &m;
        continue;
      }
      parent = HashCombine(HashText(m.key, parent), HashText(m.value.In(object)));
    }
    if (!list) continue;
    ArrayElements(object, list->value.begin, elements);
    for (const Span& e : elements) {
      const std::string_view element = e.In(object);
      ObjectMembers(element, 0, element_members);
      Record(request.iface, key_of(object, element), HashCombine(parent, HashText(element)));
    }
  }
}

void Emitter::Record(ingest::InterfaceId iface, uint64_t key, uint64_t content) {
  ExpectedCounts& counts = counts_[iface];
  ++records_sent_;
  bool inserted = false;
  uint64_t* last = seen_.Find(key, &inserted);
  if (inserted) {
    *last = content;
    ++counts.accepted;
  } else if (*last == content) {
    ++counts.duplicates;
  } else {
    *last = content;
    ++counts.accepted;
    ++counts.corrections;
  }
}

std::string Emitter::ManifestJson() const {
  const Registry& registry = Registry::Get();
  std::string out = "{\"interfaces\":{";
  ExpectedCounts total;
  bool first = true;
  for (size_t id = 0; id < counts_.size(); ++id) {
    const ExpectedCounts& c = counts_[id];
    total.accepted += c.accepted;
    total.rejected += c.rejected;
    total.duplicates += c.duplicates;
    if (!c.accepted && !c.rejected && !c.duplicates) continue;
    const InterfaceSpec& spec = registry.At(static_cast<ingest::InterfaceId>(id));
    if (!first) out += ',';
    first = false;
    out += "\n  \"";
    out += ingest::PlatformName(spec.platform);
    out += '/';
    out += spec.name;
    out += "\":{\"accepted\":" + std::to_string(c.accepted) + ",\"rejected\":" + std::to_string(c.rejected) +
           ",\"duplicates\":" + std::to_string(c.duplicates) +
           ",\"corrections\":" + std::to_string(c.corrections) + "}";
  }
  out += "},\n\"totals\":{\"accepted\":" + std::to_string(total.accepted) +
         ",\"rejected\":" + std::to_string(total.rejected + rejected_unknown_) +
         ",\"duplicates\":" + std::to_string(total.duplicates) +
         "},\n\"rejected_unknown\":" + std::to_string(rejected_unknown_) +
         ",\n\"injected\":{\"late\":" + std::to_string(injected_.late) +
         ",\"missing_enter\":" + std::to_string(injected_.missing_enter) +
         ",\"missing_exit\":" + std::to_string(injected_.missing_exit) +
         ",\"duplicate_requests\":" + std::to_string(injected_.duplicate_requests) +
         ",\"correction_requests\":" + std::to_string(injected_.correction_requests) +
         ",\"invalid_requests\":" + std::to_string(injected_.invalid_requests) + ",\"invalid_by_rule\":{";
  first = true;
  for (Rule rule : kRules) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += ingest::RuleName(rule);
    out += "\":" + std::to_string(injected_.invalid_by_rule[static_cast<size_t>(rule)]);
  }
  out += "}}}\n";
  return out;
}

}  // namespace civicflow::datagen
