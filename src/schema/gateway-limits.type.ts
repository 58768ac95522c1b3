import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: "This gateway's limits, so clients can size their mutations.",
})
export class GatewayLimits {
  @Field(() => Int, {
    description: 'Most customers one mutation may carry (MAX_CUSTOMERS_PER_MUTATION).',
  })
  maxCustomersPerMutation!: number;

  @Field(() => Int, { description: 'Most customers sent in one API call (UPSTREAM_BATCH_SIZE).' })
  upstreamBatchSize!: number;

  @Field(() => Int, {
    description:
      'Longest wait, in ms, to coalesce concurrent mutations into one API call (BATCH_WINDOW_MS).',
  })
  batchWindowMs!: number;
}
