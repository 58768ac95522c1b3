/**
 * Union members must be class instances: type-graphql resolves the member by instanceof.
 * `fields` is inferred from `type` alone, so a missing field (an Earning without an
 * earnedId, an error without `retryable`) does not compile.
 */
export function build<T extends object>(type: new () => T, fields: NoInfer<T>): T {
  return Object.assign(new type(), fields);
}
