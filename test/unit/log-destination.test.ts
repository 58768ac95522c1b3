import { Writable } from 'node:stream';
import { streamLogDestination } from '../../src/observability/logger';

/** A stream whose reader has stalled until `release()`: every write waits for it. */
function stalledStream() {
  const written: string[] = [];
  const waiting: Array<() => void> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      waiting.push(done);
    },
  });
  return {
    stream,
    written,
    release() {
      while (waiting.length > 0) waiting.shift()!();
    },
  };
}

const line = (n: number): string => `${JSON.stringify({ level: 30, msg: `line ${n}` })}\n`;

describe('log destination (stdout never blocks the gateway)', () => {
  it('drops and counts lines while more than its bound waits, then says how many it dropped', () => {
    const { stream, written, release } = stalledStream();
    const destination = streamLogDestination(stream, 2 * line(0).length);
    for (let n = 0; n < 10; n++) destination.write(line(n));
    expect(destination.droppedLines).toBe(7);

    release();
    destination.write(line(10));
    release();
    const after = written
      .join('')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as object);
    expect(after).toEqual([
      { level: 30, msg: 'line 0' },
      { level: 30, msg: 'line 1' },
      { level: 30, msg: 'line 2' },
      {
        level: 40,
        time: expect.any(Number),
        droppedLines: 7,
        msg: 'log lines dropped: stdout was full',
      },
      { level: 30, msg: 'line 10' },
    ]);
  });

  it('stops writing once its reader is gone', () => {
    const stream = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const destination = streamLogDestination(stream);
    destination.write(line(0));
    return new Promise<void>((resolve) => {
      stream.once('error', () => {
        destination.write(line(1));
        expect(destination.droppedLines).toBe(1);
        resolve();
      });
    });
  });

  it('drained() waits for what was written, and no longer than it is told', async () => {
    const { stream, release } = stalledStream();
    const destination = streamLogDestination(stream);
    destination.write(line(0));
    // Nobody reads: the wait ends at its bound.
    await destination.drained(50);

    let drained = false;
    const waiting = destination.drained(60_000).then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    release();
    await waiting;
    expect(drained).toBe(true);
  });
});
