/**
 * The load generator: autocannon (as a library) in the benchmark's own process, with request
 * bodies that rotate over the demo customers and a check of every response body.
 *
 * What counts as a success is decided from the body, not only the status: a GraphQL answer
 * is a success when each operation's payload is an EnrolCustomersResult with every customer an
 * `Enrolment` (`successCount` = customers, `failureCount` 0, one `"__typename":"Enrolment"`
 * per customer) and there is no top-level `errors`. A sample of responses is also parsed in
 * full and checked customer by customer against what was sent (ids, order, issualId).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** One benchmark client operation, as a typical frontend would write it. */
export const ENROL_MUTATION = `mutation Enrol($input: EnrolCustomersInput!) {
  enrolCustomers(input: $input) {
    __typename
    ... on EnrolCustomersResult {
      successCount
      failureCount
      totalCount
      results {
        identifierValue
        outcome {
          __typename
          ... on Enrolment { entityId programId promotionId issualId warnings { upstreamCode message } }
          ... on MutationError { message retryable }
        }
      }
    }
    ... on MutationError { message retryable }
  }
}`;

export const PROGRAM_ID = 469;
export const PROMOTION_ID = 57099;

/** `custom`: a workload that judges its own answers (`Workload.verdict`, bench/workloads.ts). */
export type WorkloadKind = 'graphql' | 'graphql-batch' | 'rest' | 'custom';

/** How a `custom` workload tells a success: a cheap look at every body, a full parse of some. */
export interface Verdict {
  /** A 2xx body that answers every operation in full; `errors` is checked before. */
  quick(body: string): boolean;
  deep(parsed: unknown, ids: string[][]): boolean;
  /** Whether a top-level GraphQL `errors` counts against the answer (not for REST). */
  graphql: boolean;
}

export interface ClientSlot {
  index: number;
}

/** One request of a workload: its body (or none, for a GET) and what it carries. */
export interface NextRequest {
  body?: string;
  method?: 'GET' | 'POST';
  /** Path and query when not the workload's URL. */
  path?: string;
  ids: string[][];
  /** Reported apart (latency and tally) when set, e.g. `hot` / `distinct`. */
  tag?: string;
}

/** What is sent, to where, and how many at once. */
export interface Workload {
  kind: WorkloadKind;
  url: string;
  headers: Record<string, string>;
  connections: number;
  /** Operations in one HTTP request (1, or the size of a batched GraphQL request). */
  operationsPerRequest: number;
  /** Customers in one operation (one GraphQL mutation, or one REST call). */
  customersPerOperation: number;
  /**
   * The next request body and the customer ids it carries, per operation. `client.index`
   * numbers the connections from 0, for workloads whose clients differ (S4's hot ones).
   */
  next(client: ClientSlot): NextRequest;
  /** For `kind: 'custom'`. */
  verdict?: Verdict;
}

/** Rotates over the customer ids; consecutive takes never repeat an id within `ids.length`. */
export class CustomerRotation {
  private position = 0;
  constructor(readonly ids: readonly string[]) {
    if (ids.length === 0) throw new Error('no customers to rotate over');
  }
  take(count: number): string[] {
    if (count > this.ids.length) throw new Error(`only ${this.ids.length} distinct customers`);
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.ids[this.position] as string;
      this.position = (this.position + 1) % this.ids.length;
    }
    return out;
  }
}

function customersJson(ids: readonly string[]): string {
  return JSON.stringify(ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })));
}

/** `{query, variables}` of one enrolCustomers mutation, as a JSON string. */
export function graphqlOperation(ids: readonly string[]): string {
  return JSON.stringify({
    query: ENROL_MUTATION,
    variables: {
      input: {
        promotion: { programId: PROGRAM_ID, promotionId: PROMOTION_ID },
        identifierName: 'ID',
        customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
      },
    },
  });
}

/** The REST body of one enrolAndEarn call, as the vendor documents it. */
export function restBody(ids: readonly string[]): string {
  return `{"type":"CUSTOMER","bulkAction":"ENROL","promotionDetails":{"programId":${PROGRAM_ID},"promotionId":${PROMOTION_ID}},"identifierName":"id","customers":${customersJson(ids)}}`;
}

