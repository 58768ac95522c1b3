/**
 * OpenTelemetry traces (DESIGN §10), on only when OTEL_EXPORTER_OTLP_ENDPOINT is set; the
 * SDK reads the other OTEL_* variables itself. One span per GraphQL operation; one span per
 * API call, linked (not parented: one call serves many operations) to the span of every
 * operation whose customers it carried, and whose `traceparent` goes to the API. Span
 * attributes hold names and counts only: no document, variable, identifier or header.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isSuccess } from '../domain/outcome';
import type { GatewayExecutor } from '../graphql/compiled-executor';
import type { GatewayObserver, UpstreamCallObservation, UpstreamReadObservation } from './observer';

const propagator = new W3CTraceContextPropagator();

export interface Tracing {
  tracer: Tracer;
  /** Exports what is left; spans ended after it are dropped. */
  shutdown(): Promise<void>;
}

/** The SDK, exporting over OTLP/HTTP (JSON) to `url` (config's `otlpTracesUrl`). */
export function startTracing(url: string): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'promotion-gateway' }).merge(
      detectResources({ detectors: [envDetector] }),
    ),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  return {
    tracer: provider.getTracer('promotion-gateway'),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Runs every operation in a span of its own, as a child of the caller's `traceparent` if it
 * sent one, and hands that span to the resolvers in a per-operation copy of the context
 * (operations of one batched HTTP request share Apollo's context object).
 */
export function tracedExecutor(executor: GatewayExecutor, tracer: Tracer): GatewayExecutor {
  return async (request) => {
    const kind = request.operation?.operation ?? 'operation';
    const name = request.operation?.name?.value;
    const headers = request.request.http?.headers;
    const parent =
      headers === undefined
        ? ROOT_CONTEXT
        : propagator.extract(
            ROOT_CONTEXT,
            { traceparent: headers.get('traceparent'), tracestate: headers.get('tracestate') },
            defaultTextMapGetter,
          );
    const span = tracer.startSpan(
      name === undefined ? kind : `${kind} ${name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'graphql.operation.type': kind,
          ...(name === undefined ? {} : { 'graphql.operation.name': name }),
        },
      },
      parent,
    );
    const context = request.context as object;
    try {
      const result = await executor({
        ...request,
        context: { ...context, operationTrace: span.spanContext() },
      });
      if (result.errors !== undefined && result.errors.length > 0) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'GraphQL errors' });
      }
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'execution failed' });
      throw error;
    } finally {
      span.end();
    }
  };
}

/** The trace half of the observer: only API calls and reads make spans here. */
export function tracingObserver(tracer: Tracer): GatewayObserver {
  return {
    mutationAnswered: () => undefined,
    queryAnswered: () => undefined,
    idempotency: () => undefined,
    upstreamCall: (action, customers, operations) => {
      const links: Link[] = [];
      const seen = new Set<string>();
      for (const operation of operations) {
        if (operation === undefined || seen.has(operation.spanId)) continue;
        seen.add(operation.spanId);
        links.push({ context: operation });
      }
      const span = tracer.startSpan(
        'POST',
        {
          kind: SpanKind.CLIENT,
          links,
          attributes: {
            'http.request.method': 'POST',
            'gateway.action': action,
            'gateway.customers': customers,
            'gateway.operations': links.length,
          },
        },
        ROOT_CONTEXT,
      );
      return callSpan(span);
    },
    upstreamRead: (endpoint, operation) => {
      const links: Link[] = operation === undefined ? [] : [{ context: operation }];
      // Named at the start: a read the open circuit or the deadline refused makes no attempt.
      const span = tracer.startSpan(
        `GET ${endpoint}`,
        {
          kind: SpanKind.CLIENT,
          links,
          attributes: {
            'http.request.method': 'GET',
            'url.path': endpoint,
            'gateway.operations': links.length,
          },
        },
        ROOT_CONTEXT,
      );
      return readSpan(span, links.length);
    },
  };
}

function traceparentOf(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  return headers;
}

/** Records each request of a call or read on its span, as an event with its status. */
function attemptsOn(span: Span) {
  let count = 0;
  return {
    count: () => count,
    attempt(endpoint: string, status: string, seconds: number): void {
      count++;
      span.setAttribute('url.path', endpoint);
      span.addEvent('attempt', { status, 'duration.seconds': seconds });
      const code = Number(status);
      if (Number.isInteger(code)) span.setAttribute('http.response.status_code', code);
      else span.setAttribute('error.type', status);
    },
  };
}

function callSpan(span: Span): UpstreamCallObservation {
  const attempts = attemptsOn(span);
  return {
    headers: traceparentOf(span),
    attempt(endpoint, status, seconds) {
      // The action's endpoint is known at the first attempt: it names the span.
      if (attempts.count() === 0) span.updateName(`POST ${endpoint}`);
      attempts.attempt(endpoint, status, seconds);
    },
    end(outcomes) {
      const counts: Record<string, number> = {};
      for (const outcome of outcomes) counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
      for (const [kind, count] of Object.entries(counts)) {
        span.setAttribute(`gateway.outcome.${kind.toLowerCase()}`, count);
      }
      span.setAttribute('gateway.attempts', attempts.count());
      // The API's own per-customer errors are answers; only the path failing is the span's error.
      if (outcomes.some((o) => !isSuccess(o) && o.kind !== 'UPSTREAM_ERROR')) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: 'not every customer was answered by the API',
        });
      }
      span.end();
    },
  };
}

/** A read's span gains a link for every operation that joins it in flight. */
function readSpan(span: Span, linked: number): UpstreamReadObservation {
  const attempts = attemptsOn(span);
  let operations = linked;
  let ended = false;
  return {
    headers: traceparentOf(span),
    attempt: attempts.attempt,
    joined(operation) {
      // A join in the microtasks between the answer and the call leaving SharedReads: too late.
      if (operation === undefined || ended) return;
      span.addLink({ context: operation });
      span.setAttribute('gateway.operations', ++operations);
    },
    end(result) {
      ended = true;
      span.setAttribute('gateway.read.result', result.toLowerCase());
      span.setAttribute('gateway.attempts', attempts.count());
      // An error the API answered (not found, refused) is an answer, as on the mutation path.
      if (result === 'UNAVAILABLE' || result === 'RATE_LIMITED') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the read got no usable answer' });
      }
      span.end();
    },
  };
}
