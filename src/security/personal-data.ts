/**
 * Masks for personal data and credentials in log text. Customers are identified by
 * mobile number and email, and GraphQL echoes variables in its error messages
 * (`Variable "$input" got invalid value "..."`), so log lines are masked as a whole.
 */

/** Characters of an email's local part, loosely: anything but space, `@` and delimiters. */
const LOCAL_PART_CHAR = /[^\s@"'\\<>()[\],;:]/;
const MAX_LOCAL_PART = 254;

/** Up to 8 dot-separated labels of up to 63 characters, read from just after an `@`. */
const DOMAIN = /[^\s@"'\\<>()[\],;:.]{1,63}(?:\.[^\s@"'\\<>()[\],;:.]{1,63}){1,8}/y;

/**
 * 8 to 15 digits, optional leading +, standing alone: a mobile number (and long customer
 * ids, which are no less personal). Digits inside a longer word, number, UUID or
 * dotted value are left alone.
 */
const MOBILE = /(?<![\w.+-])(\+?)(\d{2})\d{3,10}(\d{3})(?![\w.-])/g;

/** A credential scheme and its value, should one ever reach a message. */
const CREDENTIAL = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi;

/**
 * `a***@example.com`. Walks from each `@` rather than running one regex over the text:
 * a log line can hold a caller's huge value, and this stays linear in its length.
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

/** `91******586` */
export function maskMobiles(text: string): string {
  return text.replace(MOBILE, '$1$2******$3');
}

export function maskPersonalData(text: string): string {
  return maskMobiles(maskEmails(text)).replace(CREDENTIAL, '$1 [redacted]');
}

/** A JSON string literal, escapes included. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Masks inside the string values of one serialized JSON log line only, so that the
 * line's own numbers (time, durations, counts) stay as they are.
 */
export function maskLogLine(line: string): string {
  return line.replace(JSON_STRING, (literal) => maskPersonalData(literal));
}
