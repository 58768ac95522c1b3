/** The request's enum fields as the vendor's field table lists them (enrol-and-issue-promotion.md). */

export const IDENTIFIER_NAMES = ['id', 'mobile', 'email'] as const;
export type IdentifierName = (typeof IDENTIFIER_NAMES)[number];

export const CUSTOMER_SOURCES = [
  'FACEBOOK',
  'WEB_ENGAGE',
  'INSTORE',
  'MARTJACK',
  'TMALL',
  'TAOBAO',
  'JD',
  'ECOMMERCE',
  'WEBSITE',
  'LINE',
  'ALL',
] as const;
