import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createUser } from '../accounts/create-user.js';
import { isRole, ROLES } from '../accounts/roles.js';
import { asUsage, withServices, workspaceFor } from './cli-services.js';
import { UsageError } from './usage-error.js';

export const USERS_USAGE =
  'usage: showtrust users create --email EMAIL [--password-stdin] [--role owner|admin|editor|viewer] [--workspace ID]';

/** The first line of stdin, without its line ending. */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * `showtrust users create`: an account and its membership. Without --password-stdin a
 * random password is made and printed once; with it the password never appears in the
 * process list or shell history.
 */
export async function usersCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'create') throw new UsageError(USERS_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      role: { type: 'string' },
      workspace: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email?.trim()) throw new UsageError(`--email is required\n${USERS_USAGE}`);
  const role = values.role ?? 'owner';
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const generated = values['password-stdin'] ? undefined : randomBytes(18).toString('base64url');
  const password = generated ?? (await readPasswordFromStdin());

  await withServices(async (services) => {
    const workspaceId = await workspaceFor(services, values.workspace);
    const { userId } = await asUsage(() =>
      createUser(services, { email: values.email!, password, workspaceId, role }),
    );
    const lines = [`Created ${userId} (${values.email!.trim()}), ${role} of ${workspaceId}`];
    if (generated) lines.push(`Password (shown once): ${generated}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
