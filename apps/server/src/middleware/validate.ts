/** Request parsing with core's zod schemas: 400 `{error, issues}` saying what is wrong and where. */
import { describeIssues, idSchema, summarizeIssues } from '@watchtime/core';
import type { Context } from 'hono';
import type { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

export function badRequest(c: Context, error: string, issues: Array<{ path: string; message: string }> = []): Response {
  return c.json({ error, issues }, 400);
}

export function parseWith<S extends z.ZodType>(
  c: Context,
  schema: S,
  input: unknown,
  what: string,
): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    response: badRequest(c, `invalid ${what}: ${summarizeIssues(result.error)}`, describeIssues(result.error)),
  };
}

/** Reads the body as JSON (whatever the content type: beacons send text/plain). */
export async function readJson(c: Context): Promise<Parsed<unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: false, response: badRequest(c, 'request body is empty: expected JSON') };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, response: badRequest(c, `request body is not valid JSON: ${(error as Error).message}`) };
  }
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S, what: string): Promise<Parsed<z.output<S>>> {
  const json = await readJson(c);
  return json.ok ? parseWith(c, schema, json.value, what) : json;
}

/** Path ids (videoId, viewerId, sessionId) as core's idSchema. */
export function parseId(c: Context, name: string): Parsed<string> {
  const r = idSchema.safeParse(c.req.param(name));
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    response: badRequest(
      c,
      `invalid ${name}: ${summarizeIssues(r.error)}`,
      describeIssues(r.error).map((i) => ({ ...i, path: name })),
    ),
  };
}
