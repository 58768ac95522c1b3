import {
  maskLogLine,
  maskLogText,
  maskPersonalData,
  withoutQueryStrings,
} from '../../src/observability/personal-data';

describe('masking personal data in log text', () => {
  it.each([
    ['919986000586', '91******586'],
    ['+919986000586', '+91******586'],
    ['11223569865', '11******865'],
    ['asha.rao@example.com', 'a***@example.com'],
    [
      'Variable "$input" got invalid value "ravi.kumar@example.com"',
      'Variable "$input" got invalid value "r***@example.com"',
    ],
    ['got invalid value 919986000586 at "input"', 'got invalid value 91******586 at "input"'],
    ['Basic ZGVtby50aWxsOjJlZWE2NzEwOTgzMDM3MDg5ZmRmMjQ3YTE5YjNmNzdk', 'Basic [redacted]'],
  ])('masks %s', (clear, masked) => {
    expect(maskPersonalData(clear)).toBe(masked);
  });

  it.each([
    ['a request id', '3e436884-1af4-401c-ba8e-ae4c171634ff'],
    ['an all-digit UUID group', '12345678-1234-1234-1234-123456789012'],
    ['a short number', 'found 1000 tokens'],
    ['a dotted version', 'node 20.19.4123456'],
    ['a decimal', 'took 1795947372.611 s'],
    ['a timestamp', '2026-11-29T10:09:37.123Z'],
    ['a word with digits', 'shard12345678901'],
  ])('leaves %s alone', (_what, text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it.each([
    ['a spaced mobile', 'value "+91 99860 00586"', 'value "+91******586"'],
    ['a dashed mobile', 'value 9199-8600-0586.', 'value 91******586.'],
    ['a bracketed number', 'call (555) 123-4567', 'call 55******567'],
    ['a JSON-escaped tab before the digits', 'value "\\t919986000586"', 'value "\t91******586"'],
    ['unicode escapes', 'value "\\u0039199860005\\u0038\\u0036"', 'value "91******586"'],
    ['a URL-encoded mobile', 'value %2b919986000586', 'value +91******586'],
    ['a URL-encoded email', 'value asha.rao%40example.com', 'value a***@example.com'],
    ['a twice-encoded email', 'value asha.rao%2540example.com', 'value a***@example.com'],
    [
      'a full-width email',
      'value ａｓｈａ．ｒａｏ＠ｅｘａｍｐｌｅ．ｃｏｍ',
      'value a***@example.com',
    ],
    ['full-width digits', 'value ９１９９８６０００５８６', 'value 91******586'],
    ['a zero-width space inside', 'value 919986\u200b000586', 'value 91******586'],
    [
      'a malformed escape before it',
      'value %E0%A4%ZZ%/919986000586',
      'value \ufffd%ZZ%/91******586',
    ],
    ['an encoded Basic value', 'Basic%20ZGVtby50aWxsOjJlZWE2NzEw', 'Basic [redacted]'],
    ['a JSON web token', 'token eyJhbGciOi.eyJzdWIiOi.c2ln', 'token [redacted]'],
    [
      'named secrets',
      'password=hunter2hunter2 and "secret": "s3cr3t"',
      'password=[redacted] and "secret": "[redacted]"',
    ],
    ['two spaced mobiles in one value', '99860 00586 99860 00587', '99******587'],
  ])('masks %s', (_what, clear, masked) => {
    expect(maskLogText(clear)).toBe(masked);
  });

  it.each([
    ['a path', 'Route GET:/nope?auth=Basic%20abc not found', 'Route GET:/nope not found'],
    ['a URL', 'calling http://api/v3/x?token=1&b=2, then', 'calling http://api/v3/x then'],
    ['a bare query', 'got ?mobile=1 here', 'got  here'],
    ['an encoded mark', 'GET /x%3Fpassword%3Dhunter2', 'GET /x'],
  ])('cuts the query string off %s', (_what, text, cut) => {
    expect(maskLogText(text)).toBe(cut);
  });

  it('leaves a question alone', () => {
    const question = 'Cannot query field "x" on type "Query". Did you mean "y"?';
    expect(withoutQueryStrings(question)).toBe(question);
    expect(maskLogText(question)).toBe(question);
  });

  it('keeps the request id as the caller sent it, and masks the same digits elsewhere', () => {
    const line = `${JSON.stringify({ level: 30, reqId: '919986000586', msg: 'id 919986000586' })}\n`;
    expect(maskLogLine(line)).toBe(
      `${JSON.stringify({ level: 30, reqId: '919986000586', msg: 'id 91******586' })}\n`,
    );
  });

  it('masks nested fields and arrays', () => {
    const line = JSON.stringify({ err: { message: 'x', details: ['asha.rao@example.com'] } });
    expect(JSON.parse(maskLogLine(line))).toEqual({
      err: { message: 'x', details: ['a***@example.com'] },
    });
  });

  it("masks a log line's strings but not its own numbers", () => {
    const line = JSON.stringify({
      level: 20,
      time: 1795628683287,
      durationMs: 12.5,
      message: 'Variable "$input" got invalid value 919986000586; "asha.rao@example.com"',
    });
    expect(JSON.parse(maskLogLine(line))).toEqual({
      level: 20,
      time: 1795628683287,
      durationMs: 12.5,
      message: 'Variable "$input" got invalid value 91******586; "a***@example.com"',
    });
  });

  it.each([
    ['letters', 'a'.repeat(1_000_000) + '@example.com'],
    ['digits', '1'.repeat(1_000_000)],
    ['at signs', 'a@'.repeat(500_000)],
    ['addresses', 'ab.c@ab.c@'.repeat(100_000)],
    ['spaced digits', '1 '.repeat(500_000)],
    ['dashed digits ending in a letter', '1-'.repeat(500_000) + 'x'],
    ['spaced and dashed digits', '1 1-1-1-1-1 '.repeat(100_000) + 'x'],
    ['percent escapes', '%2b9'.repeat(250_000)],
    ['malformed escapes', '%E0%A4%'.repeat(150_000)],
    ['backslashes', '\\u00'.repeat(200_000)],
    ['question marks', '/a?b '.repeat(200_000)],
    ['one huge URL', '/' + 'a'.repeat(1_000_000) + '?x=1'],
    ['token-like words', 'eyJ-'.repeat(250_000)],
    ['credential words', 'Basic '.repeat(170_000)],
    ['named secrets', 'password '.repeat(110_000)],
    ['full-width text', 'ａ＠'.repeat(500_000)],
  ])('masks a megabyte of %s in linear time', (_what, hostile) => {
    const started = performance.now();
    maskLogLine(JSON.stringify({ msg: hostile }));
    // Linear is well under a second even on a busy machine; quadratic would be hours.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
