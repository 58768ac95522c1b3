import { assertNever, type AuthRejectedOutcome, type CustomerOutcome } from '../domain/outcome';
import type { Refusal } from './payload';

/** A mutation sent without credentials: refused before anything is validated or sent. */
export const NO_CREDENTIALS: Refusal = Object.freeze({
  kind: 'UNAUTHENTICATED',
  message:
    'Send the promotion API credentials in the Authorization or X-CAP-API-OAUTH-TOKEN header.',
});

/** The caller's refusal when the API refused the credentials, else null (a payload answers). */
export function refusalOf(outcomes: readonly CustomerOutcome[]): Refusal | null {
  const rejection = authRejectionOf(outcomes);
  return rejection === null ? null : refusalFor(rejection);
}

/**
 * The API's refusal of the credentials, when nothing else came from it: some calls were
 * refused (401/403) and the rest only failed on the path to it (unavailable, rate
 * limited, unknown) — no customer was issued and none got an answer of its own. 401 wins
 * over 403: credentials not accepted at all is what the caller must fix first.
 */
function authRejectionOf(outcomes: readonly CustomerOutcome[]): AuthRejectedOutcome | null {
  let rejection: AuthRejectedOutcome | null = null;
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case 'AUTH_REJECTED':
        if (rejection === null || (outcome.status === 401 && rejection.status !== 401)) {
          rejection = outcome;
        }
        break;
      case 'UNAVAILABLE':
      case 'RATE_LIMITED':
      case 'OUTCOME_UNKNOWN':
        break;
      case 'ISSUED':
      case 'REVOKED':
      case 'UPSTREAM_ERROR':
        return null;
      default:
        return assertNever(outcome);
    }
  }
  return rejection;
}

function refusalFor(rejection: AuthRejectedOutcome): Refusal {
  return rejection.status === 403
    ? {
        kind: 'FORBIDDEN',
        message: 'The promotion API refused these credentials access to this action.',
      }
    : { kind: 'UNAUTHENTICATED', message: 'The promotion API did not accept these credentials.' };
}
