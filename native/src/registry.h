// Kernel families register themselves, so that adding one is adding a file:
//
//   static void Init(Napi::Env env, Napi::Object exports) { exports.Set(...); }
//   RECDATA_REGISTER_FAMILY(hash, Init);
//
// addon.cc runs every registered Init when the module loads.
#pragma once

#include <napi.h>

#include <vector>

namespace recdata {

using FamilyInit = void (*)(Napi::Env env, Napi::Object exports);

struct Family {
  const char* name;
  FamilyInit init;
};

// A function-local static: registrars in other files run during static
// initialisation, in an order the language leaves unspecified.
inline std::vector<Family>& Families() {
  static std::vector<Family> families;
  return families;
}

struct FamilyRegistrar {
  FamilyRegistrar(const char* name, FamilyInit init) { Families().push_back({name, init}); }
};

}  // namespace recdata

#define RECDATA_REGISTER_FAMILY(name, init) \
  static ::recdata::FamilyRegistrar recdata_family_registrar_##name(#name, init)
