/**
 * Whether an image URL may be shown: `https:` anywhere, or any URL of our own origin
 * (which may be plain http on a development machine). `javascript:`, `data:`, `blob:`,
 * relative and malformed URLs are refused (C09). Returns the normalised URL or null.
 */
export function safeImageUrl(value: string | null | undefined, ownOrigin: string): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:' || url.origin === ownOrigin) return url.href;
  return null;
}
