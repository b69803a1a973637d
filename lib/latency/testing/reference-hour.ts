const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The latest Wednesday, Thursday or Friday 13:00 UTC: a whole hour, so the view's minute grain
 * and an exact query over the same spans agree, and always the same weekday hour, so the demo's
 * traffic (its tenants' working hours, quiet weekends) is the same in every run; within a week,
 * so inside every tenant's retention. Taken from the clock as it was, the data changed with the
 * hour and sometimes held no job retry at all.
 */
export function referenceHour(now: number): Date {
  for (let t = Math.floor(now / DAY) * DAY + 13 * HOUR; ; t -= DAY) {
    const weekday = new Date(t).getUTCDay();
    if (t <= now && weekday >= 3 && weekday <= 5) return new Date(t);
  }
}
