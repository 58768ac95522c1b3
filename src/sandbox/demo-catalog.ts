/**
 * The sandbox's seeded world (orgs, credentials, programs, promotions, customers), read from
 * `demo-data.json`, which `generate-demo-data.ts` writes
 * (regenerate: `npx ts-node src/sandbox/generate-demo-data.ts`).
 */
// Imported with its .json extension: `./demo-data` alone would resolve to the JSON under ts-node.
import demoDataJson from './demo-data.json';

export {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  DEMO_READONLY_CREDENTIALS,
  SANDBOX_CREDENTIALS,
  basicAuthorization,
} from './demo-credentials';
export type { SandboxCredential } from './demo-credentials';

export const PROMOTION_TYPES = ['ENROL_AND_ISSUE', 'DIRECT'] as const;
export type PromotionType = (typeof PROMOTION_TYPES)[number];

export interface PromotionConfig {
  promotionId: number;
  promoIdentifier: string | null;
  type: PromotionType;
  active: boolean;
  /** Earns allowed per enrolment (ENROL_AND_ISSUE) or per customer (DIRECT). Vendor default 1. */
  earnLimit: number;
  /** What the read endpoints describe; absent: a bare name and no dates, caps or restrictions. */
  details?: PromotionDetails;
}

/** One restriction row as get-by-id lists it; `value` -1 = no cap. */
export interface RestrictionConfig {
  name: string;
  value: number;
  type?: string;
  periodType?: string;
  periodUnit?: string;
}

/** A promotion's definition beyond what enrolAndEarn needs (neighbour-endpoints.md §2, §3). */
export interface PromotionDetails {
  name: string;
  description: string | null;
  /** ISO 8601 in UTC; null when the promotion has none. */
  startDate: string | null;
  endDate: string | null;
  eventName: string | null;
  promotionStatus: string;
  /** -1 = no cap, as the vendor writes it. */
  limits: {
    maxPointsPerEvent: number;
    pointsPerCustomer: number;
    numberOfTimesPerCustomer: number;
    totalPointsInPromotion: number;
  };
  restrictions: {
    issual: RestrictionConfig[];
    earn: RestrictionConfig[];
    redemption: RestrictionConfig[];
    expiry: RestrictionConfig[];
  };
}

export interface ProgramConfig {
  programId: number;
  /** Default `Program <id>`. */
  programName?: string;
  promotions: PromotionConfig[];
}

/** `[entityId, mobile, email]`: tuples keep the JSON small. */
export type CustomerTuple = [number, string, string];

export interface OrgConfig {
  org: string;
  basic: { username: string; password: string; writeAccess: boolean }[];
  oauth: { key: string; secret: string; writeAccess: boolean }[];
  programs: ProgramConfig[];
  customers: CustomerTuple[];
}

export interface DemoData {
  orgs: OrgConfig[];
}

// demo-data.test.ts checks the file is exactly what buildDemoData() (typed DemoData) writes.
export const DEMO_DATA: DemoData = demoDataJson as DemoData;

/** One customer as a caller identifies it: `id` is the customer (entity) id, as a string. */
export interface DemoCustomer {
  id: string;
  mobile: string;
  email: string;
}

/** Every customer of `org` in the seeded order (deterministic); [] for an unknown org. */
export function demoCustomers(org: string, data: DemoData = DEMO_DATA): DemoCustomer[] {
  const found = data.orgs.find((candidate) => candidate.org === org);
  if (found === undefined) return [];
  return found.customers.map(([id, mobile, email]) => ({ id: String(id), mobile, email }));
}

/** An enrolment of a promotion without an end date expires this long after it was made. */
const DEFAULT_ENROLMENT_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** When what was done at `time` for `promotion` expires: the promotion's end, else 30 days on. */
export function expiryOf(promotion: PromotionConfig, time: string): string {
  const end = promotion.details?.endDate ?? null;
  return end ?? new Date(Date.parse(time) + DEFAULT_ENROLMENT_DAYS * DAY_MS).toISOString();
}
