/**
 * Writes `demo-data.json` beside this file. Deterministic: the same input gives the
 * same file, and a test checks that the committed file is what this builds.
 * Run: `npx ts-node src/sandbox/generate-demo-data.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACME_CREDENTIALS, DEMO_CREDENTIALS, DEMO_READONLY_CREDENTIALS } from './demo-credentials';
import type { CustomerTuple, DemoData, PromotionDetails, RestrictionConfig } from './demo-catalog';

/** Generated customers per org, beside the named ones the vendor's examples use. */
export const GENERATED_DEMO_CUSTOMERS = 2000;
export const GENERATED_ACME_CUSTOMERS = 150;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The expiry rows every Direct and Enrol-and-Issue promotion needs (neighbour-endpoints.md §3). */
function expiryRestrictions(type: 'PROMOTION' | 'CUSTOM', days = -1): RestrictionConfig[] {
  return [
    { name: 'ISSUAL_PROMOTION_EXPIRY_BASED_ON', value: days, type },
    { name: 'EARN_PROMOTION_EXPIRY_BASED_ON', value: days, type },
  ];
}

/** One time per customer, points uncapped: the vendor's defaults. */
const DEFAULT_LIMITS: PromotionDetails['limits'] = {
  maxPointsPerEvent: -1,
  pointsPerCustomer: -1,
  numberOfTimesPerCustomer: 1,
  totalPointsInPromotion: -1,
};

const DETAILS = {
  57099: {
    name: 'Review reward',
    description: 'Write a product review after enrolling and earn 200 points.',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2030-12-31T23:59:59.000Z',
    eventName: 'TransactionAdd',
    promotionStatus: 'LIVE',
    limits: { ...DEFAULT_LIMITS, maxPointsPerEvent: 200, pointsPerCustomer: 200 },
    restrictions: {
      issual: [{ name: 'MAX_NUMBER_OF_ISSUALS_PER_CUSTOMER', value: 1 }],
      earn: [{ name: 'MAX_NUMBER_OF_EARNS_PER_CUSTOMER', value: 1 }],
      redemption: [
        {
          name: 'MAX_ALLOWED_POINTS_PER_EVENT',
          value: 200,
          type: 'NON_PERIOD_BASED',
        },
      ],
      expiry: expiryRestrictions('PROMOTION'),
    },
  },
  69218: {
    name: 'Weekend double points',
    description: null,
    startDate: '2026-06-01T00:00:00.000Z',
    endDate: null,
    eventName: 'TransactionAdd',
    promotionStatus: 'LIVE',
    limits: DEFAULT_LIMITS,
    restrictions: {
      issual: [{ name: 'MAX_NUMBER_OF_ISSUALS_PER_CUSTOMER', value: 1 }],
      earn: [{ name: 'MAX_NUMBER_OF_EARNS_PER_CUSTOMER', value: 1 }],
      redemption: [
        {
          name: 'MAX_ALLOWED_TIMES_PER_CUSTOMER',
          value: 2,
          type: 'PERIOD_BASED',
          periodType: 'MOVING_WINDOW',
          periodUnit: 'WEEKLY',
        },
      ],
      expiry: expiryRestrictions('CUSTOM', 30),
    },
  },
  202090: {
    name: 'Five purchases',
    description: 'Issued after five purchases: 10% off the next one.',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2030-06-30T23:59:59.000Z',
    eventName: 'TransactionAdd',
    promotionStatus: 'LIVE',
    limits: { ...DEFAULT_LIMITS, totalPointsInPromotion: 1_000_000 },
    restrictions: { issual: [], earn: [], redemption: [], expiry: expiryRestrictions('PROMOTION') },
  },
  70000: {
    name: 'Launch week',
    description: 'The launch week promotion; it has ended.',
    startDate: '2025-01-01T00:00:00.000Z',
    endDate: '2025-01-08T00:00:00.000Z',
    eventName: 'TransactionAdd',
    promotionStatus: 'ENDED',
    limits: DEFAULT_LIMITS,
    restrictions: { issual: [], earn: [], redemption: [], expiry: expiryRestrictions('PROMOTION') },
  },
  74116: {
    name: 'Acme welcome',
    description: 'Enrol to get the welcome bonus on the first purchase.',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2030-12-31T23:59:59.000Z',
    eventName: 'TransactionAdd',
    promotionStatus: 'LIVE',
    limits: DEFAULT_LIMITS,
    restrictions: {
      issual: [{ name: 'MAX_NUMBER_OF_ISSUALS_PER_CUSTOMER', value: 1 }],
      earn: [],
      redemption: [],
      expiry: expiryRestrictions('PROMOTION'),
    },
  },
} satisfies Record<number, PromotionDetails>;

