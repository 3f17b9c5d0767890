import { parseProtoSource, modelFromFile, recordsToBatch, batchToRecords, applySchema, checkCompatibility, formatViolation, diffSchemas, formatDiff, canonicalText, arrowSchemaText, toArrowSchema, fingerprint } from '../src/index.js';
import { batchStream, collect } from '@recdata/core';
const v1 = modelFromFile(parseProtoSource(`syntax = "proto2";
package rec.v1;
message U {
  optional int64 user_id = 1;
  optional int32 clicks = 2;
  optional string name = 3;
  optional float score = 4;
  optional Color color = 5;
  repeated int32 hist = 6;
  optional Inner inner = 7;
  map<string, int32> counts = 8;
  enum Color { RED = 0; GREEN = 1; }
  message Inner { optional int32 x = 1; optional string y = 2; }
}`, 'v1.proto'), 'U');
const v2 = modelFromFile(parseProtoSource(`syntax = "proto2";
package rec.v1;
message U {
  reserved 3; reserved "name";
  optional int64 user_id = 1;
  optional int64 clicks = 2;
  optional double score = 4;
  optional Color colour = 5;
  repeated int64 hist = 6;
  optional Inner inner = 7;
  map<string, int64> counts = 8;
  optional string country = 9 [default = "FR"];
  optional int32 level = 10 [default = -3];
  optional bool flag = 11;
  optional Color c2 = 12 [default = GREEN];
  enum Color { ROUGE = 0; GREEN = 1; BLUE = 2; }
  message Inner { optional int32 x = 1; optional int32 z = 3 [default = 7]; }
}`, 'v2.proto'), 'U');
console.log(arrowSchemaText(toArrowSchema(v2)));
const r = checkCompatibility([{model: v1, label: 'v1.proto'}], {model: v2, label: 'v2.proto'}, 'backward_transitive');
console.log(r.compatible, r.violations.map(formatViolation));
console.log(formatDiff(diffSchemas(v1, v2), 'v1', 'v2'));
const recs = [
  { user_id: 1n, clicks: 5, name: 'a', score: 1.5, color: 'RED', hist: [1, 2], inner: { x: 1, y: 'q' }, counts: [['k', 3]] },
  { user_id: 2n, clicks: null, name: null, score: null, color: 'GREEN', hist: [], inner: null, counts: [] },
  { user_id: null, clicks: -7, name: 'c', score: 2.25, color: null, hist: null, inner: { x: null, y: null }, counts: null },
];
const b1 = recordsToBatch(v1, recs);
const out = await collect(applySchema(batchStream(b1.schema, [b1]), { reader: v2, writer: v1 }));
console.dir(batchToRecords(out[0]), {depth: 5});
console.log(out[0].data.children[0] === b1.data.children[0]);
const out2 = await collect(applySchema(batchStream(b1.schema, [b1]), { reader: v2 }));
console.dir(batchToRecords(out2[0])[0], {depth: 5});
console.log(canonicalText(v2).slice(0, 400), fingerprint(v2));
