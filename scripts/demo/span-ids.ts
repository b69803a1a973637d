/** The demo draws ids as 32-bit halves: cheaper than BigInt per span, the same stored value. */

/** 8 lowercase hex digits of an unsigned 32-bit number. */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** The signed decimal text of the 64-bit id made of two unsigned 32-bit halves. */
export function spanIdDecimal(hi: number, lo: number): string {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}
