import type { IdentifierName } from './promotion';

/**
 * One customer, however it was spelled: emails differ only in case, a mobile with or
 * without its leading "+", an id with or without leading zeros. Validation refuses the
 * same customer twice in one mutation by it, and the batcher keeps it out of one call.
 */
export function customerIdentityOf(identifierName: IdentifierName, value: string): string {
  if (identifierName === 'email') return value.toLowerCase();
  if (identifierName === 'mobile') return value.replace(/^\+/, '');
  return value.replace(/^0+(?=\d)/, '');
}
