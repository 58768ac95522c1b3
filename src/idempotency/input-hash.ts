import { createHash } from 'node:crypto';

/**
 * A stable hash of a mutation's input: sha256 (hex) of its canonical JSON, where the
 * keys of every object are sorted and arrays keep their order. Values follow
 * `JSON.stringify`: `toJSON` is honoured, `undefined`/functions/symbols are left out of
 * objects and become `null` in arrays, non-finite numbers become `null`.
 *
 * The caller decides what is part of the input (e.g. the operation name, but not the
 * idempotencyKey itself).
 */
export function inputHashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJsonOf(value)).digest('hex');
}

/** Canonical JSON text of `value`; exported for tests and diagnostics. */
export function canonicalJsonOf(value: unknown): string {
  return canonical(value, '', new Set()) ?? 'null';
}

function canonical(value: unknown, key: string, ancestors: Set<object>): string | undefined {
  const plain = withToJson(value, key);
  switch (typeof plain) {
    case 'string':
    case 'boolean':
      return JSON.stringify(plain);
    case 'number':
      return Number.isFinite(plain) ? JSON.stringify(plain) : 'null';
    case 'bigint':
      throw new TypeError('inputHashOf cannot hash a bigint');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      if (plain === null) return 'null';
      if (ancestors.has(plain)) throw new TypeError('inputHashOf cannot hash a cyclic value');
      ancestors.add(plain);
      try {
        return Array.isArray(plain)
          ? `[${plain.map((item, index) => canonical(item, String(index), ancestors) ?? 'null').join(',')}]`
          : canonicalObject(plain as Record<string, unknown>, ancestors);
      } finally {
        ancestors.delete(plain);
      }
  }
}

function canonicalObject(object: Record<string, unknown>, ancestors: Set<object>): string {
  const members: string[] = [];
  // Code-unit order, not locale order: the hash must not depend on the machine's locale.
  for (const name of Object.keys(object).sort()) {
    const member = canonical(object[name], name, ancestors);
    if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

function withToJson(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return (toJSON as (key: string) => unknown).call(value, key);
  }
  return value;
}
