/** The promotion API's codes, in one place (reference/upstream-facts.md). */
export const UpstreamCode = {
  BATCH_LIMIT_EXCEEDED: 1060,
  INVALID_PROGRAM: 1101,
  INVALID_PROMOTION: 8874,
  PROMOTION_INACTIVE: 8892,
  UNSUPPORTED_ACTION: 8902,
  INSUFFICIENT_PARAMETERS: 8881,
  USER_GROUP_NOT_ALLOWED: 8899,
  INVALID_ENTITY_TYPE: 8901,
  CUSTOMER_NOT_FOUND: 8015,
  ISSUE_FAILED: 8896,
  EMPTY_FIELDS: 11013,
  LIMIT_EXHAUSTED: 8890,
  CONCURRENT_ACTION: 521,
  EARN_NOT_REVOCABLE: 8903,
  /** The customer lookup's: identifierName / source missing or wrong (neighbour-endpoints.md §2). */
  INVALID_IDENTIFIER_NAME: 8013,
  INVALID_SOURCE: 8003,
  /** get-by-id's: promotion id / program id invalid (neighbour-endpoints.md §3). */
  PROMOTION_ID_INVALID: 4029,
  PROGRAM_ID_INVALID: 2010,
} as const;

/** Codes that describe the whole request; they come back as one element however many customers were sent. */
export const REQUEST_LEVEL_CODES: ReadonlySet<number> = new Set([
  UpstreamCode.BATCH_LIMIT_EXCEEDED,
  UpstreamCode.INVALID_PROGRAM,
  UpstreamCode.INVALID_PROMOTION,
  UpstreamCode.PROMOTION_INACTIVE,
  UpstreamCode.UNSUPPORTED_ACTION,
  UpstreamCode.INSUFFICIENT_PARAMETERS,
  UpstreamCode.USER_GROUP_NOT_ALLOWED,
  UpstreamCode.INVALID_ENTITY_TYPE,
]);
