// The gpu-featurize kernel family (docs/featurize-ops.md):
//   new FeaturizePlan(features, threads): the fitted features (featurize-plan.h)
//     and a pool of `threads` threads that run batches;
//   plan.run(batch): Promise<void>: every feature of the batch on the CPU kernels,
//     on one of the pool's threads, while JavaScript reads the next batch;
//   plan.runCuda(batch): Promise<void>: the same on the GPU (builds with CUDA only):
//     the batch's inputs copied to the device once, its outputs back once;
//   plan.close(): lets the threads finish, then stops them.
// A batch is described in packages/featurize/src/backend-native.ts; the pool keeps
// a reference to its object (and through it every buffer) until it completes.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "featurize-kernel.h"
#include "featurize-plan.h"
#include "registry.h"

#ifdef RECDATA_WITH_CUDA
#include "../cuda/featurize.h"
#endif

namespace {

using recdata::fz::ParsedBatch;

struct Pending {
  ParsedBatch parsed;
  bool cuda = false;
  Napi::ObjectReference keep;
  Napi::Promise::Deferred deferred;
  bool ok = true;
  bool corrupt = false;
  std::string error;
  explicit Pending(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

class FeaturizePlan : public Napi::ObjectWrap<FeaturizePlan> {
 public:
  explicit FeaturizePlan(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FeaturizePlan>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "new FeaturizePlan(features, threads)");
    threads_ = info[1].As<Napi::Number>().Int32Value();
    if (threads_ < 1 || threads_ > 1024) throw Napi::RangeError::New(env, "FeaturizePlan: threads must be 1 to 1024");
    recdata::fz::ParsePlan(env, info[0].As<Napi::Array>(), &plan_);
    completions_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "recdata featurize completions", 0, 1);
    completions_.Unref(env);
    for (int i = 0; i < threads_; i++) workers_.emplace_back([this] { Work(); });
  }

  ~FeaturizePlan() override {
    Stop();
#ifdef RECDATA_WITH_CUDA
    if (cuda_) recdata_cuda_fz_plan_destroy(cuda_);
#endif
  }

  Napi::Value Run(const Napi::CallbackInfo& info) { return Submit(info, false); }

#ifdef RECDATA_WITH_CUDA
  Napi::Value RunCuda(const Napi::CallbackInfo& info) { return Submit(info, true); }
#endif

  Napi::Value Close(const Napi::CallbackInfo& info) {
    closed_ = true;
    Stop();
    return info.Env().Undefined();
  }

 private:
  Napi::Value Submit(const Napi::CallbackInfo& info, bool cuda) {
    Napi::Env env = info.Env();
    if (closed_) throw Napi::Error::New(env, "FeaturizePlan: run after close");
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "run(batch)");
    auto pending = std::make_unique<Pending>(env);
    pending->cuda = cuda;
    recdata::fz::ParseBatch(env, info[0].As<Napi::Object>(), plan_, &pending->parsed);
    pending->keep = Napi::Persistent(info[0].As<Napi::Object>());
    Napi::Promise promise = pending->deferred.Promise();
    if (in_flight_++ == 0) {
      completions_.Ref(env);
      Ref();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.push_back(pending.release());
    }
    wake_.notify_one();
    return promise;
  }

  void Execute(Pending* job) {
    if (!job->cuda) {
      job->ok = recdata::fz::RunBatch(job->parsed.batch, &job->error);
      job->corrupt = !job->ok;
      return;
    }
#ifdef RECDATA_WITH_CUDA
    char err[512] = "";
    {
      std::lock_guard<std::mutex> lock(cuda_mutex_);
      if (!cuda_) cuda_ = recdata_cuda_fz_plan_create(plan_.features.data(), plan_.features.size(), err, sizeof err);
      if (!cuda_) {
        job->ok = false;
        job->error = std::string("CUDA: ") + err;
        return;
      }
      int status = recdata_cuda_fz_run(cuda_, &job->parsed.batch, err, sizeof err);
      if (status != 0) {
        job->ok = false;
        job->corrupt = status == RECDATA_CUDA_FZ_CORRUPT;
        job->error = job->corrupt ? std::string(err) : std::string("CUDA: ") + err;
      }
    }
#endif
  }

  void Work() {
    for (;;) {
      Pending* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !submitted_.empty(); });
        if (submitted_.empty()) return;
        job = submitted_.front();
        submitted_.pop_front();
      }
      Execute(job);
      completions_.BlockingCall(job, [this](Napi::Env env, Napi::Function, Pending* done) { Complete(env, done); });
    }
  }

  void Complete(Napi::Env env, Pending* done) {
    std::unique_ptr<Pending> owned(done);
    Napi::HandleScope scope(env);
    if (owned->ok) {
      owned->deferred.Resolve(env.Undefined());
    } else {
      Napi::Error e = Napi::Error::New(env, owned->error);
      e.Set("code", owned->corrupt ? "RECDATA_FEATURIZE_CORRUPT" : "RECDATA_CUDA");
      owned->deferred.Reject(e.Value());
    }
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

  recdata::fz::Plan plan_;
  int threads_ = 1;
  int in_flight_ = 0;
  bool closed_ = false;
  bool released_ = false;
  Napi::ThreadSafeFunction completions_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> submitted_;
  bool stopping_ = false;
#ifdef RECDATA_WITH_CUDA
  std::mutex cuda_mutex_;
  recdata_cuda_fz_plan* cuda_ = nullptr;
#endif
};

void Init(Napi::Env env, Napi::Object exports) {
  std::vector<Napi::ClassPropertyDescriptor<FeaturizePlan>> methods = {
      FeaturizePlan::InstanceMethod<&FeaturizePlan::Run>("run"),
      FeaturizePlan::InstanceMethod<&FeaturizePlan::Close>("close"),
  };
#ifdef RECDATA_WITH_CUDA
  methods.push_back(FeaturizePlan::InstanceMethod<&FeaturizePlan::RunCuda>("runCuda"));
#endif
  exports.Set("FeaturizePlan", FeaturizePlan::DefineClass(env, "FeaturizePlan", methods));
}

}  // namespace

RECDATA_REGISTER_FAMILY(featurize, Init);
