#include "messages/control.hpp"

#include <charconv>

#include "common/civil_date.hpp"

namespace tn {

namespace {

// No element of a msgpack container takes less than one byte, so an input
// of n bytes can hold at most n elements (n / 2 map pairs). Limits derived
// from the input's size keep msgpack-c from reserving memory for counts
// the bytes cannot back. Requests are shallow: map -> args map -> strings.
constexpr size_t kMaxControlDepth = 8;

msgpack::unpack_limit limits_for(size_t n) {
  return msgpack::unpack_limit(n, n / 2 + 1, n, n, n, kMaxControlDepth);
}

bool key_is(const msgpack::object& k, std::string_view name) {
  return k.type == msgpack::type::STR && std::string_view(k.via.str.ptr, k.via.str.size) == name;
}

const msgpack::object* find_key(const msgpack::object& map, std::string_view name) {
  for (uint32_t i = 0; i < map.via.map.size; ++i)
    if (key_is(map.via.map.ptr[i].key, name)) return &map.via.map.ptr[i].val;
  return nullptr;
}

}  // namespace

Result<ControlRequest> decode_control_request(std::string_view bytes) {
  if (bytes.size() > kMaxControlRequestBytes)
    return make_error(Errc::invalid_input, "request of " + std::to_string(bytes.size()) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(kMaxControlRequestBytes));
  if (bytes.empty()) return make_error(Errc::invalid_input, "empty request");
  msgpack::object_handle oh;
  try {
    std::size_t off = 0;
    oh = msgpack::unpack(bytes.data(), bytes.size(), off, nullptr, nullptr,
                         limits_for(bytes.size()));
    if (off != bytes.size())
      return make_error(Errc::invalid_input, "trailing bytes after the request");
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("malformed msgpack: ") + e.what());
  }
  const msgpack::object& root = oh.get();
  if (root.type != msgpack::type::MAP)
    return make_error(Errc::invalid_input, "request is not a msgpack map");
  if (!find_key(root, "v") || !find_key(root, "command"))
    return make_error(Errc::invalid_input, "request misses \"v\" or \"command\"");
  ControlRequest req;
  try {
    root.convert(req);
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input,
                      std::string("request field of the wrong type: ") + e.what());
  }
  if (req.v != kControlVersion)
    return make_error(Errc::schema_version, "control protocol version " + std::to_string(req.v) +
                                                " is not supported (this node speaks " +
                                                std::to_string(kControlVersion) + ")");
  if (req.command.empty()) return make_error(Errc::invalid_input, "request has an empty command");
  return req;
}

std::string peek_request_id(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > kMaxControlRequestBytes) return {};
  try {
    std::size_t off = 0;
    auto oh = msgpack::unpack(bytes.data(), bytes.size(), off, nullptr, nullptr,
                              limits_for(bytes.size()));
    const msgpack::object& root = oh.get();
    if (root.type != msgpack::type::MAP) return {};
    const msgpack::object* id = find_key(root, "id");
    if (!id || id->type != msgpack::type::STR) return {};
    return std::string(id->via.str.ptr, id->via.str.size);
  } catch (const std::exception&) {
    return {};
  }
}

ControlReply make_ok_reply(const ControlRequest& req, std::string body) {
  ControlReply r;
  r.id = req.id;
  r.ok = true;
  r.body = std::move(body);
  return r;
}

ControlReply make_error_reply(std::string id, std::string error) {
  ControlReply r;
  r.id = std::move(id);
  r.ok = false;
  r.error = std::move(error);
  return r;
}

std::string encode_replay_body(const std::vector<std::string>& envelopes) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(static_cast<uint32_t>(envelopes.size()));
  for (const auto& e : envelopes) {
    pk.pack_bin(static_cast<uint32_t>(e.size()));
    pk.pack_bin_body(e.data(), static_cast<uint32_t>(e.size()));
  }
  return std::string(buf.data(), buf.size());
}

Result<std::vector<std::string>> decode_replay_body(std::string_view bytes) {
  try {
    std::size_t off = 0;
    auto oh = msgpack::unpack(bytes.data(), bytes.size(), off, nullptr, nullptr,
                              limits_for(bytes.size()));
    if (off != bytes.size())
      return make_error(Errc::invalid_input, "trailing bytes after the replay body");
    return oh.get().as<std::vector<std::string>>();
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("malformed replay body: ") + e.what());
  }
}

Result<uint64_t> control_arg_u64(const ControlRequest& req, const std::string& key,
                                 uint64_t fallback, uint64_t max) {
  auto it = req.args.find(key);
  if (it == req.args.end()) return fallback;
  const std::string& s = it->second;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return make_error(Errc::invalid_input, "arg '" + key + "' must be a whole number, got '" +
                                               s.substr(0, 64) + "'");
  if (v > max)
    return make_error(Errc::invalid_input,
                      "arg '" + key + "' must be at most " + std::to_string(max) + ", got " + s);
  return v;
}

Result<bool> control_arg_flag(const ControlRequest& req, const std::string& key) {
  auto it = req.args.find(key);
  if (it == req.args.end()) return false;
  if (it->second == "1" || it->second == "true") return true;
  if (it->second == "0" || it->second == "false") return false;
  return make_error(Errc::invalid_input, "arg '" + key + "' must be 1/true or 0/false, got '" +
                                             it->second.substr(0, 64) + "'");
}

namespace {

constexpr size_t kMaxSymbolBytes = 32;

Result<std::string> symbol_arg(const std::string& s) {
  const bool ok = !s.empty() && s.size() <= kMaxSymbolBytes &&
                  s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
  if (!ok)
    return make_error(Errc::invalid_input, "arg 'symbol' must be 1.." + std::to_string(kMaxSymbolBytes) +
                                               " uppercase letters and digits like BTCUSDT, got '" +
                                               s.substr(0, 64) + "'");
  return s;
}

}  // namespace

Result<CloseArgs> decode_close_args(const ControlRequest& req) {
  auto sym = req.args.find(control_arg::symbol);
  if (sym == req.args.end()) return make_error(Errc::invalid_input, "close needs arg 'symbol'");
  auto symbol = symbol_arg(sym->second);
  if (!symbol) return symbol.error();
  auto at = control_arg_u64(req, control_arg::at_ms, 0, static_cast<uint64_t>(kMaxUtcTimeMs));
  if (!at) return at.error();
  return CloseArgs{std::move(*symbol), static_cast<int64_t>(*at)};
}

Result<TradesQuery> decode_trades_args(const ControlRequest& req) {
  TradesQuery q;
  if (auto sym = req.args.find(control_arg::symbol); sym != req.args.end()) {
    auto symbol = symbol_arg(sym->second);
    if (!symbol) return symbol.error();
    q.symbol = std::move(*symbol);
  }
  if (auto since = req.args.find(control_arg::since); since != req.args.end()) {
    auto t = parse_utc_time(since->second);
    if (!t) return make_error(Errc::invalid_input, "arg 'since': " + t.error().message);
    q.since_ms = *t;
  }
  auto limit = control_arg_u64(req, control_arg::limit, kDefaultTradesLimit, kMaxTradesLimit);
  if (!limit) return limit.error();
  if (*limit == 0) return make_error(Errc::invalid_input, "arg 'limit' must be at least 1");
  q.limit = *limit;
  return q;
}

}  // namespace tn
