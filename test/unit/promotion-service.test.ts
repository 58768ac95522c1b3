import { callerIdOf } from '../../src/domain/caller';
import type { CustomerOutcome } from '../../src/domain/outcome';
import type { Credentials, PromotionRequest } from '../../src/domain/promotion';
import type { LookupQuery } from '../../src/domain/promotion-read';
import {
  IdempotencyStoreFullError,
  IdempotencyStoreUnavailableError,
  MemoryIdempotencyStore,
  type IdempotencyStore,
} from '../../src/idempotency';
import { PromotionService, type PromotionSubmitter } from '../../src/promotion/promotion.service';
import {
  UnknownOutcomeReconciler,
  type CustomerLookups,
} from '../../src/promotion/unknown-outcome.reconciler';
import type { UncheckedPromotionInput } from '../../src/promotion/validate-input';
import { capturedLogger, type LogLine } from '../idempotency/support';

const credentials: Credentials = { authorization: 'Basic abc' };
const issued = (id: string): CustomerOutcome => ({
  kind: 'ISSUED',
  entityId: id,
  programId: 469,
  promotionId: 57099,
  promoIdentifier: null,
  issualId: `i-${id}`,
  earnedId: null,
  warnings: [],
});
const unknown: CustomerOutcome = { kind: 'OUTCOME_UNKNOWN', message: 'socket reset' };

/** Answers from a script, and records which customers each submit carried. */
class ScriptedSubmitter implements PromotionSubmitter {
  readonly sent: string[][] = [];
  constructor(private readonly script: ((request: PromotionRequest) => CustomerOutcome[])[]) {}
  async submit(request: PromotionRequest): Promise<CustomerOutcome[]> {
    this.sent.push(request.customers.map((c) => c.identifierValue));
    const next = this.script.shift();
    if (!next) throw new Error('unexpected submit');
    return next(request);
  }
}

function input(ids: string[], idempotencyKey?: string): UncheckedPromotionInput {
  return {
    promotion: { programId: 469, promotionId: 57099 },
    identifierName: 'id',
    customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
    idempotencyKey: idempotencyKey ?? null,
  };
}

function serviceWith(
  submitter: PromotionSubmitter,
  store: IdempotencyStore = new MemoryIdempotencyStore({ ttlSeconds: 60 }),
) {
  const { logger, lines } = capturedLogger();
  const service = new PromotionService(submitter, store, {
    maxCustomersPerMutation: 10,
    timeoutMs: 1000,
    logger,
  });
  return { service, store, lines };
}

type StoreOperations = Pick<IdempotencyStore, 'claim' | 'complete' | 'release'>;

/** A memory store with some operations replaced, to script how the store fails. */
function storeWith(
  overrides: Partial<StoreOperations> & { operationTimeoutMs?: number },
): IdempotencyStore {
  const inner = new MemoryIdempotencyStore({ ttlSeconds: 60 });
  return {
    claim: overrides.claim ?? ((...args) => inner.claim(...args)),
    complete: overrides.complete ?? ((...args) => inner.complete(...args)),
    release: overrides.release ?? ((...args) => inner.release(...args)),
    ping: () => inner.ping(),
    close: () => inner.close(),
    operationTimeoutMs: overrides.operationTimeoutMs ?? inner.operationTimeoutMs,
  };
}

const refused = (status: 401 | 403): CustomerOutcome => ({
  kind: 'AUTH_REJECTED',
  status,
  message: 'refused',
});
/** A refusal is a plain value: no GraphQL error, no HTTP status (the resolver maps it). */
const refusal = (kind: 'UNAUTHENTICATED' | 'FORBIDDEN') => ({ kind, message: expect.any(String) });
const unavailable: CustomerOutcome = { kind: 'UNAVAILABLE', message: 'open circuit' };
const rateLimited: CustomerOutcome = {
  kind: 'RATE_LIMITED',
  message: 'slow down',
  retryAfterSeconds: 3,
};

/** The log lines' text must hold neither the key nor the caller's credentials. */
function expectNoSecrets(lines: LogLine[], key: string): void {
  const text = JSON.stringify(lines);
  expect(text).not.toContain(key);
  expect(text).not.toContain('Basic abc');
}

