/**
 * Reading the promotion API's JSON values in the gateway's vocabulary, leniently where the
 * vendor's pages contradict themselves; anything else throws ShapeError (pure).
 */
/** Thrown inside the readers below when the body is not the documented shape. */
export class ShapeError extends Error {}

export function fail(what: string): never {
  throw new ShapeError(what);
}

export type Json = Record<string, unknown>;

export function record(value: unknown, what: string): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : fail(what);
}

export function list(value: unknown, what: string): unknown[] {
  return Array.isArray(value) ? value : fail(what);
}

/** Absent and null read the same; the vendor's examples leave fields out freely. */
export function optionalList(value: unknown, what: string): unknown[] {
  return value === undefined || value === null ? [] : list(value, what);
}

/** Ids arrive as strings or numbers (DESIGN §8) and leave as strings; up to 64 characters (§9). */
export function idOf(value: unknown, what: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value !== '' && value.length <= 64) return value;
  return fail(what);
}

export function integerOf(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return fail(what);
}

export function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : fail(what);
}

export function booleanOf(value: unknown, what: string): boolean {
  return typeof value === 'boolean' ? value : fail(what);
}

/** -1 (or "-1") is the vendor's "no cap"; absent is "does not say": both null. */
export function cap(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  const n = integerOf(value, what);
  return n < 0 ? null : n;
}

/** Points are decimal strings as the API gives them ("4990.000"); numbers are written as such. */
export function points(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? null : String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
    return value.startsWith('-') ? null : value;
  }
  return fail(what);
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * ISO 8601 text, with or without an offset (none = UTC, DESIGN §8), `YYYY-MM-DD HH:MM:SS`,
 * or epoch milliseconds. Absent, null or empty: null.
 */
export function timeOf(value: unknown, what: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') {
    // Past ±8.64e15 ms a Date is invalid, and the DateTime scalar could not answer it.
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? fail(what) : date;
  }
  if (typeof value !== 'string') return fail(what);
  const text = value.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?/.test(text)) return fail(what);
  const withOffset = OFFSET.test(text) || !text.includes('T') ? text : `${text}Z`;
  const date = new Date(withOffset.includes('T') ? withOffset : `${withOffset}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? fail(what) : date;
}
