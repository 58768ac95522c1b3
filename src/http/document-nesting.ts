/**
 * Deepest bracket nesting (`{`, `[`, `(`) of a GraphQL source outside strings and
 * comments. Stops counting once past `limit`.
 */
export function nestingOf(source: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (char === '"') {
      if (source.startsWith('"""', i)) {
        let end = source.indexOf('"""', i + 3);
        // `\"""` is an escaped triple quote inside a block string, not its end.
        while (end !== -1 && source[end - 1] === '\\') end = source.indexOf('"""', end + 3);
        i = end === -1 ? source.length : end + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) {
          if (source[i] === '\\') i++;
        }
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (char === '}' || char === ']' || char === ')') {
      depth--;
    }
  }
  return deepest;
}

/**
 * Bracket nesting a document may have before it is parsed: room for every field level
 * of MAX_QUERY_DEPTH with an inline fragment and arguments, and never so deep that
 * graphql-js' recursive parser or validators run out of stack (a 500 instead of a 400).
 */
export function documentNestingLimitFor(maxQueryDepth: number): number {
  return Math.max(64, 4 * maxQueryDepth);
}
