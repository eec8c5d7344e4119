import { Eta } from 'eta';
import { MAX_TEXT_CHARS } from '../testimonials/schema.js';
import { FORM_CSS_ASSET, FORM_ICON_ASSET } from './assets.js';
import type { FormRow } from './store.js';
import {
  MAX_EMAIL_CHARS,
  MAX_NAME_CHARS,
  type SubmissionError,
  type SubmissionValues,
  type TextField,
} from './submission.js';
import { PHOTO_TYPES } from '../media/image-type.js';
import { MAX_PHOTO_BYTES } from '../media/photo.js';
import {
  FORM_PAGE,
  INPUT,
  LAYOUT,
  MESSAGE_PAGE,
  PHOTO_INPUT,
  TEXTAREA,
  THANKS_PAGE,
} from './templates.js';

const eta = new Eta({ autoEscape: true, cache: true });
eta.loadTemplate('@layout', LAYOUT);
eta.loadTemplate('@input', INPUT);
eta.loadTemplate('@textarea', TEXTAREA);
eta.loadTemplate('@photo', PHOTO_INPUT);
eta.loadTemplate('@form', FORM_PAGE);
eta.loadTemplate('@thanks', THANKS_PAGE);
eta.loadTemplate('@message', MESSAGE_PAGE);

const LINKS = { stylesheetHref: FORM_CSS_ASSET.href, iconHref: FORM_ICON_ASSET.href };

interface FieldSpec {
  name: TextField;
  label: string;
  type: 'text' | 'email';
  required: boolean;
  maxLength: number;
  autocomplete: string;
  hint?: string;
}

const TEXT_FIELD: FieldSpec = {
  name: 'text',
  label: 'Your testimonial',
  type: 'text',
  required: true,
  maxLength: MAX_TEXT_CHARS,
  autocomplete: 'off',
  hint: `Up to ${MAX_TEXT_CHARS.toLocaleString('en')} characters.`,
};

const INPUT_FIELDS: FieldSpec[] = [
  {
    name: 'author_name',
    label: 'Your name',
    type: 'text',
    required: true,
    maxLength: MAX_NAME_CHARS,
    autocomplete: 'name',
  },
  {
    name: 'author_email',
    label: 'Email',
    type: 'email',
    required: false,
    maxLength: MAX_EMAIL_CHARS,
    autocomplete: 'email',
    hint: 'Never shown publicly.',
  },
  {
    name: 'author_title',
    label: 'Job title',
    type: 'text',
    required: false,
    maxLength: MAX_NAME_CHARS,
    autocomplete: 'organization-title',
  },
  {
    name: 'author_company',
    label: 'Company',
    type: 'text',
    required: false,
    maxLength: MAX_NAME_CHARS,
    autocomplete: 'organization',
  },
];

export interface FormPageInput {
  form: FormRow;
  values: SubmissionValues;
  errors: SubmissionError[];
  /** A message above the form, such as why a post was refused. */
  notice: string | null;
  token: string;
  /** Where the form posts; `/f/<slug>` unless a review request link serves it. */
  action?: string;
  /** Offer the optional author photo (the page then posts multipart/form-data). */
  photo?: boolean;
}

const PHOTO_HINT = `JPEG, PNG or WebP, up to ${MAX_PHOTO_BYTES / (1024 * 1024)} MB. Shown beside your testimonial.`;

function fieldView(spec: FieldSpec, values: SubmissionValues, errors: Map<string, string>) {
  const error = errors.get(spec.name);
  const describedBy = [spec.hint && `${spec.name}-hint`, error && `${spec.name}-error`];
  return {
    ...spec,
    value: values[spec.name],
    error,
    dirAuto: spec.type === 'text',
    describedBy: describedBy.filter(Boolean).join(' '),
  };
}

export function renderFormPage({
  form,
  values,
  errors,
  notice,
  token,
  action,
  photo,
}: FormPageInput): string {
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  const failed = errors.length > 0 || notice !== null;
  return eta.render('@form', {
    title: failed ? `Error: ${form.heading}` : form.heading,
    ...LINKS,
    heading: form.heading,
    prompt: form.prompt,
    consentText: form.consent_text,
    action: action ?? `/f/${form.slug}`,
    token,
    notice,
    summary: errors.map((e) => ({
      target: e.field === 'rating' ? 'rating-1' : e.field,
      message: e.message,
    })),
    rating: {
      error: byField.get('rating'),
      options: [1, 2, 3, 4, 5].map((value) => ({
        value,
        checked: values.rating === String(value),
      })),
    },
    text: fieldView(TEXT_FIELD, values, byField),
    inputs: INPUT_FIELDS.map((spec) => fieldView(spec, values, byField)),
    consent: values.consent,
    photo: photo && {
      hint: PHOTO_HINT,
      accept: PHOTO_TYPES.join(','),
      error: byField.get('photo'),
    },
  });
}

export function renderThanksPage(form: FormRow): string {
  return eta.render('@thanks', {
    title: form.heading,
    ...LINKS,
    heading: form.heading,
    message: form.thank_you_text,
  });
}

/** A page with only a heading and a sentence: not found, too large, server error. */
export function renderMessagePage(heading: string, message: string): string {
  return eta.render('@message', {
    title: heading,
    ...LINKS,
    heading,
    message,
  });
}
