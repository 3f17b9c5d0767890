// @recdata/featurize: Declarative feature processing: spec, fit (statistics, vocabularies), transform (ops) on JS, native and CUDA.
export {};