describe('PromotionService', () => {
  it('asks again only for the customers whose outcome was unknown, and merges the answers', async () => {
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), unknown, issued('3'), unknown],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const { service, store } = serviceWith(submitter);
    const first = await service.run('ENROL', input(['1', '2', '3', '4'], 'k1'), credentials);
    const second = await service.run('ENROL', input(['1', '2', '3', '4'], 'k1'), credentials);
    const third = await service.run('ENROL', input(['1', '2', '3', '4'], 'k1'), credentials);
    await store.close();

    expect(submitter.sent).toEqual([
      ['1', '2', '3', '4'],
      ['2', '4'],
    ]);
    expect(first).toMatchObject({
      kind: 'RESULT',
      outcomes: [issued('1'), unknown, issued('3'), unknown],
    });
    expect(second).toMatchObject({
      kind: 'RESULT',
      replayed: false,
      outcomes: [issued('1'), issued('2'), issued('3'), issued('4')],
    });
    expect(third).toMatchObject({ kind: 'RESULT', replayed: true });
  });

  it('refuses, and keeps the earlier partial answer, when the API refuses the credentials on a retry', async () => {
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), unknown],
      () => [{ kind: 'AUTH_REJECTED', status: 401, message: 'expired' }],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const { service, store } = serviceWith(submitter);
    await service.run('ENROL', input(['1', '2'], 'k-auth'), credentials);
    await expect(service.run('ENROL', input(['1', '2'], 'k-auth'), credentials)).resolves.toEqual(
      refusal('UNAUTHENTICATED'),
    );
    const third = await service.run('ENROL', input(['1', '2'], 'k-auth'), credentials);
    await store.close();
    expect(submitter.sent).toEqual([['1', '2'], ['2'], ['2']]);
    expect(third).toMatchObject({ kind: 'RESULT', outcomes: [issued('1'), issued('2')] });
  });

  it('answers IN_PROGRESS to the same key while the first call is still running', async () => {
    let finish: (outcomes: CustomerOutcome[]) => void = () => undefined;
    const slow: PromotionSubmitter = {
      submit: () => new Promise((resolve) => (finish = resolve)),
    };
    const { service, store } = serviceWith(slow);
    const running = service.run('ENROL', input(['1'], 'k2'), credentials);
    const second = await service.run('ENROL', input(['1'], 'k2'), credentials);
    finish([issued('1')]);
    await running;
    await store.close();
    expect(second).toEqual({ kind: 'IDEMPOTENCY_CONFLICT', reason: 'IN_PROGRESS' });
  });

  it('answers INPUT_MISMATCH when a key comes back with another input', async () => {
    const submitter = new ScriptedSubmitter([() => [issued('1')]]);
    const { service, store } = serviceWith(submitter);
    await service.run('ENROL', input(['1'], 'k3'), credentials);
    const other = await service.run('ENROL', input(['2'], 'k3'), credentials);
    const otherAction = await service.run('EARN', input(['1'], 'k3'), credentials);
    await store.close();
    expect(other).toEqual({ kind: 'IDEMPOTENCY_CONFLICT', reason: 'INPUT_MISMATCH' });
    expect(otherAction).toEqual({ kind: 'IDEMPOTENCY_CONFLICT', reason: 'INPUT_MISMATCH' });
    expect(submitter.sent).toHaveLength(1);
  });

  it('keeps keys of different credentials apart', async () => {
    const submitter = new ScriptedSubmitter([() => [issued('1')], () => [issued('1')]]);
    const { service, store } = serviceWith(submitter);
    await service.run('ENROL', input(['1'], 'shared'), credentials);
    const other = await service.run('ENROL', input(['1'], 'shared'), {
      authorization: 'Basic other',
    });
    await store.close();
    expect(other).toMatchObject({ kind: 'RESULT', replayed: false });
    expect(submitter.sent).toHaveLength(2);
  });

  it('refuses as UNAUTHENTICATED without credentials, and as FORBIDDEN when the API refused with 403', async () => {
    const submitter = new ScriptedSubmitter([
      () => [{ kind: 'AUTH_REJECTED', status: 403, message: 'no' }],
    ]);
    const { service, store } = serviceWith(submitter);
    await expect(service.run('ENROL', input(['1']), {})).resolves.toEqual(
      refusal('UNAUTHENTICATED'),
    );
    await expect(service.run('ENROL', input(['1'], 'k4'), credentials)).resolves.toEqual(
      refusal('FORBIDDEN'),
    );
    // The refused key is free again: nothing was stored for it.
    const claim = await store.claim(callerIdOf(credentials), 'k4', 'any', 1000);
    await store.close();
    expect(claim.status).toBe('CLAIMED');
  });

  it('answers UNAUTHENTICATED when some calls were refused and the others only failed on the path, and frees the key', async () => {
    const submitter = new ScriptedSubmitter([
      () => [refused(401), refused(401), unknown, unavailable, rateLimited],
      () => [refused(401), unknown, refused(403)],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const { service, store } = serviceWith(submitter);
    await expect(
      service.run('ENROL', input(['1', '2', '3', '4', '5'], 'k-mixed'), credentials),
    ).resolves.toEqual(refusal('UNAUTHENTICATED'));
    await expect(service.run('ENROL', input(['1', '2', '3']), credentials)).resolves.toEqual(
      refusal('UNAUTHENTICATED'),
    );
    // Nothing was stored for the key: the retry asks the API for every customer.
    const retried = await service.run(
      'ENROL',
      input(['1', '2', '3', '4', '5'], 'k-mixed'),
      credentials,
    );
    await store.close();
    expect(submitter.sent).toEqual([
      ['1', '2', '3', '4', '5'],
      ['1', '2', '3'],
      ['1', '2', '3', '4', '5'],
    ]);
    expect(retried).toMatchObject({ kind: 'RESULT', replayed: false });
  });

  it('answers FORBIDDEN when the refusals were all 403 and the rest failed on the path', async () => {
    const submitter = new ScriptedSubmitter([() => [unavailable, refused(403)]]);
    const { service, store } = serviceWith(submitter);
    await expect(service.run('ENROL', input(['1', '2'], 'k-403'), credentials)).resolves.toEqual(
      refusal('FORBIDDEN'),
    );
    const claim = await store.claim(callerIdOf(credentials), 'k-403', 'any', 1000);
    await store.close();
    expect(claim.status).toBe('CLAIMED');
  });

  it('keeps the per-customer result when a refusal sits beside an answer of the API', async () => {
    const perCustomer: CustomerOutcome = {
      kind: 'UPSTREAM_ERROR',
      code: 8015,
      message: 'customer not found',
      scope: 'customer',
    };
    const submitter = new ScriptedSubmitter([
      () => [refused(401), issued('2')],
      () => [refused(401), perCustomer, unknown],
    ]);
    const { service, store } = serviceWith(submitter);
    const withIssued = await service.run('ENROL', input(['1', '2']), credentials);
    const withUpstream = await service.run('ENROL', input(['1', '2', '3']), credentials);
    await store.close();
    expect(withIssued).toMatchObject({ kind: 'RESULT', outcomes: [refused(401), issued('2')] });
    expect(withUpstream).toMatchObject({
      kind: 'RESULT',
      outcomes: [refused(401), perCustomer, unknown],
    });
  });

  it('answers RateLimitedError without calling the API when the store is full, and logs it without the key', async () => {
    const submitter = new ScriptedSubmitter([]);
    const store = storeWith({
      claim: () => Promise.reject(new IdempotencyStoreFullError(1_500)),
    });
    const { service, lines } = serviceWith(submitter, store);
    const answer = await service.run('ENROL', input(['1'], 'order-secret-key'), credentials);
    await store.close();
    expect(answer).toEqual({
      kind: 'HOISTED',
      outcome: { kind: 'RATE_LIMITED', message: expect.any(String), retryAfterSeconds: 2 },
    });
    expect(submitter.sent).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(/idempotency store is full/),
        retryAfterSeconds: 2,
      }),
    ]);
    expectNoSecrets(lines, 'order-secret-key');
  });

  it('answers UpstreamUnavailableError when the store fails, and logs the cause', async () => {
    const submitter = new ScriptedSubmitter([]);
    const store = storeWith({
      claim: () =>
        Promise.reject(
          new IdempotencyStoreUnavailableError('Redis idempotency store failed', {
            cause: new Error('connect ECONNREFUSED 127.0.0.1:6390'),
          }),
        ),
    });
    const { service, lines } = serviceWith(submitter, store);
    const answer = await service.run('ENROL', input(['1'], 'order-secret-key'), credentials);
    await store.close();
    expect(answer).toMatchObject({ kind: 'HOISTED', outcome: { kind: 'UNAVAILABLE' } });
    expect(submitter.sent).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: expect.stringMatching(/idempotency store failed/),
        err: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
      }),
    ]);
    expectNoSecrets(lines, 'order-secret-key');
  });

  it('logs when its record was lost or taken over before it could be stored', async () => {
    const submitter = new ScriptedSubmitter([() => [issued('1')]]);
    const store = storeWith({ complete: () => Promise.resolve(false) });
    const { service, lines } = serviceWith(submitter, store);
    const answer = await service.run('ENROL', input(['1'], 'order-secret-key'), credentials);
    await store.close();
    expect(answer).toMatchObject({ kind: 'RESULT', outcomes: [issued('1')] });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/lost or taken over/) }),
    ]);
    expectNoSecrets(lines, 'order-secret-key');
  });

  it('logs, with its cause, a release the store could not do', async () => {
    const submitter = new ScriptedSubmitter([() => [refused(401)]]);
    const store = storeWith({
      release: () => Promise.reject(new IdempotencyStoreUnavailableError('Redis timed out')),
    });
    const { service, lines } = serviceWith(submitter, store);
    await expect(
      service.run('ENROL', input(['1'], 'order-secret-key'), credentials),
    ).resolves.toEqual(refusal('UNAUTHENTICATED'));
    await store.close();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: expect.stringMatching(/could not release/),
        err: expect.objectContaining({ message: 'Redis timed out' }),
      }),
    ]);
  });

  it('logs every failed attempt to store a record, and gives up after the last', async () => {
    const submitter = new ScriptedSubmitter([() => [issued('1')]]);
    let attempts = 0;
    const store = storeWith({
      complete: () => {
        attempts += 1;
        return Promise.reject(new IdempotencyStoreUnavailableError(`attempt ${attempts} failed`));
      },
    });
    const { service, lines } = serviceWith(submitter, store);
    const answer = await service.run('ENROL', input(['1'], 'k-complete'), credentials);
    await store.close();
    expect(answer).toMatchObject({ kind: 'RESULT', outcomes: [issued('1')] });
    expect(lines.map((line) => [line.level, (line.err as { message: string }).message])).toEqual([
      [40, 'attempt 1 failed'],
      [40, 'attempt 2 failed'],
      [50, 'attempt 3 failed'],
    ]);
  });

  it('leases the key for the deadline plus every attempt to store its record', async () => {
    const submitter = new ScriptedSubmitter([() => [issued('1')]]);
    const leases: number[] = [];
    const inner = new MemoryIdempotencyStore({ ttlSeconds: 60 });
    const store = storeWith({
      operationTimeoutMs: 4_000,
      claim: (scope, key, inputHash, leaseMs) => {
        leases.push(leaseMs);
        return inner.claim(scope, key, inputHash, leaseMs);
      },
      complete: (...args) => inner.complete(...args),
    });
    const { service } = serviceWith(submitter, store);
    await service.run('ENROL', input(['1'], 'k-lease'), credentials);
    await Promise.all([store.close(), inner.close()]);
    // timeoutMs 1000; three attempts of at most 4000 ms each, 100 and 200 ms apart.
    expect(leases).toHaveLength(1);
    expect(leases[0]).toBeGreaterThanOrEqual(1_000 + 3 * 4_000 + 100 + 200);
  });
});

