/** The enrolAndEarn calls received, and who listens for them; bodies are parsed only when read. */
import { BoundedLog, type CallRecord } from './records';

/** A call as the log keeps it: the raw body, parsed only when someone asks. */
export interface StoredCall extends Omit<CallRecord, 'body'> {
  rawBody: string;
}

export type CallListener = (call: CallRecord) => void;

function toCallRecord(stored: StoredCall): CallRecord {
  const { rawBody, ...rest } = stored;
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // Not JSON: the log shows what came.
  }
  return { ...rest, body };
}

export class CallLog {
  private readonly calls: BoundedLog<StoredCall>;
  private readonly receivedListeners = new Set<CallListener>();
  private readonly settledListeners = new Set<CallListener>();

  constructor(capacity: number) {
    this.calls = new BoundedLog(capacity);
  }

  /** The log keeps this object: later changes (status, fault, endTime) show in it. */
  push(call: StoredCall): void {
    this.calls.push(call);
  }

  snapshot(): { calls: CallRecord[]; dropped: number } {
    return { calls: this.calls.toArray().map(toCallRecord), dropped: this.calls.dropped };
  }

  clear(): void {
    this.calls.clear();
  }

  onReceived(listener: CallListener): () => void {
    this.receivedListeners.add(listener);
    return () => this.receivedListeners.delete(listener);
  }

  onSettled(listener: CallListener): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  emitReceived(call: StoredCall): void {
    emit(this.receivedListeners, call);
  }

  emitSettled(call: StoredCall): void {
    emit(this.settledListeners, call);
  }
}

function emit(listeners: Set<CallListener>, call: StoredCall): void {
  // Parsing the body costs: skip it when nobody listens (benchmarks).
  if (listeners.size === 0) return;
  const record = toCallRecord(call);
  for (const listener of listeners) listener(record);
}
