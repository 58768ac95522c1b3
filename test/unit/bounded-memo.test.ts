import { BoundedMemo } from '../../src/bounded-memo';

describe('BoundedMemo', () => {
  it('remembers what it was given', () => {
    const memo = new BoundedMemo<number>(3, 10);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
    expect(memo.get('b')).toBeUndefined();
  });

  it('never keeps a key longer than its bound', () => {
    const memo = new BoundedMemo<number>(3, 4);
    memo.set('abcd', 1);
    memo.set('abcde', 2);
    expect(memo.get('abcd')).toBe(1);
    expect(memo.get('abcde')).toBeUndefined();
  });

  it('starts over when it holds its bound of entries', () => {
    const memo = new BoundedMemo<number>(2, 10);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, undefined, 3]);
  });
});
