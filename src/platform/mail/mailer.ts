import type { Executor } from '../db/database.js';

/** One message to one recipient. `kind` names why it is sent (`review_request`, `password_reset`…). */
export interface MailMessage {
  /** Null for mail that belongs to no workspace, such as a password reset. */
  workspaceId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  kind: string;
}

/**
 * Sends mail. Every implementation first stores the message in the `emails` table, in
 * the caller's transaction when one is given, so a message exists exactly when the change
 * that caused it commits. What happens next is the implementation's: kept (capture), or
 * delivered later by a durable job (SMTP).
 */
export interface Mailer {
  /** `capture` or `smtp`: what `emails.transport` says for messages sent through it. */
  readonly transport: string;
  send(message: MailMessage, executor?: Executor): Promise<{ id: string }>;
}
