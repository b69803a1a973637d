import type { Attributes } from "@opentelemetry/api";
import { defaultRuleSet } from "./redaction/rule-set";

/** What replaces the whole value of a secret key (values found by a rule read `[REDACTED:<rule>]`). */
export const REDACTED = "[REDACTED]";

const rules = defaultRuleSet();

/**
 * Whether a key names a secret, by the shared rule set (redaction/names.ts): keys are split
 * on separators and camelCase, so "http.request.header.authorization", "userPassword1" and
 * "X-Api-Key" match, while "gen_ai.usage.input_tokens" or "cache.key" do not.
 */
export function isSensitiveKey(key: string): boolean {
  return rules.isSecretName(key);
}

/** Masks secrets and PII found in free text: tokens, JWTs, keys, e-mails, card numbers, … */
export function sanitizeString(value: string): string {
  return rules.text(value);
}

// Attributes whose values the library validated or took from code (ids, route templates,
// queue and event names): nothing to look for in them.
const TRUSTED_KEYS = new Set([
  "request.id", "tenant.id", "sampling.priority", "sampling.reason", "http.request.method", "http.route",
  "job.id", "job.name", "job.queue", "event.id", "event.name", "messaging.system",
  "messaging.operation.type", "messaging.destination.name", "messaging.message.id",
]);

const TRUSTED = 0;
const SENSITIVE = 1;
const CHECK_VALUE = 2;
type KeyKind = typeof TRUSTED | typeof SENSITIVE | typeof CHECK_VALUE;

/** What to do with an attribute key; `key` differs from the original when the key itself held a secret. */
interface KeyPlan {
  key: string;
  kind: KeyKind;
}

// One lookup per key and span.
const keyPlans = new Map<string, KeyPlan>();
const KEY_CACHE_LIMIT = 10_000;

function keyPlan(original: string): KeyPlan {
  let plan = keyPlans.get(original);
  if (plan === undefined) {
    const key = TRUSTED_KEYS.has(original) ? original : rules.text(original);
    const kind = TRUSTED_KEYS.has(key) ? TRUSTED : isSensitiveKey(key) ? SENSITIVE : CHECK_VALUE;
    plan = { key, kind };
    // Attribute keys are few in practice; the bound only guards against keys built from data.
    if (keyPlans.size >= KEY_CACHE_LIMIT) keyPlans.clear();
    keyPlans.set(original, plan);
  }
  return plan;
}

/** A plain object: what OTLP exporters send as a kvlist. */
type KeyValues = Record<string, unknown>;

/** Any attribute or log body value: strings and numbers by the rules, maps by key and value, recursively. */
export function sanitizeValue(value: unknown): unknown {
  if (typeof value === "string") return rules.text(value);
  if (typeof value === "number") return rules.number(value);
  if (typeof value !== "object" || value === null) return value;
  // Values the API refuses (bytes, nested maps) still reach an exporter from code that
  // writes span attributes directly; they are checked as the ingest side checks them.
  if (value instanceof Uint8Array) return rules.bytes(value) ?? value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const clean = sanitizeValue(item);
      if (clean !== item) changed = true;
      return clean;
    });
    return changed ? out : value;
  }
  return sanitizeMap(value as KeyValues);
}

function sanitizeMap<T extends KeyValues>(values: T): T {
  let out: KeyValues | undefined;
  for (const original in values) {
    const value = values[original];
    if (value === undefined) continue;
    const { key, kind } = keyPlan(original);
    if (kind === TRUSTED) continue;
    const clean = kind === SENSITIVE ? REDACTED : sanitizeValue(value);
    if (clean !== value || key !== original) {
      out ??= { ...values };
      if (key !== original) delete out[original];
      out[key] = clean;
    }
  }
  return (out as T | undefined) ?? values;
}

/**
 * Attributes with sensitive keys replaced and secrets masked in values. Returns the same object
 * when nothing needed changing, so clean spans cost no allocation.
 */
export function sanitizeAttributes(attributes: Attributes): Attributes {
  return sanitizeMap(attributes as KeyValues) as Attributes;
}
