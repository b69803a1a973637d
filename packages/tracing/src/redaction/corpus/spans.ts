import { SpanStatusCode, type Attributes, type Context, type Link, type Tracer } from "@opentelemetry/api";
import type { BenignCase, LeakCase } from "./corpus";

/**
 * Corpus cases as real spans of a real OpenTelemetry tracer, each in its place: attribute
 * key or value, event name or attribute, link attribute, status message or span name.
 * Resource cases go into the provider's resource (resourceOf).
 */

/** Attribute values the API refuses (bytes, nested maps) set as code writing the span directly would. */
function setRaw(span: object, key: string, value: unknown): void {
  (span as { attributes: Record<string, unknown> }).attributes[key] = value;
}

export function resourceOf(leaks: readonly LeakCase[]): Attributes {
  const attributes: Attributes = {};
  for (const leak of leaks) if (leak.in === "resource") attributes[leak.key] = leak.value;
  return attributes;
}

/** One span for the case (none for a resource case), linked to `linkTo` for link cases. */
export function recordLeak(tracer: Tracer, leak: LeakCase, parent: Context, linkTo: Link["context"]): void {
  if (leak.in === "resource") return;
  const name = leak.in === "span_name" ? leak.value : `case ${leak.name}`;
  const links: Link[] = leak.in === "link_attribute" ? [{ context: linkTo, attributes: { [leak.key]: leak.value } }] : [];
  const span = tracer.startSpan(name, { links }, parent);
  switch (leak.in) {
    case "attribute":
    case "int":
    case "double":
    case "array":
      span.setAttribute(leak.key, leak.value as string | number | string[] | number[]);
      break;
    case "bytes":
      setRaw(span, leak.key, new TextEncoder().encode(leak.value));
      break;
    case "kvlist":
      setRaw(span, leak.key, leak.value);
      break;
    case "key":
      span.setAttribute(leak.value, 1);
      break;
    case "event_name":
      span.addEvent(leak.value);
      break;
    case "event_attribute":
      span.addEvent("exception", { [leak.key]: leak.value });
      break;
    case "status":
      span.setStatus({ code: SpanStatusCode.ERROR, message: leak.value });
      break;
  }
  span.end();
}

/** One span per benign case (keys repeat across cases), its value as an attribute. */
export function recordBenign(tracer: Tracer, benign: BenignCase, parent: Context): void {
  tracer.startSpan(`benign ${benign.name}`, { attributes: { [benign.key]: benign.value } }, parent).end();
}
