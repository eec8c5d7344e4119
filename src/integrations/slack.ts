import { excerpt } from './excerpt.js';

/** Longest testimonial text a Slack message previews. */
export const SLACK_PREVIEW_MAX_GRAPHEMES = 280;
const SHORT_FIELD_MAX_GRAPHEMES = 150;

/**
 * Slack's mrkdwn escaping: `&`, `<` and `>` become entities, so customer text shows as
 * typed and can never form a link, a `<!channel>` ping or a `<@user>` mention. Only our
 * own links are written with `<url|label>` after this.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackTestimonial {
  id: string;
  rating: number | null;
  text: string;
  author_name: string;
  author_title: string | null;
  author_company: string | null;
  verified?: boolean;
}

export interface SlackContext {
  testimonial: SlackTestimonial;
  /** Product, plan or segment, from the contact's attributes when known. */
  segment: string | null;
  link: string;
}

function stars(rating: number | null): string {
  if (rating === null) return 'No rating';
  return `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)} ${rating}/5`;
}

function byline({ testimonial, segment }: SlackContext): string {
  const who = [testimonial.author_name, testimonial.author_title, testimonial.author_company]
    .filter((part): part is string => Boolean(part))
    .map((part) => escapeSlack(excerpt(part, SHORT_FIELD_MAX_GRAPHEMES)))
    .join(', ');
  const extras = [
    segment ? `Segment: ${escapeSlack(excerpt(segment, SHORT_FIELD_MAX_GRAPHEMES))}` : null,
    testimonial.verified ? 'Verified customer' : null,
  ].filter(Boolean);
  return [`— ${who}`, ...extras].join(' · ');
}

/** Slack requires the link target itself to hold no `|` or `>`; ours never do, but check. */
function slackLink(url: string, label: string): string {
  if (/[|<>\s]/.test(url)) throw new Error('link not usable in Slack mrkdwn');
  return `<${url}|${label}>`;
}

/** The incoming-webhook payload: Block Kit blocks plus the plain `text` notifications show. */
export function buildSlackMessage(context: SlackContext) {
  const { testimonial } = context;
  const quote = escapeSlack(excerpt(testimonial.text, SLACK_PREVIEW_MAX_GRAPHEMES));
  const author = escapeSlack(excerpt(testimonial.author_name, SHORT_FIELD_MAX_GRAPHEMES));
  return {
    text: `New testimonial (${stars(testimonial.rating)}) from ${author}: ${quote}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*New testimonial* ${stars(testimonial.rating)}` },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `>${quote.replace(/\n/g, '\n>')}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: byline(context) }] },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: slackLink(context.link, 'View testimonial') },
      },
    ],
  };
}
