// A fixed set of threads that run a kernel family's jobs off the JavaScript thread
// and settle each job's promise back on it (the offload queue of dpu-hash, the
// batches of gpu-featurize). While any job is in flight the pool holds a reference
// to its owner (the JavaScript object that submitted it) and keeps the process
// alive; when none is, neither is held, so an idle pool never keeps Node running.
//
// A Job carries `Napi::ObjectReference keep` (the job's JavaScript object, and
// through it every buffer the job reads or writes); the pool releases it once the
// job is settled.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace recdata {

template <typename Job>
class JobPool {
 public:
  using RunFn = std::function<void(Job&)>;                  // on a pool thread
  using SettleFn = std::function<void(Napi::Env, Job&)>;    // on the JavaScript thread

  JobPool(Napi::Env env, const char* name, int threads, const Napi::Reference<Napi::Object>* owner, RunFn run, SettleFn settle)
      : owner_(owner), run_(std::move(run)), settle_(std::move(settle)) {
    completions_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), name, 0, 1);
    completions_.Unref(env);
    for (int i = 0; i < threads; i++) workers_.emplace_back([this] { Work(); });
  }

  JobPool(const JobPool&) = delete;
  JobPool& operator=(const JobPool&) = delete;
  ~JobPool() { Stop(); }

  // On the JavaScript thread.
  void Submit(Napi::Env env, std::unique_ptr<Job> job) {
    if (in_flight_++ == 0) {
      completions_.Ref(env);
      owner_->Ref();  // the owner outlives its last job, even if JavaScript drops it
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.push_back(job.release());
    }
    wake_.notify_one();
  }

  int InFlight() const { return in_flight_; }

  // Lets the threads finish what was submitted, then joins them.
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

 private:
  void Work() {
    for (;;) {
      Job* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !submitted_.empty(); });
        if (submitted_.empty()) return;  // stopping, and nothing left to run
        job = submitted_.front();
        submitted_.pop_front();
      }
      run_(*job);
      completions_.BlockingCall(job, [this](Napi::Env env, Napi::Function, Job* done) { Complete(env, done); });
    }
  }

  // On the JavaScript thread.
  void Complete(Napi::Env env, Job* done) {
    std::unique_ptr<Job> owned(done);
    Napi::HandleScope scope(env);
    settle_(env, *owned);
    owned->keep.Reset();
    if (--in_flight_ == 0) {
      if (!released_) completions_.Unref(env);
      owner_->Unref();
    }
  }

  const Napi::Reference<Napi::Object>* owner_;
  RunFn run_;
  SettleFn settle_;
  int in_flight_ = 0;  // JavaScript thread only
  bool released_ = false;
  Napi::ThreadSafeFunction completions_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> submitted_;
  bool stopping_ = false;
};

}  // namespace recdata
