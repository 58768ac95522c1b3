/**
 * The read endpoints' HTTP pipeline: log → latency → `status500Rate` (500) →
 * `rateLimitRate` (429) → credentials (401; read access is enough) → the answer →
 * `resetAfterCommitRate` (socket reset) / `malformedRate` (truncated JSON).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialHashOf } from './credentials';
import { headerValue, sendJson } from './http-io';
import { lookupPromotionData, type ReadAnswer } from './promotion-data';
import { PROMOTION_DEFINITION_PATH, promotionDefinition } from './promotion-definition';
import type { ReadCallRecord } from './records';
import type { SandboxState } from './sandbox-state';

export const PROMOTION_DATA_PATH = '/v2/customers/lookup/promotionData';
export { PROMOTION_DEFINITION_PATH };

export function isReadPath(path: string): boolean {
  return path === PROMOTION_DATA_PATH || PROMOTION_DEFINITION_PATH.test(path);
}

export async function readEndpoint(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  // A GET's body, if any, is ignored; reading it frees the socket for keep-alive.
  req.resume();
  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
  const authorization = headerValue(req, 'authorization');
  const oauthToken = headerValue(req, 'x-cap-api-oauth-token');
  const principal = state.credentials.authenticate(authorization, oauthToken);
  const call: ReadCallRecord = {
    id: requestId,
    credentialHash: credentialHashOf({ authorization, oauthToken }),
    org: principal?.org ?? null,
    method: req.method ?? 'GET',
    path,
    query,
    status: null,
    fault: null,
    traceparent: headerValue(req, 'traceparent') ?? null,
    time: state.nowIso(),
  };
  state.readCalls.push(call);
  const faults = state.faults;
  const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
    call.status = status;
    sendJson(res, status, body, headers);
  };

  const delay = state.delayOf(faults);
  if (delay > 0) await state.sleep(delay);
  if (state.isClosed) return;
  if (state.hit(faults.status500Rate)) {
    call.fault = 'status500';
    return answer(500, { errorCode: 500, message: 'internal server error (sandbox fault)' });
  }
  if (state.hit(faults.rateLimitRate)) {
    call.fault = 'rateLimit';
    return answer(
      429,
      { errorCode: 429, message: 'too many requests (sandbox fault)' },
      { 'Retry-After': String(faults.retryAfterSeconds) },
    );
  }
  const org = principal === null ? undefined : state.orgs.get(principal.org);
  if (org === undefined) {
    return answer(401, {
      errorCode: 401,
      message: 'authentication failed: missing, invalid or expired credentials',
    });
  }

  let result: ReadAnswer;
  if (path === PROMOTION_DATA_PATH) {
    result = lookupPromotionData(state.records, org, new URLSearchParams(query), state.now());
  } else {
    const [, programId = '', promotionId = ''] = PROMOTION_DEFINITION_PATH.exec(path) ?? [];
    result = promotionDefinition(org, programId, promotionId);
  }

  if (state.hit(faults.resetAfterCommitRate)) {
    call.fault = 'resetAfterCommit';
    if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
    else req.socket.destroy();
    return;
  }
  if (state.hit(faults.malformedRate)) {
    call.fault = 'malformed';
    call.status = 200;
    const text = JSON.stringify(result.body);
    const half = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(half),
    });
    res.end(half);
    return;
  }
  answer(result.status, result.body);
}
