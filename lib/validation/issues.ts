import type { z } from "zod";

/** One validation problem, said as `field: message`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

/** The first problem of a failed validation, said as `field: message`. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? describeIssue(issue) : "invalid input";
}
