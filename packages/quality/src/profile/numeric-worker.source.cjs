// Tests run the TypeScript sources under tsx, and Node 20 does not carry tsx's ESM
// loader hooks into worker threads (its require hook is there): in source mode the
// pool loads this CommonJS shim, which requires the TypeScript module. Built code
// loads numeric-worker.js directly and never uses this file.
module.exports = require('./numeric-worker.ts');
