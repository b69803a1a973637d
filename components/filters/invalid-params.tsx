import Link from "next/link";
import { ErrorAlert } from "@/components/shell/error-alert";

/**
 * Every invalid URL parameter, shown beside the filter bar while the page uses the valid rest;
 * each problem names the parameter and its valid choices.
 */
export function InvalidParams({ problems, clearHref, usable = true }: { problems: readonly string[]; clearHref: string; usable?: boolean }) {
  if (problems.length === 0) return null;
  return (
    <ErrorAlert className="mb-4" testId="invalid-params">
      <p className="font-medium">
        {problems.length === 1 ? "One parameter of this address is invalid" : `${problems.length} parameters of this address are invalid`}
        {usable ? " and left out:" : ":"}
      </p>
      <ul className="ml-5 list-disc">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <Link href={clearHref} prefetch={false} className="underline">
        Remove the invalid parameters
      </Link>
    </ErrorAlert>
  );
}
