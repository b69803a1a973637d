import "server-only";
import { cache } from "react";
import { z } from "zod";
import { getSql } from "@/lib/db/client";
import { auth } from "./index";
import { sessionIsLive } from "./sessions";
import { loadAccessProfile, type AccessProfile } from "./users";

const userId = z.uuid();

/**
 * The signed-in user as the database sees them now; null when signed out (also when the
 * cookie's session was ended by signing out, or is past its absolute lifetime) or disabled.
 */
export const getCurrentUser = cache(async (): Promise<AccessProfile | null> => {
  const session = await auth();
  const id = userId.safeParse(session?.user?.id);
  if (!id.success) return null;
  if (!(await sessionIsLive(getSql(), session?.sessionId, id.data))) return null;
  return loadAccessProfile(id.data);
});
