/** The columns (CSV) or keys (JSON Lines) an import file may carry; anything else is mapped or ignored. */
export const IMPORT_FIELDS = [
  'author_name',
  'author_title',
  'author_company',
  'author_email',
  'rating',
  'text',
  'title',
  'created_at',
  'tags',
  'status',
  'consent_given',
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

export function isImportField(name: string): name is ImportField {
  return (IMPORT_FIELDS as readonly string[]).includes(name);
}

/** Statuses `--status` may give rows that carry none; moderation decides the rest. */
export const DEFAULT_STATUSES = ['pending', 'approved'] as const;
export type DefaultStatus = (typeof DEFAULT_STATUSES)[number];

export type ImportFormat = 'csv' | 'jsonl';
