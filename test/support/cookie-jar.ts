/**
 * Just enough of a browser's cookie store for tests that drive pages with inject() or
 * fetch: it keeps name=value pairs from Set-Cookie (honouring deletion) and sends them back.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes every Set-Cookie of a response (inject's string/array or fetch's Headers). */
  store(setCookie: string | string[] | undefined | Headers): void {
    const list =
      setCookie instanceof Headers
        ? setCookie.getSetCookie()
        : setCookie === undefined
          ? []
          : Array.isArray(setCookie)
            ? setCookie
            : [setCookie];
    for (const cookie of list) {
      const [pair, ...attributes] = cookie.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The value of a hidden input in a rendered page. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in page`);
  return match[1]!
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
