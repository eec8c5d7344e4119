import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time.js';
import { CaptureMailer } from './capture-mailer.js';
import type { Mailer } from './mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export interface MailerParts {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  jobs: JobQueue;
}

/** The one place that picks how mail leaves: SMTP when SMTP_URL is set, else capture. */
export function createMailer({ config, db, clock, log, jobs }: MailerParts): Mailer {
  if (config.mail.smtpUrl) {
    return new SmtpMailer(db, clock, log, jobs, {
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      timeoutMs: config.mail.timeoutMs,
      messageIdDomain: new URL(config.publicUrl).hostname,
    });
  }
  log.warn({ readAt: '/v1/emails', table: 'emails' }, 'email captured, not sent (no SMTP_URL)');
  return new CaptureMailer(db, clock);
}