/** Lookups answered from the customers' enrolments of 57099 (dated now); records who was looked up. */
class EnrolmentLookups implements CustomerLookups {
  readonly asked: string[] = [];
  constructor(private readonly enrolled: Record<string, string[]>) {}
  async lookupPromotionData(_credentials: Credentials, query: LookupQuery) {
    this.asked.push(query.identifierValue);
    const ids = this.enrolled[query.identifierValue] ?? [];
    return {
      kind: 'OK' as const,
      value: {
        entityId: query.identifierValue,
        totalCount: 1,
        promotions: [
          {
            programId: 469,
            promotionId: 57099,
            promoIdentifier: null,
            name: 'Review reward',
            description: null,
            kind: 'ENROL_AND_ISSUE' as const,
            active: true,
            startsAt: null,
            endsAt: null,
            usage: {
              maxTimesPerCustomer: null,
              timesUsedByCustomer: null,
              maxPointsPerCustomer: null,
              pointsUsedByCustomer: null,
              maxPointsPerEvent: null,
              maxPointsInPromotion: null,
              pointsUsedInPromotion: null,
            },
            enrolments: ids.map((issualId) => ({
              issualId,
              enrolledAt: new Date(),
              expiresAt: null,
              earnings: [],
            })),
          },
        ],
      },
    };
  }
}

