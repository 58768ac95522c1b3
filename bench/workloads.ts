/**
 * The workloads of benchmarks v2 (issue 18), beside those of bench/load.ts: the peer's
 * generated mutation, S4's hot clients, and S5's reads through either gateway or direct.
 */
import {
  PROGRAM_ID,
  PROMOTION_ID,
  type CustomerRotation,
  type Verdict,
  type Workload,
} from './load';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

/** What a frontend writes against the peer's schema, generated from the OpenAPI document. */
export const PEER_ENROL_MUTATION = `mutation Enrol($customers: [BulkCustomer_Input]!) {
  enrolAndEarn(input: {
    type: CUSTOMER, bulkAction: ENROL, identifierName: id, customers: $customers,
    promotionDetails: { programId: ${PROGRAM_ID}, promotionId: ${PROMOTION_ID} }
  }) {
    __typename
    ... on BulkEnvelope {
      totalCount failureCount
      response { result { entityId programId promotionId issualId } errors { code message } warnings { code message } }
    }
    ... on PlatformError { errorCode message }
  }
}`;

export function peerOperation(ids: readonly string[]): string {
  return JSON.stringify({
    query: PEER_ENROL_MUTATION,
    variables: {
      customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
    },
  });
}

function peerEnrolVerdict(customers: number): Verdict {
  return {
    graphql: true,
    quick: (body) =>
      body.includes('"__typename":"BulkEnvelope"') &&
      body.includes('"failureCount":0') &&
      occurrences(body, '"issualId":"') === customers,
    deep(parsed, ids) {
      const payload = isObject(parsed) && isObject(parsed['data']) ? parsed['data'] : null;
      const envelope = payload?.['enrolAndEarn'];
      const expected = ids[0] ?? [];
      if (!isObject(envelope) || !Array.isArray(envelope['response'])) return false;
      const items = envelope['response'] as unknown[];
      return (
        items.length === expected.length &&
        items.every((item, index) => {
          const result = isObject(item) ? item['result'] : null;
          return (
            isObject(result) &&
            String(result['entityId']) === expected[index] &&
            typeof result['issualId'] === 'string'
          );
        })
      );
    },
  };
}

/** Single-customer mutations of the peer, one customer each, over `connections`. */
export function peerWorkload(options: {
  url: string;
  authorization: string;
  connections: number;
  rotation: CustomerRotation;
}): Workload {
  const bodies = new Map(options.rotation.ids.map((id) => [id, peerOperation([id])]));
  return {
    kind: 'custom',
    url: options.url,
    headers: { 'content-type': 'application/json', authorization: options.authorization },
    connections: options.connections,
    operationsPerRequest: 1,
    customersPerOperation: 1,
    verdict: peerEnrolVerdict(1),
    next() {
      const ids = options.rotation.take(1);
      return { body: bodies.get(ids[0] as string) as string, ids: [ids] };
    },
  };
}

/**
 * S4: every `everyNth` client (0, 10, 20, … for 10) sends `hotId` again and again, the
 * others `base`'s distinct customers (whose rotation must not hold `hotId`). Tagged apart.
 */
export function withHotClients(
  base: Workload,
  hotId: string,
  everyNth: number,
  bodyOf: (ids: readonly string[]) => string,
): Workload {
  const hotBody = bodyOf([hotId]);
  return {
    ...base,
    next(client) {
      if (client.index % everyNth === 0) return { body: hotBody, ids: [[hotId]], tag: 'hot' };
      return { ...base.next(client), tag: 'distinct' };
    },
  };
}

export const GATEWAY_READ_QUERY =
  'query Promotions($input: CustomerPromotionsInput!) { customerPromotions(input: $input) { __typename ... on CustomerPromotions { totalCount promotions { promotionId enrolments { issualId earnings { earnedId } } } } } }';

export const PEER_READ_QUERY =
  'query Promotions($id: String!) { lookupPromotionData(identifierName: id, identifierValue: $id, source: INSTORE, limit: "20", offset: "0") { __typename ... on PromotionData { customerId promotions { promotionId customerPromotionTimelines { enrollmentId issuedDetails { issualId } } } } ... on LookupErrors { errors { code message } } } }';

const LOOKUP_PATH = '/v2/customers/lookup/promotionData';

export type ReadTarget = 'gateway' | 'peer' | 'rest';

/** A page of the customer's promotions, as each target answers it. */
function readVerdict(target: ReadTarget): Verdict {
  const marker = {
    gateway: '"__typename":"CustomerPromotions"',
    peer: '"__typename":"PromotionData"',
    rest: '"pageDetails"',
  }[target];
  return {
    graphql: target !== 'rest',
    quick: (body) => body.includes(marker),
    deep(parsed, ids) {
      if (!isObject(parsed)) return false;
      const id = ids[0]?.[0];
      if (target === 'rest') return String(parsed['customerId']) === id;
      const data = isObject(parsed['data']) ? parsed['data'] : null;
      const page = data?.[target === 'gateway' ? 'customerPromotions' : 'lookupPromotionData'];
      if (!isObject(page) || !Array.isArray(page['promotions'])) return false;
      return target === 'gateway' || String(page['customerId']) === id;
    },
  };
}

/** S5: `customerPromotions` (or what the peer and the API call it) of `ids` in turn. */
export function readWorkload(options: {
  target: ReadTarget;
  url: string;
  authorization: string;
  connections: number;
  ids: readonly string[];
}): Workload {
  const { target, ids } = options;
  let next = 0;
  const request = (id: string) => {
    switch (target) {
      case 'gateway':
        return JSON.stringify({
          query: GATEWAY_READ_QUERY,
          variables: {
            input: { customer: { identifierName: 'ID', identifierValue: id, source: 'INSTORE' } },
          },
        });
      case 'peer':
        return JSON.stringify({ query: PEER_READ_QUERY, variables: { id } });
      case 'rest':
        return `${LOOKUP_PATH}?identifierName=id&identifierValue=${id}&source=INSTORE&limit=20&offset=0`;
    }
  };
  const prepared = new Map(ids.map((id) => [id, request(id)]));
  return {
    kind: 'custom',
    url: options.url,
    headers: { 'content-type': 'application/json', authorization: options.authorization },
    connections: options.connections,
    operationsPerRequest: 1,
    customersPerOperation: 1,
    verdict: readVerdict(target),
    next() {
      const id = ids[next++ % ids.length] as string;
      const text = prepared.get(id) as string;
      return target === 'rest'
        ? { method: 'GET', path: text, ids: [[id]] }
        : { body: text, ids: [[id]] };
    },
  };
}
