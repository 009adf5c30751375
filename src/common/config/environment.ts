import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateIf,
} from 'class-validator';

const DEMO_DATA_VALUES = [true, false, 'tonghua-year'] as const;
export type DemoData = (typeof DEMO_DATA_VALUES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') {
    return value;
  }
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(normalised)) {
    return false;
  }
  return value;
};

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;

/**
 * Every variable the service reads, validated once at boot. `.env.example` documents each one;
 * keep the two in step.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** When unset, `npm start` runs an embedded PostgreSQL in EMBEDDED_PG_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR = '.data/pg';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /**
   * How long a request waits for a database connection (a free pool slot or a new connection)
   * before answering 503. Generous, because a burst queues for pool slots on a healthy database.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60000)
  DATABASE_CONNECT_TIMEOUT_MS = 10000;

  /** Longest statement the app runs (statement_timeout); longer ones are cancelled (503). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30000;

  /** Longest wait for a row or advisory lock (lock_timeout); longer waits answer 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600000)
  DATABASE_LOCK_TIMEOUT_MS = 10000;

  /** A session left idle inside a transaction this long is ended by the server. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60000;

  /** HS256 signing key for access tokens; required in production. */
  @ValidateIf((env: Environment) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  // class-validator runs the lowest decorator first; with stopAtFirstError, "required" wins.
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @IsString({ message: 'JWT_SECRET is required in production' })
  JWT_SECRET?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'yinqi';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'yinqi-api';

  /** Access tokens live at most 15 minutes (DESIGN §3). */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(900)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  REFRESH_TOKEN_TTL_DAYS = 14;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  LOGIN_FAILURE_WINDOW_MINUTES = 15;

  /** General request budget per client address and window; login has its own, stricter rule. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT = 1200;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_TTL_SECONDS = 60;

  /** The built web console (`npm run build` puts it in dist/web); served at `/` when present. */
  @IsString()
  WEB_DIST_DIR = 'dist/web';

  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = [];

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Serve /docs and /docs-json; unset means on, except in production. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  SWAGGER_ENABLED?: boolean;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, {
    message: 'ADMIN_USERNAME must be 3–64 letters, digits, _ . -',
  })
  ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  @MaxLength(256)
  ADMIN_PASSWORD?: string;

  /**
   * Demo data on start: true loads the Tonghua demo registry (banks, enterprises, projects,
   * accounts); `tonghua-year` instead replays a year of Tonghua's activity through the services
   * on an empty database (see README); false loads nothing beyond the first admin.
   */
  @Transform(toBoolean)
  @IsIn(DEMO_DATA_VALUES, { message: 'DEMO_DATA must be true, false or tonghua-year' })
  DEMO_DATA: DemoData = true;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60000)
  AUDIT_SEAL_INTERVAL_MS = 1000;

  /** 行长制: working days (Asia/Shanghai) a bank has to accept a dispatched match. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  MATCH_RESPONSE_WORKING_DAYS = 3;

  /** How often each instance looks for matches past their deadline (one sweep runs at a time). */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3600000)
  MATCH_ESCALATION_SWEEP_MS = 60000;

  /** Hours an Idempotency-Key and its answer are kept (at least the 24 the API promises). */
  @Type(() => Number)
  @IsInt()
  @Min(24)
  @Max(720)
  IDEMPOTENCY_RETENTION_HOURS = 24;

  /** How often each instance looks for turnover-fund uses past their due date. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(86400000)
  TURNOVER_OVERDUE_SWEEP_MS = 60000;

  /** How long shutdown waits for requests in flight before closing their connections. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** The largest key-project CSV import; the file is read as a stream, so memory stays flat. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  CSV_IMPORT_LIMIT_BYTES = 64 * 1024 * 1024;
}

/** Whether the OpenAPI document and Swagger UI are served. */
export function swaggerEnabled(environment: Environment): boolean {
  return environment.SWAGGER_ENABLED ?? environment.NODE_ENV !== 'production';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates the process environment; throws one readable error naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const environment = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(environment, { stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigurationError(
      errors.flatMap((error) =>
        Object.values(error.constraints ?? {}).map((message) =>
          message.startsWith(error.property) ? message : `${error.property}: ${message}`,
        ),
      ),
    );
  }
  return environment;
}
