import { SpanStatusCode, context, trace, type Attributes, type Span, type SpanKind } from "@opentelemetry/api";
import { ATTR_SECURITY_OPERATION } from "./attributes";
import { tracer } from "./tracer";

export interface WithSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** A security-related operation (sign-in, permission change, key use): its trace is always kept. */
  security?: boolean;
}

/** Marks the span as failed with the error, so the trace is kept and the failure is findable. */
export function recordFailure(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Runs `fn` in a child span of the active one, ending it when `fn` returns or settles and
 * recording a thrown error or rejection on it.
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const attributes = options.security ? { ...options.attributes, [ATTR_SECURITY_OPERATION]: true } : options.attributes;
  return tracer().startActiveSpan(name, { kind: options.kind, attributes }, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
    if (!isPromiseLike(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        recordFailure(span, error);
        span.end();
        throw error;
      },
    ) as T;
  });
}

/** Flags the active span as a security-related operation: ADR-012 keeps such traces always. */
export function markSecurityOperation(): void {
  trace.getSpan(context.active())?.setAttribute(ATTR_SECURITY_OPERATION, true);
}
