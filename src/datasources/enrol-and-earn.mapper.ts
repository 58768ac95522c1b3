/**
 * Pure mapping from the envelopes of the promotion API's bulk calls,
 * `POST /v2/promotion/bulk/enrolAndEarn` (ENROL, EARN) and `.../revokeEnrolAndEarn`
 * (REVOKE_ENROL, REVOKE_EARN), to outcomes: the action decides what a result must hold
 * (no I/O; the bodies are `bulk-action.body.ts`, what an HTTP status means `attempt-verdict.ts`).
 */
import { sameOutcomeForAll, unknownForAll } from '../domain/outcome';
import type { CustomerOutcome, UpstreamWarning } from '../domain/outcome';
import { isRevocation } from '../domain/promotion';
import type { BulkAction } from '../domain/promotion';
import { REQUEST_LEVEL_CODES, UpstreamCode } from '../domain/upstream-codes';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The documented envelope: an object whose `response` is an array. Items are checked one by one. */
export function isEnvelope(body: unknown): body is JsonObject & { response: unknown[] } {
  return isObject(body) && Array.isArray(body['response']);
}

interface ApiMessage {
  code: number;
  message: string;
}

/** `{status: false, code, message}` as the API sends errors and warnings; null when not that shape. */
function toApiMessage(value: unknown): ApiMessage | null {
  if (!isObject(value)) return null;
  const code = value['code'];
  if (typeof code !== 'number' || !Number.isInteger(code)) return null;
  const message = value['message'];
  return { code, message: typeof message === 'string' ? message : '' };
}

/** DESIGN §9: ids are opaque to us; longer ones are refused rather than stored and echoed. */
export const MAX_ID_LENGTH = 64;

/**
 * An id as a string. The vendor documents `issualId`, `earnedId` and `entityId` as
 * String, so any non-empty string up to MAX_ID_LENGTH is taken as it comes; the
 * examples also show numbers, which become their decimal string. Nothing else.
 */
