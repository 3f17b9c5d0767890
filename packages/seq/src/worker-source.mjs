// The worker entry when @recdata/seq runs from its TypeScript sources (tests under
// tsx): Node 20 does not carry tsx's ESM hooks into worker threads, so this plain
// module registers them before loading worker.ts. Built code uses dist/worker.js.
let loaded;

async function load() {
  if (!loaded) {
    const { register } = await import('tsx/esm/api');
    register();
    loaded = await import('./worker.ts');
  }
  return loaded;
}

export async function encodeTask(...args) {
  return (await load()).encodeTask(...args);
}

export async function decodeTask(...args) {
  return (await load()).decodeTask(...args);
}
