/**
 * Time expressions for ingest's SQL text. `start_time` keeps microseconds and `duration_ns`
 * all of it, so exact nanosecond arithmetic goes through epoch microseconds × 1000.
 */

/** A timestamptz column or expression as epoch nanoseconds (bigint). */
export const epochNs = (t: string) => `((extract(epoch FROM ${t}) * 1000000)::bigint * 1000)`;

/** Epoch nanoseconds (bigint) as a timestamptz, to the microsecond. */
export const fromNs = (ns: string) => `('epoch'::timestamptz + (${ns} / 1000) * interval '1 microsecond')`;
