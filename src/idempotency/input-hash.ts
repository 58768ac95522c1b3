import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

// Keys sorted in code-unit order (not the machine's locale), arrays in order, JSON's rules
// for everything else; a cycle is refused rather than written as a marker.
const stableStringify = configure({ circularValue: TypeError, deterministic: true });

/**
 * A stable hash of a mutation's input: sha256 (hex) of its canonical JSON. The caller
 * decides what is part of the input (the operation, not the idempotencyKey itself).
 */
export function inputHashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJsonOf(value)).digest('hex');
}

/**
 * Canonical JSON text of `value`. It must never change: idempotency records in Redis are
 * found by its hash across a rolling deploy (test/idempotency/input-hash-pinned.test.ts).
 */
export function canonicalJsonOf(value: unknown): string {
  return stableStringify(value) ?? 'null';
}
