import { Field, InterfaceType } from 'type-graphql';

@InterfaceType({ description: 'Every error a mutation can answer with, as data.' })
export abstract class MutationError {
  @Field(() => String, { description: 'What went wrong, for people.' })
  message!: string;

  @Field(() => Boolean, {
    description:
      'True when sending the same mutation again, with the same idempotencyKey, may succeed.',
  })
  retryable!: boolean;
}
