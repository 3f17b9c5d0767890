#include "hash-queue.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hash-kernel.h"
#include "hash-napi.h"

namespace recdata {
namespace hash {
namespace {

struct Pending {
  ParsedJob parsed;
  Napi::ObjectReference keep;  // the job object, and through it every buffer it names
  Napi::Promise::Deferred deferred;
  int64_t nulls = 0;
  std::string error;

  explicit Pending(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

class HashQueue : public Napi::ObjectWrap<HashQueue> {
 public:
  explicit HashQueue(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HashQueue>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
      throw Napi::TypeError::New(env, "new HashQueue(threads, depth)");
    }
    threads_ = info[0].As<Napi::Number>().Int32Value();
    depth_ = info[1].As<Napi::Number>().Int32Value();
    if (threads_ < 1 || threads_ > 1024) throw Napi::RangeError::New(env, "HashQueue: threads must be 1 to 1024");
    if (depth_ < 1 || depth_ > 65536) throw Napi::RangeError::New(env, "HashQueue: depth must be 1 to 65536");
    completions_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "recdata hash completions", 0, 1);
    // Only jobs in flight keep the process alive.
    completions_.Unref(env);
    for (int i = 0; i < threads_; i++) workers_.emplace_back([this] { Work(); });
  }

  ~HashQueue() override { Stop(); }

  Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) throw Napi::Error::New(env, "HashQueue: submit after close");
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "submit(job)");
    if (in_flight_ >= depth_) throw Napi::Error::New(env, "HashQueue: queue full (wait for a completion before submitting)");
    auto pending = std::make_unique<Pending>(env);
    ParseJob(env, info[0].As<Napi::Object>(), &pending->parsed);
    pending->keep = Napi::Persistent(info[0].As<Napi::Object>());
    Napi::Promise promise = pending->deferred.Promise();
    if (in_flight_++ == 0) {
      completions_.Ref(env);
      Ref();  // the queue outlives its last job, even if JavaScript drops it
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.push_back(pending.release());
    }
    wake_.notify_one();
    return promise;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    closed_ = true;
    Stop();
    return info.Env().Undefined();
  }

  Napi::Value InFlight(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), in_flight_); }
  Napi::Value Depth(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), depth_); }
  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads_); }

 private:
  void Work() {
    for (;;) {
      Pending* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !submitted_.empty(); });
        if (submitted_.empty()) return;  // stopping, and nothing left to run
        job = submitted_.front();
        submitted_.pop_front();
      }
      job->nulls = RunJob(job->parsed.job, &job->error);
      completions_.BlockingCall(job, [this](Napi::Env env, Napi::Function, Pending* done) { Complete(env, done); });
    }
  }

  // On the JavaScript thread.
  void Complete(Napi::Env env, Pending* done) {
    std::unique_ptr<Pending> owned(done);
    Napi::HandleScope scope(env);
    if (owned->nulls < 0) owned->deferred.Reject(KernelError(env, owned->error).Value());
    else owned->deferred.Resolve(Napi::Number::New(env, static_cast<double>(owned->nulls)));
    owned->keep.Reset();
    if (--in_flight_ == 0) {
      if (!released_) completions_.Unref(env);
      Unref();
    }
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
    workers_.clear();
    if (!released_) {
      released_ = true;
      completions_.Release();
    }
  }

  int threads_ = 1;
  int depth_ = 1;
  int in_flight_ = 0;  // JavaScript thread only
  bool closed_ = false;
  bool released_ = false;
  Napi::ThreadSafeFunction completions_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> submitted_;
  bool stopping_ = false;
};

}  // namespace

Napi::Function DefineHashQueue(Napi::Env env) {
  return HashQueue::DefineClass(env, "HashQueue",
                                {
                                    HashQueue::InstanceMethod<&HashQueue::Submit>("submit"),
                                    HashQueue::InstanceMethod<&HashQueue::Close>("close"),
                                    HashQueue::InstanceAccessor<&HashQueue::InFlight>("inFlight"),
                                    HashQueue::InstanceAccessor<&HashQueue::Depth>("depth"),
                                    HashQueue::InstanceAccessor<&HashQueue::Threads>("threads"),
                                });
}

}  // namespace hash
}  // namespace recdata
