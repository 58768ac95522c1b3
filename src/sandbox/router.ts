/**
 * The sandbox's HTTP edge: plain node:http, one handler, no framework, so that
 * benchmarks can drive thousands of calls per second through it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIX, admin } from './admin-endpoint';
import { enrolAndEarn, revokeEnrolAndEarn } from './enrol-and-earn-endpoint';
import { methodNotAllowed, sendJson } from './http-io';
import { generateToken } from './oauth-endpoint';
import { OPENAPI_PATH, openApiDocument } from './openapi';
import { isReadPath, readEndpoint } from './read-endpoints';
import type { SandboxState } from './sandbox-state';

export const ENROL_AND_EARN_PATH = '/v2/promotion/bulk/enrolAndEarn';
export const REVOKE_ENROL_AND_EARN_PATH = '/v2/promotion/bulk/revokeEnrolAndEarn';
export const OAUTH_TOKEN_PATH = '/v3/oauth/token/generate';

/** A bug in a handler answers 500 (or drops the socket) instead of crashing the process. */
function settle(res: ServerResponse, work: Promise<void>): void {
  work.catch((error: unknown) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { errorCode: 500, message: `sandbox error: ${String(error)}` });
  });
}

export function requestHandler(state: SandboxState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    res.setHeader('X-Cap-Requestid', requestId);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    try {
      if (path === ENROL_AND_EARN_PATH) {
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        return settle(res, enrolAndEarn(state, req, res, requestId));
      }
      if (path === REVOKE_ENROL_AND_EARN_PATH) {
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        return settle(res, revokeEnrolAndEarn(state, req, res, requestId));
      }
      if (path === OAUTH_TOKEN_PATH) {
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        return settle(res, generateToken(state.credentials, req, res));
      }
      if (isReadPath(path)) {
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        return settle(res, readEndpoint(state, req, res, requestId));
      }
      if (path === OPENAPI_PATH) {
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        return sendJson(res, 200, openApiDocument());
      }
      if (path.startsWith(ADMIN_PREFIX)) return settle(res, admin(state, req, res, path));
      sendJson(res, 404, { errorCode: 404, message: `no route for ${method} ${path}` });
    } catch (error) {
      sendJson(res, 500, { errorCode: 500, message: String(error) });
    }
  };
}
