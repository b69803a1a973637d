/**
 * Which names are secret: attribute keys at any depth, and the names in front of values in
 * text (`password: …`, `"api_key":"…"`, `Cookie: …`). One rule for both, so a key that is
 * redacted as an attribute is redacted as a field in a log line too.
 */

// Outside ASCII, accents are dropped (contraseña → contrasena) before splitting.
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;
const LOWER_UPPER = /([\p{Ll}\d])(\p{Lu})/gu;
const UPPER_RUN = /(\p{Lu})(\p{Lu}\p{Ll})/gu;
const LETTER_DIGIT = /(\p{L})(\d)/gu;
const DIGIT_LETTER = /(\d)(\p{L})/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/**
 * A name as lowercase words, split at separators, camelCase humps and letter-digit edges:
 * "X-Api-Key" → x api key, "userPassword1" → user password 1, "HTTPHeader" → http header.
 */
export function nameWords(name: string): string[] {
  const plain = ASCII.test(name) ? name : name.normalize("NFKD").replace(MARKS, "");
  return plain
    .replace(LOWER_UPPER, "$1 $2")
    .replace(UPPER_RUN, "$1 $2")
    .replace(LETTER_DIGIT, "$1 $2")
    .replace(DIGIT_LETTER, "$1 $2")
    .toLowerCase()
    .split(SEPARATORS)
    .filter((w) => w.length > 0);
}

/**
 * The secret names. An entry is a word ("cookie": a whole word of the name, so cookies_enabled
 * is not), `word$` (only as the name's last word: x-auth and csrf_token, but not auth.error or
 * token.expires_at), a phrase ("api key": consecutive words), `*stem*` (anywhere inside a word:
 * mypassword) or `*suffix` (a word ending so: authtoken, clientsecret, but not tokenizer or
 * secretary).
 */
export const DEFAULT_SECRET_NAMES: readonly string[] = [
  // Passwords, in English and the commonest other languages.
  "*password*", "*passwd*", "*passphrase*", "pwd", "*pwd", "pw", "pass", "passcode",
  "*passwort*", "*kennwort*", "*contrasena*", "*contrasenya*", "*motdepasse*", "mot de passe", "senha",
  "*wachtwoord*", "haslo", "heslo", "parola", "sifre", "*losenord*", "*salasana*", "*adgangskode*",
  "hasło", "passord", "jelszo", "lozinka", "geslo", "*пароль*", "*密码*", "*パスワード*", "*비밀번호*",
  // Secrets, tokens, keys and credentials.
  "secret", "secrets", "*secret", "token$", "*token", "auth$", "authorization", "bearer", "jwt",
  "api key", "*apikey*", "access key", "*accesskey*", "private key", "*privatekey*", "secret key",
  "*secretkey*", "*credential*", "creds", "signature$", "sig$", "otp", "totp", "csrf", "xsrf",
  // Sessions and cookies.
  "session$", "session id", "session key", "*sessionid*", "cookie", "cookies", "*cookie",
  // Personal data that a name announces.
  "ssn", "social security", "cvv", "cvc", "card number", "credit card", "iban", "account number",
  "phone", "phone number", "birthdate",
];

export interface SecretNameRules {
  words: Set<string>;
  lastWords: Set<string>;
  phrases: string[][];
  stems: string[];
  suffixes: string[];
}

/** The entries (see DEFAULT_SECRET_NAMES) sorted by kind; a malformed entry throws. */
export function secretNameRules(entries: readonly string[]): SecretNameRules {
  const rules: SecretNameRules = { words: new Set(), lastWords: new Set(), phrases: [], stems: [], suffixes: [] };
  for (const entry of entries) {
    const stem = /^\*([^*]+)\*$/.exec(entry);
    const suffix = /^\*([^*]+)$/.exec(entry);
    const part = stem?.[1] ?? suffix?.[1];
    if (part !== undefined) {
      const words = nameWords(part);
      if (words.length !== 1) throw new Error(`Secret name ${JSON.stringify(entry)}: a *stem* or *suffix is one word`);
      (stem ? rules.stems : rules.suffixes).push(words[0]!);
      continue;
    }
    const last = entry.endsWith("$");
    const words = nameWords(last ? entry.slice(0, -1) : entry);
    if (last && words.length === 1) {
      rules.lastWords.add(words[0]!);
      continue;
    }
    if (words.length === 0) throw new Error(`Secret name ${JSON.stringify(entry)} has no words`);
    if (words.length === 1) rules.words.add(words[0]!);
    else rules.phrases.push(words);
  }
  return rules;
}

const CACHE_LIMIT = 10_000;

export class SecretNames {
  private readonly cache = new Map<string, boolean>();
  /** Each entry's distinctive text, for finding names in free text. */
  readonly anchors: string[];

  constructor(private readonly rules: SecretNameRules) {
    this.anchors = [...rules.words, ...rules.lastWords, ...rules.stems, ...rules.suffixes, ...rules.phrases.map((p) => p.reduce((a, b) => (b.length > a.length ? b : a)))];
  }

  isSecret(name: string): boolean {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const secret = this.match(nameWords(name));
    // Names are few in practice; the bound only guards against names made from data.
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(name, secret);
    return secret;
  }

  private match(words: string[]): boolean {
    const { rules } = this;
    if (words.length > 0 && rules.lastWords.has(words[words.length - 1]!)) return true;
    for (const word of words) {
      if (rules.words.has(word)) return true;
      for (const stem of rules.stems) if (word.includes(stem)) return true;
      for (const suffix of rules.suffixes) if (word.length > suffix.length && word.endsWith(suffix)) return true;
    }
    return rules.phrases.some((phrase) => words.some((_, i) => phrase.every((p, j) => words[i + j] === p)));
  }
}