function reconcilingServiceWith(submitter: PromotionSubmitter, lookups: CustomerLookups) {
  const store = new MemoryIdempotencyStore({ ttlSeconds: 60 });
  const service = new PromotionService(submitter, store, {
    maxCustomersPerMutation: 10,
    timeoutMs: 1000,
    reconciler: new UnknownOutcomeReconciler(lookups, { clockSkewMs: 120_000 }),
  });
  return { service, store };
}

describe('PromotionService reconciling unknown outcomes', () => {
  const sentNow = (): CustomerOutcome => ({ ...unknown, sentAt: Date.now() });

  it('reports the work the lookup finds and sends only the customers it cannot account for', async () => {
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), sentNow(), sentNow()],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const lookups = new EnrolmentLookups({ '2': ['7002'], '3': [] });
    const { service, store } = reconcilingServiceWith(submitter, lookups);

    await service.run('ENROL', input(['1', '2', '3'], 'k'), credentials);
    const retried = await service.run('ENROL', input(['1', '2', '3'], 'k'), credentials);
    await store.close();

    expect(lookups.asked).toEqual(['2', '3']);
    expect(submitter.sent).toEqual([['1', '2', '3'], ['3']]);
    expect(retried).toMatchObject({
      kind: 'RESULT',
      outcomes: [issued('1'), { kind: 'ISSUED', entityId: '2', issualId: '7002' }, issued('3')],
    });
  });

  it('sends again, without a lookup, a customer whose record has no sentAt (kept before it was)', async () => {
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), unknown],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const lookups = new EnrolmentLookups({ '2': ['7002'] });
    const { service, store } = reconcilingServiceWith(submitter, lookups);

    await service.run('ENROL', input(['1', '2'], 'k'), credentials);
    const retried = await service.run('ENROL', input(['1', '2'], 'k'), credentials);
    await store.close();

    expect(lookups.asked).toEqual([]);
    expect(submitter.sent).toEqual([['1', '2'], ['2']]);
    expect(retried).toMatchObject({ kind: 'RESULT', outcomes: [issued('1'), issued('2')] });
  });

  it('keeps a customer unknown, with its first call time, when the re-send was only rate limited', async () => {
    const first = sentNow();
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), first],
      () => [{ kind: 'RATE_LIMITED', message: 'slow down', retryAfterSeconds: 1 }],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    // Two enrolments since the call: the lookup cannot tell, so the customer is sent each time.
    const lookups = new EnrolmentLookups({ '2': ['7002', '7003'] });
    const { service, store } = reconcilingServiceWith(submitter, lookups);

    await service.run('ENROL', input(['1', '2'], 'k'), credentials);
    const limited = await service.run('ENROL', input(['1', '2'], 'k'), credentials);
    const last = await service.run('ENROL', input(['1', '2'], 'k'), credentials);
    await store.close();

    expect(limited).toMatchObject({ kind: 'RESULT', outcomes: [issued('1'), first] });
    expect(lookups.asked).toEqual(['2', '2']);
    expect(submitter.sent).toEqual([['1', '2'], ['2'], ['2']]);
    expect(last).toMatchObject({ kind: 'RESULT', outcomes: [issued('1'), issued('2')] });
  });
});
