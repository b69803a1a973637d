import { z } from "zod";

export const MAX_SAVED_QUERY_NAME = 100;
export const MAX_SAVED_QUERY_URL = 2000;
export const MAX_SAVED_QUERIES = 100;

const CONTROL = /[\u0000-\u001f\u007f]/;
// Any origin stands in: a relative path resolves against it and must stay on it.
const BASE = "http://app.invalid";

/**
 * A path of this app with its query, as the address bar shows it after the origin: "/traces?…".
 * Refused: absolute URLs, scheme-relative "//host", "/\host" (browsers read it as "//host"),
 * other schemes, control characters. Returned normalised (what the browser would request).
 */
export const relativeAppUrl = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_SAVED_QUERY_URL, `must be at most ${MAX_SAVED_QUERY_URL} characters`)
  .transform((raw, ctx) => {
    const refuse = () => {
      ctx.addIssue({ code: "custom", message: "must be a path of this app, like /traces?service=web" });
      return z.NEVER;
    };
    if (CONTROL.test(raw) || !raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return refuse();
    let url: URL;
    try {
      url = new URL(raw, BASE);
    } catch {
      return refuse();
    }
    if (url.origin !== BASE) return refuse();
    const normalised = `${url.pathname}${url.search}`;
    return normalised.length <= MAX_SAVED_QUERY_URL ? normalised : refuse();
  });

export const savedQueryName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_SAVED_QUERY_NAME, `must be at most ${MAX_SAVED_QUERY_NAME} characters`)
  .refine((s) => !CONTROL.test(s), "must not contain control characters");

export const saveQueryInput = z.object({ name: savedQueryName, url: relativeAppUrl });
export const deleteQueryInput = z.object({ id: z.uuid({ error: "is not a saved query id" }) });

export type SaveQueryInput = z.output<typeof saveQueryInput>;
