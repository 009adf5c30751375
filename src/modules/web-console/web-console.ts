import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sendProblem, toProblem } from '../../common/errors/problem-details.js';

/** Paths the console must never answer for: an unknown one there stays a problem+json 404. */
const SERVER_PATHS = /^\/(api|docs|docs-json|health)(\/|$|\?)/;

/** Vite names what it emits under assets/ by content hash: a new build means new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web console (web/, built into `root` by `npm run build`): hashed assets
 * cached for good, index.html revalidated on every load so a deploy is seen at once, and any
 * other GET that looks like a console route (no file extension, not an API path) answered with
 * index.html so a reload on /requests/42 works. Without a build (e.g. `npm run jest`), the API
 * runs alone.
 */
export async function serveWebConsole(app: NestFastifyApplication, root: string): Promise<boolean> {
  const logger = new Logger('WebConsole');
  const directory = path.resolve(root);
  const indexFile = path.join(directory, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn(
      `no web console build in ${directory} (npm run build makes one); serving the API only`,
    );
    return false;
  }
  const index = await readFile(indexFile);
  const assets = `${path.sep}assets${path.sep}`;
  await app.register(fastifyStatic, {
    root: directory,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, file) => {
      void reply.header('cache-control', file.includes(assets) ? IMMUTABLE : 'no-cache');
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's default when the app leaves it unset.
  const maxParamLength = fastify.initialConfig.maxParamLength ?? 100;
  const sendIndex = (request: FastifyRequest, reply: FastifyReply): FastifyReply | void => {
    const pathname = request.url.split('?')[0];
    // The router falls back to this catch-all when an API path's id is over-long instead of
    // refusing it with 414 itself, so its refusal is answered here as the router would have.
    if (SERVER_PATHS.test(pathname) && pathname.split('/').some((s) => s.length > maxParamLength)) {
      const error = new errorCodes.FST_ERR_MAX_PARAM_LENGTH(pathname);
      return sendProblem(reply, toProblem(error, request.id, logger, pathname));
    }
    if (SERVER_PATHS.test(pathname) || /\.[A-Za-z0-9]+$/.test(pathname)) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  };
  fastify.get('/', sendIndex);
  fastify.get('/*', sendIndex);
  return true;
}
