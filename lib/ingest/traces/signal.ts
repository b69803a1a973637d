import { Redactor } from "../otlp-http/redact";
import { truncationWarning } from "../otlp-http/limits";
import { refusalResult } from "../otlp-http/refusals";
import type { Encoding } from "../otlp-http/response";
import { TooManyRecordsError, type OtlpSignal, type SignalDeps } from "../otlp-http/signal";
import { decodeJson } from "./decode-json";
import { decodeProtobuf } from "./decode-protobuf";
import type { SpanDerivation } from "./derivation";
import { normalizeRequest, truncatedValues } from "./normalize";
import { spanCount, type OtlpRequest } from "./otlp";
import { SpanStore } from "./store";

export const OTLP_TRACES_PATH = "/v1/traces";

const NO_SPANS_JSON = "No resourceSpans found; OTLP/JSON field names are lowerCamelCase (resourceSpans, scopeSpans, startTimeUnixNano).";
const NO_SPANS_PROTOBUF = "No resourceSpans found (field 1 of ExportTraceServiceRequest).";

function firstMalformed(request: OtlpRequest): string | undefined {
  for (const rs of request.resourceSpans) for (const s of rs.spans) if ("malformed" in s) return s.malformed;
  return undefined;
}

/**
 * The traces signal, `POST /v1/traces`: decode → validate and normalise → redact, then, once
 * the transport gives it a write slot, enforce tenants and store (store.ts) with what the
 * derivations keep beside the spans.
 */
export function createTracesSignal({ sql, config }: SignalDeps, derivations: readonly SpanDerivation[]): OtlpSignal {
  const redactor = new Redactor(config.redaction);
  const store = new SpanStore(sql, { futureToleranceMs: config.futureToleranceMs, lockTimeoutMs: config.lockTimeoutMs, derivations });
  return {
    rejectedField: "rejectedSpans",
    unavailableMessage: "The trace store is unavailable; retry later.",
    writeFailedMessage: "Writing the spans failed; nothing was stored.",
    writeFailedLog: "ingest: writing spans failed",
    prepare(body: Buffer, encoding: Encoding) {
      const otlp = encoding === "protobuf" ? decodeProtobuf(body) : decodeJson(body);
      // Unknown fields are ignored, as the specification says; a body of nothing else says so.
      // (A protobuf encoder writes nothing for an empty request, so any bytes without spans are unknown fields.)
      const unrecognised = "hasResourceSpans" in otlp ? !otlp.hasResourceSpans : otlp.resourceSpans.length === 0;
      const total = spanCount(otlp);
      if (total > config.limits.maxSpansPerRequest) {
        throw new TooManyRecordsError(`The request has ${total} spans, over the limit of ${config.limits.maxSpansPerRequest}; send smaller batches.`);
      }
      const warnings = unrecognised ? [encoding === "json" ? NO_SPANS_JSON : NO_SPANS_PROTOBUF] : [];
      const entries = normalizeRequest(otlp, redactor, config.limits.span);
      const cut = truncatedValues(entries);
      if (cut > 0) warnings.push(truncationWarning(cut, config.limits.span.attributeValueLength));
      const malformed = firstMalformed(otlp);
      return {
        total,
        warnings,
        async write(key, now) {
          const result = await store.store(entries, key, now);
          return refusalResult(result.refused, total, malformed, "spans");
        },
      };
    },
  };
}
