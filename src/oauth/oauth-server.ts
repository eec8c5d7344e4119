import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import type { Services } from '../platform/context.js';
import { AppError, toProblem } from '../platform/errors.js';
import { createOAuthProvider } from './provider.js';

/**
 * The oidc-provider instance, made on first use: its issuer is PUBLIC_URL, which a
 * server started on port 0 only knows once it listens, and its keys come from the database.
 */
export class OAuthServer {
  private provider: Promise<Provider> | undefined;
  private handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;

  constructor(private readonly services: Services) {}

  get(): Promise<Provider> {
    this.provider ??= createOAuthProvider(this.services, this.services.config.publicUrl).catch(
      (error: unknown) => {
        this.provider = undefined;
        throw error;
      },
    );
    return this.provider;
  }

  /**
   * Hands a request to oidc-provider's Koa app, in an onRequest hook so Fastify has not read
   * the body (the provider parses its own). The forwarded headers are set from PUBLIC_URL,
   * so the provider builds every URL as clients see us, whatever a client sent.
   */
  async handOver(request: FastifyRequest, reply: FastifyReply, trustProxy: boolean): Promise<void> {
    reply.hijack();
    const { raw } = request;
    const publicUrl = new URL(this.services.config.publicUrl);
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.replace(':', '');
    raw.headers['x-forwarded-host'] = publicUrl.host;
    if (!trustProxy) delete raw.headers['x-forwarded-for'];
    reply.raw.setHeader('request-id', request.id);
    try {
      const provider = await this.get();
      this.handler ??= provider.callback();
      await this.handler(raw, reply.raw);
    } catch (error) {
      request.log.error({ err: error }, 'oauth server unavailable');
      if (reply.raw.headersSent) return void reply.raw.end();
      const problem = toProblem(new AppError('service_unavailable'), request.id);
      reply.raw.writeHead(503, { 'content-type': 'application/problem+json' });
      reply.raw.end(JSON.stringify(problem));
    }
  }
}
