/** `/__sandbox/*`: the ledger, the call log, reset and faults, for tests and benchmarks. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultsPatch } from './faults';
import { methodNotAllowed, parseJson, readBody, sendJson } from './http-io';
import type { SandboxState } from './sandbox-state';

export const ADMIN_PREFIX = '/__sandbox/';

async function putFaults(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req, res);
  if (raw === null) return;
  const body = parseJson(raw);
  if (body === undefined) {
    return sendJson(res, 400, {
      error: 'body is not valid JSON',
      problems: ['body is not valid JSON'],
    });
  }
  const parsed = parseFaultsPatch(body.value);
  if (!parsed.ok) {
    return sendJson(res, 400, { error: parsed.problems.join('; '), problems: parsed.problems });
  }
  sendJson(res, 200, state.setFaults(parsed.patch));
}

export async function admin(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  switch (path.slice(ADMIN_PREFIX.length)) {
    case 'ledger':
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, state.ledgerEntries());
    case 'calls':
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, state.callRecords());
    case 'reads':
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, {
        calls: state.readCalls.toArray(),
        dropped: state.readCalls.dropped,
      });
    case 'reset':
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      req.resume();
      state.reset();
      return sendJson(res, 200, { reset: true, faults: state.faults });
    case 'faults':
      if (method === 'GET') return sendJson(res, 200, state.faults);
      if (method !== 'PUT') return methodNotAllowed(res, 'GET, PUT');
      return putFaults(state, req, res);
    default:
      return sendJson(res, 404, { errorCode: 404, message: `no sandbox route ${path}` });
  }
}
