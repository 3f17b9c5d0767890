#include "hash-queue.h"

#include <memory>
#include <string>

#include "hash-kernel.h"
#include "hash-napi.h"
#include "job-pool.h"

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
    pool_ = std::make_unique<JobPool<Pending>>(
        env, "recdata hash completions", threads_, this,
        [](Pending& job) { job.nulls = RunJob(job.parsed.job, &job.error); },
        [](Napi::Env env, Pending& job) {
          if (job.nulls < 0) job.deferred.Reject(KernelError(env, job.error).Value());
          else job.deferred.Resolve(Napi::Number::New(env, static_cast<double>(job.nulls)));
        });
  }

  ~HashQueue() override { pool_->Stop(); }

  Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) throw Napi::Error::New(env, "HashQueue: submit after close");
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "submit(job)");
    if (pool_->InFlight() >= depth_) throw Napi::Error::New(env, "HashQueue: queue full (wait for a completion before submitting)");
    auto pending = std::make_unique<Pending>(env);
    ParseJob(env, info[0].As<Napi::Object>(), &pending->parsed);
    pending->keep = Napi::Persistent(info[0].As<Napi::Object>());
    Napi::Promise promise = pending->deferred.Promise();
    pool_->Submit(env, std::move(pending));
    return promise;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    closed_ = true;
    pool_->Stop();
    return info.Env().Undefined();
  }

  Napi::Value InFlight(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), pool_->InFlight()); }
  Napi::Value Depth(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), depth_); }
  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads_); }

 private:
  int threads_ = 1;
  int depth_ = 1;
  bool closed_ = false;
  std::unique_ptr<JobPool<Pending>> pool_;
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
