// HashQueue: the offload backend's host implementation. A dedicated pool of
// threads takes hash jobs from a submission queue and hands them back through a
// completion queue, while the JavaScript thread keeps decoding and encoding Arrow
// batches. Jobs read the caller's buffers in place, as a device would by DMA: the
// queue holds a reference to each job's JavaScript object until it completes, so
// nothing it reads can be collected. docs/offload.md is the contract.
#pragma once

#include <napi.h>

namespace recdata {
namespace hash {

// The HashQueue class: new HashQueue(threads, depth); submit(job): Promise<nullCount>;
// close(): waits for the threads to finish; inFlight, depth, threads.
Napi::Function DefineHashQueue(Napi::Env env);

}  // namespace hash
}  // namespace recdata
