import { maskLogLine, maskPersonalData } from '../../src/security/personal-data';

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
    ['a word with digits', 'shard12345678901'],
  ])('leaves %s alone', (_what, text) => {
    expect(maskPersonalData(text)).toBe(text);
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
  ])('masks a megabyte of %s in linear time', (_what, hostile) => {
    const started = performance.now();
    maskLogLine(JSON.stringify({ msg: hostile }));
    // Linear is well under a second even on a busy machine; quadratic would be hours.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
