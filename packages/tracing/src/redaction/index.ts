// The redaction rule set the library's sanitizer applies before export, for other engines (the
// explorer's ingest applies the same rules before storage).
export { luhn } from "./checks";
export { secretNameRules, type SecretNameRules } from "./names";
export { defaultRedactionRules, defaultRuleSet, RuleSet, type RedactionCounts, type RedactionRules } from "./rule-set";
export { KEY_RULE, redactedMarker, type PatternRule } from "./rules";
