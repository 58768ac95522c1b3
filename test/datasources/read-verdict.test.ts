import { readVerdictOf } from '../../src/datasources/read-verdict';
import {
  AttemptTimeoutError,
  DeadlineExceededError,
} from '../../src/datasources/upstream-dispatch';

const sentFailed = (error: Error) => ({ kind: 'sent-failed' as const, error });
const noBody = () => null;

describe('readVerdictOf, a read sent and not answered', () => {
  it('retries it, and counts it against the API when the API was too slow or the connection failed', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    for (const error of [new AttemptTimeoutError(), reset]) {
      expect(readVerdictOf(sentFailed(error), noBody, Date.now())).toMatchObject({
        kind: 'retry',
        breakerFailure: true,
      });
    }
  });

  it('counts it neither against nor for the API when its own deadline cut it (it waited long for a slot)', () => {
    expect(
      readVerdictOf(sentFailed(new DeadlineExceededError()), noBody, Date.now()),
    ).toMatchObject({ kind: 'retry', breakerFailure: null });
  });

  it('counts a read still waiting for a socket at its deadline neither way: our pool was busy', () => {
    expect(
      readVerdictOf({ kind: 'not-sent', error: new DeadlineExceededError() }, noBody, Date.now()),
    ).toMatchObject({ kind: 'retry', breakerFailure: null });
  });
});
