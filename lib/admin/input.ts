import { z } from "zod";
import { userRole } from "@/db/schema";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";

/** "none" is how a form says "no role": the user can sign in and sees nothing. */
export const roleInput = z
  .enum([...userRole.enumValues, "none"], { error: "Pick one of the roles." })
  .transform((role) => (role === "none" ? null : role));

const tenantList = z.array(tenantIdSchema).max(500).transform((ids) => [...new Set(ids)].sort());

export const createUserInput = z
  .object({
    email: z.string().trim().toLowerCase().max(320).pipe(z.email({ error: "Enter a valid e-mail address." })),
    name: z.string().trim().min(1, "A name cannot be empty.").max(200, "A name is at most 200 characters."),
    role: roleInput,
    tenantIds: tenantList.default([]),
    signIn: z.enum(["password", "oidc"], { error: "Choose password or single sign-on." }),
    password: z.string().max(1024, "A password is at most 1024 characters.").optional(),
  })
  .superRefine((input, ctx) => {
    if (input.signIn === "password" && (input.password ?? "").length < 12) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "An initial password needs at least 12 characters." });
    }
    if (input.role === "tenant_viewer" && input.tenantIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["tenantIds"], message: "A tenant viewer needs at least one tenant." });
    }
  });
export type CreateUserInput = z.input<typeof createUserInput>;

export const updateUserInput = z.object({
  userId: z.uuid({ error: "Unknown user." }),
  role: roleInput.optional(),
  tenantIds: tenantList.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.input<typeof updateUserInput>;

export const createKeyInput = z.object({
  name: z.string().trim().min(1, "A key name cannot be empty.").max(200, "A key name is at most 200 characters."),
  // "" from the form's select means a platform collector key that may write any tenant.
  tenantId: z.union([z.literal("").transform(() => null), tenantIdSchema]),
});
export type CreateKeyInput = z.input<typeof createKeyInput>;

export const revokeKeyInput = z.object({ keyId: z.uuid({ error: "Unknown key." }) });
export type RevokeKeyInput = z.input<typeof revokeKeyInput>;

/** The first problem of a failed validation, in words a person can act on. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? "The input is not valid.";
}
