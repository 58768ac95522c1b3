import { ReadSlots } from '../../src/datasources/read-slots';

const far = () => Date.now() + 60_000;

describe('ReadSlots', () => {
  it('grants at once while slots are free, then makes reads wait for one', async () => {
    const slots = new ReadSlots(2);
    expect(await slots.acquire('a', far())).toBe('granted');
    expect(await slots.acquire('a', far())).toBe('granted');
    let third: string | undefined;
    const waiting = slots.acquire('a', far()).then((r) => (third = r));
    await Promise.resolve();
    expect(third).toBeUndefined();
    slots.release();
    await waiting;
    expect(third).toBe('granted');
  });

  it('hands freed slots to the waiting callers in turn, one read each, oldest first within a caller', async () => {
    const slots = new ReadSlots(1);
    expect(await slots.acquire('flood', far())).toBe('granted');
    const order: string[] = [];
    const waits = [
      ...['flood-1', 'flood-2', 'flood-3'].map((name) =>
        slots.acquire('flood', far()).then(() => order.push(name)),
      ),
      slots.acquire('acme', far()).then(() => order.push('acme-1')),
      slots.acquire('acme', far()).then(() => order.push('acme-2')),
      slots.acquire('other', far()).then(() => order.push('other-1')),
    ];
    for (let i = 0; i < waits.length; i++) {
      slots.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waits);
    expect(order).toEqual(['flood-1', 'acme-1', 'other-1', 'flood-2', 'acme-2', 'flood-3']);
  });

  it('answers late at the deadline, and a late read takes no slot', async () => {
    const slots = new ReadSlots(1);
    expect(await slots.acquire('a', far())).toBe('granted');
    expect(await slots.acquire('b', Date.now() + 20)).toBe('late');
    expect(await slots.acquire('b', Date.now() - 1)).toBe('late');
    slots.release();
    // The slot came back to the pool: nobody was waiting for it.
    expect(await slots.acquire('c', far())).toBe('granted');
  });
});
