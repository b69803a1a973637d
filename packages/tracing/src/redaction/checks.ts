/**
 * Checks that tell a real card number, IBAN or SSN from a digit run that only looks like one:
 * ids, timestamps and amounts must survive redaction.
 */

/** The Luhn checksum: a card-length digit run that fails it is an id, not a card number. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const NOT_DIGIT = /\D/g;

// Printed cards group their digits in fours (the last group shorter), Amex 4-6-5; any other
// grouping (IP addresses in a list, dates, phone numbers) is not a card.
const CARD_GROUPS = /^\d{4}([ .-])\d{4}(?:\1\d{4}){1,2}(?:\1\d{1,4})?$|^\d{4}([ .-])\d{6}\2\d{4,5}$/;

export function isCardNumber(match: string): boolean {
  const digits = match.replace(NOT_DIGIT, "");
  if (digits.length !== match.length && !CARD_GROUPS.test(match)) return false;
  return digits.length >= 13 && digits.length <= 19 && luhn(digits);
}

// IBAN lengths by country (ISO 13616 registry): a checksum-valid run of the wrong length for
// its country is not an IBAN.
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15,
  PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

export function isIban(match: string): boolean {
  const compact = match.replace(/ /g, "").toUpperCase();
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** US SSNs never have area 000, 666 or 9xx, group 00 or serial 0000. */
export function isSsn(match: string): boolean {
  const digits = match.replace(NOT_DIGIT, "");
  const area = digits.slice(0, 3);
  return area !== "000" && area !== "666" && area[0] !== "9" && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
}

/** E.164 allows up to 15 digits; national numbers have at least 8 with the area code. */
export function isPhoneNumber(match: string): boolean {
  const digits = match.replace(NOT_DIGIT, "").length;
  return digits >= 8 && digits <= 15;
}
