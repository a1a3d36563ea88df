#pragma once
// Who may talk to a control endpoint. Plain C++ over libzmq's CURVE helpers.
//
// The rule: a control endpoint on
// loopback (tcp://127.x.x.x, tcp://localhost, tcp://[::1], ipc://, inproc://)
// may run without authentication: whoever can reach it is already on the
// machine. Any other endpoint requires CURVE: the server's secret key from a
// file nobody but the owner can read, and a list of allowed client public
// keys, checked by a ZAP handler. A server asked for anything else refuses
// to open.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace tn {

// Z85 text of a 32-byte CURVE key.
inline constexpr size_t kZ85KeyChars = 40;
// A key file holds one key and a newline; anything much larger is not one.
inline constexpr size_t kMaxKeyFileBytes = 4096;

struct ControlSecurity {
  // Use CURVE even on loopback (tests; operators who want it anyway).
  // Off loopback CURVE is used whatever this says, and its keys are required.
  bool curve = false;
  // File holding the server's Z85 secret key (40 characters, surrounding
  // whitespace ignored), e.g. made by `curve_keygen`. Its mode must give
  // nothing to group or others (0600 or 0400).
  std::string secret_key_file;
  // Z85 public keys of the clients allowed in; everyone else is refused
  // during the handshake (before a single request is read).
  std::vector<std::string> allowed_client_keys;
};

// What a CURVE client needs: the server's public key and its own key pair,
// all Z85.
struct CurveClientKeys {
  std::string server_public;
  std::string client_public;
  std::string client_secret;
};

struct CurveKeyPair {
  std::string public_key, secret_key;  // Z85
};

// True for endpoints only this machine can reach (see above). Conservative:
// anything it does not recognise (tcp://*:5556, tcp://0.0.0.0, interface
// names, host names other than localhost, other transports) is false.
bool is_loopback_endpoint(std::string_view endpoint);

// 40 characters of the Z85 alphabet that decode to 32 bytes.
bool is_z85_key(std::string_view key);

// Reads a Z85 key from a file that must be a regular file with no group or
// other permission bits. Errors name the file: not_found, io, or
// invalid_input (bad mode, not a key).
Result<std::string> read_secret_key_file(const std::string& path);

// The Z85 public key belonging to a Z85 secret key.
Result<std::string> curve_public_key(const std::string& secret_z85);

// A fresh key pair (zmq_curve_keypair); Errc::internal if libzmq was built
// without CURVE.
Result<CurveKeyPair> make_curve_keypair();

// Reads the client's secret key file (same mode rule as the server's) and
// derives its public key.
Result<CurveClientKeys> load_curve_client_keys(const std::string& server_public_z85,
                                               const std::string& client_secret_file);

}  // namespace tn
