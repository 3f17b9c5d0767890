/* The C interface between device.cu (compiled by nvcc) and src/device.cc (compiled
   by g++): plain C types only, so neither compiler sees the other's headers. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct recdata_cuda_device {
  char name[256];
  unsigned long long memory_bytes;
  int major;
  int minor;
};

/* Number of devices, or -1 with the reason written to err (NUL-terminated). */
int recdata_cuda_device_count(char* err, size_t err_len);

/* 0, or -1 with the reason written to err. */
int recdata_cuda_device_info(int index, struct recdata_cuda_device* out, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif
