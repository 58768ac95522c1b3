import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: 'A warning the promotion API attached to a successful result.',
})
export class UpstreamWarning {
  @Field(() => Int, { description: "The promotion API's warning code." })
  upstreamCode!: number;

  @Field(() => String, { description: 'The warning as the API worded it.' })
  message!: string;
}
