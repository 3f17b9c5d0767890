// The module entry point: runs every kernel family's registration (registry.h)
// and exports what the loader (packages/core/src/native/loader.ts) checks first.
#include <algorithm>
#include <string>
#include <vector>

#include "registry.h"

namespace {

// Bumped with every breaking change to the exports; must match NATIVE_ABI_VERSION
// in packages/core/src/native/loader.ts.
constexpr int kAbiVersion = 1;

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  std::vector<std::string> names;
  for (const recdata::Family& family : recdata::Families()) {
    // Two families of one name would silently overwrite each other's exports.
    if (std::find(names.begin(), names.end(), family.name) != names.end()) {
      throw Napi::Error::New(env, std::string("kernel family registered twice: ") + family.name);
    }
    family.init(env, exports);
    names.push_back(family.name);
  }
  // Link order decides registration order; report a stable one.
  std::sort(names.begin(), names.end());

  exports.Set("abiVersion", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), kAbiVersion);
  }));
  exports.Set("families", Napi::Function::New(env, [names](const Napi::CallbackInfo& info) {
    Napi::Array out = Napi::Array::New(info.Env(), names.size());
    for (size_t i = 0; i < names.size(); i++) out.Set(i, names[i]);
    return out;
  }));
  return exports;
}

}  // namespace

NODE_API_MODULE(recdata, Init)
