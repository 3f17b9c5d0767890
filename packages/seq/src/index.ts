// @recdata/seq: Delta codecs, behaviour sequences, seq-encode / seq-decode, and the seq-store.
export {};
