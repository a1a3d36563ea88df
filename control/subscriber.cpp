#include "control/subscriber.hpp"

#include <exception>

#include <nlohmann/json.hpp>

#include "messages/envelope.hpp"

namespace tn {

namespace {

// Hostile bytes may be invalid UTF-8: replace, never throw.
std::string dump_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string error_line(const std::string& message, std::string_view topic, size_t frames) {
  nlohmann::json j;
  j["error"] = message;
  j["topic"] = std::string(topic.substr(0, kMaxEchoedTopicBytes));
  j["frames"] = frames;
  return dump_line(j);
}

std::string warning_line(const char* what, const std::string& node, uint64_t expected,
                         uint64_t got) {
  nlohmann::json j;
  j["warning"] = what;
  j["node"] = node;
  j["expected"] = expected;
  j["got"] = got;
  return dump_line(j);
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

}  // namespace

bool SubscriberCore::wanted(std::string_view topic) const {
  if (topics_.empty()) return true;
  for (const auto& t : topics_)
    if (topic.substr(0, t.size()) == t) return true;
  return false;
}

SubscriberOutput SubscriberCore::handle(const std::vector<std::string_view>& frames,
                                        size_t total_frames) {
  SubscriberOutput o;
  try {
    const std::string_view topic = frames.empty() ? std::string_view() : frames[0];
    if (!wanted(topic)) {
      // Only its seq matters: a gap before it is events lost. Unreadable,
      // it is dropped quietly (it would not have been shown).
      ++hidden_;
      if (raw_ || total_frames != 2 || frames.size() != 2) return o;
      if (auto env = decode_envelope(frames[1])) track_seq(env->header.node, env->header.seq, o);
      return o;
    }
    if (total_frames != 2 || frames.size() != 2) {
      ++errors_;
      o.err.push_back(error_line("expected 2 frames [topic, envelope], got " +
                                     std::to_string(total_frames),
                                 topic, total_frames));
      return o;
    }
    const std::string_view envelope = frames[1];
    if (raw_) {
      nlohmann::json j;
      j["topic"] = std::string(topic);
      j["bytes"] = envelope.size();
      j["hex"] = hex(envelope);
      o.out = dump_line(j);
      ++events_;
      return o;
    }
    if (envelope.empty()) {
      ++errors_;
      o.err.push_back(error_line("empty envelope", topic, total_frames));
      return o;
    }
    // Decoded twice (header here, JSON below): tradersub is a diagnostic
    // tool and envelope_to_json is the one JSON rendering of an envelope.
    auto env = decode_envelope(envelope);
    if (!env) {
      ++errors_;
      o.err.push_back(error_line(env.error().to_string(), topic, total_frames));
      return o;
    }
    auto json = envelope_to_json(envelope);
    if (!json) {
      ++errors_;
      o.err.push_back(error_line(json.error().to_string(), topic, total_frames));
      return o;
    }
    track_seq(env->header.node, env->header.seq, o);
    o.out = std::move(json.value());
    ++events_;
  } catch (const std::exception& e) {  // e.g. bad_alloc: report, keep going
    ++errors_;
    o.out.clear();
    o.err.push_back(error_line(std::string("internal: ") + e.what(), {}, total_frames));
  }
  return o;
}

void SubscriberCore::track_seq(const std::string& node, uint64_t seq, SubscriberOutput& o) {
  auto it = next_seq_.find(node);
  if (it == next_seq_.end()) {
    if (next_seq_.size() < kMaxTrackedNodes) next_seq_.emplace(node, seq + 1);
    return;
  }
  const uint64_t expected = it->second;
  if (seq > expected) {
    ++gaps_;
    o.err.push_back(warning_line("gap", node, expected, seq));
  } else if (seq < expected) {
    o.err.push_back(warning_line("seq_back", node, expected, seq));
  }
  it->second = seq + 1;
}

}  // namespace tn
