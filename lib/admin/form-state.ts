/** What an admin form shows after its server action: a message, an error, or a new key once. */
export interface AdminFormState {
  error?: string;
  message?: string;
  /** A freshly created ingest key; only ever in this one response, never stored in clear. */
  newKey?: { key: string; prefix: string };
  /** Bumped on every success, so a form can reset itself. */
  done?: number;
}
