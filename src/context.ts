import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import type { Credentials } from './domain/promotion';
import type { DefinitionLoader } from './promotion/definition-loaders';
import type { PromotionReadService } from './promotion/promotion-read.service';
import type { GatewayObserver, OperationTrace } from './observability/observer';
import type { PromotionService } from './promotion/promotion.service';
import type { ViolationBudget } from './resolvers/violation-budget';

/** Everything a resolver may use: per-request facts, and the app-wide services. */
export interface GatewayContext {
  requestId: string;
  credentials: Credentials;
  promotions: PromotionService;
  reads: PromotionReadService;
  /** Promotion definitions of this request: one call per distinct promotion (DataLoader). */
  definitions: DefinitionLoader;
  config: GatewayConfig;
  logger: Logger;
  /** Hears every mutation's answer (metrics). */
  observer: GatewayObserver;
  /**
   * Epoch ms by which this HTTP request's operations must be answered: REQUEST_TIMEOUT_MS from
   * its start, less a tenth (at most 2 s) to store and send the answers. A mutation's root
   * fields run one after another; each one's deadline is its own, but none goes past this.
   */
  answerBy: number;
  /** Violations the answers of this HTTP request may still list, all its operations together. */
  violations: ViolationBudget;
  /** The operation's span when tracing is on; set per operation by the traced executor. */
  operationTrace?: OperationTrace;
}

type HeaderValue = string | string[] | undefined;

function single(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** The caller's credential headers, exactly as they came. */
export function credentialsFrom(headers: Record<string, HeaderValue>): Credentials {
  const credentials: Credentials = {};
  const authorization = single(headers['authorization']);
  const oauthToken = single(headers['x-cap-api-oauth-token']);
  if (authorization !== undefined) credentials.authorization = authorization;
  if (oauthToken !== undefined) credentials.oauthToken = oauthToken;
  return credentials;
}

/** `answerBy` of a request that began `elapsedMs` ago. */
export function answerByOf(requestTimeoutMs: number, elapsedMs: number): number {
  return Date.now() - elapsedMs + requestTimeoutMs - Math.min(2000, requestTimeoutMs / 10);
}
