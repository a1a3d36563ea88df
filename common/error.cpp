#include "common/error.hpp"

#include <ostream>

namespace tn {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::ok: return "ok";
    case Errc::invalid_input: return "invalid input";
    case Errc::not_found: return "not found";
    case Errc::io: return "i/o error";
    case Errc::storage_full: return "storage full";
    case Errc::schema_version: return "schema version";
    case Errc::rejected: return "rejected";
    case Errc::timeout: return "timeout";
    case Errc::busy: return "busy";
    case Errc::internal: return "internal error";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, Errc c) { return os << errc_name(c); }

}  // namespace tn
