/** What the rest of the gateway uses of the datasource; nothing is built here. */
export { createPromotionApi } from './promotion-api';
export type { PromotionApi } from './promotion-api';
export { EnrolAndEarnBatcher } from './enrol-and-earn.batcher';
export type { EnrolAndEarnBatcherOptions } from './enrol-and-earn.batcher';
export { batchKeyOf } from './batch-route';
export { PromotionApiClient } from './promotion-api.client';
export type { PromotionApiClientOptions, PromotionApiSender } from './promotion-api.client';
export {
  ENROL_AND_EARN_PATH,
  REVOKE_ENROL_AND_EARN_PATH,
  endpointPathOf,
  toRequestBody,
} from './bulk-action.body';
export { toOutcomes } from './enrol-and-earn.mapper';
export type { BodyCustomer, BulkActionBody } from './bulk-action.body';
export { verdictOf, parseRetryAfter, UNEXPECTED_STATUS_CODE } from './attempt-verdict';
export type { Verdict } from './attempt-verdict';