export function buildDemoData(): DemoData {
  const demoCustomers: CustomerTuple[] = [
    // The vendor page's examples: id 555567088, mobiles 11223569865 and 919986000586.
    [555567088, '919986000586', 'asha.rao@example.com'],
    [555567089, '11223569865', 'ravi.kumar@example.com'],
  ];
  for (let n = 1; n <= GENERATED_DEMO_CUSTOMERS; n++) {
    demoCustomers.push([100_000_000 + n, `9190000${pad(n, 5)}`, `customer${n}@example.com`]);
  }

  const acmeCustomers: CustomerTuple[] = [
    // The vendor page's 8015 example (program 699, promotion 74116) answers entityId 170940055.
    // Same person as demo's 555567088 (same mobile and email), another entity id in this org.
    [170940055, '919986000586', 'asha.rao@example.com'],
  ];
  for (let n = 1; n <= GENERATED_ACME_CUSTOMERS; n++) {
    acmeCustomers.push([200_000_000 + n, `9191000${pad(n, 5)}`, `acme.customer${n}@example.com`]);
  }

  const writer = (c: { username: string; password: string; writeAccess: boolean }) => ({
    username: c.username,
    password: c.password,
    writeAccess: c.writeAccess,
  });

  return {
    orgs: [
      {
        org: 'demo',
        basic: [writer(DEMO_CREDENTIALS), writer(DEMO_READONLY_CREDENTIALS)],
        oauth: [{ key: 'demo-key', secret: 'demo-secret', writeAccess: true }],
        programs: [
          {
            programId: 469,
            programName: 'Demo rewards',
            promotions: [
              {
                promotionId: 57099,
                promoIdentifier: 'REVIEW_REWARD',
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
                details: DETAILS[57099],
              },
              {
                promotionId: 69218,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
                details: DETAILS[69218],
              },
              {
                promotionId: 202090,
                promoIdentifier: 'FIVE_PURCHASES',
                type: 'DIRECT',
                active: true,
                earnLimit: 1,
                details: DETAILS[202090],
              },
              {
                promotionId: 70000,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: false,
                earnLimit: 1,
                details: DETAILS[70000],
              },
            ],
          },
        ],
        customers: demoCustomers,
      },
      {
        org: 'acme',
        basic: [writer(ACME_CREDENTIALS)],
        oauth: [{ key: 'acme-key', secret: 'acme-secret', writeAccess: true }],
        programs: [
          {
            programId: 699,
            programName: 'Acme rewards',
            promotions: [
              {
                promotionId: 74116,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
                details: DETAILS[74116],
              },
            ],
          },
        ],
        customers: acmeCustomers,
      },
    ],
  };
}

/** Compact: one line per customer, so the file stays small and diffs stay readable. */
export function serializeDemoData(data: DemoData): string {
  const orgs = data.orgs.map((org) => {
    const { customers, ...rest } = org;
    const head = JSON.stringify(rest).slice(0, -1);
    const rows = customers.map((customer) => JSON.stringify(customer)).join(',\n');
    return `${head},"customers":[\n${rows}\n]}`;
  });
  return `{"orgs":[\n${orgs.join(',\n')}\n]}\n`;
}

if (require.main === module) {
  const target = join(__dirname, 'demo-data.json');
  writeFileSync(target, serializeDemoData(buildDemoData()));
  console.log(`wrote ${target}`);
}
