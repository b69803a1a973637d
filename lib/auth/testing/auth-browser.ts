import { Auth, type AuthConfig } from "@auth/core";

export const TEST_APP = "http://localhost:3000";

/** A browser's cookie jar over Auth.js's route handler, for tests of the real Auth.js flows. */
export class AuthBrowser {
  private cookies = new Map<string, string>();

  constructor(private readonly config: () => AuthConfig) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await Auth(new Request(new URL(path, TEST_APP), { ...init, headers }), this.config());
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }

  /** A form POST with Auth.js's CSRF token, as its sign-in and sign-out pages send. */
  async post(path: string, fields: Record<string, string> = {}): Promise<Response> {
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    return this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${TEST_APP}/traces`, ...fields }),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name) || undefined;
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}
