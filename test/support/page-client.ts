import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/platform/http/types.js';
import { CookieJar, hiddenField } from './cookie-jar.js';

/**
 * Drives server-rendered pages through inject() like a browser would: cookies kept
 * between requests, form posts url-encoded with our Origin, the page's `_csrf` sent back.
 */
export class PageClient {
  readonly jar = new CookieJar();

  constructor(
    private readonly app: App,
    readonly origin = 'http://127.0.0.1:3000',
  ) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.jar.header(), ...headers },
    });
    this.jar.store(res.headers['set-cookie']);
    return res;
  }

  async post(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: this.jar.header(),
        origin: this.origin,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      payload: new URLSearchParams(fields).toString(),
    });
    this.jar.store(res.headers['set-cookie']);
    return res;
  }

  /** Opens the page, then posts its form with the page's own token plus the given fields. */
  async submit(
    pageUrl: string,
    action: string,
    fields: Record<string, string>,
  ): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    if (page.statusCode !== 200) throw new Error(`${pageUrl} answered ${page.statusCode}`);
    return this.post(action, { _csrf: hiddenField(page.body, '_csrf'), ...fields });
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    return this.submit('/account/sign-in', '/account/sign-in', { email, password });
  }
}
