import { registerEnumType } from 'type-graphql';
import { RESTRICTION_SCOPES } from '../domain/promotion-read';

export const RestrictionScope = Object.fromEntries(RESTRICTION_SCOPES.map((s) => [s, s])) as {
  [S in (typeof RESTRICTION_SCOPES)[number]]: S;
};

registerEnumType(RestrictionScope, {
  name: 'RestrictionScope',
  description: 'Which part of a promotion a restriction limits.',
  valuesConfig: {
    ISSUAL: { description: 'Enrolment (the API calls it issual).' },
    EARN: { description: 'Earning.' },
    REDEMPTION: { description: 'Redeeming what was earned.' },
    EXPIRY: { description: 'How long enrolments and earnings last.' },
  },
});
