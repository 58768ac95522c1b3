/** Everything one running sandbox remembers between calls, and its clock, dice and timers. */
import { CallLog, type CallListener } from './call-log';
import { CredentialStore } from './credentials';
import { CustomerHolds } from './customer-holds';
import type { DemoData, OrgConfig } from './demo-catalog';
import type { Faults } from './faults';
import type { PromotionRecords } from './promotion-data';
import { PromotionEngine } from './promotion-engine';
import { BoundedLog, type CallRecord, type LedgerEntry, type ReadCallRecord } from './records';

export interface SandboxStateOptions {
  data: DemoData;
  faults: Faults;
  oauthTtlSeconds: number;
  now: () => number;
  random: () => number;
  maxCallLog: number;
  maxLedgerEntries: number;
}

export class SandboxState {
  readonly engine: PromotionEngine;
  readonly credentials: CredentialStore;
  readonly calls: CallLog;
  readonly holds = new CustomerHolds();
  readonly ledger: BoundedLog<LedgerEntry>;
  /** Calls of the read endpoints, apart from enrolAndEarn's log so that its readers see only writes. */
  readonly readCalls: BoundedLog<ReadCallRecord>;
  /** Every org's seeded configuration, by name. */
  readonly orgs: ReadonlyMap<string, OrgConfig>;
  /** What the read endpoints read of the engine. */
  readonly records: PromotionRecords;
  /** enrolAndEarn calls admitted and not yet closed (hung calls included). */
  inFlight = 0;
  private readonly startFaults: Faults;
  private currentFaults: Faults;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: SandboxStateOptions) {
    this.engine = new PromotionEngine(options.data);
    this.credentials = new CredentialStore(options.data, options.oauthTtlSeconds, options.now);
    this.ledger = new BoundedLog(options.maxLedgerEntries);
    this.calls = new CallLog(options.maxCallLog);
    this.readCalls = new BoundedLog(options.maxCallLog);
    this.orgs = new Map(options.data.orgs.map((org) => [org.org, org]));
    const engine = this.engine;
    this.records = {
      timelineOf: (org, promotion, entityId) => engine.timelineOf(org, promotion, entityId),
      customerOf: (org, identifierName, value) => {
        const customers = engine.orgIndexOf(org)?.customers;
        if (identifierName === 'email') return customers?.email.get(value.toLowerCase());
        if (identifierName === 'id' || identifierName === 'mobile') {
          return customers?.[identifierName].get(value);
        }
        return undefined;
      },
    };
    this.startFaults = { ...options.faults };
    this.currentFaults = { ...options.faults };
  }

  /** A copy: a call keeps the faults it started with. */
  get faults(): Faults {
    return { ...this.currentFaults };
  }

  /** Merges a validated patch; calls already running keep the faults they started with. */
  setFaults(patch: Partial<Faults>): Faults {
    this.currentFaults = { ...this.currentFaults, ...patch };
    return this.faults;
  }

  reset(): void {
    this.engine.reset();
    this.ledger.clear();
    this.calls.clear();
    this.readCalls.clear();
    this.currentFaults = { ...this.startFaults };
  }

  ledgerEntries(): { entries: LedgerEntry[]; dropped: number } {
    return { entries: this.ledger.toArray(), dropped: this.ledger.dropped };
  }

  callRecords(): { calls: CallRecord[]; dropped: number } {
    return this.calls.snapshot();
  }

  /** Called when a call was admitted (or refused) and before its latency. */
  onCallReceived(listener: CallListener): () => void {
    return this.calls.onReceived(listener);
  }

  /** Called once a call's fate is sealed: answered, reset, or left hanging after the work. */
  onCallSettled(listener: CallListener): () => void {
    return this.calls.onSettled(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  now(): number {
    return this.options.now();
  }

  nowIso(): string {
    return new Date(this.options.now()).toISOString();
  }

  /** True with probability `rate`; a zero rate draws nothing, so seeded runs stay aligned. */
  hit(rate: number): boolean {
    return rate > 0 && this.options.random() < rate;
  }

  /** Latency plus a uniform draw in [0, jitterMs]. */
  delayOf(faults: Faults): number {
    return faults.latencyMs + (faults.jitterMs > 0 ? this.options.random() * faults.jitterMs : 0);
  }

  /** A timer `shutdown` can cancel, so nothing runs after close. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Stops pending latency timers so nothing runs after close. */
  shutdown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
