import type { ColumnType } from 'kysely';

/**
 * Table shapes shared by both dialects. Times are ISO 8601 UTC text (they sort as text),
 * booleans are 0/1 integers and JSON is text, so one query code serves SQLite and
 * PostgreSQL alike.
 */
export interface WorkspaceTable {
  id: string;
  name: string;
  /** Bumped in the same transaction as any change a public feed shows; feed caches key on it. */
  content_version: number;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  last_four: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** Added by 0003: when a refusal of this key was last audited. Optional on insert. */
  last_refused_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string;
  action: string;
  /** `api_key`, `oauth_app`, `cli`, … : what kind of credential acted. */
  actor_type: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  /** JSON object of non-secret facts (a new status, a refused scope). */
  details: string;
  created_at: string;
}

export interface IdempotencyKeyTable {
  credential_id: string;
  idempotency_key: string;
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  fingerprint: string;
  state: 'in_flight' | 'done';
  status_code: number | null;
  content_type: string | null;
  /** The stored response body, encrypted with the secret box (it may hold a new secret). */
  response_body: string | null;
  /** An in-flight claim older than this was abandoned (a crash) and may be taken over. */
  locked_until: string;
  expires_at: string;
  created_at: string;
}

export interface FormTable {
  id: string;
  workspace_id: string;
  slug: string;
  name: string;
  heading: string;
  prompt: string;
  consent_text: string;
  thank_you_text: string;
  created_at: string;
  updated_at: string;
}

export interface TestimonialTable {
  id: string;
  workspace_id: string;
  form_id: string | null;
  status: string;
  source: string;
  rating: number | null;
  title: string | null;
  text: string;
  author_name: string;
  author_email: string | null;
  author_title: string | null;
  author_company: string | null;
  featured: number;
  consent_given: number;
  consent_text: string | null;
  created_at: string;
  updated_at: string;
  /** 1 when it came through a review request link, which only the contact's mailbox got. */
  verified: number;
  contact_id: string | null;
  /** Added by 0006: an https URL, or `/media/{id}` of a photo we host (0007). */
  author_avatar_url: string | null;
  /** Added by 0007: when the author withdrew consent (consent_given is then 0). */
  consent_revoked_at: string | null;
}

/** Added by 0007: hosted photos; a row stays after its bytes go, so its URL answers 410. */
export interface MediaTable {
  id: string;
  workspace_id: string;
  testimonial_id: string;
  content_type: string;
  byte_size: number;
  /** A strong ETag of the bytes. */
  etag: string;
  /** Null once gone. */
  bytes: Buffer | null;
  created_at: string;
  gone_at: string | null;
}

export interface TestimonialTagTable {
  testimonial_id: string;
  workspace_id: string;
  tag: string;
}

export interface WidgetTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  settings: string;
  created_at: string;
  updated_at: string;
  /** Added by 0006: the public name of its wall page `/w/{slug}`; null means its id serves. */
  slug: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Added by 0006: per-workspace widget branding; no row means the defaults. */
export interface WidgetBrandingTable {
  workspace_id: string;
  /** 1 hides the "Powered by ShowTrust" link in every widget of the workspace. */
  white_label: number;
  updated_at: string;
}

export interface WebhookEndpointTable {
  id: string;
  workspace_id: string;
  url: string;
  description: string;
  events: string;
  secret_encrypted: string;
  enabled: number;
  created_at: string;
  updated_at: string;
  /** `endpoint` (made in the API) or `hook` (a REST hook subscription, /v1/hooks). */
  kind: string;
  rate_limit_per_second: number | null;
  /** Start (ISO second) and use of the current one-second rate-limit window. */
  rate_window_start: string | null;
  rate_window_count: number;
  /** The secret a rotation replaced; deliveries are signed with both until it expires. */
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: string | null;
  /** First failed attempt since the last success; null while the endpoint is healthy. */
  failing_since: string | null;
  disabled_reason: string | null;
}

