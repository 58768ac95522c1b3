/**
 * Opaque page cursors (Relay's `after` / `endCursor`): base64url of the next offset, a
 * short hash of the query and caller they belong to, and an HMAC over both, so that a
 * cursor of another query or caller, a rewritten offset, or one this gateway never
 * issued is refused as input instead of paging something else.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 2;
/** Cursors are short; anything longer was not issued here. */
export const MAX_CURSOR_LENGTH = 200;
/** 128 bits of HMAC-SHA256: enough that guessing one is hopeless. */
const MAC_BYTES = 16;

/** The query a cursor belongs to: the caller, the customer and filters (not the page size). */
export function cursorScopeOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export class PageCursors {
  private readonly key: Buffer;

  /** `secret` (CURSOR_SECRET) lets every replica take the others' cursors; null: this process's own key. */
  constructor(secret: string | null) {
    this.key =
      secret === null ? randomBytes(32) : createHash('sha256').update(secret, 'utf8').digest();
  }

  encode(offset: number, scope: string): string {
    const m = this.macOf(offset, scope).toString('base64url');
    return Buffer.from(JSON.stringify({ v: VERSION, o: offset, s: scope, m })).toString(
      'base64url',
    );
  }

  /** The offset, or null when `cursor` is not one this gateway issued for `scope`. */
  decode(cursor: string, scope: string): number | null {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { v, o, s, m } = parsed as Record<string, unknown>;
    if (v !== VERSION || s !== scope || typeof m !== 'string') return null;
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) return null;
    const given = Buffer.from(m, 'base64url');
    const expected = this.macOf(o, scope);
    return given.length === expected.length && timingSafeEqual(given, expected) ? o : null;
  }

  private macOf(offset: number, scope: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`${VERSION}:${offset}:${scope}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
