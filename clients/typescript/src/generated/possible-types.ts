
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "EarnPromotionPayload": [
      "EarnPromotionResult",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EarningOutcome": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "Earning",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EnrolCustomersPayload": [
      "EnrolCustomersResult",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EnrolmentOutcome": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "Enrolment",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "MutationError": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "EarnPromotionPayload": [
      "EarnPromotionResult",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EarningOutcome": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "Earning",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EnrolCustomersPayload": [
      "EnrolCustomersResult",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "EnrolmentOutcome": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "Enrolment",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ],
    "MutationError": [
      "CustomerBusyError",
      "CustomerNotFoundError",
      "IdempotencyConflictError",
      "InvalidInputError",
      "InvalidProgramError",
      "InvalidPromotionError",
      "IssueFailedError",
      "LimitExhaustedError",
      "OutcomeUnknownError",
      "PromotionInactiveError",
      "RateLimitedError",
      "UnsupportedActionError",
      "UpstreamError",
      "UpstreamUnavailableError"
    ]
  }
};
      export default result;
    