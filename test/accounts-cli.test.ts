import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/accounts/passwords.js';
import { parseConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createServices } from '../src/platform/services.js';
import { bootstrapWorkspace } from '../src/workspaces/bootstrap.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { testDialects } from './support/harness.js';
import { REPO_ROOT } from './support/server-process.js';

const dialects = await testDialects();
/** Each command starts Node with tsx; on a loaded machine a handful of them take a while. */
const CLI_TEST_TIMEOUT_MS = 180_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `showtrust …` from source, with the given text on stdin. */
function showtrust(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe.each(dialects)('showtrust users and oauth-apps commands (%s)', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let workspaceId: string;

  async function withServices<T>(
    fn: (s: Awaited<ReturnType<typeof createServices>>) => Promise<T>,
  ) {
    const services = await createServices(parseConfig(env), { log: createLogger('silent') });
    try {
      return await fn(services);
    } finally {
      await services.db.close();
      await services.rateLimits.close();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = {
      SHOWTRUST_DATA_DIR: database.dataDir,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    };
    workspaceId = await withServices(async (s) => (await bootstrapWorkspace(s)).workspaceId);
  });
  afterAll(async () => database?.drop());

  it(
    'creates an owner with a printed one-time password, or a role with a password from stdin',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const made = await showtrust(['users', 'create', '--email', 'Ann@Example.com'], env);
      expect(made.code).toBe(0);
      const [created, shown] = made.stdout.trim().split('\n');
      expect(created).toMatch(
        new RegExp(`^Created usr_[0-9a-z]{26} \\(Ann@Example.com\\), owner of ${workspaceId}$`),
      );
      const password = /^Password \(shown once\): (\S{24})$/.exec(shown!)![1]!;

      const piped = await showtrust(
        ['users', 'create', '--email', 'ed@example.com', '--password-stdin', '--role', 'editor'],
        env,
        'a piped password\n',
      );
      expect([piped.code, piped.stdout.includes('Password')]).toEqual([0, false]);

      await withServices(async (s) => {
        const rows = await s.db.kysely
          .selectFrom('users')
          .innerJoin('memberships', 'memberships.user_id', 'users.id')
          .select(['users.email', 'users.password_hash', 'memberships.role'])
          .orderBy('users.email')
          .execute();
        expect(rows.map((r) => [r.email, r.role])).toEqual([
          ['Ann@Example.com', 'owner'],
          ['ed@example.com', 'editor'],
        ]);
        expect(await verifyPassword(password, rows[0]!.password_hash)).toBe(true);
        expect(await verifyPassword('a piped password', rows[1]!.password_hash)).toBe(true);
      });
    },
  );

  it(
    'refuses a taken email in any case, a short password, an unknown role or workspace',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const cases: [string[], string, RegExp][] = [
        [
          ['users', 'create', '--email', 'ANN@example.com'],
          '',
          /a user with email ANN@example.com already exists/,
        ],
        [
          ['users', 'create', '--email', 'x@example.com', '--password-stdin'],
          'short\n',
          /password Use at least 10 characters/,
        ],
        [
          ['users', 'create', '--email', 'x@example.com', '--role', 'boss'],
          '',
          /--role must be one of owner, admin, editor, viewer/,
        ],
        [
          ['users', 'create', '--email', 'x@example.com', '--workspace', 'wsp_nope'],
          '',
          /no workspace with id wsp_nope/,
        ],
        [['users', 'create'], '', /--email is required/],
      ];
      for (const [args, stdin, message] of cases) {
        const run = await showtrust(args, env, stdin);
        expect([args.join(' '), run.code]).toEqual([args.join(' '), 2]);
        expect(run.stderr).toMatch(message);
      }
    },
  );

  it(
    'registers an OAuth app with its secret shown once, and lists apps without secrets',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const made = await showtrust(
        [
          'oauth-apps',
          'create',
          '--name',
          'Partner CRM',
          '--scopes',
          'testimonials:read,widgets:read',
          '--redirect-uri',
          'https://crm.partner.example/oauth/callback',
        ],
        env,
      );
      expect(made.code).toBe(0);
      const [idLine, secretLine] = made.stdout.trim().split('\n');
      const clientId = /^client_id: (oap_[0-9a-z]{26})$/.exec(idLine!)![1]!;
      const secret = /^client_secret \(shown once\): (stcs_[A-Za-z0-9_-]{43})$/.exec(
        secretLine!,
      )![1]!;

      const server = await showtrust(
        [
          'oauth-apps',
          'create',
          '--name',
          'Sync',
          '--scopes',
          'forms:read',
          '--grant-types',
          'client_credentials',
        ],
        env,
      );
      expect(server.code).toBe(0);

      const listed = await showtrust(['oauth-apps', 'list'], env);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(
        `${clientId}\tconfidential\tauthorization_code,refresh_token\ttestimonials:read,widgets:read\tPartner CRM`,
      );
      expect(listed.stdout).not.toContain(secret);
      await withServices(async (s) => {
        const row = await s.db.kysely
          .selectFrom('oauth_apps')
          .selectAll()
          .where('id', '=', clientId)
          .executeTakeFirstOrThrow();
        expect(row.client_secret_encrypted).not.toContain(secret);
        expect(s.secrets.decrypt(row.client_secret_encrypted!)).toBe(secret);
      });
    },
  );

  it(
    'refuses an app with a redirect URI that is not canonical https, or unknown scopes',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const bad = await showtrust(
        [
          'oauth-apps',
          'create',
          '--name',
          'X',
          '--scopes',
          'testimonials:read',
          '--redirect-uri',
          'http://crm.partner.example/cb',
        ],
        env,
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('/redirect_uris/0 must use https');
      const scopes = await showtrust(
        ['oauth-apps', 'create', '--name', 'X', '--scopes', 'everything'],
        env,
      );
      expect(scopes.code).toBe(2);
      expect(scopes.stderr).toContain('--scopes needs known scopes (got: everything)');
    },
  );
});
