/**
 * Typed calls of the sandbox's admin endpoints over real HTTP (global fetch), for
 * tests of the gateway: `await resetSandbox(url)`, `await getLedger(url)`, ...
 */
import type { Faults } from './faults';
import type { CallRecord, LedgerEntry } from './records';

export type { CallFault, CallRecord, LedgerEntry } from './records';
export type { Faults } from './faults';
export { credentialHashOf } from './credentials';

export class SandboxAdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`sandbox admin call failed with HTTP ${status}: ${body}`);
    this.name = 'SandboxAdminError';
  }
}

async function call<T>(url: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/__sandbox/${path}`, init);
  const text = await response.text();
  if (!response.ok) throw new SandboxAdminError(response.status, text);
  return JSON.parse(text) as T;
}

/** Every enrolment and earn since the last reset, oldest first (up to the sandbox's `maxLedgerEntries`). */
export async function getLedger(url: string): Promise<LedgerEntry[]> {
  return (await getLedgerSnapshot(url)).entries;
}

/** The ledger plus how many of its oldest entries were dropped to stay within `maxLedgerEntries`. */
export async function getLedgerSnapshot(
  url: string,
): Promise<{ entries: LedgerEntry[]; dropped: number }> {
  return call<{ entries: LedgerEntry[]; dropped: number }>(url, 'ledger');
}

/** Every enrolAndEarn call received since the last reset, oldest first (up to `maxCallLog`). */
export async function getCalls(url: string): Promise<CallRecord[]> {
  return (await getCallsSnapshot(url)).calls;
}

/** The call log plus how many of its oldest calls were dropped to stay within `maxCallLog`. */
export async function getCallsSnapshot(
  url: string,
): Promise<{ calls: CallRecord[]; dropped: number }> {
  return call<{ calls: CallRecord[]; dropped: number }>(url, 'calls');
}

/** Clears ledger, calls, enrolments and counters; faults go back to the start values. */
export async function resetSandbox(url: string): Promise<void> {
  await call<unknown>(url, 'reset', { method: 'POST' });
}

/** Merges `faults` into the current set and returns the result; rejects on 400. */
export async function setFaults(url: string, faults: Partial<Faults>): Promise<Faults> {
  return call<Faults>(url, 'faults', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  });
}

export async function getFaults(url: string): Promise<Faults> {
  return call<Faults>(url, 'faults');
}
