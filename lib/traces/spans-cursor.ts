import { z } from "zod";

export const DEFAULT_PAGE_SPANS = 5_000;
export const MAX_PAGE_SPANS = 20_000;

/** The cursor is the signed decimal span id the previous page ended with. */
export const spanCursorSchema = z
  .string()
  .regex(/^-?\d{1,19}$/, "not a page cursor")
  .refine((v) => BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n, "not a page cursor");
