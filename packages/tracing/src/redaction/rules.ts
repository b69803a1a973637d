import { isCardNumber, isIban, isPhoneNumber, isSsn } from "./checks";

/**
 * The value rules: shapes of secrets and personal data found anywhere in a string. Every
 * quantifier in front of a required part is bounded, so no input makes a rule backtrack more
 * than a constant per position (bench/redaction.ts runs pathological inputs against a time
 * bound).
 */
export interface PatternRule {
  /** Names the rule in the marker and in the per-tenant counters (`[REDACTED:email]`). */
  name: string;
  /** Global regular expression; a named group `keep` is left in place (e.g. "Bearer "). */
  pattern: RegExp;
  /** Cheap test a value must pass before `pattern` runs; most values fail it. */
  hint?: RegExp;
  /** A match that fails this is left alone (e.g. a digit run that is not a card number). */
  validate?: (match: string) => boolean;
}

/** The rule that finds values after secret names in text (fields.ts). */
export const FIELD_RULE = "secret_field";
/** The rule that replaces a whole value under a secret attribute key. */
export const KEY_RULE = "sensitive_key";
/** A base64 run whose decoded text holds a secret. */
export const BASE64_RULE = "base64_secret";

export function redactedMarker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

// Base64 of `eyJ` (a JWT) at each of the three byte alignments, of "Bearer ", "Basic ",
// "-----BEGIN", "Authorization" and "password".
export const BASE64_SECRET_HINT = /ZXlK|V5S|leU|QmVhcmVy|QmFzaWMg|LS0tLS1CRUdJT|QXV0aG9yaXphdGlvb|cGFzc3dvcm/;

export const DEFAULT_VALUE_RULES: readonly PatternRule[] = [
  {
    // PEM blocks of every type (private keys, certificates, PGP blocks), even when cut short.
    name: "pem",
    pattern: /-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g,
    hint: /-----BEGIN /,
  },
  {
    // Raw, or behind any prefix (`Bearer%20eyJ…`, `token=eyJ…`).
    name: "jwt",
    pattern: /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    hint: /eyJ/,
  },
  {
    name: "url_credentials",
    pattern: /(?<keep>\b[a-z][a-z0-9+.-]{0,30}:\/\/)[^/\s:@]{0,256}:[^/\s@]{1,256}(?=@)/gi,
    hint: /:\/\//,
  },
  {
    name: "webhook",
    pattern:
      /(?<keep>https?:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)\/|(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/|[\w-]{1,63}\.webhook\.office\.com\/webhookb2\/|hooks\.zapier\.com\/hooks\/catch\/))[^\s"'<>]+/gi,
    hint: /hooks\.|webhook/i,
  },
  {
    // Well-known token formats: AWS key ids, GitHub, GitLab, Slack, Stripe, Google, OpenAI,
    // npm, SendGrid, Shopify, PyPI, and this project's own ingest keys.
    name: "api_token",
    pattern:
      /(?<![A-Za-z0-9])(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}|AIza[0-9A-Za-z_-]{35}|sk-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|SG\.[\w-]{22}\.[\w-]{43}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|pypi-AgEIcHlwaS5vcmc[\w-]{50,}|te_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
    hint: /AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|gh[pousr]_|github_pat_|glpat-|xox|xapp-|k_live_|k_test_|whsec_|AIza|sk-|npm_|SG\.|shp|pypi-|te_/,
  },
  {
    // A credential after an auth scheme; requiring a digit or symbol spares prose ("Basic
    // authentication", "token expired").
    name: "bearer",
    pattern: /(?<keep>\b(?:bearer|basic|digest|token|negotiate)(?:[ \t]+|%20|\+))(?=[A-Za-z0-9\-._~+/]{0,4096}[0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,}=*/gi,
    hint: /bearer|basic|digest|token|negotiate/i,
  },
  {
    // Query parameters that carry a secret under a name that is not secret elsewhere
    // (`?code=` of OAuth, Google's `?key=`); secret names in general are the field rule's.
    name: "secret_param",
    pattern: /(?<keep>[?&;#](?:code|key|client_assertion)=)[^&#\s"'<>]+/gi,
    hint: /[?&;#](?:code|key|client_assertion)=/i,
  },
  {
    // Internationalised domains and local parts, `%40` for `@` (invisible characters are
    // removed before any rule runs, see RuleSet.text).
    name: "email",
    pattern: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}(?:@|%40)(?:[\p{L}\p{N}-]{1,63}\.){1,8}(?:\p{L}{2,24}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{N}-])/gu,
    hint: /@|%40/,
  },
  {
    // Spaces, dashes or dots between the groups; only a Luhn-valid run of 13 to 19 digits.
    name: "card",
    // Not the fraction of a decimal number (0.4111…).
    pattern: /(?<![0-9A-Za-z])(?<!\d[.,])[2-6]\d(?:[ .-]?\d){11,17}(?![0-9A-Za-z])/g,
    hint: /[2-6]\d(?:[ .-]?\d){11}/,
    validate: isCardNumber,
  },
  {
    name: "iban",
    pattern: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])/g,
    hint: /[A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4} ?[A-Za-z0-9]{4}/,
    validate: isIban,
  },
  {
    name: "ssn",
    pattern: /(?<![0-9A-Za-z-])\d{3}([ -])\d{2}\1\d{4}(?![0-9A-Za-z-])/g,
    hint: /\d{3}[ -]\d{2}[ -]\d{4}/,
    validate: isSsn,
  },
  {
    // E.164 (+ country code), North American ((415) 555-0132, 415.555.0132) and the common
    // European national forms (06 12 34 56 78, 020 7946 0958, 030 12345678).
    name: "phone",
    pattern:
      /(?<![\w+])\+[1-9](?:[ .()-]{0,2}\d){7,14}(?![\w])|(?<![\w.+-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])|(?<![\w.+-])0[1-9](?:[ .-]\d{2}){4}(?![\w.-])|(?<![\w.+-])0[1-9]\d{1,3} \d{3,4} ?\d{3,4}(?![\w.-])/g,
    hint: /\+[1-9]|\d[ .)-]{1,2}\d{2,4}[ .-]?\d{2}/,
    validate: isPhoneNumber,
  },
];
