import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts')];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `showtrust …` from source to completion. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`showtrust ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Everything printed on stderr so far. */
  errors(): string;
  /** The API key printed on first start, if this was one. */
  apiKey: string | undefined;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `showtrust serve` from source and waits for its start-up banner. */
export function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, 'serve'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (c) => (stderr += c));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const url = /running \(\w+\) on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
      if (
        !url ||
        !/Demo page/.test(stdout) ||
        (/shown this once/.test(stdout) && !/st_live_\w+/.test(stdout))
      )
        return;
      clearTimeout(timer);
      resolve({
        child,
        url,
        output: () => stdout,
        errors: () => stderr,
        apiKey: /^\s*(st_live_\w+)\s*$/m.exec(stdout)?.[1],
        stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting: ${stderr}`));
    });
  });
}
