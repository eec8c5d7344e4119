import type { Services } from '../platform/context.js';
import { AppError, validationError } from '../platform/errors.js';
import { isoNow } from '../platform/time.js';
import { hashPassword, passwordProblem } from './passwords.js';
import type { Role } from './roles.js';
import {
  findUserByEmail,
  insertUser,
  isEmail,
  isUniqueViolation,
  upsertMembership,
} from './users.js';

export interface NewUser {
  email: string;
  password: string;
  workspaceId: string;
  role: Role;
}

/** A new account with its first membership, in one transaction. */
export async function createUser(services: Services, input: NewUser): Promise<{ userId: string }> {
  const email = input.email.trim();
  if (!isEmail(email)) throw validationError('email', 'is not an email address');
  const problem = passwordProblem(input.password);
  if (problem) throw validationError('password', problem);

  const workspace = await services.db.kysely
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', input.workspaceId)
    .executeTakeFirst();
  if (!workspace) throw validationError('workspace', `no workspace with id ${input.workspaceId}`);
  if (await findUserByEmail(services.db.kysely, email)) throw emailTaken(email);

  const passwordHash = await hashPassword(input.password);
  const now = isoNow(services.clock);
  try {
    return await services.transaction(async (trx) => {
      const userId = await insertUser(trx, email, passwordHash, now);
      await upsertMembership(trx, input.workspaceId, userId, input.role, now);
      return { userId };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
}

function emailTaken(email: string): AppError {
  return new AppError('conflict', `a user with email ${email} already exists`, [
    { field: '/email', message: 'is already taken' },
  ]);
}
