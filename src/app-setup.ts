import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Logger, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppModule, AppModuleOptions } from './app.module.js';
import { Environment, swaggerEnabled } from './common/config/environment.js';
import {
  clientErrorResponse,
  ProblemDetailsFilter,
  sendProblem,
  toProblem,
  validationFailed,
} from './common/errors/problem-details.js';
import { DomainError } from './common/errors/domain-error.js';
import { ErrorCode } from './common/errors/error-code.js';
import { hostileInputProblem } from './common/validation/hostile-input.js';
import { ShutdownState } from './modules/health/shutdown-state.js';
import { ProblemDto } from './common/errors/problem.dto.js';
import { createPino, JsonLogger, requestScope } from './common/logging/json-logger.js';
import { serveWebConsole } from './modules/web-console/web-console.js';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A client's x-request-id is kept only if it is short and plain; otherwise we make one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,128}$/;

function requestId(request: IncomingMessage): string {
  const offered = request.headers['x-request-id'];
  const id =
    typeof offered === 'string' && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  return id;
}

/**
 * Builds the application exactly as production runs it; main.ts and the tests both call this,
 * so every test goes through the real pipes, filters, guards and Fastify options.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { environment } = options;
  const pino = createPino(environment.LOG_LEVEL);
  const routerLogger = new Logger('Http');
  const adapter = new FastifyAdapter({
    loggerInstance: pino,
    disableRequestLogging: false,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    requestIdHeader: false,
    // On close, idle keep-alive sockets are dropped at once; busy ones finish their request.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    trustProxy: environment.NODE_ENV === 'production' ? 'loopback,linklocal,uniquelocal' : false,
    // The router's own refusals (a path that is not valid UTF-8, a segment over 100
    // characters) and Node's (headers too large) answer problem+json like every other error.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      sendProblem(reply, toProblem(error, request.id, routerLogger, request.url.split('?')[0]));
    },
    clientErrorHandler: (error, socket) => {
      const response = clientErrorResponse(error);
      if (response !== undefined && socket.writable) {
        socket.write(response);
      }
      socket.destroy(error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(options),
    adapter,
    // Nest would add an application/x-www-form-urlencoded parser: the API takes JSON only (and
    // CSV on the import route), so a form post is a 415, not a body the validators guess at.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(new JsonLogger(pino));
  await configureApp(app, environment);
  return app;
}

async function configureApp(app: NestFastifyApplication, environment: Environment): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new Logger('Http');

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: validationFailed,
    }),
  );
  app.useGlobalFilters(new ProblemDetailsFilter());
  // Errors raised by Fastify itself (body too large, malformed JSON) before Nest sees the
  // request get the same problem+json treatment as everything else.
  fastify.setErrorHandler((error, request, reply) => {
    sendProblem(reply, toProblem(error, request.id, logger, request.url.split('?')[0]));
  });
  // Fastify reads text/plain bodies by default; no route takes one.
  fastify.removeContentTypeParser('text/plain');
  // Before any pipe: a NUL would reach PostgreSQL (which refuses it as a 500) and deep nesting
  // would exhaust class-transformer's stack.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const problem = hostileInputProblem(request.body) ?? hostileInputProblem(request.query);
    done(problem === undefined ? undefined : new DomainError(ErrorCode.ValidationFailed, problem));
  });
  // Keep-alive connections would hold shutdown open after their last response: once shutdown
  // has begun, every response asks the client to close.
  const shutdown = app.get(ShutdownState);
  fastify.addHook('onSend', async (_request, reply) => {
    if (shutdown.isDraining) {
      void reply.header('connection', 'close');
    }
    // Answers carry tenants' data and tokens: no browser or proxy may keep a copy.
    if (!reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestScope.run({ requestId: request.id }, done);
  });

  // One budget per client address and window (in memory; @fastify/rate-limit takes a shared
  // store such as Redis when several instances serve one city). Login has its own, stricter
  // per-username rule in AuthService.
  await app.register(rateLimit, {
    global: true,
    max: environment.THROTTLE_LIMIT,
    timeWindow: environment.THROTTLE_TTL_SECONDS * 1000,
    // Probes and the console's static files are not API work; only /api and /docs count.
    allowList: (request) => !/^\/(api|docs)(\/|$)/.test(request.url),
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI's own stylesheet sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        // Helmet's default would make a browser fetch the console's assets over https even
        // when the app is served over plain http (a local start, an intranet behind no TLS).
        upgradeInsecureRequests: null,
      },
    },
  });
  await serveWebConsole(app, environment.WEB_DIST_DIR);
  app.enableCors({
    origin: environment.CORS_ORIGINS.length > 0 ? environment.CORS_ORIGINS : false,
    credentials: false,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });

  if (!swaggerEnabled(environment)) {
    return;
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Yinqi 银企通 API')
      .setDescription(
        'Bank–enterprise matchmaking (项目中心+行长制), the emergency turnover fund and the ' +
          "city's figures. Money is a decimal string in yuan; errors are RFC 9457 problem+json.",
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemDto] },
  );
  describeErrors(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Every operation can fail with a problem document; say so once for all of them, and give the
 * error responses that routes declare (401, 403, …) the problem+json schema.
 */
function describeErrors(document: OpenAPIObject): void {
  const problem = {
    'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } },
  };
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = path[method];
      if (!operation) {
        continue;
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]/.test(status) && response !== undefined && 'description' in response) {
          response.content = problem;
        }
      }
      operation.responses.default ??= {
        description: 'An error, as RFC 9457 problem+json (400, 401, 403, 404, 409, 413, 429, 500)',
        content: problem,
      };
    }
  }
}
