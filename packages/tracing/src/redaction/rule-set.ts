import { isCardNumber } from "./checks";
import { fieldAnchor, redactFields } from "./fields";
import { DEFAULT_SECRET_NAMES, SecretNames, secretNameRules } from "./names";
import { BASE64_RULE, BASE64_SECRET_HINT, DEFAULT_VALUE_RULES, FIELD_RULE, redactedMarker, type PatternRule } from "./rules";

/**
 * The one rule set both redaction engines apply: the tracing library's sanitizer before
 * export (sanitize.ts) and the explorer's ingest redactor before storage.
 */
export interface RedactionRules {
  /** Secret names for keys and for fields in text: words, phrases, `*stem*`, `*suffix`. */
  sensitiveKeys: readonly string[];
  valueRules: readonly PatternRule[];
}

export const defaultRedactionRules: RedactionRules = { sensitiveKeys: DEFAULT_SECRET_NAMES, valueRules: DEFAULT_VALUE_RULES };

/** Redactions per rule name, for one span or one tenant. */
export type RedactionCounts = Record<string, number>;

interface Step {
  name: string;
  hint: RegExp | undefined;
  apply: (text: string, counts: RedactionCounts) => string;
}

const CACHE_LIMIT = 10_000;
/** Longer values are rarely repeated; caching them would only cost memory. */
const CACHED_VALUE_LENGTH = 512;
// Zero-width and other invisible characters that split a secret so no rule sees it.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
const BASE64_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const utf8 = new TextDecoder();

function add(counts: RedactionCounts, rule: string, n = 1): void {
  counts[rule] = (counts[rule] ?? 0) + n;
}

function total(counts: RedactionCounts): number {
  let n = 0;
  for (const rule in counts) n += counts[rule]!;
  return n;
}

function patternStep(rule: PatternRule): Step {
  if (!rule.pattern.global) throw new Error(`Redaction rule ${rule.name}: the pattern must have the g flag`);
  const marker = redactedMarker(rule.name);
  return {
    name: rule.name,
    hint: rule.hint,
    apply: (text, counts) =>
      text.replace(rule.pattern, (match: string, ...args: unknown[]) => {
        if (rule.validate && !rule.validate(match)) return match;
        add(counts, rule.name);
        const groups = args[args.length - 1];
        const keep = typeof groups === "object" && groups !== null ? (groups as { keep?: string }).keep : undefined;
        return `${keep ?? ""}${marker}`;
      }),
  };
}

/** The text as a person would read it: invisible characters removed, %-escapes decoded. */
function plainReading(value: string): string | undefined {
  let plain = value.replace(INVISIBLE, "");
  if (PERCENT_ESCAPE.test(plain)) {
    try {
      plain = decodeURIComponent(plain.replace(/\+/g, " "));
    } catch {
      // A stray % that is no escape: the text as it stands.
    }
  }
  return plain === value ? undefined : plain;
}

export class RuleSet {
  readonly names: SecretNames;
  private readonly steps: Step[];
  // Every step's hint in one case-insensitive test (a superset of each), so a clean value —
  // most of them — costs one scan; undefined when a step has no hint and must always run.
  private readonly anyHint: RegExp | undefined;
  // Values seen to need nothing: routes, methods, hosts and user agents repeat span after span.
  private readonly cleanValues = new Set<string>();
  private nested = false;

  constructor(rules: RedactionRules) {
    this.names = new SecretNames(secretNameRules(rules.sensitiveKeys));
    const anchor = fieldAnchor(this.names);
    const fieldMarker = redactedMarker(FIELD_RULE);
    const base64Marker = redactedMarker(BASE64_RULE);
    this.steps = [
      ...rules.valueRules.map(patternStep),
      {
        name: FIELD_RULE,
        hint: new RegExp(anchor.source, "i"),
        apply: (text, counts) => redactFields(text, this.names, anchor, fieldMarker, () => add(counts, FIELD_RULE)),
      },
      {
        name: BASE64_RULE,
        hint: BASE64_SECRET_HINT,
        apply: (text, counts) =>
          text.replace(BASE64_RUN, (run) => {
            if (!BASE64_SECRET_HINT.test(run) || !this.holdsSecret(Buffer.from(run, "base64").toString("utf8"))) return run;
            add(counts, BASE64_RULE);
            return base64Marker;
          }),
      },
    ];
    const hints = this.steps.map((s) => s.hint?.source);
    this.anyHint = hints.every((h) => h !== undefined) ? new RegExp(hints.map((h) => `(?:${h})`).join("|"), "i") : undefined;
  }

  isSecretName(name: string): boolean {
    return this.names.isSecret(name);
  }

  /** The text with every secret replaced by its rule's marker; counts what it replaced. */
  text(value: string, counts?: RedactionCounts): string {
    if (this.cleanValues.has(value)) return value;
    const direct: RedactionCounts = {};
    let out = this.scan(value, direct);
    let counted = direct;
    // A secret split by invisible characters or %-encoded is read as its reader would see it.
    const plain = plainReading(value);
    if (plain !== undefined) {
      const plainCounts: RedactionCounts = {};
      const plainOut = this.scan(plain, plainCounts);
      // Preferred when it finds as much: "mark\u200b.twain@…" is one e-mail either way, but only
      // the plain reading redacts all of it.
      const found = total(plainCounts);
      if (found > 0 && found >= total(direct)) {
        out = plainOut;
        counted = plainCounts;
      }
    }
    if (out === value) return this.clean(value);
    if (counts) for (const rule in counted) add(counts, rule, counted[rule]);
    return out;
  }

  /**
   * An integer (a number, or decimal text beyond 2^53) that is a card number is redacted as
   * the same digits in text would be; integral doubles too.
   */
  number(value: number | string, counts?: RedactionCounts): number | string {
    if (typeof value === "number" && (!Number.isInteger(value) || Math.abs(value) < 1e12)) return value;
    if (!isCardNumber(String(value))) return value;
    if (counts) add(counts, "card");
    return redactedMarker("card");
  }

  /** Bytes that hold a secret once decoded, as the marker of the rule that found it; else undefined. */
  bytes(value: Uint8Array, counts?: RedactionCounts): string | undefined {
    const text = utf8.decode(value);
    const found: RedactionCounts = {};
    if (this.text(text, found) === text) return undefined;
    if (counts) for (const rule in found) add(counts, rule, found[rule]);
    return redactedMarker(Object.keys(found)[0]!);
  }

  private scan(value: string, counts: RedactionCounts): string {
    if (this.anyHint && !this.anyHint.test(value)) return value;
    let out = value;
    for (const step of this.steps) {
      if (step.hint && !step.hint.test(out)) continue;
      out = step.apply(out, counts);
    }
    return out;
  }

  /** Whether decoded text holds a secret; one level deep, so base64 in base64 is not chased. */
  private holdsSecret(text: string): boolean {
    if (this.nested) return false;
    this.nested = true;
    try {
      const plain = plainReading(text);
      return this.scan(text, {}) !== text || (plain !== undefined && this.scan(plain, {}) !== plain);
    } finally {
      this.nested = false;
    }
  }

  private clean(value: string): string {
    if (value.length <= CACHED_VALUE_LENGTH) {
      if (this.cleanValues.size >= CACHE_LIMIT) this.cleanValues.clear();
      this.cleanValues.add(value);
    }
    return value;
  }
}

let defaultSet: RuleSet | undefined;

/** The default rules, built once per process. */
export function defaultRuleSet(): RuleSet {
  return (defaultSet ??= new RuleSet(defaultRedactionRules));
}
