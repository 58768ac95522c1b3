/**
 * Writes `demo-data.json` beside this file. Deterministic: the same input gives the
 * same file, and a test checks that the committed file is what this builds.
 * Run: `npx ts-node src/sandbox/generate-demo-data.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACME_CREDENTIALS, DEMO_CREDENTIALS, DEMO_READONLY_CREDENTIALS } from './demo-credentials';
import type { CustomerTuple, DemoData } from './demo-catalog';

/** Generated customers per org, beside the named ones the vendor's examples use. */
export const GENERATED_DEMO_CUSTOMERS = 2000;
export const GENERATED_ACME_CUSTOMERS = 150;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

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
            promotions: [
              {
                promotionId: 57099,
                promoIdentifier: 'REVIEW_REWARD',
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
              },
              {
                promotionId: 69218,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
              },
              {
                promotionId: 202090,
                promoIdentifier: 'FIVE_PURCHASES',
                type: 'DIRECT',
                active: true,
                earnLimit: 1,
              },
              {
                promotionId: 70000,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: false,
                earnLimit: 1,
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
            promotions: [
              {
                promotionId: 74116,
                promoIdentifier: null,
                type: 'ENROL_AND_ISSUE',
                active: true,
                earnLimit: 1,
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
