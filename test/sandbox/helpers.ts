import { DEMO_CREDENTIALS } from '../../src/sandbox';

export const ENROL_AND_EARN = '/v2/promotion/bulk/enrolAndEarn';
export const REVOKE_ENROL_AND_EARN = '/v2/promotion/bulk/revokeEnrolAndEarn';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  text: string;
}

export interface EnvelopeItemShape {
  result?: Record<string, unknown>;
  errors: { status: boolean; code: number; message: string }[];
  warnings: { status: boolean; code: number; message: string }[];
}

export interface EnvelopeShape {
  response: EnvelopeItemShape[];
  totalCount: number;
  failureCount: number;
}

export const demoAuth = { Authorization: DEMO_CREDENTIALS.authorizationHeader };

export async function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = demoAuth,
  init: RequestInit = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export async function enrolAndEarn(
  url: string,
  body: unknown,
  headers: Record<string, string> = demoAuth,
): Promise<ApiAnswer & { envelope: EnvelopeShape }> {
  const answer = await post(url, ENROL_AND_EARN, body, headers);
  return { ...answer, envelope: answer.body as EnvelopeShape };
}

/** A call of revokeEnrolAndEarn; `requestBody({ action: 'REVOKE_ENROL', ... })` builds its body. */
export async function revokeEnrolAndEarn(
  url: string,
  body: unknown,
  headers: Record<string, string> = demoAuth,
): Promise<ApiAnswer & { envelope: EnvelopeShape }> {
  const answer = await post(url, REVOKE_ENROL_AND_EARN, body, headers);
  return { ...answer, envelope: answer.body as EnvelopeShape };
}

export interface RequestOptions {
  action?: 'ENROL' | 'EARN' | 'REVOKE_ENROL' | 'REVOKE_EARN';
  programId?: number;
  promotionId?: number;
  promoIdentifier?: string;
  identifierName?: string;
  values?: string[];
  source?: string;
  /** REVOKE_EARN: per customer (by position), the `earnIds` to send; undefined sends none. */
  earnIds?: Array<unknown[] | undefined>;
}

/** A vendor-shaped request body; defaults: ENROL 57099 of program 469 by id. */
export function requestBody(options: RequestOptions = {}): Record<string, unknown> {
  const promotionDetails: Record<string, unknown> = { programId: options.programId ?? 469 };
  if (options.promoIdentifier !== undefined)
    promotionDetails.promoIdentifier = options.promoIdentifier;
  else promotionDetails.promotionId = options.promotionId ?? 57099;
  return {
    type: 'CUSTOMER',
    bulkAction: options.action ?? 'ENROL',
    promotionDetails,
    identifierName: options.identifierName ?? 'id',
    customers: (options.values ?? ['555567088']).map((identifierValue, i) => {
      const earnIds = options.earnIds?.[i];
      return {
        identifierValue,
        source: options.source ?? 'INSTORE',
        ...(earnIds === undefined ? {} : { earnIds }),
      };
    }),
  };
}

export function requestLevelError(code: number, message: string): EnvelopeShape {
  return {
    response: [{ errors: [{ status: false, code, message }], warnings: [] }],
    totalCount: 1,
    failureCount: 1,
  };
}

/** Resolves with the next value a subscribe-style callback API delivers that matches. */
export function next<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  matches: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const unsubscribe = subscribe((value) => {
      if (!matches(value)) return;
      unsubscribe();
      resolve(value);
    });
  });
}
