import { trace, type Tracer } from "@opentelemetry/api";

export const INSTRUMENTATION_NAME = "trace-explorer/lib-tracing";

let current: Tracer | undefined;

/**
 * The tracer every library span comes from: the one initTracing() installed, or else whatever
 * SDK the host registered globally (looked up per call, as the host may register it late).
 */
export function tracer(): Tracer {
  return current ?? trace.getTracer(INSTRUMENTATION_NAME);
}

export function installTracer(next: Tracer | undefined): void {
  current = next;
}
