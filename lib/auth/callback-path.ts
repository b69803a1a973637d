/**
 * Where to go after signing in: only a path on this site. The origin of whatever was passed
 * is dropped, so the login form can never become an open redirect.
 */
export function safeCallbackPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return "/";
  try {
    const url = new URL(raw, "http://this-site.invalid");
    if (!url.protocol.startsWith("http") || !url.pathname.startsWith("/")) return "/";
    if (url.pathname.startsWith("//") || url.pathname.startsWith("/login")) return "/";
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
}
