import type { Link } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, TimedEvent } from "@opentelemetry/sdk-trace";
import { ResourceSanitizer } from "./resource-sanitizer";
import { sanitizeAttributes, sanitizeString } from "./sanitize";

/**
 * Sanitizes every span on its way out: name, attributes, events, links, status message and
 * resource. It sits just before the exporter, so it runs once per kept span, off the request
 * path, and nothing leaves the process unsanitized whatever the instrumentation recorded.
 */
export class SanitizingExporter implements SpanExporter {
  private readonly resources = new ResourceSanitizer();

  constructor(private readonly next: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.next.export(
      spans.map((span) => this.sanitize(span)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush?.() ?? Promise.resolve();
  }

  sanitize(span: ReadableSpan): ReadableSpan {
    const name = sanitizeString(span.name);
    const attributes = sanitizeAttributes(span.attributes);
    const events = sanitizeEvents(span.events);
    const links = sanitizeLinks(span.links);
    const message = span.status.message === undefined ? undefined : sanitizeString(span.status.message);
    const status = message === span.status.message ? span.status : { ...span.status, message };
    const resource = this.resources.sanitize(span.resource);
    const unchanged =
      name === span.name &&
      attributes === span.attributes &&
      events === span.events &&
      links === span.links &&
      status === span.status &&
      resource === span.resource;
    if (unchanged) return span;
    return {
      name,
      kind: span.kind,
      spanContext: () => span.spanContext(),
      parentSpanContext: span.parentSpanContext,
      startTime: span.startTime,
      endTime: span.endTime,
      status,
      attributes,
      links,
      events,
      duration: span.duration,
      ended: span.ended,
      resource,
      instrumentationScope: span.instrumentationScope,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  }
}

function sanitizeEvents(events: TimedEvent[]): TimedEvent[] {
  if (events.length === 0) return events;
  let out: TimedEvent[] | undefined;
  events.forEach((event, i) => {
    const name = sanitizeString(event.name);
    const attributes = event.attributes && sanitizeAttributes(event.attributes);
    if (name !== event.name || attributes !== event.attributes) {
      out ??= [...events];
      out[i] = { ...event, name, attributes };
    }
  });
  return out ?? events;
}

function sanitizeLinks(links: Link[]): Link[] {
  if (links.length === 0) return links;
  let out: Link[] | undefined;
  links.forEach((link, i) => {
    const attributes = link.attributes && sanitizeAttributes(link.attributes);
    if (attributes !== link.attributes) {
      out ??= [...links];
      out[i] = { ...link, attributes };
    }
  });
  return out ?? links;
}
