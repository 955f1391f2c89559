/**
 * One self-contained HTML file: inline SVG timeline and curves, base64 PNG thumbnails.
 * No scripts, no external assets — it opens from a mail attachment.
 */
import type { FrameRange } from '@watchtime/core';

export interface ReportThumb {
  index: number;
  ms: number;
  png: Buffer;
  caption?: string;
}

export interface ReportTrack {
  name: string;
  color: string;
  ranges: FrameRange[];
}

export interface ReportCurve {
  name: string;
  color: string;
  /** One value per frame. */
  values: number[];
  /** Value range of the plot. */
  min: number;
  max: number;
  /** A horizontal threshold line. */
  threshold?: number;
}

export interface ReportInput {
  title: string;
  video: string;
  fps: number;
  frames: number;
  summary: Array<[string, string]>;
  tracks: ReportTrack[];
  curves: ReportCurve[];
  thumbs: ReportThumb[];
  /** Extra tables: [heading, rows]. */
  tables?: Array<{ heading: string; columns: string[]; rows: Array<Array<string | number>> }>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const W = 1000;
/** Label column of the timeline; curves start at the same x so both share one time axis. */
const LEFT = 110;

function timeline(tracks: ReportTrack[], frames: number, fps: number): string {
  const rowH = 22;
  const left = LEFT;
  const span = W - left;
  const h = tracks.length * rowH + 24;
  const x = (f: number) => left + (f / Math.max(1, frames)) * span;
  const rows = tracks
    .map((t, k) => {
      const y = k * rowH;
      const rects = t.ranges
        .map((r) => {
          const w = Math.max(1, ((r.endFrame + 1 - r.startFrame) / Math.max(1, frames)) * span);
          return `<rect x="${x(r.startFrame).toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${t.color}" stroke="#fff" stroke-width="1"><title>${esc(t.name)} ${r.startFrame}–${r.endFrame} (${r.startMs}–${r.endMs} ms)</title></rect>`;
        })
        .join('');
      return `<text x="4" y="${y + 15}" font-size="11" fill="#333">${esc(t.name)}</text>${rects}`;
    })
    .join('');
  const seconds = frames / fps;
  const step = seconds > 600 ? 60 : seconds > 120 ? 30 : seconds > 30 ? 5 : 1;
  let ticks = '';
  for (let s = 0; s <= seconds; s += step) {
    const tx = x(s * fps);
    ticks += `<line x1="${tx}" y1="0" x2="${tx}" y2="${h - 18}" stroke="#ddd"/><text x="${tx + 2}" y="${h - 6}" font-size="10" fill="#666">${s}s</text>`;
  }
  return `<svg viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="timeline">${ticks}${rows}</svg>`;
}

function curve(c: ReportCurve): string {
  const h = 120;
  const n = c.values.length;
  const y = (v: number) => (h - ((Math.min(c.max, Math.max(c.min, v)) - c.min) / (c.max - c.min || 1)) * h).toFixed(1);
  // Down-sample to at most 2 points per pixel column (min and max) so big videos stay small.
  const cols = Math.min(n, W);
  const pts: string[] = [];
  for (let col = 0; col < cols; col++) {
    const a = Math.floor((col * n) / cols);
    const b = Math.max(a + 1, Math.floor(((col + 1) * n) / cols));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = a; i < b; i++) {
      lo = Math.min(lo, c.values[i]!);
      hi = Math.max(hi, c.values[i]!);
    }
    const px = (LEFT + (col / Math.max(1, cols - 1)) * (W - LEFT)).toFixed(1);
    pts.push(`${px},${y(hi)}`, `${px},${y(lo)}`);
  }
  const thr =
    c.threshold === undefined
      ? ''
      : `<line x1="${LEFT}" x2="${W}" y1="${y(c.threshold)}" y2="${y(c.threshold)}" stroke="#c33" stroke-dasharray="4 3"/><text x="${W - 4}" y="${Math.max(10, Number(y(c.threshold)) - 3)}" text-anchor="end" font-size="10" fill="#c33">threshold ${c.threshold}</text>`;
  return `<figure><figcaption>${esc(c.name)}</figcaption><svg viewBox="0 0 ${W} ${h}" width="100%" preserveAspectRatio="none" role="img" aria-label="${esc(c.name)}"><rect x="${LEFT}" width="${W - LEFT}" height="${h}" fill="#fafafa"/><text x="4" y="12" font-size="10" fill="#666">${c.max}</text><text x="4" y="${h - 2}" font-size="10" fill="#666">${c.min}</text>${thr}<polyline fill="none" stroke="${c.color}" stroke-width="1" points="${pts.join(' ')}"/></svg></figure>`;
}

export function renderReport(r: ReportInput): string {
  const summary = r.summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const thumbs = r.thumbs
    .map(
      (t) =>
        `<figure class="thumb"><img alt="frame ${t.index}" src="data:image/png;base64,${t.png.toString('base64')}"><figcaption>#${t.index} · ${t.ms} ms${t.caption ? ` · ${esc(t.caption)}` : ''}</figcaption></figure>`,
    )
    .join('');
  const tables = (r.tables ?? [])
    .map(
      (t) =>
        `<h2>${esc(t.heading)}</h2><table class="grid"><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${t.rows
          .map((row) => `<tr>${row.map((v) => `<td>${esc(String(v))}</td>`).join('')}</tr>`)
          .join('')}</table>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse}th,td{text-align:left;padding:2px 12px 2px 0}
table.grid td,table.grid th{border-bottom:1px solid #eee;padding:3px 10px}
figure{margin:8px 0}figcaption{font-size:12px;color:#555}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumb img{display:block;border:1px solid #ccc;max-width:180px}
.muted{color:#777}
</style></head><body>
<h1>${esc(r.title)}</h1><div class="muted">${esc(r.video)}${r.frames ? ` · ${r.frames} frames at ${r.fps} fps` : ''}</div>
<h2>Summary</h2><table>${summary}</table>
${r.tracks.length ? `<h2>Timeline</h2>${timeline(r.tracks, r.frames, r.fps)}` : ''}
${r.curves.length ? `<h2>Curves</h2>${r.curves.map(curve).join('')}` : ''}
${tables}
${r.thumbs.length ? `<h2>Frames</h2><div class="thumbs">${thumbs}</div>` : ''}
</body></html>
`;
}
