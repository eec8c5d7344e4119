import { Eta } from 'eta';
import { FORM_CSS_ASSET, FORM_ICON_ASSET } from '../forms/assets.js';
import { LAYOUT } from '../forms/templates.js';

const eta = new Eta({ autoEscape: true, cache: true });
eta.loadTemplate('@layout', LAYOUT);
eta.loadTemplate(
  '@unsubscribe',
  `<% layout('@layout') %>
<h1>Stop review requests?</h1>
<p class="message">You will get no more requests for testimonials from <%= it.sender %>.</p>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>
`,
);
eta.loadTemplate(
  '@message',
  `<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p class="message" role="status"><%= it.message %></p>
`,
);

const LINKS = { stylesheetHref: FORM_CSS_ASSET.href, iconHref: FORM_ICON_ASSET.href };

/** The confirmation page of an unsubscribe link: a GET never unsubscribes (mail scanners follow links). */
export function renderUnsubscribePage(action: string, sender: string): string {
  return eta.render('@unsubscribe', { title: 'Unsubscribe', ...LINKS, action, sender });
}

export function renderLinkMessage(heading: string, message: string): string {
  return eta.render('@message', { title: heading, ...LINKS, heading, message });
}

export const LINK_MESSAGES = {
  unknown: ['Link not found', 'This link is not valid. Please check that you copied all of it.'],
  used: ['Already sent', 'Thank you — we already have your testimonial from this link.'],
  expired: ['Link expired', 'This link has expired. Thank you for your interest all the same.'],
  canceled: ['Link withdrawn', 'This request was withdrawn; there is nothing more to do.'],
  unsubscribed: ['Unsubscribed', 'You will get no more review requests from us.'],
} as const;
