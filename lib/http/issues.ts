import type { z } from "zod";

/** The first problem of a failed validation, said as `field: message`. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}
