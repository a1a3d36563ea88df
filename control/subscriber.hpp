#pragma once
// What tradersub does with one received ZeroMQ message, without sockets:
// frames in, an output line (stdout) and diagnostic lines (stderr) out.
// Every line is one JSON object. Hostile input never throws out of here.
//
//   stdout: {"v":1,"seq":7,"ts_ns":..,"node":"n1","type":"trade.fill","body":{..}}
//   stderr: {"error":"...","topic":"..."}                  message dropped
//           {"warning":"gap","node":..,"expected":..,"got":..}
//           {"warning":"seq_back","node":..,"expected":..,"got":..}
//
// seq is tracked per node name, so several nodes merged into one stream
// (several --endpoint) are checked independently. The first event seen from
// a node sets its baseline (a subscriber joining late is not a gap).
// "seq_back" means a node's seq went backwards or repeated (a restarted
// node, a duplicate); tracking resynchronises on it.
//
// Topic filter: the core is handed every message (the subscriber subscribes
// to all topics) and prints those whose topic starts with one of the
// prefixes. seq is one counter per node over all event types, so only a
// subscriber that sees every seq can tell events lost from events filtered
// out: with ZeroMQ doing the filtering, each hidden event looked like a gap.
// A gap is therefore events lost, whatever their type (the lost ones cannot
// be told apart); a message whose topic the filter hides is never reported
// as an error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tn {

// Past this many distinct node names, new nodes are printed but not
// tracked: a hostile stream cannot grow the table without bound.
inline constexpr size_t kMaxTrackedNodes = 4096;
// Topics echoed in error lines are cut to this many bytes.
inline constexpr size_t kMaxEchoedTopicBytes = 256;

struct SubscriberOutput {
  std::string out;               // the event line, empty if the message was dropped
  std::vector<std::string> err;  // error and warning lines, in order
};

class SubscriberCore {
 public:
  // raw: print {"topic":..,"bytes":N,"hex":".."} without decoding the
  // envelope (for debugging a publisher); no seq tracking in that mode.
  // topics: prefixes of the topics to print; empty: every topic.
  explicit SubscriberCore(bool raw = false, std::vector<std::string> topics = {})
      : raw_(raw), topics_(std::move(topics)) {}

  // frames: every part of one ZeroMQ message, in order. A caller that
  // caps how many parts it keeps passes total_frames, the real count.
  SubscriberOutput handle(const std::vector<std::string_view>& frames, size_t total_frames);
  SubscriberOutput handle(const std::vector<std::string_view>& frames) {
    return handle(frames, frames.size());
  }

  uint64_t events() const { return events_; }  // lines written to out
  uint64_t errors() const { return errors_; }  // messages dropped as bad
  uint64_t gaps() const { return gaps_; }      // gap warnings
  uint64_t hidden() const { return hidden_; }  // events the topic filter hid
  bool wanted(std::string_view topic) const;  // the filter would print this topic

 private:
  void track_seq(const std::string& node, uint64_t seq, SubscriberOutput& o);

  bool raw_;
  std::vector<std::string> topics_;
  std::unordered_map<std::string, uint64_t> next_seq_;  // node -> expected seq
  uint64_t events_ = 0, errors_ = 0, gaps_ = 0, hidden_ = 0;
};

}  // namespace tn
