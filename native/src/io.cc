// Byte movement for the pipe hot path: relayBytes() hands n bytes from one fd to
// another without passing them through JS, setPipeSize() widens a pipe so each
// wake-up moves more, and inputReady() says whether a read would block. Both block the calling thread by design: the caller
// has nothing else to do until the bytes have moved.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include "args.h"
#include "registry.h"
#include "sys-error.h"

namespace {

constexpr size_t kCopyBufferBytes = 128 * 1024;
// Larger requests are fine for splice, but keep each within ssize_t comfortably.
constexpr uint64_t kMaxChunk = 1u << 30;

// Only a non-blocking fd reports EAGAIN; sleep until it is ready.
void WaitFor(const Napi::Env& env, int fd, short events) {
  pollfd p{fd, events, 0};
  while (poll(&p, 1, -1) < 0) {
    if (errno != EINTR) throw recdata::SysError(env, errno, "poll");
  }
}

// splice's EAGAIN does not say which side is not ready: wait for the input if it
// has nothing, else for the output.
void WaitForEither(const Napi::Env& env, int in_fd, int out_fd) {
  pollfd p{in_fd, POLLIN, 0};
  if (poll(&p, 1, 0) == 0) WaitFor(env, in_fd, POLLIN);
  else WaitFor(env, out_fd, POLLOUT);
}

#ifdef __linux__
// Moves up to n bytes page by page when either fd is a pipe. Returns false, having
// moved nothing, when splice does not apply to this pair of fds.
bool SpliceBytes(const Napi::Env& env, int in_fd, int out_fd, uint64_t n, uint64_t& moved) {
  while (moved < n) {
    ssize_t r = splice(in_fd, nullptr, out_fd, nullptr, std::min(n - moved, kMaxChunk), SPLICE_F_MOVE | SPLICE_F_MORE);
    if (r > 0) {
      moved += static_cast<uint64_t>(r);
    } else if (r == 0) {
      return true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN) {
      WaitForEither(env, in_fd, out_fd);
    } else if (errno == EINVAL && moved == 0) {
      // Neither fd is a pipe, the output is in append mode, or the file system
      // does not implement splice: the copy loop handles all of these.
      return false;
    } else {
      throw recdata::SysError(env, errno, "splice");
    }
  }
  return true;
}
#endif

void WriteAll(const Napi::Env& env, int out_fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t w = write(out_fd, data, len);
    if (w >= 0) {
      data += w;
      len -= static_cast<size_t>(w);
    } else if (errno == EAGAIN) {
      WaitFor(env, out_fd, POLLOUT);
    } else if (errno != EINTR) {
      throw recdata::SysError(env, errno, "write");
    }
  }
}

void CopyBytes(const Napi::Env& env, int in_fd, int out_fd, uint64_t n, uint64_t& moved) {
  std::unique_ptr<char[]> buffer(new char[kCopyBufferBytes]);
  while (moved < n) {
    ssize_t r = read(in_fd, buffer.get(), std::min<uint64_t>(n - moved, kCopyBufferBytes));
    if (r > 0) {
      WriteAll(env, out_fd, buffer.get(), static_cast<size_t>(r));
      moved += static_cast<uint64_t>(r);
    } else if (r == 0) {
      return;
    } else if (errno == EAGAIN) {
      WaitFor(env, in_fd, POLLIN);
    } else if (errno != EINTR) {
      throw recdata::SysError(env, errno, "read");
    }
  }
}

// relayBytes(inFd, outFd, n): the number of bytes moved, n unless the input ended.
Napi::Value RelayBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int in_fd = recdata::ArgFd(info, 0, "inFd");
  int out_fd = recdata::ArgFd(info, 1, "outFd");
  uint64_t n = recdata::ArgCount(info, 2, "n");
  uint64_t moved = 0;
#ifdef __linux__
  if (!SpliceBytes(env, in_fd, out_fd, n, moved)) CopyBytes(env, in_fd, out_fd, n, moved);
#else
  CopyBytes(env, in_fd, out_fd, n, moved);
#endif
  return Napi::Number::New(env, static_cast<double>(moved));
}

// setPipeSize(fd, bytes): the pipe's new capacity (the kernel rounds up to a power
// of two pages), or -1 when fd is not a pipe or bytes is over the system's limit.
Napi::Value SetPipeSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = recdata::ArgFd(info, 0, "fd");
  uint64_t bytes = recdata::ArgCount(info, 1, "bytes");
  int size = -1;
#ifdef F_SETPIPE_SZ
  if (bytes <= INT32_MAX) size = fcntl(fd, F_SETPIPE_SZ, static_cast<int>(bytes));
#endif
  return Napi::Number::New(env, size < 0 ? -1 : size);
}

// inputReady(fd): true when a read of fd would not block: bytes are waiting, the
// writer has closed it (the read sees the end), or fd is a file. A transform asks
// before reading ahead, so it never sits on finished output while its input is
// waiting for that output (a request and response over a pipe).
Napi::Value InputReady(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = recdata::ArgFd(info, 0, "fd");
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, 0);
  } while (r < 0 && errno == EINTR);
  // An error is left for the read itself to report.
  return Napi::Boolean::New(env, r != 0);
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("relayBytes", Napi::Function::New(env, RelayBytes, "relayBytes"));
  exports.Set("setPipeSize", Napi::Function::New(env, SetPipeSize, "setPipeSize"));
  exports.Set("inputReady", Napi::Function::New(env, InputReady, "inputReady"));
}

}  // namespace

RECDATA_REGISTER_FAMILY(io, Init);
