/**
 * What the login page says for an Auth.js error code in its URL. Unknown codes get the generic
 * line: the code comes from the address bar and is never echoed.
 */
export function loginErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  if (code === "AccessDenied") {
    return "Single sign-on did not sign you in: there is no active account for your verified e-mail. Ask an administrator.";
  }
  if (code === "MissingCSRF") return "The sign-in form expired. Please try again.";
  return "Signing in did not work. Please try again.";
}
