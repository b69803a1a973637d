import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_REQUEST_ID, ATTR_TENANT_ID } from "./attributes";
import { requestIdOf, tenantIdOf } from "./correlation";

/**
 * Stamps `request.id` and `tenant.id` on every span started inside a scope, including spans
 * from other instrumentation (the framework's, a database driver's), so each exported span
 * can be found by request and tenant on its own.
 */
export class CorrelationAttributesProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    // The library's own spans start with both already; only other spans need stamping.
    if (span.attributes[ATTR_REQUEST_ID] !== undefined) return;
    const requestId = requestIdOf(parentContext);
    if (requestId !== undefined) span.setAttribute(ATTR_REQUEST_ID, requestId);
    const tenantId = tenantIdOf(parentContext);
    if (tenantId !== undefined) span.setAttribute(ATTR_TENANT_ID, tenantId);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
