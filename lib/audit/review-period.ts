export const REVIEW_PERIODS = ["quarter", "previous-quarter", "since-last"] as const;
export type ReviewPeriodKind = (typeof REVIEW_PERIODS)[number];

export interface ReviewPeriod {
  label: string;
  from: Date;
  to: Date;
}

/** The calendar quarter (UTC) containing `at`, e.g. 2026-Q2. */
export function quarterOf(at: Date): ReviewPeriod {
  const year = at.getUTCFullYear();
  const q = Math.floor(at.getUTCMonth() / 3);
  return {
    label: `${year}-Q${q + 1}`,
    from: new Date(Date.UTC(year, q * 3, 1)),
    to: new Date(Date.UTC(year, q * 3 + 3, 1)),
  };
}

/**
 * The period a review covers: this quarter, the previous one, or everything since the
 * subject's last review (or since the account exists, for a first review).
 */
export function reviewPeriod(kind: ReviewPeriodKind, now: Date, since: Date): ReviewPeriod {
  const current = quarterOf(now);
  if (kind === "quarter") return current;
  if (kind === "previous-quarter") return quarterOf(new Date(current.from.getTime() - 1));
  const from = since < now ? since : new Date(now.getTime() - 1);
  return { label: `since ${from.toISOString().slice(0, 10)}`, from, to: now };
}

/** Due when the user has not been reviewed since the current quarter began. */
export function isDueForReview(lastReviewAt: Date | null, now: Date): boolean {
  return lastReviewAt === null || lastReviewAt < quarterOf(now).from;
}
