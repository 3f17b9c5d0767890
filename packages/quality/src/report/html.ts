import type { CheckResult } from '../checks/result.js';
import type { ScanReport } from '../scan.js';
import type { Heatmap } from './heatmaps.js';
import { jsonSafe } from './machine.js';
import { failingFirst, formatValue, shortDetail, verdict } from './text.js';

/**
 * The HTML report: one self-contained file (inline CSS, inline SVG heatmaps, a few
 * lines of inline script; no fonts, images or scripts from anywhere else), so it
 * opens from a CI artifact with no network: the summary, the failing checks, the
 * heatmaps of drift and null rate per column and time partition, the worst rows
 * of each temporal check, every check, and the column profiles.
 */
export function htmlReport(report: ScanReport, title = 'quality-scan report'): string {
  const s = report.summary;
  const v = verdict(report);
  const failing = failingFirst(report.checks).filter((c) => c.status === 'fail' || c.status === 'warn');
  const input = report.input;
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="verdict ${v === 'FAILED' ? 'bad' : v === 'PASSED' ? 'good' : 'meh'}" id="verdict">${esc(v)}</p>
<p class="meta">${esc(input.files.join(', ') || 'stdin')} · ${input.rows.toLocaleString('en-US')} rows · ${input.columns.length} columns${input.partition === 'none' ? '' : ` · ${input.partitions.length} ${esc(input.partition)} partition${input.partitions.length === 1 ? '' : 's'}`} · now ${esc(input.now)}${input.reference ? ` · reference ${esc(input.reference)}` : ''}${input.serving ? ` · serving ${esc(input.serving)}` : ''}${input.checks_file ? ` · checks ${esc(input.checks_file)}` : ' · default checks'}</p>
${input.empty ? '<p class="empty" id="empty-input">The input is empty: there are no rows to check. Checks that need rows are skipped.</p>' : ''}
</header>
<section class="cards" id="summary">
${card('checks', s.checks, '')}${card('passed', s.passed, 'good')}${card('failed', s.failed, s.failed ? 'bad' : '')}${card('warned', s.warned, s.warned ? 'meh' : '')}
</section>
<section id="failing">
<h2>Failing checks</h2>
${failing.length === 0 ? '<p class="none">Every check passed.</p>' : checkTable(failing, 'failing-checks')}
</section>
`);
  parts.push('<section id="heatmaps"><h2>Heatmaps</h2>');
  if (report.heatmaps.drift) parts.push(heatmapSvg(report.heatmaps.drift, 'heatmap-drift', 'drift'));
  else parts.push(`<p class="none" id="no-drift-heatmap">No drift heatmap: ${input.partition === 'none' ? 'the input is not partitioned by time' : 'no column to compare'}.</p>`);
  if (report.heatmaps.nullRate) parts.push(heatmapSvg(report.heatmaps.nullRate, 'heatmap-null-rate', 'nulls'));
  parts.push('</section>');
  const temporal = report.checks.filter((c) => ['out_of_order', 'future_ts', 'duplicates', 'burst', 'impossible_values'].includes(c.kind));
  if (temporal.length > 0) {
    parts.push('<section id="worst-rows"><h2>Worst rows of the temporal checks</h2>');
    for (const c of temporal) parts.push(worstTable(c));
    parts.push('</section>');
  }
  parts.push(`<section id="all"><h2>All checks</h2>
<div class="filters" role="group" aria-label="Filter by status">${['all', 'fail', 'warn', 'skip', 'pass'].map((f) => `<button type="button" data-filter="${f}"${f === 'all' ? ' class="on"' : ''}>${f}</button>`).join('')}</div>
${checkTable(report.checks, 'all-checks')}
</section>`);
  parts.push(`<section id="profile"><h2>Column profiles</h2>${profileTable(report)}</section>`);
  parts.push(`<script>${SCRIPT}</script>
<script type="application/json" id="report-data">${esc(JSON.stringify(jsonSafe({ summary: report.summary, checks: report.checks.map((c) => ({ id: c.id, kind: c.kind, column: c.column, metric: c.metric, value: c.value, threshold: c.threshold, status: c.status })) })))}</script>
</body>
</html>
`);
  return parts.join('\n');
}

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function card(label: string, value: number, cls: string): string {
  return `<div class="card ${cls}"><div class="n" id="count-${label}">${value}</div><div class="l">${label}</div></div>`;
}

function checkTable(checks: CheckResult[], id: string): string {
  const rows = checks
    .map(
      (c) => `<tr class="st-${c.status}" data-status="${c.status}" data-id="${esc(c.id)}"><td><span class="badge ${c.status}">${c.status}</span></td><td class="id">${esc(c.id)}</td><td>${esc(c.kind)}</td><td>${esc(c.column ?? '–')}</td><td>${esc(c.metric)}</td><td class="num">${esc(formatValue(c.value))}</td><td class="num">${esc(c.threshold === null ? '–' : formatValue(c.threshold))}</td><td class="detail">${esc(shortDetail(c))}<details><summary>detail</summary><pre>${esc(JSON.stringify(jsonSafe(c.detail), null, 2))}</pre></details></td></tr>`,
    )
    .join('\n');
  return `<table id="${id}" class="checks"><thead><tr><th>status</th><th>id</th><th>kind</th><th>column</th><th>metric</th><th>value</th><th>threshold</th><th>detail</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function worstTable(c: CheckResult): string {
  const rows = ((c.detail.worst ?? c.detail.first) as Record<string, unknown>[] | undefined) ?? [];
  const head = `<h3>${esc(c.id)} <small>${esc(c.kind)} · ${esc(c.metric)} = ${esc(formatValue(c.value))} · <span class="badge ${c.status}">${c.status}</span></small></h3>`;
  if (rows.length === 0) return `${head}<p class="none">No rows flagged.</p>`;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `${head}<table class="worst" data-check="${esc(c.id)}"><thead><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${keys.map((k) => `<td>${esc(formatValue(r[k]))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Milliseconds per unit of a timestamp type name ("timestamp[ms]"), or null for other types. */
function timeScale(type: string): number | null {
  const m = /^timestamp\[(s|ms|us|ns)/.exec(type);
  return m ? ({ s: 1000, ms: 1, us: 1e-3, ns: 1e-6 } as Record<string, number>)[m[1]] : type === 'date32' ? 86_400_000 : type === 'date64' ? 1 : null;
}

function profileTable(report: ScanReport): string {
  const rows = report.profile
    .map((p) => {
      const scale = timeScale(p.type);
      const at = (v: number | null) => (v === null || scale === null || !Number.isFinite(v) ? formatValue(v) : new Date(Math.round(v * scale)).toISOString());
      return (
        `<tr><td class="id">${esc(p.column)}</td><td>${esc(p.type)}</td><td class="num">${p.count}</td><td class="num">${p.nulls}</td><td class="num">${p.nan}</td><td class="num">${esc(at(p.min))}</td><td class="num">${esc(at(p.quantiles?.p50 ?? null))}</td><td class="num">${esc(at(p.max))}</td><td class="num">${esc(scale === null ? formatValue(p.mean) : at(p.mean))}</td><td class="num">${esc(scale === null ? formatValue(p.std) : msSpan(p.std, scale))}</td><td class="num">${esc(formatValue(p.distinct))}</td><td>${esc(
          p.top
            .slice(0, 5)
            .map((t) => `${typeof t.value === 'number' ? at(t.value) : t.value} (${t.count})`)
            .join(', '),
        )}</td></tr>`
      );
    })
    .join('\n');
  return `<table class="profile"><thead><tr><th>column</th><th>type</th><th>count</th><th>nulls</th><th>NaN</th><th>min</th><th>median</th><th>max</th><th>mean</th><th>std</th><th>distinct ≈</th><th>top values</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function msSpan(v: number | null, scale: number): string {
  if (v === null) return '-';
  const s = (v * scale) / 1000;
  return s >= 86400 ? `${(s / 86400).toPrecision(3)} d` : s >= 3600 ? `${(s / 3600).toPrecision(3)} h` : `${s.toPrecision(3)} s`;
}

/** A color from light to dark along one hue, t in [0, 1]. */
function shade(t: number, scheme: 'drift' | 'nulls'): string {
  const from = scheme === 'drift' ? [255, 247, 236] : [247, 251, 255];
  const to = scheme === 'drift' ? [179, 0, 0] : [8, 48, 107];
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * Math.max(0, Math.min(1, t))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function rowScale(h: Heatmap, row: number): { threshold: number | null; lowIsBad: boolean } {
  return { threshold: h.rowThresholds?.[row] ?? h.threshold, lowIsBad: h.rowLowIsBad?.[row] ?? h.lowIsBad };
}

/** 0..1 along the colour scale: at the threshold, half way; p-values on a log scale. */
function intensity(h: Heatmap, row: number, v: number): number {
  if (h.metric === 'null_rate') return Math.sqrt(Math.max(0, v));
  const { threshold, lowIsBad } = rowScale(h, row);
  if (lowIsBad) {
    const th = threshold ?? 0.05;
    return Math.min(1, -Math.log10(Math.max(v, 1e-12)) / (2 * -Math.log10(th)));
  }
  const th = threshold ?? 0.1;
  return Math.min(1, v / (2 * th));
}

function alarming(h: Heatmap, row: number, v: number): boolean {
  const { threshold, lowIsBad } = rowScale(h, row);
  if (threshold === null) return false;
  return lowIsBad ? v < threshold : v >= threshold;
}

/** An inline SVG heatmap: rows = columns, columns = partitions; every cell has a <title> tooltip. */
export function heatmapSvg(h: Heatmap, id: string, scheme: 'drift' | 'nulls'): string {
  const cell = h.cols.length > 40 ? 14 : 26;
  const labelW = Math.min(260, 16 + 7.2 * Math.max(...h.rows.map((r) => r.length), 4));
  const headH = 16 + 6.5 * Math.max(...h.cols.map((c) => c.length), 4);
  const width = labelW + cell * h.cols.length + 20 + Math.ceil(headH * 0.65);
  const height = headH + cell * h.rows.length + 10;
  const out: string[] = [];
  out.push(`<figure class="heatmap"><figcaption>${esc(h.title)} <small>${esc(h.note)}${h.threshold !== null ? ` · threshold ${esc(formatValue(h.threshold))}` : ''}</small></figcaption>`);
  out.push(`<svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(h.title)}" data-metric="${esc(h.metric)}" data-rows="${h.rows.length}" data-cols="${h.cols.length}">`);
  h.cols.forEach((c, j) => {
    const x = labelW + j * cell + cell / 2;
    out.push(`<text class="col-label" x="${x}" y="${headH - 6}" transform="rotate(-50 ${x} ${headH - 6})">${esc(c)}</text>`);
  });
  h.rows.forEach((r, i) => {
    const y = headH + i * cell;
    out.push(`<text class="row-label" x="${labelW - 8}" y="${y + cell / 2 + 4}" text-anchor="end">${esc(r)}</text>`);
    h.cols.forEach((c, j) => {
      const v = h.values[i][j];
      const x = labelW + j * cell;
      const fill = v === null ? '#e8e8e8' : shade(intensity(h, i, v), scheme);
      const alarm = v !== null && alarming(h, i, v);
      const label = v === null ? 'no data' : formatValue(v);
      out.push(
        `<rect class="cell${alarm ? ' alarm' : ''}" x="${x + 1}" y="${y + 1}" width="${cell - 2}" height="${cell - 2}" rx="2" fill="${fill}" data-row="${esc(r)}" data-col="${esc(c)}" data-value="${v === null ? '' : esc(String(v))}"><title>${esc(r)} · ${esc(c)}: ${esc(h.metric)} ${esc(label)}</title></rect>`,
      );
    });
  });
  out.push('</svg></figure>');
  return out.join('\n');
}

const CSS = `
:root { --good: #1a7f37; --bad: #cf222e; --meh: #9a6700; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 24px 32px 64px; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 14px; margin: 18px 0 6px; }
h3 small { font-weight: normal; color: var(--muted); }
.meta { color: var(--muted); margin: 4px 0; }
.verdict { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 12px; color: #fff; margin: 6px 0; }
.verdict.good { background: var(--good); } .verdict.bad { background: var(--bad); } .verdict.meh { background: var(--meh); }
.empty { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 6px; }
.cards { display: flex; gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 18px; min-width: 110px; }
.card .n { font-size: 26px; font-weight: 700; } .card .l { color: var(--muted); }
.card.good .n { color: var(--good); } .card.bad .n { color: var(--bad); } .card.meh .n { color: var(--meh); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
td.detail { max-width: 520px; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 11px; background: #f6f8fa; padding: 6px; border-radius: 4px; max-height: 300px; overflow: auto; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 1px 6px; border-radius: 10px; color: #fff; background: #8c959f; }
.badge.pass { background: var(--good); } .badge.fail { background: var(--bad); } .badge.warn { background: var(--meh); } .badge.skip { background: #8c959f; }
.none { color: var(--muted); }
.filters button { border: 1px solid var(--line); background: #f6f8fa; border-radius: 6px; padding: 2px 10px; margin-right: 4px; cursor: pointer; }
.filters button.on { background: #0969da; color: #fff; border-color: #0969da; }
figure.heatmap { margin: 10px 0 24px; overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; } figcaption small { font-weight: normal; color: var(--muted); }
svg text { font: 11px system-ui, sans-serif; fill: #1f2328; }
svg rect.cell.alarm { stroke: #1f2328; stroke-width: 1.5; }
svg rect.cell:hover { stroke: #0969da; stroke-width: 2; }
`;

const SCRIPT = `
(function () {
  var buttons = document.querySelectorAll('.filters button');
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      buttons.forEach(function (x) { x.classList.toggle('on', x === b); });
      var f = b.getAttribute('data-filter');
      document.querySelectorAll('#all-checks tbody tr').forEach(function (tr) {
        tr.style.display = f === 'all' || tr.getAttribute('data-status') === f ? '' : 'none';
      });
    });
  });
})();
`;
