/**
 * Opaque page cursors (Relay's `after` / `endCursor`): base64url of the next offset and a
 * short hash of the query they belong to, so a cursor of another query, or one this
 * gateway never issued, is refused as input instead of paging something else.
 */
import { createHash } from 'node:crypto';

const VERSION = 1;
/** Cursors are short; anything longer was not issued here. */
export const MAX_CURSOR_LENGTH = 200;

/** The query a cursor belongs to: the same customer and filters (not the page size). */
export function cursorScopeOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeCursor(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, o: offset, s: scope })).toString('base64url');
}

/** The offset, or null when `cursor` is not one this gateway issued for `scope`. */
export function decodeCursor(cursor: string, scope: string): number | null {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { v, o, s } = parsed as Record<string, unknown>;
  if (v !== VERSION || s !== scope) return null;
  return typeof o === 'number' && Number.isSafeInteger(o) && o >= 0 ? o : null;
}
