import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { keyWords, luhn, SECRET_NAME_PATTERN } from "../redaction/shared";

export const REDACTED = "[REDACTED]";

// A key is sensitive when one of its words is (keys are split on separators and camelCase, so
// "http.request.header.authorization", "userPassword" and "X-Api-Key" all match, while
// "gen_ai.usage.input_tokens" or "cache.key" do not).
const SENSITIVE_WORDS = new Set([
  "authorization", "cookie", "cookies", "password", "passwd", "pwd", "passphrase", "secret",
  "secrets", "token", "jwt", "bearer", "credential", "credentials", "apikey", "privatekey",
  "sessionid", "otp", "ssn", "cvv", "cvc", "iban", "pan", "phone", "birthdate",
]);
const SENSITIVE_PAIRS = new Set([
  "api key", "private key", "access key", "secret key", "client secret", "session token",
  "card number", "credit card", "account number", "phone number", "social security",
]);

const keyCache = new Map<string, boolean>();
const KEY_CACHE_LIMIT = 10_000;

export function isSensitiveKey(key: string): boolean {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const words = keyWords(key);
  let sensitive = words.some((w) => SENSITIVE_WORDS.has(w));
  for (let i = 0; !sensitive && i < words.length - 1; i++) sensitive = SENSITIVE_PAIRS.has(`${words[i]} ${words[i + 1]}`);
  // Attribute keys are few in practice; the bound only guards against keys built from data.
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(key, sensitive);
  return sensitive;
}

// One pass over each string: the alternatives are tried at each position in this order.

const VALUE_PATTERN = new RegExp(
  [
    String.raw`(?<pem>-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$))`,
    // A credential after an auth scheme; requiring a digit spares prose ("Basic authentication").
    String.raw`(?<scheme>\b(?:bearer|basic|digest)\s+)(?=[A-Za-z0-9\-._~+/]*\d)[A-Za-z0-9\-._~+/]{8,}=*`,
    String.raw`(?<jwt>\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)`,
    String.raw`(?<userinfo>\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@`,
    String.raw`(?<param>\b${SECRET_NAME_PATTERN}=)[^&\s#"',;]+`,
    String.raw`(?<jsonkey>"${SECRET_NAME_PATTERN}"\s*:\s*)"[^"]*"`,
    String.raw`(?<cloud>\b(?:(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|sk-[A-Za-z0-9_-]{20,})\b)`,
    String.raw`(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})`,
    String.raw`(?<card>(?<![0-9A-Za-z])[2-6](?:[ -]?\d){12,18}(?![0-9A-Za-z]))`,
    String.raw`(?<ssn>(?<![0-9A-Za-z-])\d{3}-\d{2}-\d{4}(?![0-9A-Za-z-]))`,
  ].join("|"),
  "gi",
);

function replaceMatch(match: string, ...args: unknown[]): string {
  const groups = args[args.length - 1] as Record<string, string | undefined>;
  if (groups.pem !== undefined) return "[PRIVATE KEY]";
  if (groups.scheme !== undefined) return `${groups.scheme}${REDACTED}`;
  if (groups.jwt !== undefined) return "[JWT]";
  if (groups.userinfo !== undefined) return `${groups.userinfo}${REDACTED}@`;
  if (groups.param !== undefined) return `${groups.param}${REDACTED}`;
  if (groups.jsonkey !== undefined) return `${groups.jsonkey}"${REDACTED}"`;
  if (groups.cloud !== undefined) return REDACTED;
  if (groups.email !== undefined) return "[EMAIL]";
  if (groups.card !== undefined) {
    // Long digit runs are often ids or timestamps; only a Luhn-valid card-length run is a card.
    const digits = match.replace(/[ -]/g, "");
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? "[CARD]" : match;
  }
  return "[SSN]";
}

// Something every pattern above needs; most values (routes, methods, ids, names) have none of
// it and skip the full pattern, which costs several times more per character.
const MIGHT_LEAK = /[@="_]|-----|eyJ|AKIA|ASIA|xox|AIza|sk-|\d[ -]?\d[ -]?\d[ -]?\d|(?:bearer|basic|digest)\s/i;

/** Masks secrets and PII found in free text: tokens, JWTs, keys, e-mails, card numbers. */
export function sanitizeString(value: string): string {
  return MIGHT_LEAK.test(value) ? value.replace(VALUE_PATTERN, replaceMatch) : value;
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

// What to do with an attribute key, in one lookup per key and span.
const keyKinds = new Map<string, KeyKind>();

function keyKind(key: string): KeyKind {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = TRUSTED_KEYS.has(key) ? TRUSTED : isSensitiveKey(key) ? SENSITIVE : CHECK_VALUE;
    if (keyKinds.size >= KEY_CACHE_LIMIT) keyKinds.clear();
    keyKinds.set(key, kind);
  }
  return kind;
}

// Span names come from a few route templates and operation names, so each is checked once.
// (A name made from a raw path only costs the cache its slot; a long one, say a query used as
// a name, is checked every time rather than kept.)
const names = new Map<string, string>();
const NAME_CACHE_LIMIT = 1000;
const CACHED_NAME_LENGTH = 200;

/** sanitizeString for span and event names. */
export function sanitizeName(name: string): string {
  let clean = names.get(name);
  if (clean === undefined) {
    clean = sanitizeString(name);
    if (name.length > CACHED_NAME_LENGTH) return clean;
    if (names.size >= NAME_CACHE_LIMIT) names.clear();
    names.set(name, clean);
  }
  return clean;
}

function sanitizeValue(value: AttributeValue): AttributeValue {
  if (typeof value === "string") return sanitizeString(value);
  if (!Array.isArray(value)) return value;
  let changed = false;
  const out = value.map((item) => {
    if (typeof item !== "string") return item;
    const clean = sanitizeString(item);
    if (clean !== item) changed = true;
    return clean;
  });
  return changed ? (out as AttributeValue) : value;
}

/**
 * Attributes with sensitive keys replaced and secrets masked in values. Returns the same object
 * when nothing needed changing, so clean spans cost no allocation.
 */
export function sanitizeAttributes(attributes: Attributes): Attributes {
  let out: Attributes | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const kind = keyKind(key);
    if (kind === TRUSTED) continue;
    const clean = kind === SENSITIVE ? REDACTED : sanitizeValue(value);
    if (clean !== value) {
      out ??= { ...attributes };
      out[key] = clean;
    }
  }
  return out ?? attributes;
}
