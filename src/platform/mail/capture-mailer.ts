import type { Db, Executor } from '../db/database.js';
import type { Clock } from '../time.js';
import { insertEmail } from './email-store.js';
import type { MailMessage, Mailer } from './mailer.js';

/** Keeps every message in the `emails` table and sends nothing: the default without SMTP_URL. */
export class CaptureMailer implements Mailer {
  readonly transport = 'capture';

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async send(message: MailMessage, executor: Executor = this.db.kysely): Promise<{ id: string }> {
    const row = await insertEmail(executor, message, {
      transport: this.transport,
      status: 'captured',
      nowMs: this.clock.nowMs(),
    });
    return { id: row.id };
  }
}
