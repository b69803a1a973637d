/**
 * Secrets and personal data removed from span data before anything is stored or logged: by
 * attribute key (the whole value of `password`, `http.request.header.authorization`,
 * `X-Api-Key`, ...) and by value pattern (bearer credentials, JWTs, private keys, e-mail
 * addresses, Luhn-valid card numbers, ...). A redacted value reads `[REDACTED:<rule>]`.
 */

import { keyWords, luhn, SECRET_NAME_PATTERN } from "../redaction/shared";

export interface ValueRule {
  /** Names the rule in the marker and in the per-tenant counters (`[REDACTED:email]`). */
  name: string;
  /** Global regular expression; a named group `keep` is left in place (e.g. "Bearer "). */
  pattern: RegExp;
  /** Cheap test a value must pass before `pattern` runs; most values fail it. */
  hint?: RegExp;
  /** A match that fails this is left alone (e.g. a digit run that is not a card number). */
  validate?: (match: string) => boolean;
}

export interface RedactionRules {
  /**
   * Words or multi-word phrases that make an attribute key sensitive. Keys are split into
   * lowercase words at separators and camelCase humps: "X-Api-Key" is "x api key".
   */
  sensitiveKeys: readonly string[];
  valueRules: readonly ValueRule[];
}

const SENSITIVE_KEY_RULE = "sensitive_key";

function redactedMarker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/** Redactions per rule name, for one span or one tenant. */
export type RedactionCounts = Record<string, number>;

function isCardNumber(match: string): boolean {
  const digits = match.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && luhn(digits);
}