function toId(value: unknown): string | null {
  if (typeof value === 'string')
    return value !== '' && value.length <= MAX_ID_LENGTH ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

function unknownOutcome(message: string): CustomerOutcome {
  return { kind: 'OUTCOME_UNKNOWN', message };
}

function scopeOf(code: number): 'batch' | 'customer' {
  return REQUEST_LEVEL_CODES.has(code) ? 'batch' : 'customer';
}

function messagesOf(value: unknown): ApiMessage[] | null {
  if (!Array.isArray(value)) return null;
  const out: ApiMessage[] = [];
  for (const entry of value) {
    const m = toApiMessage(entry);
    if (m === null) return null;
    out.push(m);
  }
  return out;
}

/** The result fields that name work done: an answer with them and errors contradicts itself. */
function namesWork(result: unknown, action: BulkAction | undefined): boolean {
  if (!isObject(result)) return false;
  const fields =
    action !== undefined && isRevocation(action)
      ? ['revokedIssualId', 'issualId', 'revokedEarnIds']
      : ['issualId'];
  return fields.some((field) => result[field] !== undefined && result[field] !== null);
}

/**
 * One item of `response`, for the customer at the same position. `action` is what the
 * call asked for, when the caller says: an EARN needs an earnedId to count as done, a
 * revocation the ids it revoked.
 */
function itemOutcome(item: unknown, action: BulkAction | undefined): CustomerOutcome {
  if (!isObject(item))
    return unknownOutcome('the promotion API sent an item that is not an object');
  // `warnings` is documented as always present; tolerate its absence, never a wrong shape.
  const errors = item['errors'] === undefined ? [] : messagesOf(item['errors']);
  const warnings = item['warnings'] === undefined ? [] : messagesOf(item['warnings']);
  if (errors === null || warnings === null) {
    return unknownOutcome('the promotion API sent an item with malformed errors or warnings');
  }
  const result = item['result'];

  const firstError = errors[0];
  if (firstError !== undefined) {
    // An error next to a result with ids would contradict itself: we cannot tell which holds.
    if (namesWork(result, action)) {
      return unknownOutcome('the promotion API sent an item with both a result and errors');
    }
    return {
      kind: 'UPSTREAM_ERROR',
      code: firstError.code,
      message: firstError.message,
      scope: scopeOf(firstError.code),
    };
  }

  if (!isObject(result)) {
    return unknownOutcome('the promotion API sent an item with neither a result nor errors');
  }
  const carried: UpstreamWarning[] = warnings.map((w) => ({ code: w.code, message: w.message }));
  if (action !== undefined && isRevocation(action)) return revokedOutcome(result, action, carried);

  const issualId = toId(result['issualId']);
  if (issualId === null) {
    // The vendor's direct-earn page: a result without ids and warning 8890 means nothing was issued.
    const exhausted = warnings.find((w) => w.code === UpstreamCode.LIMIT_EXHAUSTED);
    if (
      exhausted !== undefined &&
      (result['issualId'] === undefined || result['issualId'] === null)
    ) {
      return {
        kind: 'UPSTREAM_ERROR',
        code: UpstreamCode.LIMIT_EXHAUSTED,
        message: exhausted.message,
        scope: 'customer',
      };
    }
    return unknownOutcome('the promotion API sent a result without a usable issualId');
  }

  const subject = subjectOf(result);
  const rawEarnedId = result['earnedId'];
  const earnedId = rawEarnedId === undefined || rawEarnedId === null ? null : toId(rawEarnedId);
  if (
    subject === null ||
    (rawEarnedId !== undefined && rawEarnedId !== null && earnedId === null)
  ) {
    return unknownOutcome('the promotion API sent a result with malformed ids');
  }
  if (action === 'EARN' && earnedId === null) {
    // The one place this rule lives: decided here, before anything is counted or stored,
    // so a result never says "success" for an earn it cannot name.
    return unknownOutcome('the promotion API answered an earn without an earnedId');
  }
  return { kind: 'ISSUED', ...subject, issualId, earnedId, warnings: carried };
}

/** Who and what a result is about; null when its ids are malformed. */
function subjectOf(result: JsonObject): {
  entityId: string;
  programId: number;
  promotionId: number | null;
  promoIdentifier: string | null;
} | null {
  const entityId = toId(result['entityId']);
  const programId = result['programId'];
  if (entityId === null || typeof programId !== 'number' || !Number.isSafeInteger(programId)) {
    return null;
  }
  const promotionId = result['promotionId'];
  const promoIdentifier = result['promoIdentifier'];
  return {
    entityId,
    programId,
    promotionId:
      typeof promotionId === 'number' && Number.isSafeInteger(promotionId) ? promotionId : null,
    promoIdentifier: typeof promoIdentifier === 'string' ? promoIdentifier : null,
  };
}

/**
 * A revocation's result. The page's table says `revokedIssualId`, its REVOKE_ENROL
 * examples `issualId` (a string of digits): either names the enrolment revoked. A
 * REVOKE_EARN names the earns revoked in `revokedEarnIds` (numbers on the page).
 */
function revokedOutcome(
  result: JsonObject,
  action: 'REVOKE_ENROL' | 'REVOKE_EARN',
  warnings: UpstreamWarning[],
): CustomerOutcome {
  const subject = subjectOf(result);
  if (subject === null) return unknownOutcome('the promotion API sent a result with malformed ids');
  if (action === 'REVOKE_ENROL') {
    const revokedIssualId = toId(result['revokedIssualId'] ?? result['issualId']);
    if (revokedIssualId === null) {
      return unknownOutcome('the promotion API answered a revocation without the revoked issualId');
    }
    return { kind: 'REVOKED', ...subject, revokedIssualId, revokedEarnedIds: [], warnings };
  }
  const raw = result['revokedEarnIds'];
  const revokedEarnedIds = Array.isArray(raw) ? raw.map(toId) : null;
  if (revokedEarnedIds === null || revokedEarnedIds.some((id) => id === null)) {
    return unknownOutcome('the promotion API answered a revocation without usable revokedEarnIds');
  }
  return {
    kind: 'REVOKED',
    ...subject,
    revokedIssualId: null,
    revokedEarnedIds: revokedEarnedIds as string[],
    warnings,
  };
}

/**
 * The API's answer for one call of `customerCount` customers, one outcome per
 * customer in request order (length always `customerCount`).
 *
 * - The envelope is the answer whatever `status` is (the platform sends 200, 201 and
 *   500 with it).
 * - One element whose first error has a request-level code → that error, scope
 *   `batch`, for every customer (however many were sent, one included).
 * - N elements for N customers → by position.
 * - Anything else (other counts, not JSON, not the envelope) → OUTCOME_UNKNOWN for
 *   every customer: the call was sent and we cannot tell what was done.
 * - With `action` EARN, a result without an earnedId → OUTCOME_UNKNOWN for that customer;
 *   with a revocation, a result without the ids it revoked, too.
 */
export function toOutcomes(
  status: number,
  body: unknown,
  customerCount: number,
  action?: BulkAction,
): CustomerOutcome[] {
  if (customerCount <= 0) return [];
  if (!isEnvelope(body)) {
    return unknownForAll(
      customerCount,
      `the promotion API answered HTTP ${status} without a readable result`,
    );
  }
  const items = body.response;

  if (items.length === 1) {
    const only = items[0];
    const requestLevel = isObject(only) ? messagesOf(only['errors'])?.[0] : undefined;
    if (requestLevel !== undefined && REQUEST_LEVEL_CODES.has(requestLevel.code)) {
      return sameOutcomeForAll(customerCount, {
        kind: 'UPSTREAM_ERROR',
        code: requestLevel.code,
        message: requestLevel.message,
        scope: 'batch',
      });
    }
  }

  if (items.length !== customerCount) {
    return unknownForAll(
      customerCount,
      `the promotion API answered ${items.length} results for ${customerCount} customers`,
    );
  }
  return items.map((item) => itemOutcome(item, action));
}