export interface EventTable {
  id: string;
  workspace_id: string;
  type: string;
  data: string;
  created_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  workspace_id: string;
  delivery_id: string;
  endpoint_id: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: string;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  /** Jobs of one group (a webhook endpoint) run at most group_limit at a time. */
  group_key: string | null;
  group_limit: number | null;
}

export interface EmailTable {
  id: string;
  /** Null for mail outside any workspace (sign-up, password reset). */
  workspace_id: string | null;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: string;
  /** `capture` (kept here only) or `smtp` (delivered by the mail.deliver job). */
  transport: string;
  status: string;
  attempts: number;
  provider_message_id: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ContactTable {
  id: string;
  workspace_id: string;
  email: string;
  external_id: string | null;
  name: string | null;
  company: string | null;
  attributes: string;
  unsubscribed: number;
  unsubscribed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CustomerEventTable {
  id: string;
  workspace_id: string;
  /** The caller's own id: the idempotency key. */
  external_id: string;
  type: string;
  occurred_at: string;
  contact_id: string;
  properties: string;
  received_at: string;
}

export interface ConnectionTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  settings: string;
  secret_encrypted: string;
  created_at: string;
  updated_at: string;
}

export interface RuleTable {
  id: string;
  workspace_id: string;
  name: string;
  trigger: string;
  conditions: string;
  actions: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface RuleRunTable {
  id: string;
  workspace_id: string;
  rule_id: string;
  trigger: string;
  /** The customer event or outbox event the run is for; one run per (rule, subject). */
  subject_id: string;
  contact_id: string | null;
  matched: number;
  status: string;
  context: string;
  actions: string;
  created_at: string;
  updated_at: string;
}

export interface ReviewRequestTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  form_id: string;
  rule_id: string | null;
  status: string;
  token_hash: string;
  send_at: string;
  reminder_after_days: number | null;
  reminder_at: string | null;
  expires_at: string | null;
  sent_at: string | null;
  reminded_at: string | null;
  opened_at: string | null;
  completed_at: string | null;
  canceled_at: string | null;
  skipped_reason: string | null;
  testimonial_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmailTemplateTable {
  id: string;
  workspace_id: string;
  form_id: string;
  kind: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
  updated_at: string;
}

export interface AutomationSettingsTable {
  workspace_id: string;
  time_zone: string;
  brand_color: string;
  accent_color: string;
  reminder_after_days: number | null;
  updated_at: string;
}

export interface UserTable {
  id: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export interface MembershipTable {
  workspace_id: string;
  user_id: string;
  /** owner, admin, editor or viewer. */
  role: string;
  created_at: string;
}

export interface SessionTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface InvitationTable {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
}

export interface PasswordResetTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface OAuthAppTable {
  id: string;
  workspace_id: string;
  name: string;
  /** `confidential` (has a secret) or `public` (PKCE only). */
  client_type: string;
  client_secret_encrypted: string | null;
  redirect_uris: string;
  grant_types: string;
  scopes: string;
  created_at: string;
  updated_at: string;
}

/** oidc-provider's models (codes, tokens, grants, sessions…), keyed by a hash of their id. */
export interface OAuthModelTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  client_id: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface OAuthSigningKeyTable {
  kid: string;
  private_jwk_encrypted: string;
  created_at: string;
}

export interface Database {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeyTable;
  forms: FormTable;
  testimonials: TestimonialTable;
  testimonial_tags: TestimonialTagTable;
  media: MediaTable;
  widgets: WidgetTable;
  widget_branding: WidgetBrandingTable;
  webhook_endpoints: WebhookEndpointTable;
  events: EventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  jobs: JobTable;
  emails: EmailTable;
  contacts: ContactTable;
  customer_events: CustomerEventTable;
  connections: ConnectionTable;
  rules: RuleTable;
  rule_runs: RuleRunTable;
  review_requests: ReviewRequestTable;
  email_templates: EmailTemplateTable;
  automation_settings: AutomationSettingsTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  password_resets: PasswordResetTable;
  oauth_apps: OAuthAppTable;
  oauth_models: OAuthModelTable;
  oauth_signing_keys: OAuthSigningKeyTable;
}
