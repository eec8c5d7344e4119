import { CookieJar, hiddenField } from './cookie-jar.js';

/**
 * A browser stand-in over fetch: cookies kept, redirects not followed (tests look at
 * each hop), form posts url-encoded with this origin, as a page of ours would send them.
 */
export class FetchBrowser {
  readonly jar = new CookieJar();

  constructor(readonly origin: string) {}

  private resolve(url: string): string {
    return new URL(url, this.origin).href;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.resolve(url), {
      redirect: 'manual',
      headers: { cookie: this.jar.header(), ...headers },
    });
    this.jar.store(res.headers);
    return res;
  }

  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(this.resolve(url), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: this.jar.header(),
        origin: this.origin,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    this.jar.store(res.headers);
    return res;
  }

  /** Follows same-origin redirects with GET until a page answers or a redirect leaves us. */
  async follow(res: Response, maxHops = 10): Promise<Response> {
    let current = res;
    for (let hop = 0; hop < maxHops; hop++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return current;
      const next = new URL(location, this.origin);
      if (next.origin !== this.origin) return current;
      current = await this.get(next.href);
    }
    throw new Error('too many redirects');
  }

  async signIn(email: string, password: string): Promise<Response> {
    const page = await this.get('/account/sign-in');
    const csrf = hiddenField(await page.text(), '_csrf');
    return this.post('/account/sign-in', { _csrf: csrf, email, password });
  }
}