/**
 * GraphQL mutations of `customersPerOperation` customers; `operationsPerRequest` > 1 sends
 * them as one batched HTTP request (a JSON array). Single-customer bodies are precomputed.
 */
export function graphqlWorkload(options: {
  url: string;
  authorization: string;
  connections: number;
  customersPerOperation: number;
  operationsPerRequest: number;
  rotation: CustomerRotation;
}): Workload {
  const { rotation, customersPerOperation, operationsPerRequest } = options;
  const single =
    customersPerOperation === 1
      ? new Map(rotation.ids.map((id) => [id, graphqlOperation([id])]))
      : null;
  const operation = (ids: string[]): string =>
    single?.get(ids[0] as string) ?? graphqlOperation(ids);
  return {
    kind: operationsPerRequest === 1 ? 'graphql' : 'graphql-batch',
    url: options.url,
    headers: { 'content-type': 'application/json', authorization: options.authorization },
    connections: options.connections,
    operationsPerRequest,
    customersPerOperation,
    next() {
      const ids: string[][] = [];
      for (let i = 0; i < operationsPerRequest; i++) ids.push(rotation.take(customersPerOperation));
      const body =
        operationsPerRequest === 1
          ? operation(ids[0] as string[])
          : `[${ids.map(operation).join(',')}]`;
      return { body, ids };
    },
  };
}

/** Direct calls of the promotion API, `customersPerOperation` customers per call. */
export function restWorkload(options: {
  url: string;
  authorization: string;
  connections: number;
  customersPerOperation: number;
  rotation: CustomerRotation;
}): Workload {
  const { rotation, customersPerOperation } = options;
  return {
    kind: 'rest',
    url: options.url,
    headers: { 'content-type': 'application/json', authorization: options.authorization },
    connections: options.connections,
    operationsPerRequest: 1,
    customersPerOperation,
    next() {
      const ids = rotation.take(customersPerOperation);
      return { body: restBody(ids), ids: [ids] };
    },
  };
}

/** What the responses said. */
export interface ResponseTally {
  responses: number;
  /** Responses in which every operation and every customer succeeded. */
  okResponses: number;
  customersOk: number;
  /** Status outside 2xx. */
  non2xx: number;
  /** 2xx with a top-level GraphQL `errors`. */
  graphqlErrors: number;
  /** 2xx, no top-level error, and still not every customer an Enrolment. */
  notSuccess: number;
  /** Responses parsed in full and compared with what was sent. */
  deepChecked: number;
  /** Of those, how many did not match (wrong ids, order, types). */
  deepFailures: number;
  /** A few bodies that failed a check, cut to 300 characters. */
  examples: string[];
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (
    let at = haystack.indexOf(needle);
    at !== -1;
    at = haystack.indexOf(needle, at + needle.length)
  ) {
    count++;
  }
  return count;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Full check of one GraphQL operation result against the ids it carried. */
function deepCheckGraphql(result: unknown, ids: readonly string[]): boolean {
  if (!isObject(result) || result['errors'] !== undefined || !isObject(result['data']))
    return false;
  const payload = result['data']['enrolCustomers'];
  if (!isObject(payload) || payload['__typename'] !== 'EnrolCustomersResult') return false;
  const results = payload['results'];
  if (!Array.isArray(results) || results.length !== ids.length) return false;
  return results.every((entry: unknown, index) => {
    if (!isObject(entry) || entry['identifierValue'] !== ids[index]) return false;
    const outcome = entry['outcome'];
    return (
      isObject(outcome) &&
      outcome['__typename'] === 'Enrolment' &&
      outcome['entityId'] === ids[index] &&
      typeof outcome['issualId'] === 'string' &&
      /^\d+$/.test(outcome['issualId'])
    );
  });
}

function deepCheckRest(body: unknown, ids: readonly string[]): boolean {
  if (!isObject(body) || !Array.isArray(body['response'])) return false;
  const items = body['response'] as unknown[];
  if (items.length !== ids.length) return false;
  return items.every((item, index) => {
    if (!isObject(item) || !isObject(item['result'])) return false;
    const result = item['result'];
    return String(result['entityId']) === ids[index] && typeof result['issualId'] === 'string';
  });
}

/** Counts successes and the three kinds of failure; parses one response in `deepEvery` fully. */
export class ResponseChecker {
  readonly tally: ResponseTally = {
    responses: 0,
    okResponses: 0,
    customersOk: 0,
    non2xx: 0,
    graphqlErrors: 0,
    notSuccess: 0,
    deepChecked: 0,
    deepFailures: 0,
    examples: [],
  };
  private readonly resultMarker: string;
  private readonly expectedEnrolments: number;
  private readonly expectedResults: number;

