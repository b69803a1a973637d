import type { ReactNode } from "react";

/**
 * The red box for what a page cannot do with its address or its data (an invalid filter, an
 * unusable cursor, an unavailable database): `role="alert"`, so a screen reader announces it,
 * and one look on every page.
 */
export function ErrorAlert({ children, className, testId }: { children: ReactNode; className?: string; testId?: string }) {
  return (
    <div
      role="alert"
      className={`rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200 ${className ?? ""}`}
      data-testid={testId}
    >
      {children}
    </div>
  );
}
