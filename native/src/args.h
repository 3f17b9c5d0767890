// Argument checks for the native entry points. The TypeScript side validates user
// input; these only keep a programming error from reaching a system call.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace recdata {

// A non-negative integer up to 2^53 (the largest a JS number holds exactly).
inline uint64_t ArgCount(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("expected a number for ") + name);
  }
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= 9007199254740992.0) || std::floor(v) != v) {
    throw Napi::RangeError::New(info.Env(), std::string("expected a non-negative integer for ") + name);
  }
  return static_cast<uint64_t>(v);
}

inline int ArgFd(const Napi::CallbackInfo& info, size_t i, const char* name) {
  uint64_t fd = ArgCount(info, i, name);
  if (fd > INT32_MAX) throw Napi::RangeError::New(info.Env(), std::string("expected a file descriptor for ") + name);
  return static_cast<int>(fd);
}

}  // namespace recdata
