/**
 * Ingest's storage redactor: the shared rule set (@trace-explorer/tracing/redaction) applied to every key and
 * value before anything is stored or logged, with what it removed counted per rule for the
 * tenant's counters. A redacted value reads `[REDACTED:<rule>]`.
 */

import { KEY_RULE, redactedMarker, RuleSet, type RedactionCounts, type RedactionRules } from "@trace-explorer/tracing/redaction";

export { defaultRedactionRules, type PatternRule as ValueRule, type RedactionCounts, type RedactionRules } from "@trace-explorer/tracing/redaction";

export class Redactor {
  private readonly rules: RuleSet;

  constructor(rules: RedactionRules) {
    this.rules = new RuleSet(rules);
  }

  isSensitiveKey(key: string): boolean {
    return this.rules.isSecretName(key);
  }

  text(value: string, counts: RedactionCounts): string {
    return this.rules.text(value, counts);
  }

  /** Integers (number or decimal text) and integral doubles that are card numbers. */
  number(value: number | string, counts: RedactionCounts): number | string {
    return this.rules.number(value, counts);
  }

  /** A bytes value holding a secret once decoded, as a marker; undefined when it may be stored. */
  bytes(value: Uint8Array, counts: RedactionCounts): string | undefined {
    return this.rules.bytes(value, counts);
  }

  /** Replaces a whole value that sits under a sensitive key. */
  sensitiveValue(counts: RedactionCounts): string {
    counts[KEY_RULE] = (counts[KEY_RULE] ?? 0) + 1;
    return redactedMarker(KEY_RULE);
  }
}
