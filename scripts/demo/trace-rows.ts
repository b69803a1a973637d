import { copyJson, copyNullable, copyText, copyTextArray, COPY_NULL } from "../../db/span-codec/copy-text";
import { SpanStatus } from "../../db/span-codec/kind-and-status";
import { epochNanosText, TimestampFormatter } from "../../db/span-codec/timestamp";
import { TraceAttributeSummary } from "../../lib/ingest/derivations/trace-attributes";
import { DEMO_SCOPE, DEMO_SPAN_FLAGS, podFor, type DemoResource, type ServiceName } from "./resources";
import { hex32 } from "./span-ids";
import type { Attributes, DemoSpan, TraceBuilder } from "./trace-builder";

export const SPAN_COPY_COLUMNS =
  "tenant_id, trace_id, span_id, parent_span_id, request_id, service, name, kind, start_time, duration_ns, " +
  "status_code, status_message, attributes, events, links, resource_id, scope_id, flags";

export const TRACE_COPY_COLUMNS =
  "tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name, root_duration_ns, request_id, " +
  "span_count, error_count, services, has_error, is_slow, is_security, sample_weight, attributes";

/**
 * Turns a built trace into COPY text: one line per span, and the trace's summary line, which
 * is derived from exactly the same values so the two can never disagree.
 */
export class TraceRowWriter {
  private readonly time = new TimestampFormatter();
  private readonly sharedJson = new WeakMap<object, string>();

  constructor(private readonly resources: Map<ServiceName, DemoResource[]>) {}

  /** Appends the span lines to `out` and returns the traces line. */
  write(trace: TraceBuilder, originUs: number, out: { write(text: string): void }): string {
    const tenant = copyText(trace.tenant.id);
    const requestId = copyNullable(trace.requestId);
    const traceId = trace.traceId;
    // Every span carries the tenant and request id, as the tracing library sets them.
    const common = copyText(`{"tenant.id":${JSON.stringify(trace.tenant.id)}` + (trace.requestId === null ? "" : `,"request.id":${JSON.stringify(trace.requestId)}`));

    let minStart = Infinity;
    let maxEndNs = -Infinity;
    let errors = 0;
    let security = false;
    let root: DemoSpan | null = null;
    const services = new Set<ServiceName>();
    const attributes = new TraceAttributeSummary();

    for (const span of trace.spans) {
      if (span.start < minStart) minStart = span.start;
      const endNs = span.start * 1000 + span.durationNs;
      if (endNs > maxEndNs) maxEndNs = endNs;
      if (span.status === SpanStatus.Error) errors++;
      if (span.attributes["security.operation"] === true) security = true;
      if (span.parent === null) root = span;
      services.add(span.service);
      attributes.add(span.attributes);

      const resource = podFor(this.resources, span.service, trace);
      const members = this.members(span.attributes);

      out.write(
        `${tenant}\t${traceId}\t${span.id}\t${span.parent ? span.parent.id : COPY_NULL}\t${requestId}\t${span.service}\t` +
          `${copyText(span.name)}\t${span.kind}\t${this.time.format(originUs + span.start)}\t${span.durationNs}\t` +
          `${span.status}\t${copyNullable(span.statusMessage)}\t${common}${members ? `,${members}` : ""}}\t` +
          `${span.events ? this.events(span, originUs) : "[]"}\t${span.links ? this.links(span, traceId) : "[]"}\t${resource.id}\t${DEMO_SCOPE.id}\t${DEMO_SPAN_FLAGS}\n`,
      );
    }
    if (!root) throw new Error(`Demo trace ${traceId} has no root span`);

    const durationNs = maxEndNs - minStart * 1000;
    const startUs = originUs + minStart;
    const isSlow = root.durationNs > trace.tenant.slowThresholdMs * 1_000_000;
    return (
      `${tenant}\t${traceId}\t${this.time.format(startUs)}\t${this.time.format(startUs + Math.floor(durationNs / 1000))}\t` +
      `${durationNs}\t${root.id}\t${root.service}\t${copyText(root.name)}\t${root.durationNs}\t${requestId}\t${trace.spans.length}\t${errors}\t` +
      `${copyTextArray([...services].sort())}\t${errors > 0 ? "t" : "f"}\t${isSlow ? "t" : "f"}\t${security ? "t" : "f"}\t1\t${copyJson(attributes)}\n`
    );
  }

  /** The attributes as escaped JSON members without the braces, computed once for shared ones. */
  private members(attributes: Attributes): string {
    const shared = Object.isFrozen(attributes);
    let members = shared ? this.sharedJson.get(attributes) : undefined;
    if (members === undefined) {
      members = copyText(JSON.stringify(attributes).slice(1, -1));
      if (shared) this.sharedJson.set(attributes, members);
    }
    return members;
  }

  private events(span: DemoSpan, originUs: number): string {
    return copyJson(span.events!.map((e) => ({ name: e.name, timeUnixNano: epochNanosText(originUs + e.at), attributes: e.attributes })));
  }

  private links(span: DemoSpan, traceId: string): string {
    return copyJson(span.links!.map((l) => ({ traceId, spanId: hex32(l.span.hi) + hex32(l.span.lo), attributes: l.attributes })));
  }
}
