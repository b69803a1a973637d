"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { PREFERENCE_COOKIES, PREFERENCE_MAX_AGE_S, theme, timeZoneMode } from "./preferences";

const preferencePatch = z.strictObject({
  timeZone: timeZoneMode.optional(),
  theme: theme.optional(),
});

export type PreferencePatch = z.input<typeof preferencePatch>;

/**
 * Stores the given preferences; the page re-renders with them. A value that does not
 * validate changes nothing and is reported, never stored.
 */
export async function savePreferences(patch: PreferencePatch): Promise<{ error?: string }> {
  const parsed = preferencePatch.safeParse(patch);
  if (!parsed.success) return { error: "That preference is not one of the choices." };
  const jar = await cookies();
  // Secure whenever the request came over https, as the session cookie is.
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === undefined) continue;
    jar.set(PREFERENCE_COOKIES[key as keyof typeof PREFERENCE_COOKIES], value, { path: "/", maxAge: PREFERENCE_MAX_AGE_S, sameSite: "lax", httpOnly: true, secure });
  }
  return {};
}
