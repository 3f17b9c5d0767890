// System-call failures become JS errors shaped like Node's own (code 'EPIPE',
// errno -32, syscall 'write'), so TypeScript handles them the way it handles
// errors from node:fs and streams.
#pragma once

#include <napi.h>
#include <uv.h>

#include <string>

namespace recdata {

inline Napi::Error SysError(Napi::Env env, int err, const char* syscall) {
  // libuv's error numbers are negated errno values on Unix.
  const char* code = uv_err_name(-err);
  Napi::Error error = Napi::Error::New(env, std::string(code) + ": " + uv_strerror(-err) + ", " + syscall);
  error.Set("code", code);
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", syscall);
  return error;
}

}  // namespace recdata
