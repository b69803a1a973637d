import { randomBytes } from "node:crypto";
import { parseTraceParent } from "@opentelemetry/core";

export { isValidTenantId, TENANT_ID_MAX_LENGTH, TENANT_ID_PATTERN } from "./tenant-id";

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
