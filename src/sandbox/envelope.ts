/** The bulk calls' answer shape (the vendor's envelope, the same for revokeEnrolAndEarn) and its builders. */
import type { LedgerEntry } from './records';
import {
  CUSTOMER_CODES,
  VENDOR_MESSAGES,
  type CustomerCode,
  type RequestCode,
  type VendorCode,
} from './vendor-codes';

export interface VendorMessage {
  status: false;
  code: number;
  message: string;
}

export interface ItemResult {
  entityType: 'CUSTOMER';
  entityId: number;
  promotionId: number;
  promoIdentifier?: string;
  programId: number;
  issualId?: string;
  earnedId?: string;
  /** REVOKE_EARN: the earns revoked, as numbers (the page's form). */
  revokedEarnIds?: number[];
}

export interface EnvelopeItem {
  result?: ItemResult;
  errors: VendorMessage[];
  warnings: VendorMessage[];
}

export interface Envelope {
  response: EnvelopeItem[];
  totalCount: number;
  failureCount: number;
}

export interface EngineAnswer {
  /** 200 none failed, 201 some failed, 500 all failed, 400 batch limit (DESIGN §5). */
  status: number;
  envelope: Envelope;
  /** Work done by this call, already applied to the state. */
  entries: LedgerEntry[];
}

function vendorMessage(code: VendorCode, message = VENDOR_MESSAGES[code]): VendorMessage {
  return { status: false, code, message };
}

/** One error element for the whole call, however many customers it sent (upstream-facts.md). */
export function requestLevelAnswer(
  code: RequestCode,
  status = 500,
  message?: string,
): EngineAnswer {
  return {
    status,
    envelope: {
      response: [{ errors: [vendorMessage(code, message)], warnings: [] }],
      totalCount: 1,
      failureCount: 1,
    },
    entries: [],
  };
}

export function customerError(code: CustomerCode, message?: string): EnvelopeItem {
  return { errors: [vendorMessage(code, message)], warnings: [] };
}

/** Nothing issued: a `result` without ids and warning 8890; not a failure. */
export function limitExhausted(result: ItemResult): EnvelopeItem {
  return { result, errors: [], warnings: [vendorMessage(CUSTOMER_CODES.limitExhausted)] };
}

export function issued(result: ItemResult): EnvelopeItem {
  return { result, errors: [], warnings: [] };
}

/** 200 when none failed, 201 when some did, 500 when all did (DESIGN §5). */
export function answerOf(response: EnvelopeItem[], entries: LedgerEntry[]): EngineAnswer {
  const failureCount = response.filter((item) => item.errors.length > 0).length;
  const totalCount = response.length;
  const status = failureCount === 0 ? 200 : failureCount < totalCount ? 201 : 500;
  return { status, envelope: { response, totalCount, failureCount }, entries };
}
