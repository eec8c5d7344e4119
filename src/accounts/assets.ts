import { createHash } from 'node:crypto';

/** The account and consent pages' only styles, served by us: their CSP allows no inline style. */
const ACCOUNT_CSS = `
*, *::before, *::after { box-sizing: border-box; }
body {
  margin: 0;
  background: #f4f5f7;
  color: #1d2330;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  overflow-wrap: anywhere;
}
.page { max-width: 32rem; margin: 0 auto; padding: 1rem; }
.card { background: #fff; border: 1px solid #dde1e8; border-radius: 12px; padding: 1.25rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
input[type=email], input[type=password], input[type=text], select {
  width: 100%; padding: 0.6rem; font: inherit; border: 1px solid #9aa3b2; border-radius: 8px;
}
input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid #3b5bdb; outline-offset: 2px;
}
button {
  margin-top: 1rem; padding: 0.6rem 1.1rem; font: inherit; font-weight: 600; border-radius: 8px;
  border: 1px solid #2f4ac0; background: #3b5bdb; color: #fff; cursor: pointer;
}
button.secondary { background: #fff; color: #2f4ac0; }
.actions { display: flex; gap: 0.75rem; flex-wrap: wrap; }
.notice { border-left: 4px solid #3b5bdb; background: #eef1fd; padding: 0.5rem 0.75rem; }
.error { border-left: 4px solid #c92a2a; background: #fdeeee; padding: 0.5rem 0.75rem; }
.scopes li { margin: 0.25rem 0; }
.scopes code, .muted { color: #4b5566; font-size: 0.9rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.35rem 0.25rem; border-bottom: 1px solid #e4e7ec; }
`;

export interface PageAsset {
  path: string;
  href: string;
  version: string;
  contentType: string;
  body: string;
}

const version = createHash('sha256').update(ACCOUNT_CSS).digest('hex').slice(0, 12);

export const ACCOUNT_CSS_ASSET: PageAsset = {
  path: '/account/assets/account.css',
  href: `/account/assets/account.css?v=${version}`,
  version,
  contentType: 'text/css; charset=utf-8',
  body: ACCOUNT_CSS,
};
