import { MAX_TEXT_CHARS, type CreateTestimonialInput } from '../testimonials/schema.js';
import type { FormRow } from './store.js';

/** Filled only by bots: people never see it. Its name tempts form-filling scripts. */
export const HONEYPOT_FIELD = 'contact_me_by_fax_only';
export const TOKEN_FIELD = '_token';
export const MAX_NAME_CHARS = 200;
export const MAX_EMAIL_CHARS = 320;

/** What the visitor typed, kept as text so a re-rendered form shows it unchanged. */
export interface SubmissionValues {
  rating: string;
  text: string;
  author_name: string;
  author_email: string;
  author_title: string;
  author_company: string;
  consent: boolean;
}

/** The fields typed as text, which a refused post shows again as typed. */
export type TextField = Exclude<keyof SubmissionValues, 'consent'>;
export type SubmissionField = TextField | 'photo';

export interface SubmissionError {
  field: SubmissionField;
  message: string;
}

export interface Submission {
  values: SubmissionValues;
  token: string;
  honeypotFilled: boolean;
}

export const EMPTY_VALUES: SubmissionValues = {
  rating: '',
  text: '',
  author_name: '',
  author_email: '',
  author_title: '',
  author_company: '',
  consent: false,
};

// C0 controls and DEL other than tab and line feed: nobody types them, and PostgreSQL
// refuses NUL in text.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// The HTML standard's "valid e-mail address", with at least one dot in the domain as
// the API's `email` format asks.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A urlencoded field: absent, one value, or repeated (then the first one counts). */
function field(body: Record<string, unknown>, name: string): string {
  const raw = body[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value : '';
}

// Browsers send textarea line breaks as CRLF; the visitor typed LF.
function multiLine(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_CHARS, '');
}

function singleLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').replace(CONTROL_CHARS, '');
}

export function readSubmission(body: unknown): Submission {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    values: {
      rating: singleLine(field(fields, 'rating')).trim(),
      text: multiLine(field(fields, 'text')),
      author_name: singleLine(field(fields, 'author_name')),
      author_email: singleLine(field(fields, 'author_email')).trim(),
      author_title: singleLine(field(fields, 'author_title')),
      author_company: singleLine(field(fields, 'author_company')),
      consent: field(fields, 'consent') === 'yes',
    },
    token: field(fields, TOKEN_FIELD),
    honeypotFilled: field(fields, HONEYPOT_FIELD).trim() !== '',
  };
}

/** Length in characters as people count them here: code points, as the API's schema does. */
function length(value: string): number {
  return [...value.trim()].length;
}

function tooLong(max: number, what: string): string {
  return `Please keep ${what} to ${max.toLocaleString('en')} characters or fewer.`;
}

/** Every problem with the visitor's input, in the order the fields appear on the page. */
export function validateSubmission(values: SubmissionValues): SubmissionError[] {
  const errors: SubmissionError[] = [];
  const fail = (field: SubmissionField, message: string) => errors.push({ field, message });

  if (values.rating !== '' && !/^[1-5]$/.test(values.rating)) {
    fail('rating', 'Choose a rating from 1 to 5 stars.');
  }
  if (length(values.text) === 0) fail('text', 'Please write your testimonial.');
  else if (length(values.text) > MAX_TEXT_CHARS) {
    fail('text', tooLong(MAX_TEXT_CHARS, 'your testimonial'));
  }
  if (length(values.author_name) === 0) fail('author_name', 'Please tell us your name.');
  else if (length(values.author_name) > MAX_NAME_CHARS) {
    fail('author_name', tooLong(MAX_NAME_CHARS, 'your name'));
  }
  if (length(values.author_email) > MAX_EMAIL_CHARS || !isEmailOrEmpty(values.author_email)) {
    fail('author_email', 'Enter an email address like name@example.com, or leave it empty.');
  }
  if (length(values.author_title) > MAX_NAME_CHARS) {
    fail('author_title', tooLong(MAX_NAME_CHARS, 'your job title'));
  }
  if (length(values.author_company) > MAX_NAME_CHARS) {
    fail('author_company', tooLong(MAX_NAME_CHARS, 'the company name'));
  }
  return errors;
}

function isEmailOrEmpty(value: string): boolean {
  return value === '' || EMAIL.test(value);
}

/** The testimonial a valid submission becomes; the consent wording is the form's, as shown. */
export function toTestimonialInput(
  values: SubmissionValues,
  form: FormRow,
): CreateTestimonialInput {
  return {
    form_id: form.id,
    status: 'pending',
    rating: values.rating === '' ? null : Number(values.rating),
    text: values.text,
    author_name: values.author_name,
    author_email: values.author_email || null,
    author_title: values.author_title || null,
    author_company: values.author_company || null,
    consent_given: values.consent,
    consent_text: values.consent ? form.consent_text : null,
  };
}
