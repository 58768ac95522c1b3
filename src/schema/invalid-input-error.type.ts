import { Field, ObjectType } from 'type-graphql';
import { MutationError } from './mutation-error.interface';

@ObjectType({
  simpleResolvers: true,
  description: 'One problem with the input.',
})
export class InputViolation {
  @Field(() => String, {
    description: 'Path of the offending field, like "customers[3].identifierValue".',
  })
  field!: string;

  @Field(() => String, { description: 'What is wrong with it.' })
  message!: string;
}

@ObjectType({
  simpleResolvers: true,
  implements: MutationError,
  description: 'The input was refused before anything was sent; every violation is listed.',
})
export class InvalidInputError extends MutationError {
  @Field(() => [InputViolation], {
    description:
      'Every problem found, all at once: at most 100 per HTTP request, then one entry of field "input" saying more were left out.',
  })
  violations!: InputViolation[];
}
