/**
 * Masks for personal data and credentials in log text, over whole lines since GraphQL echoes
 * variables in its errors. Every pass is linear: a line can hold a caller's huge value.
 */

/** Characters of an email's local part, loosely: anything but space, `@` and delimiters. */
const LOCAL_PART_CHAR = /[^\s@"'\\<>()[\],;:]/;
const MAX_LOCAL_PART = 254;

/** Up to 8 dot-separated labels of up to 63 characters, read from just after an `@`. */
const DOMAIN = /[^\s@"'\\<>()[\],;:.]{1,63}(?:\.[^\s@"'\\<>()[\],;:.]{1,63}){1,8}/y;

/**
 * Digits, in groups joined by at most two spaces, tabs, dashes or brackets
 * (`+91 99860 00586`, `(555) 123-4567`), standing alone: not inside a longer word or a
 * dotted value. The groups must end where no letter, digit or `.`/`-` joined to one
 * follows: a UUID's or a version's digit groups are left alone, a sentence's stop is not.
 */
const DIGIT_RUN =
  /(?<![\p{L}\p{N}_.+-])\+?\(?\p{Nd}+(?:[ \t\u00a0()-]{1,2}\p{Nd}+)*(?![\p{L}\p{N}_]|[.-][\p{L}\p{N}])/gu;
const NON_DIGIT = /\P{Nd}/gu;
const GROUP_SEPARATOR = /[ \t\u00a0()-]/;
/** A UUID of digits only: an idempotency key or request id, not a person. */
const DIGIT_UUID = /^\d{8}-\d{4}-\d{4}-\d{4}-\d{12}$/;

/** A credential scheme and its value, should one ever reach a message. */
const CREDENTIAL = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi;
/** A JSON web token (the API's OAuth tokens are), wherever it stands. */
const JWT = /(?<![\w-])eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
/** `password=…`, `"token": "…"`: a secret named as one. */
const NAMED_SECRET =
  /\b(password|passwd|secret|token|api[_-]?key)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi;

/**
 * `a***@example.com`. Walks from each `@` rather than running one regex over the text,
 * which stays linear whatever the text holds.
 */
export function maskEmails(text: string): string {
  let masked = '';
  let copied = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', Math.max(at + 1, copied))) {
    let start = at;
    while (
      start > copied &&
      at - start < MAX_LOCAL_PART &&
      LOCAL_PART_CHAR.test(text[start - 1]!)
    ) {
      start--;
    }
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text)?.[0];
    if (start === at || domain === undefined) continue;
    masked += `${text.slice(copied, start + 1)}***@${domain}`;
    copied = at + 1 + domain.length;
  }
  return copied === 0 ? text : masked + text.slice(copied);
}

/**
 * `91******586`. A mobile number (or a long customer id, no less personal) is 8 to 15
 * digits written together, or 8 or more in separated groups: a spaced card number is
 * masked too, while a longer plain number (a timestamp in ns, say) is left alone.
 */
export function maskMobiles(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(NON_DIGIT, '');
    if (digits.length < 8 || DIGIT_UUID.test(run)) return run;
    if (digits.length > 15 && !GROUP_SEPARATOR.test(run)) return run;
    return `${run.startsWith('+') ? '+' : ''}${digits.slice(0, 2)}******${digits.slice(-3)}`;
  });
}

export function maskCredentials(text: string): string {
  return text
    .replace(CREDENTIAL, '$1 [redacted]')
    .replace(JWT, '[redacted]')
    .replace(NAMED_SECRET, '$1$2[redacted]');
}

export function maskPersonalData(text: string): string {
  return maskCredentials(maskMobiles(maskEmails(text)));
}

/**
 * Cuts the query string off every URL or path in the text: `/x?auth=Basic…` → `/x`. A
 * `?` counts as one when a `/` comes before it in its word, or an `=` after it; a
 * question ("Did you mean "x"?") keeps its mark.
 */
export function withoutQueryStrings(text: string): string {
  if (!text.includes('?')) return text;
  return text.replace(/\S+/g, (word) => {
    const mark = word.indexOf('?');
    if (mark === -1) return word;
    const isQuery = word.lastIndexOf('/', mark) !== -1 || word.includes('=', mark);
    return isQuery ? word.slice(0, mark) : word;
  });
}

const PERCENT_ESCAPES = /(?:%[0-9a-fA-F]{2})+/g;
const BACKSLASH_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|([btnfr]))/g;
const CONTROL_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
};

/** `%2b91…` → `+91…`. Never throws: bytes that are not UTF-8 become U+FFFD. */
export function percentDecoded(text: string): string {
  return text.replace(PERCENT_ESCAPES, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  );
}

/** `\t919…` as GraphQL's inspect() prints a value → a tab, then the digits. */
function backslashDecoded(text: string): string {
  return text.replace(BACKSLASH_ESCAPE, (_escape, code: string | undefined, letter: string) =>
    code === undefined ? CONTROL_ESCAPES[letter]! : String.fromCharCode(parseInt(code, 16)),
  );
}

/** Encodings that could carry personal data past the masks once; a few rounds of each. */
const MAX_DECODING_ROUNDS = 3;
const ENCODED = /[%\\]/;
// eslint-disable-next-line no-control-regex -- any character beyond ASCII may fold
const NOT_ASCII = /[^\x00-\x7f]/;
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * The text as a reader could decode it: URL escapes and JSON/JS escapes undone, full-width
 * and other compatibility forms folded (`＠` → `@`, `９` → `9`), zero-width characters out.
 */
export function decodedForMasking(text: string): string {
  let decoded = text;
  for (let round = 0; round < MAX_DECODING_ROUNDS && ENCODED.test(decoded); round++) {
    const next = backslashDecoded(percentDecoded(decoded));
    if (next === decoded) break;
    decoded = next;
  }
  return NOT_ASCII.test(decoded)
    ? decoded.normalize('NFKC').replace(FORMAT_CHARACTERS, '')
    : decoded;
}

/**
 * One string of a log line made safe: no query string, personal data and credentials
 * masked in the text as written and again once decoded, which is what the line keeps.
 */
export function maskLogText(text: string): string {
  const masked = maskPersonalData(withoutQueryStrings(text));
  if (!ENCODED.test(masked) && !NOT_ASCII.test(masked)) return masked;
  return maskPersonalData(withoutQueryStrings(decodedForMasking(masked)));
}

/** Logged as the caller sent it (DESIGN §9): it is how they find their request. */
const KEPT_AS_SENT = 'reqId';

function maskedValue(value: unknown): unknown {
  if (typeof value === 'string') return maskLogText(value);
  if (Array.isArray(value)) return value.map(maskedValue);
  if (value !== null && typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) masked[key] = maskedValue(field);
    return masked;
  }
  return value;
}

/**
 * Masks the string values of one serialized JSON log line, so that the line's own
 * numbers (time, durations, counts) stay as they are, and so does its request id.
 */
export function maskLogLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return maskLogText(line);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return maskLogText(line);
  }
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    masked[key] = key === KEPT_AS_SENT && typeof value === 'string' ? value : maskedValue(value);
  }
  return JSON.stringify(masked) + (line.endsWith('\n') ? '\n' : '');
}
