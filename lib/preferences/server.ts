import "server-only";
import { cookies } from "next/headers";
import { parsePreferences, type Preferences } from "./preferences";

/** The viewer's preferences for this request. */
export async function readPreferences(): Promise<Preferences> {
  const jar = await cookies();
  return parsePreferences((name) => jar.get(name)?.value);
}
