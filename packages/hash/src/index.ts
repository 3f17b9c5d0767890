// @recdata/hash: The recdata hash specification and its kernels: XXH64, XXH3, MurmurHash3, SipHash, buckets, crosses.
export {};