  constructor(
    private readonly workload: Workload,
    private readonly deepEvery = 50,
  ) {
    const k = workload.customersPerOperation;
    this.resultMarker = `"successCount":${k},"failureCount":0,`;
    this.expectedResults = workload.operationsPerRequest;
    this.expectedEnrolments = workload.operationsPerRequest * k;
  }

  check(status: number, body: string, ids: string[][]): void {
    const t = this.tally;
    t.responses++;
    if (status < 200 || status >= 300) {
      t.non2xx++;
      this.example(status, body);
      return;
    }
    let ok: boolean;
    const verdict = this.workload.verdict;
    if (this.workload.kind === 'custom' && verdict !== undefined) {
      // A top-level GraphQL error starts with its message; the REST items' `errors` do not.
      if (verdict.graphql && body.includes('"errors":[{"message"')) {
        t.graphqlErrors++;
        this.example(status, body);
        return;
      }
      ok = verdict.quick(body);
    } else if (this.workload.kind === 'rest') {
      ok =
        status === 200 &&
        body.includes('"failureCount":0') &&
        occurrences(body, '"issualId"') === this.expectedEnrolments;
    } else {
      if (body.includes('"errors":[')) {
        t.graphqlErrors++;
        this.example(status, body);
        return;
      }
      ok =
        occurrences(body, this.resultMarker) === this.expectedResults &&
        occurrences(body, '"__typename":"Enrolment"') === this.expectedEnrolments;
    }
    if (ok && (t.responses === 1 || t.responses % this.deepEvery === 0)) {
      t.deepChecked++;
      ok = this.deepCheck(body, ids);
      if (!ok) t.deepFailures++;
    }
    if (!ok) {
      t.notSuccess++;
      this.example(status, body);
      return;
    }
    t.okResponses++;
    t.customersOk += this.expectedEnrolments;
  }

  private deepCheck(body: string, ids: string[][]): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return false;
    }
    switch (this.workload.kind) {
      case 'custom':
        return this.workload.verdict?.deep(parsed, ids) ?? false;
      case 'rest':
        return deepCheckRest(parsed, ids[0] ?? []);
      case 'graphql':
        return deepCheckGraphql(parsed, ids[0] ?? []);
      case 'graphql-batch':
        return (
          Array.isArray(parsed) &&
          parsed.length === ids.length &&
          parsed.every((result, index) => deepCheckGraphql(result, ids[index] ?? []))
        );
    }
  }

  private example(status: number, body: string): void {
    if (this.tally.examples.length < 3) {
      this.tally.examples.push(`${status} ${body.slice(0, 300)}`);
    }
  }
}

