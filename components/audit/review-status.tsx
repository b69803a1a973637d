import type { ReviewState } from "@/lib/access-review/actions";

/** The outcome of a review or revocation decision, announced to screen readers as it appears. */
export function ReviewStatus({ state }: { state: ReviewState }) {
  return (
    <>
      {state.error && (
        <span role="alert" className="text-red-600 dark:text-red-400">
          {state.error}
        </span>
      )}
      {state.ok && (
        <span role="status" className="text-green-700 dark:text-green-400">
          {state.ok}
        </span>
      )}
    </>
  );
}
