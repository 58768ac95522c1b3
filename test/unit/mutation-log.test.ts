import 'reflect-metadata';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Field, Int, ObjectType } from 'type-graphql';
import { MutationError } from '../../src/schema/mutation-error.interface';
import { Enrolment } from '../../src/schema/issued.type';
import { CustomerEnrolment, EnrolCustomersResult } from '../../src/schema/result.type';
import { InvalidProgramError } from '../../src/schema/upstream-errors.type';
import { logMutation, type MutationLogFacts } from '../../src/observability/mutation-log';

/** A type built by a factory, as src/schema/upstream-errors.type.ts builds its own. */
function factoryErrorType(name: string) {
  @ObjectType(name, { implements: MutationError })
  class FactoryMadeError extends MutationError {
    @Field(() => Int)
    upstreamCode!: number;
  }
  return FactoryMadeError;
}
const SomeUpstreamError = factoryErrorType('SomeUpstreamError');

function logged(payload: object): Record<string, unknown> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const facts: MutationLogFacts = {
    operationName: 'Enrol',
    action: 'ENROL',
    customers: 3,
    started: performance.now(),
  };
  logMutation(logger, facts, null, payload);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function error<T extends MutationError>(type: new () => T): T {
  return Object.assign(new type(), { message: 'x', retryable: false, upstreamCode: 8015 });
}

describe('the mutation log names outcomes by their GraphQL type', () => {
  it('names a payload built by a class factory by its GraphQL type, not the class', () => {
    expect(SomeUpstreamError.name).toBe('FactoryMadeError');
    expect(logged(error(SomeUpstreamError))).toMatchObject({
      outcome: 'SomeUpstreamError',
      successCount: 0,
      failureCount: 3,
    });
    expect(logged(error(InvalidProgramError))).toMatchObject({ outcome: 'InvalidProgramError' });
  });

  it("counts a result's failed customers by outcome type, and leaves out successes", () => {
    const outcomes = [
      error(SomeUpstreamError),
      new Enrolment(),
      error(SomeUpstreamError),
      error(InvalidProgramError),
    ];
    const result = Object.assign(new EnrolCustomersResult(), {
      totalCount: 4,
      successCount: 1,
      failureCount: 3,
      replayed: false,
      results: outcomes.map((outcome) =>
        Object.assign(new CustomerEnrolment(), {
          identifierValue: '1',
          source: 'INSTORE',
          outcome,
        }),
      ),
    });
    expect(logged(result)).toMatchObject({
      outcome: 'EnrolCustomersResult',
      successCount: 1,
      failureCount: 3,
      failures: { SomeUpstreamError: 2, InvalidProgramError: 1 },
    });
  });
});