/** What one autocannon run measured over its measured window. */
export interface LoadResult {
  /** Measured wall time, s (the run minus its warm-up). */
  durationS: number;
  /** Requests autocannon sent in the whole run, warm-up included. */
  sent: number;
  /** Answers that arrived in the measured window. */
  tally: ResponseTally;
  /** Answers that arrived during the warm-up (not part of any figure; failures reported). */
  warmup: ResponseTally;
  /**
   * Connections that got at least one answer in the measured window. Below `connections`
   * means some clients were not served at all (e.g. their TCP connect was still being retried).
   */
  activeConnections: number;
  /** Connect phase: how long until every connection had its first answer (or the timeout), s. */
  connectPhaseS: number;
  /** Connections that had an answer when the load started. */
  connectedAtStart: number;
  /** Connection errors and timeouts in the measured window (timeouts included). */
  socketErrors: number;
  timeouts: number;
  /** Latency of every request answered in the window, ms (sub-millisecond, autocannon's timing). */
  latencyMs: LatencySummary;
  /** The same, apart for each tag of a tagged workload (e.g. S4's `hot` and `distinct`). */
  byTag: Record<string, { tally: ResponseTally; latencyMs: LatencySummary }>;
  /** CPU of this process (the load generator) in the window, % of one core. */
  loadGeneratorCpuPercent: number;
  /** Every core of the machine, busy share in the window (other users included), 0..100. */
  machineBusyPercent: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : NaN,
    mean: latencies.length > 0 ? sum / latencies.length : NaN,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

export interface DriveOptions {
  warmupS: number;
  durationS: number;
  /**
   * Called when the warm-up ends and the measured window starts (reset the processes'
   * meters here). The load goes on meanwhile.
   */
  onMeasureStart?: () => Promise<void>;
  /** Called when the measured window ends, before autocannon has stopped every client. */
  onMeasureEnd?: () => Promise<void>;
  /** Longest wait for every connection's first answer before the load starts anyway. Default 60 s. */
  connectTimeoutS?: number;
}

/**
 * The parts of autocannon 8's (undocumented) Client the connection gate uses. Checked at run
 * time: a new autocannon that changes them fails loudly instead of measuring something else.
 */
interface GateableClient {
  reqsMade: number;
  _doRequest: (...args: unknown[]) => void;
  /** Its context starts as a copy of `initialContext` at every request: the client's number. */
  requestIterator: {
    initialContext: object;
    resetContext: () => void;
    rebuildRequest: () => void;
  };
}

/**
 * Runs `workload` with autocannon, one run in three phases, and measures the last:
 *
 * 1. Connect: every connection sends one request and then waits until all connections have
 *    had an answer. Node accepts about one new connection per event-loop turn, and a
 *    saturated event loop turns a few times a second: opened under full load, most of 1,000
 *    connections would wait many seconds to be accepted and the run would measure far fewer
 *    clients than it claims. Opened while the load is light, they are all accepted at once.
 * 2. Warm-up (`warmupS`): the full closed loop, not measured (JIT, pools, caches).
 * 3. Measured window (`durationS`): every answer that arrives in it is checked and timed.
 */
export function drive(workload: Workload, options: DriveOptions): Promise<LoadResult> {
  const warmupChecker = new ResponseChecker(workload);
  const checker = new ResponseChecker(workload);
  const latencies: number[] = [];
  const tagged = new Map<string, { checker: ResponseChecker; latencies: number[] }>();
  // autocannon calls onResponse (which knows the request) just before it emits `response`
  // (which knows the latency), synchronously: this carries the tag from one to the other.
  let lastTag: string | undefined;
  const connected = new Set<unknown>();
  const active = new Set<unknown>();
  const held: Array<() => void> = [];
  let gateOpen = false;
  const started = performance.now();
  let connectPhaseS = NaN;
  let connectedAtStart = 0;
  let measuring = false;
  let socketErrors = 0;
  let timeouts = 0;
  let measureStarted = performance.now();
  let cpuBefore = process.cpuUsage();
  let machineBefore = machineTimes();
  let measureStartHook: Promise<void> = Promise.resolve();
  let measureEndHook: Promise<void> = Promise.resolve();
  let frozen: LoadResult | null = null;
  const timers: NodeJS.Timeout[] = [];
  interface Sent {
    ids?: string[][];
    tag?: string;
    clientIndex?: number;
  }
  let clients = 0;
  const taggedFor = (tag: string) => {
    let entry = tagged.get(tag);
    if (entry === undefined) {
      entry = { checker: new ResponseChecker(workload), latencies: [] };
      tagged.set(tag, entry);
    }
    return entry;
  };
  return new Promise<LoadResult>((resolve, reject) => {
    const freeze = (): LoadResult => {
      const wallS = (performance.now() - measureStarted) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const machineAfter = machineTimes();
      return {
        durationS: wallS,
        sent: 0,
        tally: checker.tally,
        warmup: warmupChecker.tally,
        activeConnections: active.size,
        connectPhaseS,
        connectedAtStart,
        socketErrors,
        timeouts,
        latencyMs: summarize(latencies),
        byTag: Object.fromEntries(
          [...tagged].map(([tag, t]) => [
            tag,
            { tally: t.checker.tally, latencyMs: summarize(t.latencies) },
          ]),
        ),
        loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1000 / (wallS * 1000)) * 100,
        machineBusyPercent:
          ((machineAfter.busy - machineBefore.busy) /
            Math.max(1, machineAfter.total - machineBefore.total)) *
          100,
      };
    };
    const startMeasuring = (): void => {
      measuring = true;
      measureStarted = performance.now();
      cpuBefore = process.cpuUsage();
      machineBefore = machineTimes();
      measureStartHook = options.onMeasureStart?.() ?? Promise.resolve();
      timers.push(setTimeout(stopMeasuring, options.durationS * 1000));
    };
    const stopMeasuring = (): void => {
      measuring = false;
      frozen = freeze();
      measureEndHook = options.onMeasureEnd?.() ?? Promise.resolve();
      instance.stop();
    };
    const openGate = (): void => {
      if (gateOpen) return;
      gateOpen = true;
      connectPhaseS = (performance.now() - started) / 1000;
      connectedAtStart = connected.size;
      for (const release of held.splice(0)) release();
      timers.push(setTimeout(startMeasuring, options.warmupS * 1000));
    };
    timers.push(setTimeout(openGate, (options.connectTimeoutS ?? 60) * 1000));

    const instance = autocannon(
      {
        url: workload.url,
        connections: workload.connections,
        pipelining: 1,
        // Stopped by stopMeasuring; this is only a backstop.
        duration: (options.connectTimeoutS ?? 60) + options.warmupS + options.durationS + 60,
        // Longer than the connect phase, so that a connection held at the gate never times out.
        timeout: 120,
        method: 'POST',
        headers: workload.headers,
        setupClient: (client) => {
          const gateable = client as unknown as Partial<GateableClient>;
          const original = gateable._doRequest;
          const iterator = gateable.requestIterator;
          if (
            typeof original !== 'function' ||
            typeof gateable.reqsMade !== 'number' ||
            typeof iterator?.resetContext !== 'function' ||
            typeof iterator.rebuildRequest !== 'function'
          ) {
            throw new Error(
              'autocannon Client internals changed: update the gate in bench/load.ts',
            );
          }
          // The first request was built before this hook: build it again knowing the client.
          iterator.initialContext = { clientIndex: clients++ } satisfies Sent;
          iterator.resetContext();
          iterator.rebuildRequest();
          gateable._doRequest = function gated(this: GateableClient, ...args: unknown[]) {
            if (gateOpen || this.reqsMade === 0) {
              original.apply(this, args);
              return;
            }
            held.push(() => original.apply(this, args));
          };
        },
        requests: [
          {
            method: 'POST',
            setupRequest: (request, context) => {
              const sent = context as Sent;
              const next = workload.next({ index: sent.clientIndex ?? 0 });
              sent.ids = next.ids;
              sent.tag = next.tag;
              return {
                ...request,
                ...(next.body === undefined ? {} : { body: next.body }),
                ...(next.method === undefined ? {} : { method: next.method }),
                ...(next.path === undefined ? {} : { path: next.path }),
              };
            },
            onResponse: (status, body, context) => {
              lastTag = undefined;
              if (frozen !== null) return;
              const sent = context as Sent;
              (measuring ? checker : warmupChecker).check(status, body, sent.ids ?? []);
              if (measuring && sent.tag !== undefined) {
                lastTag = sent.tag;
                taggedFor(sent.tag).checker.check(status, body, sent.ids ?? []);
              }
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        for (const timer of timers) clearTimeout(timer);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const loadResult = { ...(frozen ?? freeze()), sent: result.requests.sent };
        Promise.all([measureStartHook, measureEndHook]).then(
          () => resolve(loadResult),
          (hookError: unknown) =>
            reject(hookError instanceof Error ? hookError : new Error(String(hookError))),
        );
      },
    );
    instance.on('response', (client, _status, _bytes, responseTime: number) => {
      if (!gateOpen) {
        connected.add(client);
        if (connected.size >= workload.connections) openGate();
        return;
      }
      if (!measuring) return;
      latencies.push(responseTime);
      if (lastTag !== undefined) taggedFor(lastTag).latencies.push(responseTime);
      lastTag = undefined;
      active.add(client);
    });
    instance.on('reqError', (error: unknown) => {
      if (!measuring) return;
      socketErrors++;
      // autocannon's own timeout error ("request timed out").
      if (String(error).includes('timed out')) timeouts++;
    });
  });
}
