import { Redactor } from "../otlp-http/redact";
import { truncationWarning } from "../otlp-http/limits";
import { refusalResult } from "../otlp-http/refusals";
import type { Encoding } from "../otlp-http/response";
import { TooManyRecordsError, type OtlpSignal, type SignalDeps } from "../otlp-http/signal";
import { decodeLogsJson } from "./decode-json";
import { decodeLogsProtobuf } from "./decode-protobuf";
import { normalizeLogsRequest, truncatedLogValues } from "./normalize";
import { recordCount, type OtlpLogsRequest } from "./otlp";
import { LogStore } from "./store";

export const OTLP_LOGS_PATH = "/v1/logs";

const NO_LOGS_JSON = "No resourceLogs found; OTLP/JSON field names are lowerCamelCase (resourceLogs, scopeLogs, logRecords, timeUnixNano).";

function firstMalformed(request: OtlpLogsRequest): string | undefined {
  for (const rl of request.resourceLogs) for (const r of rl.records) if ("malformed" in r) return r.malformed;
  return undefined;
}

/**
 * The logs signal, `POST /v1/logs`: decode → validate and normalise → redact (body, attributes,
 * resource and scope, with the spans' rules and limits), then, once the transport gives it a
 * write slot, enforce tenants and store (store.ts).
 */
export function createLogsSignal({ sql, config }: SignalDeps): OtlpSignal {
  const redactor = new Redactor(config.redaction);
  const store = new LogStore(sql, { futureToleranceMs: config.futureToleranceMs, lockTimeoutMs: config.lockTimeoutMs });
  const max = config.limits.maxSpansPerRequest;
  return {
    rejectedField: "rejectedLogRecords",
    unavailableMessage: "The log store is unavailable; retry later.",
    writeFailedMessage: "Writing the log records failed; nothing was stored.",
    writeFailedLog: "ingest: writing log records failed",
    prepare(body: Buffer, encoding: Encoding) {
      const otlp = encoding === "protobuf" ? decodeLogsProtobuf(body) : decodeLogsJson(body);
      const total = recordCount(otlp);
      if (total > max) throw new TooManyRecordsError(`The request has ${total} log records, over the limit of ${max}; send smaller batches.`);
      // A protobuf encoder writes nothing for an empty request, so only JSON can say what it lacked.
      const warnings = "hasResourceLogs" in otlp && !otlp.hasResourceLogs ? [NO_LOGS_JSON] : [];
      const entries = normalizeLogsRequest(otlp, redactor, config.limits.span);
      const cut = truncatedLogValues(entries);
      if (cut > 0) warnings.push(truncationWarning(cut, config.limits.span.attributeValueLength));
      const malformed = firstMalformed(otlp);
      return {
        total,
        warnings,
        async write(key, now) {
          const result = await store.store(entries, key, now);
          return refusalResult(result.refused, total, malformed, "log records");
        },
      };
    },
  };
}
