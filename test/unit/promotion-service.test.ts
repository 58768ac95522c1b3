import { callerIdOf } from '../../src/domain/caller';
import type { CustomerOutcome } from '../../src/domain/outcome';
import type { Credentials, PromotionRequest } from '../../src/domain/promotion';
import { MemoryIdempotencyStore } from '../../src/idempotency';
import { PromotionService, type PromotionSubmitter } from '../../src/promotion/promotion.service';
import type { UncheckedPromotionInput } from '../../src/promotion/validate-input';

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

function serviceWith(submitter: PromotionSubmitter) {
  const store = new MemoryIdempotencyStore({ ttlSeconds: 60 });
  const service = new PromotionService(submitter, store, {
    maxCustomersPerMutation: 10,
    timeoutMs: 1000,
  });
  return { service, store };
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

  it('treats an EARN reported issued without an earnedId as unknown, and asks again for it under its key', async () => {
    const earned = (id: string): CustomerOutcome => ({
      kind: 'ISSUED',
      entityId: id,
      programId: 469,
      promotionId: 57099,
      promoIdentifier: null,
      issualId: `i-${id}`,
      earnedId: `e-${id}`,
      warnings: [],
    });
    const submitter = new ScriptedSubmitter([
      () => [earned('1'), issued('2')],
      (request) => request.customers.map((c) => earned(c.identifierValue)),
    ]);
    const { service, store } = serviceWith(submitter);
    const first = await service.run('EARN', input(['1', '2'], 'k-earn'), credentials);
    const second = await service.run('EARN', input(['1', '2'], 'k-earn'), credentials);
    await store.close();

    expect(first).toMatchObject({
      kind: 'RESULT',
      outcomes: [earned('1'), { kind: 'OUTCOME_UNKNOWN' }],
    });
    expect(submitter.sent).toEqual([['1', '2'], ['2']]);
    expect(second).toMatchObject({ kind: 'RESULT', outcomes: [earned('1'), earned('2')] });
  });

  it('throws, and keeps the earlier partial answer, when the API refuses the credentials on a retry', async () => {
    const submitter = new ScriptedSubmitter([
      () => [issued('1'), unknown],
      () => [{ kind: 'AUTH_REJECTED', status: 401, message: 'expired' }],
      (request) => request.customers.map((c) => issued(c.identifierValue)),
    ]);
    const { service, store } = serviceWith(submitter);
    await service.run('ENROL', input(['1', '2'], 'k-auth'), credentials);
    await expect(
      service.run('ENROL', input(['1', '2'], 'k-auth'), credentials),
    ).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
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

  it('throws UNAUTHENTICATED without credentials and FORBIDDEN when the API refused with 403', async () => {
    const submitter = new ScriptedSubmitter([
      () => [{ kind: 'AUTH_REJECTED', status: 403, message: 'no' }],
    ]);
    const { service, store } = serviceWith(submitter);
    await expect(service.run('ENROL', input(['1']), {})).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await expect(service.run('ENROL', input(['1'], 'k4'), credentials)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    // The refused key is free again: nothing was stored for it.
    const claim = await store.claim(callerIdOf(credentials), 'k4', 'any', 1000);
    await store.close();
    expect(claim.status).toBe('CLAIMED');
  });
});
