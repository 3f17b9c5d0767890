// Published test vectors, shared by the vector tests and the GPU tests.
//  - XXH64 and XXH3_64bits_withSeed on xxHash's sanity buffer (xxHash's
//    cli/xsum_sanity_check.c, XSUM_XXH64_testdata and XSUM_XXH3_testdata).
//  - MurmurHash3_x86_32 through Spark's Murmur3_x86_32Suite (hashInt/hashLong, seed 0).
//  - SipHash-2-4 from the reference implementation's vectors.h (vectors_sip64):
//    key 00 01 .. 0f, message 00 01 .. (len-1), for len 0..63; bytes as printed there.

export const PRIME32 = 2654435761n;
export const PRIME64 = 11400714785074694797n;

export const XXH64_VECTORS: [len: number, seed: bigint, hash: bigint][] = [
  [0, 0n, 0xef46db3751d8e999n],
  [0, PRIME32, 0xac75fda2929b17efn],
  [1, 0n, 0xe934a84adb052768n],
  [1, PRIME32, 0x5014607643a9b4c3n],
  [4, 0n, 0x9136a0dca57457een],
  [14, 0n, 0x8282dcc4994e35c8n],
  [14, PRIME32, 0xc3bd6bf63deb6df0n],
  [222, 0n, 0xb641ae8cb691c174n],
  [222, PRIME32, 0x20cb8ab7ae10c14an],
];

/** Every length class of XXH3: 0, 1-3, 4-8, 9-16, 17-128, 129-240, over 240, and over one 1024-byte block. */
export const XXH3_VECTORS: [len: number, seed: bigint, hash: bigint][] = [
  [0, 0n, 0x2d06800538d394c2n],
  [0, PRIME64, 0xa8a6b918b2f0364an],
  [1, 0n, 0xc44bdff4074eecdbn],
  [1, PRIME64, 0x032be332dd766ef8n],
  [6, 0n, 0x27b56a84cd2d7325n],
  [6, PRIME64, 0x84589c116ab59ab9n],
  [12, 0n, 0xa713daf0dfbb77e7n],
  [12, PRIME64, 0xe7303e1b2336de0en],
  [24, 0n, 0xa3fe70bf9d3510ebn],
  [24, PRIME64, 0x850e80fc35bdd690n],
  [48, 0n, 0x397da259ecba1f11n],
  [48, PRIME64, 0xadc2cbaa44acc616n],
  [80, 0n, 0xbcdefbbb2c47c90an],
  [80, PRIME64, 0xc6dd0cb699532e73n],
  [195, 0n, 0xcd94217ee362ec3an],
  [195, PRIME64, 0xba68003d370cb3d9n],
  [403, 0n, 0xcdeb804d65c6dea4n],
  [403, PRIME64, 0x6259f6ecfd6443fdn],
  [512, 0n, 0x617e49599013cb6bn],
  [512, PRIME64, 0x3ce457de14c27708n],
  [2048, 0n, 0xdd59e2c3a5f038e0n],
  [2048, PRIME64, 0x66f81670669ababcn],
  [2240, 0n, 0x6e73a90539cf2948n],
  [2240, PRIME64, 0x757ba8487d1b5247n],
  [2367, 0n, 0xcb37aeb9e5d361edn],
  [2367, PRIME64, 0xd2db3415b942b42an],
];

/** Spark's Murmur3_x86_32 (seed 0): hashInt and hashLong, as Java ints. */
export const SPARK_HASH_INT: [value: number, hash: number][] = [
  [0, 593689054],
  [-42, -189366624],
  [42, -1134849565],
  [-2147483648, -1718298732],
  [2147483647, -1653689534],
];
export const SPARK_HASH_LONG: [value: bigint, hash: number][] = [
  [0n, 1669671676],
  [-42n, -846261623],
  [42n, 1871679806],
  [-(1n << 63n), 1366273829],
  [(1n << 63n) - 1n, -2106506049],
];

export const SIPHASH_KEY = Uint8Array.from({ length: 16 }, (_, i) => i);

/** vectors_sip64[len], the 8 output bytes in the order printed (little-endian). */
export const SIPHASH_VECTORS = [
  '310e0edd47db6f72', 'fd67dc93c539f874', '5a4fa9d909806c0d', '2d7efbd796666785',
  'b7877127e09427cf', '8da699cd64557618', 'cee3fe586e46c9cb', '37d1018bf50002ab',
  '6224939a79f5f593', 'b0e4a90bdf82009e', 'f3b9dd94c5bb5d7a', 'a7ad6b22462fb3f4',
  'fbe50e86bc8f1e75', '903d84c02756ea14', 'eef27a8e90ca23f7', 'e545be4961ca29a1',
  'db9bc2577fcc2a3f', '9447be2cf5e99a69', '9cd38d96f0b3c14b', 'bd6179a71dc96dbb',
  '98eea21af25cd6be', 'c7673b2eb0cbf2d0', '883ea3e395675393', 'c8ce5ccd8c030ca8',
  '94af49f6c650adb8', 'eab8858ade92e1bc', 'f315bb5bb835d817', 'adcf6b0763612e2f',
  'a5c91da7acaa4dde', '716595876650a2a6', '28ef495c53a387ad', '42c341d8fa92d832',
  'ce7cf2722f512771', 'e37859f94623f3a7', '381205bb1ab0e012', 'ae97a10fd434e015',
  'b4a31508beff4d31', '81396229f0907902', '4d0cf49ee5d4dcca', '5c73336a76d8bf9a',
  'd0a704536ba93e0e', '925958fcd6420cad', 'a915c29bc8067318', '952b79f3bc0aa6d4',
  'f21df2e41d4535f9', '87577519048f53a9', '10a56cf5dfcd9adb', 'eb75095ccd986cd0',
  '51a9cb9ecba312e6', '96afadfc2ce666c7', '72fe52975a4364ee', '5a1645b276d592a1',
  'b274cb8ebf87870a', '6f9bb4203de7b381', 'eaecb2a30b22a87f', '9924a43cc1315724',
  'bd838d3aafbf8db7', '0b1a2a3265d51aea', '135079a3231ce660', '932b2846e4d70666',
  'e1915f5cb1eca46c', 'f325965ca16d629f', '575ff28e60381be5', '724506eb4c328a95',
];

/** The uint64 a vectors_sip64 entry stands for (its bytes read little-endian). */
export function sipVector(hex: string): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  return v;
}
