import { createTransport, type Mail } from 'nodemailer';
import type { Db, Executor } from '../db/database.js';
import { enqueueJob, type JobQueue, type JobRetry } from '../jobs.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time.js';
import { findEmailRow, insertEmail, type EmailRow } from './email-store.js';
import type { MailMessage, Mailer } from './mailer.js';

export const MAIL_DELIVER_JOB = 'mail.deliver';

/**
 * Waits between SMTP attempts: quick at first (a restarting server), then hours (a long
 * outage). After the last one, about two days in, the message is marked failed.
 */
export const SMTP_RETRY_DELAYS_MS = [
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 3_600_000,
  4 * 3_600_000,
  8 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];

export interface SmtpMailerOptions {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
  /** Host part of our Message-IDs, so a message retried after a crash keeps its id. */
  messageIdDomain: string;
}

/** A 5xx reply is the server's final word (unknown mailbox, refused content); retrying won't help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends through an SMTP server, durably: send() stores the message and enqueues a
 * `mail.deliver` job in the caller's transaction; the job talks to the server. A server
 * that is down only delays the message (retried on SMTP_RETRY_DELAYS_MS), nothing is
 * lost. Delivery is at least once: a crash after the server accepted a message but before
 * its row says so sends it again, with the same Message-ID.
 */
export class SmtpMailer implements Mailer {
  readonly transport = 'smtp';
  private readonly transporter: Mail;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly jobs: JobQueue,
    private readonly options: SmtpMailerOptions,
  ) {
    this.transporter = createTransport({
      url: options.smtpUrl,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
    this.jobs.register(MAIL_DELIVER_JOB, (payload) => this.deliver(payload as { emailId: string }));
  }

  async send(message: MailMessage, executor: Executor = this.db.kysely): Promise<{ id: string }> {
    const row = await insertEmail(executor, message, {
      transport: this.transport,
      status: 'queued',
      nowMs: this.clock.nowMs(),
    });
    await enqueueJob(executor, this.clock, MAIL_DELIVER_JOB, { emailId: row.id });
    // Outside a transaction the job is committed already; inside one, transaction() wakes
    // the worker again after the commit.
    this.jobs.wake();
    return { id: row.id };
  }

  private async deliver({ emailId }: { emailId: string }): Promise<JobRetry | void> {
    const row = await findEmailRow(this.db.kysely, emailId);
    if (!row || row.status !== 'queued') return;
    const attempt = row.attempts + 1;

    try {
      const info = await this.transporter.sendMail(this.toNodemailer(row));
      await this.record(row.id, {
        status: 'sent',
        attempts: attempt,
        provider_message_id: String(info.messageId ?? ''),
        last_error: null,
        sent_at: new Date(this.clock.nowMs()).toISOString(),
      });
      this.log.info({ emailId, attempt }, 'email sent');
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const delayMs = SMTP_RETRY_DELAYS_MS[attempt - 1];
      if (isPermanent(error) || delayMs === undefined) {
        this.log.error({ emailId, attempt, err: error }, 'email failed');
        await this.record(row.id, { status: 'failed', attempts: attempt, last_error: message });
        return;
      }
      this.log.warn({ emailId, attempt, err: error }, 'email retry');
      await this.record(row.id, { attempts: attempt, last_error: message });
      return { retryAtMs: this.clock.nowMs() + delayMs };
    }
  }

  private toNodemailer(row: EmailRow): Parameters<Mail['sendMail']>[0] {
    return {
      from: this.options.from,
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      ...(row.html_body === null ? {} : { html: row.html_body }),
      headers: JSON.parse(row.headers) as Record<string, string>,
      messageId: `<${row.id}@${this.options.messageIdDomain}>`,
    };
  }

  private async record(id: string, changes: Partial<EmailRow>): Promise<void> {
    await this.db.kysely.updateTable('emails').set(changes).where('id', '=', id).execute();
  }
}