function isIban(match: string): boolean {
  const compact = match.replace(/ /g, "");
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export const defaultRedactionRules: RedactionRules = {
  sensitiveKeys: [
    "authorization", "auth token", "cookie", "cookies", "setcookie", "password", "passwd", "pwd", "passphrase",
    "secret", "secrets", "token", "access token", "refresh token", "id token", "accesstoken", "refreshtoken",
    "api key", "apikey", "private key", "privatekey", "access key", "secret key", "client secret", "session",
    "sessionid", "credential", "credentials", "jwt", "bearer", "csrf", "xsrf", "signature", "otp", "ssn",
    "cvv", "cvc", "card number", "credit card", "phone",
  ],
  valueRules: [
    {
      name: "private_key",
      pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
      hint: /PRIVATE KEY/,
    },
    {
      // A credential after an auth scheme; the lookahead spares prose ("Basic authentication").
      name: "bearer",
      pattern: /\b(?<keep>(?:bearer|basic|digest|token)\s+)(?=[A-Za-z0-9\-._~+/]*[0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,}=*/gi,
      hint: /bearer|basic|digest|token/i,
    },
    { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, hint: /eyJ/ },
    {
      name: "url_credentials",
      pattern: /\b(?<keep>[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+(?=@)/gi,
      hint: /:\/\//,
    },
    { name: "secret_param", pattern: new RegExp(String.raw`(?<keep>\b${SECRET_NAME_PATTERN}=)[^&\s#"',;]+`, "gi"), hint: /=/ },
    { name: "secret_json", pattern: new RegExp(String.raw`(?<keep>"${SECRET_NAME_PATTERN}"\s*:\s*")[^"]+(?=")`, "gi"), hint: /"\s*:/ },
    {
      name: "api_token",
      pattern:
        /\b(?:(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|sk-[A-Za-z0-9_-]{20,}|te_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
      hint: /AKIA|ASIA|gh[pousr]_|github_pat_|k_live_|k_test_|xox|AIza|sk-|te_/,
    },
    { name: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, hint: /@/ },
    {
      name: "card",
      pattern: /(?<![0-9A-Za-z])[2-6](?:[ -]?\d){12,18}(?![0-9A-Za-z])/g,
      hint: /\d[ -]?\d[ -]?\d[ -]?\d/,
      validate: isCardNumber,
    },
    { name: "iban", pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, hint: /[A-Z]{2}\d{2}/, validate: isIban },
    { name: "ssn", pattern: /(?<![0-9A-Za-z-])\d{3}-\d{2}-\d{4}(?![0-9A-Za-z-])/g, hint: /\d-\d/ },
  ],
};

const CACHE_LIMIT = 10_000;
/** Longer values are rarely repeated; caching them would only cost memory. */
const CACHED_VALUE_LENGTH = 512;

export class Redactor {
  private readonly words = new Set<string>();
  private readonly phrases: string[][] = [];
  private readonly keyCache = new Map<string, boolean>();
  // Values seen to need nothing: routes, methods, hosts and user agents repeat span after span.
  private readonly cleanValues = new Set<string>();
  private readonly rules: readonly ValueRule[];
  // Every rule's hint in one case-insensitive test (a superset of each), so a clean value —
  // most of them — costs one scan; undefined when a rule has no hint and must always run.
  private readonly anyHint: RegExp | undefined;

  constructor(rules: RedactionRules) {
    for (const entry of rules.sensitiveKeys) {
      const words = keyWords(entry);
      if (words.length === 1) this.words.add(words[0]!);
      else if (words.length > 1) this.phrases.push(words);
    }
    for (const rule of rules.valueRules) {
      if (!rule.pattern.global) throw new Error(`Redaction rule ${rule.name}: the pattern must have the g flag`);
    }
    this.rules = rules.valueRules;
    const hints = this.rules.map((r) => r.hint?.source);
    this.anyHint = hints.every((h) => h !== undefined) ? new RegExp(hints.map((h) => `(?:${h})`).join("|"), "i") : undefined;
  }

  isSensitiveKey(key: string): boolean {
    const cached = this.keyCache.get(key);
    if (cached !== undefined) return cached;
    const words = keyWords(key);
    const sensitive =
      words.some((w) => this.words.has(w)) ||
      this.phrases.some((phrase) => words.some((_, i) => phrase.every((p, j) => words[i + j] === p)));
    // Keys are few in practice; the bound only guards against keys made from data.
    if (this.keyCache.size >= CACHE_LIMIT) this.keyCache.clear();
    this.keyCache.set(key, sensitive);
    return sensitive;
  }

  /** The text with every value-rule match replaced by its marker; counts what it replaced. */
  text(value: string, counts: RedactionCounts): string {
    if (this.cleanValues.has(value)) return value;
    if (this.anyHint && !this.anyHint.test(value)) return this.clean(value);
    let out = value;
    for (const rule of this.rules) {
      if (rule.hint && !rule.hint.test(out)) continue;
      out = out.replace(rule.pattern, (match: string, ...args: unknown[]) => {
        if (rule.validate && !rule.validate(match)) return match;
        counts[rule.name] = (counts[rule.name] ?? 0) + 1;
        const groups = args[args.length - 1];
        const keep = typeof groups === "object" && groups !== null ? (groups as { keep?: string }).keep : undefined;
        return `${keep ?? ""}${redactedMarker(rule.name)}`;
      });
    }
    // A value the rules looked at and left alone (a query with "= $1") is as clean as one no
    // hint matched.
    return out === value ? this.clean(value) : out;
  }

  private clean(value: string): string {
    if (value.length <= CACHED_VALUE_LENGTH) {
      if (this.cleanValues.size >= CACHE_LIMIT) this.cleanValues.clear();
      this.cleanValues.add(value);
    }
    return value;
  }

  /**
   * An integer (a number, or decimal text beyond 2^53) that is a card number is redacted as
   * the same digits in text would be.
   */
  number(value: number | string, counts: RedactionCounts): number | string {
    if (typeof value === "number" && (!Number.isInteger(value) || Math.abs(value) < 1e12)) return value;
    const text = String(value);
    const clean = this.text(text, counts);
    return clean === text ? value : clean;
  }

  /** Replaces a whole value that sits under a sensitive key. */
  sensitiveValue(counts: RedactionCounts): string {
    counts[SENSITIVE_KEY_RULE] = (counts[SENSITIVE_KEY_RULE] ?? 0) + 1;
    return redactedMarker(SENSITIVE_KEY_RULE);
  }
}
