/** A count as people read it, with thousands separators: 345957 is "345,957"; re-weighted counts are rounded to whole spans. */
export function formatCount(n: number | bigint): string {
  return (typeof n === "bigint" ? n : Math.round(n)).toLocaleString("en-US");
}
