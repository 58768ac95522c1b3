import { registerEnumType } from 'type-graphql';

export enum IdempotencyConflictReason {
  IN_PROGRESS = 'IN_PROGRESS',
  INPUT_MISMATCH = 'INPUT_MISMATCH',
}

registerEnumType(IdempotencyConflictReason, {
  name: 'IdempotencyConflictReason',
  description: 'Why a mutation with an idempotencyKey could not run.',
  valuesConfig: {
    IN_PROGRESS: {
      description: 'An earlier mutation with this key is still running; retry later.',
    },
    INPUT_MISMATCH: { description: 'This key was already used with a different input.' },
  },
});
