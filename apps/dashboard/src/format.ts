/** How numbers read on screen. Raw values stay in data-* attributes and tables for machines. */

export const dash = '—';

/** A duration in ms for people: "830 ms", "12.3 s", "4 min 05 s", "3 h 12 min". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return dash;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSec = Math.round(ms / 1000);
  if (abs < 3_600_000) return `${Math.floor(totalSec / 60)} min ${String(totalSec % 60).padStart(2, '0')} s`;
  const totalMin = Math.round(ms / 60_000);
  return `${Math.floor(totalMin / 60).toLocaleString('en')} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

/** A media position: "1:05" or "1:02:03". */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return dash;
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return dash;
  return Math.round(n).toLocaleString('en');
}

export function decimal(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return dash;
  return n.toFixed(digits);
}

export function date(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return dash;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toISOString().replace('T', ' ').slice(0, 16);
}

/** The raw value as a data-* attribute string ("" for unknown). */
export function raw(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}
