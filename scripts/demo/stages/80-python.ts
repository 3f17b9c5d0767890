import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DemoStage } from '../stage.ts';

// The same tools from Python (packages/python): recdata.run over a pyarrow Table,
// recdata.scan as a dict, and recdata.ray.pipe on a local Ray cluster, whose
// output over four blocks equals one run over the whole table. Needs the project's
// .venv (npm test makes it); without it the stage says so and does nothing.
const SCRIPT = String.raw`
import json, sys, pyarrow as pa, recdata
table = pa.ipc.open_stream(open(sys.argv[1], "rb")).read_all().slice(0, 200_000)
cmd = "dpu-hash --cols item_id --buckets 1000000"
one = recdata.run(cmd, table)
report = recdata.scan(table)
import ray, recdata.ray
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
ray.data.DataContext.get_current().enable_progress_bars = False
step = -(-table.num_rows // 4)
ds = ray.data.from_arrow([table.slice(i, step) for i in range(0, table.num_rows, step)])
out = pa.concat_tables([t.replace_schema_metadata(None) for t in ray.get(recdata.ray.pipe(ds, cmd, columns=["item_id"]).to_arrow_refs())])
same = out.sort_by([("user_id", "ascending"), ("ts", "ascending"), ("item_id_bucket", "ascending")]).equals(
    one.replace_schema_metadata(None).sort_by([("user_id", "ascending"), ("ts", "ascending"), ("item_id_bucket", "ascending")]))
ray.shutdown()
print(json.dumps({"rows": out.num_rows, "same": same, "checks": len(report["checks"]), "failing": sum(c["status"] == "fail" for c in report["checks"])}))
`;

const stage: DemoStage = {
  name: 'python (recdata.run, recdata.scan, recdata.ray.pipe on a local Ray cluster)',
  run(ctx) {
    const python = path.join(ctx.root, '.venv', 'bin', 'python3');
    if (!fs.existsSync(python)) return { note: 'skipped: .venv is missing (npm test makes it, with pyarrow and ray[data])' };
    const r = spawnSync(python, ['-c', SCRIPT, ctx.files.events], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: path.join(ctx.root, 'packages', 'python', 'src'), OCLIF_SKIP_UPDATE_CHECK: '1' },
      maxBuffer: 16 << 20,
    });
    if (r.status !== 0) throw new Error(`python stage failed: ${r.stderr.slice(-2000)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; same: boolean; checks: number; failing: number };
    if (!out.same) throw new Error('recdata.ray.pipe over four blocks differs from one recdata.run');
    return { rows: out.rows, note: `dpu-hash through Ray (4 blocks) equals one run; quality-scan from Python: ${out.checks} checks, ${out.failing} failing` };
  },
};
export default stage;
