#include "messages/envelope.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "messages/codec.hpp"

namespace tn {

std::string encode_envelope(const EnvelopeHeader& h, std::string_view body_msgpack) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(6);
  pk.pack("v");
  pk.pack(h.v);
  pk.pack("seq");
  pk.pack(h.seq);
  pk.pack("ts_ns");
  pk.pack(h.ts_ns);
  pk.pack("node");
  pk.pack(h.node);
  pk.pack("type");
  pk.pack(h.type);
  pk.pack("body");
  buf.write(body_msgpack.data(), body_msgpack.size());  // already msgpack
  return std::string(buf.data(), buf.size());
}

namespace {

bool envelope_key_is(const msgpack::object& k, std::string_view name) {
  return k.type == msgpack::type::STR && std::string_view(k.via.str.ptr, k.via.str.size) == name;
}

}  // namespace

Result<DecodedEnvelope> decode_envelope(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes) return make_error(Errc::invalid_input, "envelope too large");
  DecodedEnvelope out;
  try {
    std::size_t off = 0;
    out.body = msgpack::unpack(bytes.data(), bytes.size(), off, nullptr, nullptr,
                            decode_limits(bytes.size()));
    if (off != bytes.size()) return make_error(Errc::invalid_input, "trailing bytes after envelope");
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("malformed envelope: ") + e.what());
  }
  const msgpack::object& root = out.body.get();
  if (root.type != msgpack::type::MAP) return make_error(Errc::invalid_input, "envelope is not a map");
  unsigned seen = 0;
  const msgpack::object* body = nullptr;
  try {
    for (uint32_t i = 0; i < root.via.map.size; ++i) {
      const auto& kv = root.via.map.ptr[i];
      if (envelope_key_is(kv.key, "v")) { out.header.v = kv.val.as<uint32_t>(); seen |= 1; }
      else if (envelope_key_is(kv.key, "seq")) { out.header.seq = kv.val.as<uint64_t>(); seen |= 2; }
      else if (envelope_key_is(kv.key, "ts_ns")) { out.header.ts_ns = kv.val.as<int64_t>(); seen |= 4; }
      else if (envelope_key_is(kv.key, "node")) { out.header.node = kv.val.as<std::string>(); seen |= 8; }
      else if (envelope_key_is(kv.key, "type")) { out.header.type = kv.val.as<std::string>(); seen |= 16; }
      else if (envelope_key_is(kv.key, "body")) { body = &kv.val; seen |= 32; }
    }
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("envelope field of wrong type: ") + e.what());
  }
  if (seen != 63) return make_error(Errc::invalid_input, "envelope misses a field of {v, seq, ts_ns, node, type, body}");
  if (out.header.v != kEnvelopeVersion)
    return make_error(Errc::schema_version, "envelope version " + std::to_string(out.header.v) +
                                                " is not supported (this build reads " +
                                                std::to_string(kEnvelopeVersion) + ")");
  // Re-point the handle at the body, keeping the zone that owns it alive.
  msgpack::object b = *body;
  out.body = msgpack::object_handle(b, std::move(out.body.zone()));
  return out;
}

namespace {

nlohmann::json to_json(const msgpack::object& o, int depth) {
  if (depth > 64) return nullptr;
  switch (o.type) {
    case msgpack::type::NIL: return nullptr;
    case msgpack::type::BOOLEAN: return o.via.boolean;
    case msgpack::type::POSITIVE_INTEGER: return o.via.u64;
    case msgpack::type::NEGATIVE_INTEGER: return o.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      // JSON has no NaN/inf: null says "no value" honestly.
      return std::isfinite(o.via.f64) ? nlohmann::json(o.via.f64) : nlohmann::json(nullptr);
    case msgpack::type::STR: return std::string(o.via.str.ptr, o.via.str.size);
    case msgpack::type::BIN: {
      static const char* hex = "0123456789abcdef";
      std::string s;
      for (uint32_t i = 0; i < o.via.bin.size; ++i) {
        auto c = static_cast<unsigned char>(o.via.bin.ptr[i]);
        s += hex[c >> 4];
        s += hex[c & 15];
      }
      return s;
    }
    case msgpack::type::ARRAY: {
      auto a = nlohmann::json::array();
      for (uint32_t i = 0; i < o.via.array.size; ++i) a.push_back(to_json(o.via.array.ptr[i], depth + 1));
      return a;
    }
    case msgpack::type::MAP: {
      auto m = nlohmann::json::object();
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        const auto& kv = o.via.map.ptr[i];
        // A non-string key is printed as its JSON text; found by fuzzing: a
        // key holding invalid UTF-8 inside an array threw out of the dump.
        std::string key = kv.key.type == msgpack::type::STR
                              ? std::string(kv.key.via.str.ptr, kv.key.via.str.size)
                              : to_json(kv.key, depth + 1)
                                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        m[key] = to_json(kv.val, depth + 1);
      }
      return m;
    }
    default: return nullptr;  // EXT: not used by tradernode
  }
}

}  // namespace

Result<std::string> envelope_to_json(std::string_view bytes) {
  auto env = decode_envelope(bytes);
  if (!env) return env.error();
  nlohmann::json j;
  j["v"] = env->header.v;
  j["seq"] = env->header.seq;
  j["ts_ns"] = env->header.ts_ns;
  j["node"] = env->header.node;
  j["type"] = env->header.type;
  j["body"] = to_json(env->body.get(), 0);
  // Invalid UTF-8 in a hostile string must not throw out of here.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tn
