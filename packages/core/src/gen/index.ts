// The public face of the generators: what the CLI and other packages' tests use.
export { Xoshiro128, splitmix32 } from './prng.js';
export { AliasTable } from './alias.js';
export { ZipfSampler } from './zipf.js';
export { ACTIONS, ACTION_SHARES, FUNNEL, ROWS_PER_VIEW, PLAY_DURATION, ZIPF_EXPONENT, TIMING, DEVICES, REGIONS, describeRates, type ActionName } from './behaviour.js';
export { BURST } from './bots.js';
export { parseAnomalies, formatAnomalies, hasAnomalies, NO_ANOMALIES, DEFAULT_ANOMALIES, MAX_BOT_USERS, type AnomalySpec } from './anomalies.js';
export { DEFECT_DEFINITIONS, BURST_RULE, findDefects, eventColumnsOf, type EventColumns, type FoundDefects } from './defects.js';
export { TruthRecorder, type TimeRange } from './truth.js';
export { parseGenEventsFlags, genEventsParams, GEN_EVENTS_DEFAULTS, MAX_POPULATION, MAX_EVENTS, MAX_DAYS, type GenEventsOptions, type GenEventsFlags } from './options.js';
export { generateEvents, eventsSchema, type GeneratedEvents } from './event-stream.js';
