/** Driver-neutral value helpers: PGlite gives numbers where postgres-js gives strings (int8, numeric). */

import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A timestamptz column as epoch ms (int8). */
export const epochMs = (column: SQL): SQL => sql`floor(extract(epoch FROM ${column}) * 1000)::int8`;

/** jsonb read back as text and parsed here, so both drivers give the same objects. */
export const parseJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
