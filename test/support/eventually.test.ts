import { EventEmitter, once } from 'node:events';
import { eventually, within } from './eventually';

describe('eventually', () => {
  it('returns the first value that satisfies the condition', async () => {
    let calls = 0;
    const value = await eventually(() => ++calls, {
      describe: 'three calls',
      until: (n) => n >= 3,
    });
    expect(value).toBe(3);
  });

  it('fails after its deadline, naming what it waited for and the last value', async () => {
    await expect(
      eventually(async () => 'never', {
        describe: 'the ready line',
        until: (line) => line === 'ready',
        timeoutMs: 50,
      }),
    ).rejects.toThrow(/^timed out after 50 ms waiting for the ready line; last value "never"$/);
  });
});

describe('within', () => {
  it('resolves with the event once it comes', async () => {
    const emitter = new EventEmitter();
    const event = within(once(emitter, 'ready'), { describe: 'ready' });
    emitter.emit('ready', 42);
    await expect(event).resolves.toEqual([42]);
  });

  it('fails after its deadline, naming the event', async () => {
    await expect(
      within(new Promise(() => undefined), {
        describe: 'an event that never comes',
        timeoutMs: 50,
      }),
    ).rejects.toThrow('timed out after 50 ms waiting for an event that never comes');
  });
});
