/**
 * The vendor's codes and messages, written from reference/upstream-facts.md on their own:
 * the gateway keeps its own table, so a wrong code on either side fails a test.
 */

/** Request-level: one error element, whatever the number of customers. */
export const REQUEST_CODES = {
  batchLimitExceeded: 1060,
  invalidProgram: 1101,
  invalidPromotion: 8874,
  promotionInactive: 8892,
  unsupportedAction: 8902,
  insufficientParameters: 8881,
  userGroupNotAllowed: 8899,
  invalidEntityType: 8901,
} as const;

/** Per customer: the item's error (8890 is a warning, not a failure). */
export const CUSTOMER_CODES = {
  customerNotFound: 8015,
  issueFailed: 8896,
  emptyFields: 11013,
  limitExhausted: 8890,
  concurrentAction: 521,
  earnNotRevocable: 8903,
} as const;

export type RequestCode = (typeof REQUEST_CODES)[keyof typeof REQUEST_CODES];
export type CustomerCode = (typeof CUSTOMER_CODES)[keyof typeof CUSTOMER_CODES];
export type VendorCode = RequestCode | CustomerCode;

/** Word for word from the vendor's pages; 1060 and 521 are the platform page's phrases. */
export const VENDOR_MESSAGES: Readonly<Record<VendorCode, string>> = {
  1060: 'batch limit exceeded',
  1101: 'invalid programId passed',
  8874: 'promotion id passed is invalid',
  8892: 'promotion is inactive',
  8902: 'bulk action passed not supported for loyalty/generic promotion type',
  8881: 'insufficient parameters passed, program id and one of promotion id/identifier are required',
  8899: 'Cannot enrol/issue to the user group',
  8901: 'invalid entity type passed',
  8015: 'Customer not found for the given identifiers',
  8896: 'Error occurred while issuing promotion to the customer',
  11013: 'identifierName, identifierValue, source can not be empty',
  8890: 'promotion not issued due to config issues or customer exhausted limits',
  521: 'concurrent actions on the same customer',
  8903: 'Earn IDs passed are either invalid or already revoked',
};

/** revokeEnrolAndEarn's own wording of 8902 (neighbour-endpoints.md §1). */
export const REVOKE_UNSUPPORTED_MESSAGE =
  'revoke bulk action passed not supported for loyalty/generic promotion type';

/** DESIGN §8: REVOKE_ENROL while the enrolment has earns not yet revoked (8896). */
export const REVOKE_EARNS_FIRST_MESSAGE = 'revoke the earns first';

/** The vendor's documented batch size; more customers in one call is 1060. */
export const MAX_CUSTOMERS_PER_CALL = 100;

/** `GET /v2/customers/lookup/promotionData`: request-level, body `{"errors":[…]}` (neighbour-endpoints.md §2). */
export const LOOKUP_CODES = {
  identifierNameInvalid: 8013,
  customerNotFound: 8015,
  sourceInvalid: 8003,
  /** A program of `programs` that is not the org's: the enrolAndEarn code, as nothing else is documented. */
  invalidProgram: 1101,
  /** limit over 100 or not a number: the program promotions page's code. */
  badPagination: 4055,
  /** An unknown promotionStatusForCustomer or promotionType: not documented; the sandbox's own. */
  badFilter: 400,
} as const;

/** `GET …/programs/{programId}/promotions/{promotionId}/get`: HTTP 400 with `status.code`. */
export const DEFINITION_CODES = {
  promotionInvalid: 4029,
  programInvalid: 2010,
} as const;

export const VENDOR_READ_MESSAGES: Readonly<Record<number, string>> = {
  8013: 'Invalid identifier name',
  8015: 'Customer not found for the given identifiers',
  8003: 'Invalid source',
  1101: 'invalid programId passed',
  4055: 'limit must be a number from 0 to 100 and offset not negative',
  400: 'invalid promotionStatusForCustomer or promotionType',
  4029: 'promotion id invalid',
  2010: 'program id invalid',
};
