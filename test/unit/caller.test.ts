import crypto from 'node:crypto';
import { callerIdOf, fairnessAccountOf } from '../../src/domain/caller';

/**
 * The caller id scopes idempotency records, which live in Redis for a day and are shared
 * by every replica: if its value changed between versions, a retry reaching an upgraded
 * replica would miss its record and be sent to the API again. These values are pinned.
 */
describe('callerIdOf', () => {
  const demo = { authorization: 'Basic ZGVtby50aWxsOjRiNGQ5NTI5MTQ4ZDhkOTQ0MGQ3ZTIwYzc4Mjg3ZjY5' };

  it('keeps the value every earlier version gave (sha256 of the JSON pair of headers)', () => {
    expect(callerIdOf(demo)).toBe(
      '10e4ad31bfde29c1adcd15de216fd5b40abba084848f9753d81c2b205b05c073',
    );
    expect(callerIdOf({ oauthToken: 'Bearer abc' })).toBe(
      'ba92148cb1955e2e4ac3269ae0eab58ee3f95eff897b938af154a3a09c17c62e',
    );
  });

  it('gives the same id from the memo, from a new request object and past the memo size', () => {
    const first = callerIdOf({ ...demo });
    expect(callerIdOf({ ...demo })).toBe(first);
    for (let i = 0; i < 2_500; i++) callerIdOf({ authorization: `Basic caller-${i}` });
    expect(callerIdOf({ ...demo })).toBe(first);
  });

  it('hashes credentials too long to remember the same way', () => {
    const long = { oauthToken: 'x'.repeat(10_000) };
    expect(callerIdOf({ ...long })).toBe(callerIdOf({ ...long }));
    expect(callerIdOf(long)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells apart the headers a value came in, an absent header and an empty one', () => {
    const ids = new Set([
      callerIdOf({ authorization: 'abc' }),
      callerIdOf({ oauthToken: 'abc' }),
      callerIdOf({ authorization: '' }),
      callerIdOf({ oauthToken: '' }),
      callerIdOf({}),
      callerIdOf({ authorization: 'abc', oauthToken: 'abc' }),
    ]);
    expect(ids.size).toBe(6);
  });

  it('keeps its live callers remembered while more than 1,000 others come and go', () => {
    const live = Array.from({ length: 500 }, (_, i) => ({ authorization: `Basic live-${i}` }));
    for (const caller of live) callerIdOf(caller);
    const hashes = jest.spyOn(crypto, 'createHash');
    try {
      for (let wave = 0; wave < 12; wave++) {
        for (let i = 0; i < 100; i++) callerIdOf({ authorization: `Basic passing-${wave}-${i}` });
        for (const caller of live) callerIdOf(caller);
      }
      // Only the 1,200 passing callers were hashed; a memo that starts over when full
      // would have hashed the live ones again after each time it did.
      expect(hashes).toHaveBeenCalledTimes(1_200);
    } finally {
      hashes.mockRestore();
    }
  });
});

describe('fairnessAccountOf', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  const alice = { authorization: basic('alice:abc123') };

  it('gives every spelling the API accepts alike the same account', () => {
    const account = fairnessAccountOf(alice);
    const encoded = alice.authorization.slice('Basic '.length);
    for (const spelled of [
      { authorization: `basic ${encoded}` },
      { authorization: `BASIC \t ${encoded}  ` },
      // The secret is a hex md5: its case does not matter to the API.
      { authorization: basic('alice:ABC123') },
    ]) {
      expect(fairnessAccountOf(spelled)).toBe(account);
    }
    expect(fairnessAccountOf({ oauthToken: ' token-1 ' })).toBe(
      fairnessAccountOf({ oauthToken: 'token-1' }),
    );
  });

  it('never gives other credentials, or the same beside another header, the same account', () => {
    const accounts = new Set(
      [
        alice,
        { authorization: basic('alice:abc124') },
        { authorization: basic('Alice:abc123') },
        { authorization: basic('bob:abc123') },
        { authorization: 'Basic alice:abc123' },
        { authorization: 'Bearer alice:abc123' },
        { authorization: 'Bearer TOKEN' },
        { authorization: 'Bearer token' },
        { oauthToken: alice.authorization },
        // A header the API passes over holds no secret: never an account shared by all who send it.
        { ...alice, oauthToken: 'undefined' },
        { authorization: basic('mallory:x'), oauthToken: 'undefined' },
        { authorization: `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}` },
        { authorization: `Basic ${Buffer.from([0x61, 0x3a, 0xfe]).toString('base64')}` },
        {},
      ].map((credentials) => fairnessAccountOf(credentials)),
    );
    expect(accounts.size).toBe(14);
  });

  it('holds no secret: an account is a hash', () => {
    expect(fairnessAccountOf(alice)).toMatch(/^[0-9a-f]{64}$/);
  });
});
