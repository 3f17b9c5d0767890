/** recdata's version, written into every output's metadata (a test keeps it equal to package.json's). */
export const RECDATA_VERSION = '0.1.0';
