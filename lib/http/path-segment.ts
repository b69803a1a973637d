/**
 * A path segment percent-decoded, or null when its encoding is malformed (`%zz`, a cut-off
 * `%E0%A4%A`, bytes that are not UTF-8): decodeURIComponent throws on those, which answered 500.
 */
export function decodePathSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Whether every segment of a raw (still percent-encoded) path decodes. */
export function isWellFormedPath(pathname: string): boolean {
  return pathname.split("/").every((segment) => decodePathSegment(segment) !== null);
}
