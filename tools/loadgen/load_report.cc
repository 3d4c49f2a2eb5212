#include "tools/loadgen/load_report.h"

#include <cstdio>

#include "engine/base/json_escape.h"

namespace civicflow::loadgen {
namespace {

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

std::string Millis(int64_t nanos) { return Format("%.3f", static_cast<double>(nanos) / 1e6); }

void Row(std::string& out, std::string_view name, const std::string& value) {
  constexpr size_t kNameWidth = 24;
  out += "  ";
  out += name;
  out.append(name.size() < kNameWidth ? kNameWidth - name.size() : 1, ' ');
  out += value;
  out += '\n';
}

void JsonCounts(std::string& out, const std::map<std::string, uint64_t>& counts) {
  out += '{';
  bool first = true;
  for (const auto& [key, count] : counts) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, key);
    out += ':' + std::to_string(count);
  }
  out += '}';
}

}  // namespace

std::string ReportTable(const LoadReport& r) {
  std::string out = "civicflow-loadgen: " + r.target + "\n";
  Row(out, "connections", std::to_string(r.connections));
  Row(out, "rate", r.rate > 0 ? Format("%.0f requests/s", r.rate) : "as fast as answered");
  Row(out, "batch", r.batch > 0 ? std::to_string(r.batch) + " records/request" : "as archived");
  Row(out, "archive uploads",
      std::to_string(r.archive_uploads) +
          (r.unreadable_lines ? " (" + std::to_string(r.unreadable_lines) + " unreadable lines skipped)"
                              : ""));
  Row(out, "prepared in", Format("%.2f s", r.prepare_seconds));
  for (const auto& [reason, count] : r.unprepared)
    Row(out, "not prepared", std::to_string(count) + "  " + reason);
  if (r.setup_requests > 0) {
    Row(out, "setup (master data)",
        std::to_string(r.setup_requests) + " requests first, in order, " + std::to_string(r.setup_passes) +
            " passes, " + Format("%.2f s", r.setup_seconds) + ": " + std::to_string(r.setup_accepted) +
            " accepted, " + std::to_string(r.setup_errors) + " transport errors");
    for (const auto& [code, count] : r.setup_replies) Row(out, "setup reply " + code, std::to_string(count));
  }
  Row(out, "requests", std::to_string(r.requests));
  Row(out, "records", std::to_string(r.records));
  Row(out, "accepted",
      std::to_string(r.accepted_requests) + " requests, " + std::to_string(r.accepted_records) + " records");
  Row(out, "seconds", Format("%.3f", r.seconds));
  Row(out, "requests/s", Format("%.0f", r.RequestsPerSecond()));
  Row(out, "records/s", Format("%.0f", r.RecordsPerSecond()));
  Row(out, "latency p50 ms", Millis(r.latency.Percentile(0.50)));
  Row(out, "latency p99 ms", Millis(r.latency.Percentile(0.99)));
  Row(out, "latency p999 ms", Millis(r.latency.Percentile(0.999)));
  Row(out, "latency max ms", Millis(r.latency.max()));
  for (const auto& [code, count] : r.replies) Row(out, "reply " + code, std::to_string(count));
  Row(out, "transport errors",
      std::to_string(r.transport_errors) +
          (r.first_transport_error.empty() ? "" : " (first: " + r.first_transport_error + ")"));
  Row(out, "reconnects", std::to_string(r.reconnects));
  return out;
}

std::string ReportJson(const LoadReport& r) {
  std::string out = "{\"target\":";
  AppendJsonString(out, r.target);
  out += ",\"connections\":" + std::to_string(r.connections);
  out += ",\"rate\":" + Format("%.3f", r.rate);
  out += ",\"batch\":" + std::to_string(r.batch);
  out += ",\"archive_uploads\":" + std::to_string(r.archive_uploads);
  out += ",\"unreadable_lines\":" + std::to_string(r.unreadable_lines);
  out += ",\"prepare_seconds\":" + Format("%.3f", r.prepare_seconds);
  out += ",\"unprepared\":";
  JsonCounts(out, r.unprepared);
  out += ",\"setup\":{\"requests\":" + std::to_string(r.setup_requests) +
         ",\"accepted\":" + std::to_string(r.setup_accepted) +
         ",\"transport_errors\":" + std::to_string(r.setup_errors) +
         ",\"passes\":" + std::to_string(r.setup_passes) + ",\"seconds\":" + Format("%.3f", r.setup_seconds) +
         ",\"replies\":";
  JsonCounts(out, r.setup_replies);
  out += '}';
  out += ",\"requests\":" + std::to_string(r.requests);
  out += ",\"records\":" + std::to_string(r.records);
  out += ",\"accepted_requests\":" + std::to_string(r.accepted_requests);
  out += ",\"accepted_records\":" + std::to_string(r.accepted_records);
  out += ",\"seconds\":" + Format("%.6f", r.seconds);
  out += ",\"requests_per_second\":" + Format("%.1f", r.RequestsPerSecond());
  out += ",\"records_per_second\":" + Format("%.1f", r.RecordsPerSecond());
  out += ",\"latency_ms\":{\"p50\":" + Millis(r.latency.Percentile(0.50)) +
         ",\"p99\":" + Millis(r.latency.Percentile(0.99)) +
         ",\"p999\":" + Millis(r.latency.Percentile(0.999)) + ",\"max\":" + Millis(r.latency.max()) +
         ",\"mean\":" + Format("%.3f", r.latency.mean() / 1e6) + "}";
  out += ",\"replies\":";
  JsonCounts(out, r.replies);
  out += ",\"transport_errors\":" + std::to_string(r.transport_errors);
  out += ",\"first_transport_error\":";
  AppendJsonString(out, r.first_transport_error);
  out += ",\"reconnects\":" + std::to_string(r.reconnects);
  out += "}\n";
  return out;
}

}  // namespace civicflow::loadgen
