import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';

const dialects = await testDialects();

describe.each(dialects)('GET /demo (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('embeds the first widget with our script, shows its code as text and links the form', async () => {
    const res = await t.app.inject({ url: '/demo' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain(
      `<div class="widget"><div data-showtrust-widget="${t.widgetId}" data-showtrust-layout="grid">` +
        '<svg slot="reserve" width="1" height="576" display="block" aria-hidden="true">' +
        '<set attributeName="height" to="0" begin="8s" fill="freeze"/></svg></div></div>',
    );
    expect(res.body).toContain('<script src="/embed.js" async></script>');
    expect(res.body).toContain(
      '<pre><code>&#60;script src=&#34;http://127.0.0.1:3000/embed.js&#34; async&#62;&#60;/script&#62;',
    );
    expect(res.body).toContain('<a href="/f/default">');
    // The only script element is the external one: no inline script.
    expect(res.body.match(/<script/g)).toHaveLength(1);
  });

  it('escapes a hostile widget name (C09)', async () => {
    const hostile = 'x" onmouseover="alert(document.domain)<script>alert(1)</script>';
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${t.widgetId}`,
      headers: t.auth(),
      payload: { name: hostile },
    });
    expect(patched.statusCode).toBe(200);
    const res = await t.app.inject({ url: '/demo' });
    expect(res.body).not.toContain(hostile);
    expect(res.body).not.toContain('onmouseover="');
    expect(res.body).toContain(
      'x&#34; onmouseover=&#34;alert(document.domain)&#60;script&#62;alert(1)&#60;/script&#62;',
    );
  });
});
