import "server-only";
import { cache } from "react";
import { z } from "zod";
import { auth } from "./index";
import { loadAccessProfile, type AccessProfile } from "./users";

const userId = z.uuid();

/** The signed-in user as the database sees them now; null when signed out or disabled. */
export const getCurrentUser = cache(async (): Promise<AccessProfile | null> => {
  const session = await auth();
  const id = userId.safeParse(session?.user?.id);
  if (!id.success) return null;
  return loadAccessProfile(id.data);
});
