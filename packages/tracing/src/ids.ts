import { randomBytes } from "node:crypto";
import { parseTraceParent } from "@opentelemetry/core";

/**
 * The one rule for tenant ids, shared by every service that carries them (and by the explorer's
 * ingest, dashboard and database checks): a letter or digit, then up to 62 letters, digits, '_',
 * '.' or '-', and never "..". Ids end up in URLs, file names, log lines and set_config lists, so
 * separators like '/', '#', ',' and whitespace are refused, as Grafana Tempo refuses them.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const TENANT_ID_MAX_LENGTH = 63;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === "string" && TENANT_ID_PATTERN.test(value) && !value.includes("..");
}

// Letters, digits and a few separators, so an id is safe in a header, a log line and a URL.
// At least 8 characters, so two unrelated requests do not share one by accident.
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export function isValidRequestId(value: unknown): value is string {
  return typeof value === "string" && REQUEST_ID.test(value);
}

// A random per-process prefix and a counter: unique across processes and restarts with
// overwhelming probability, at a fraction of randomUUID()'s cost on every request. Request ids
// correlate; they are not secrets, so they need no fresh randomness each.
const processPrefix = randomBytes(8).toString("hex");
let sequence = 0;

export function newRequestId(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${processPrefix}-${sequence.toString(36)}`;
}

/** True for a version-00 W3C traceparent with non-zero ids, the only form the library writes. */
export function isValidTraceparent(value: unknown): value is string {
  return typeof value === "string" && value.length === 55 && value.startsWith("00-") && parseTraceParent(value) !== null;
}
