import { Field, Int, ObjectType } from 'type-graphql';
import { IdempotencyConflictReason } from './idempotency-conflict-reason.enum';
import { MutationError } from './mutation-error.interface';

@ObjectType({
  simpleResolvers: true,
  implements: MutationError,
  description:
    'The promotion API could not be reached (refused, DNS, connect timeout, open circuit, overloaded). Nothing was processed.',
})
export class UpstreamUnavailableError extends MutationError {}

@ObjectType({
  simpleResolvers: true,
  implements: MutationError,
  description:
    'The promotion API or this gateway asked callers to slow down. Nothing was processed.',
})
export class RateLimitedError extends MutationError {
  @Field(() => Int, { nullable: true, description: 'Seconds to wait before retrying, when known.' })
  retryAfterSeconds?: number | null;
}

@ObjectType({
  simpleResolvers: true,
  implements: MutationError,
  description:
    'The request was sent but no trustworthy answer came back: it may or may not have been processed. Retry with the same idempotencyKey to find out without doing it twice.',
})
export class OutcomeUnknownError extends MutationError {}

@ObjectType({
  simpleResolvers: true,
  implements: MutationError,
  description:
    'The idempotencyKey is in use by a running mutation, or was used with another input.',
})
export class IdempotencyConflictError extends MutationError {
  @Field(() => IdempotencyConflictReason, { description: 'Why the key could not be used.' })
  reason!: IdempotencyConflictReason;
}
