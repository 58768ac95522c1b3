/** `POST /v3/oauth/token/generate`: key and secret in, a token for `X-CAP-API-OAUTH-TOKEN` out. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from './credentials';
import { parseJson, readBody, sendJson } from './http-io';

export async function generateToken(
  credentials: CredentialStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req, res);
  if (raw === null) return;
  const body = parseJson(raw);
  if (body === undefined) {
    return sendJson(res, 400, {
      data: null,
      errors: [{ code: 400, message: 'request body is not valid JSON' }],
    });
  }
  const fields: Partial<Record<'key' | 'secret', unknown>> =
    typeof body.value === 'object' && body.value !== null ? body.value : {};
  const token = credentials.issueToken(fields.key, fields.secret);
  if (token === null) {
    return sendJson(res, 401, {
      data: null,
      errors: [{ code: 401, message: 'invalid key or secret' }],
    });
  }
  sendJson(res, 200, { data: token, errors: null });
}
