import { registerEnumType } from 'type-graphql';

/** GraphQL names are the keys; the values are what the promotion API expects in `identifierName`. */
export enum CustomerIdentifierName {
  ID = 'id',
  MOBILE = 'mobile',
  EMAIL = 'email',
}

registerEnumType(CustomerIdentifierName, {
  name: 'CustomerIdentifierName',
  description:
    'Which identifier `identifierValue` holds; sent to the API as "id", "mobile" or "email".',
  valuesConfig: {
    ID: { description: 'The loyalty platform customer id (digits).' },
    MOBILE: { description: 'Mobile number: 8 to 15 digits, optionally with a leading "+".' },
    EMAIL: { description: 'Email address.' },
  },
});
