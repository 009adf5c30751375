import 'reflect-metadata';
import { ModuleMetadata } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-setup.js';
import { Role } from '../../src/common/auth/role.js';
import {
  CREDIT_CODE_ALPHABET,
  withCheckCharacter,
} from '../../src/modules/enterprises/credit-code.js';
import { Environment, validateEnvironment } from '../../src/common/config/environment.js';
import { createTestDatabase, TestDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: NestFastifyApplication;
  database: TestDatabase;
  dataSource: DataSource;
  environment: Environment;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real application on a database of its own, ready for supertest. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<TestApp> {
  const database = await createTestDatabase();
  const environment = validateEnvironment({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_POOL_SIZE: '10',
    ...overrides,
    DATABASE_URL: database.url,
  });
  const app = await createApp({ environment, imports });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  return {
    app,
    database,
    dataSource,
    environment,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

// One hash for every fixture user: argon2 is slow on purpose and the password is the same.
let fixtureHash: Promise<string> | undefined;

export interface FixtureUser {
  id: string;
  username: string;
  role: Role;
  enterpriseId: string | null;
  bankId: string | null;
}

/** Inserts a user straight into the database (fixtures, not the behaviour under test). */
export async function insertUser(
  dataSource: DataSource,
  fields: { username: string; role: Role; enterpriseId?: string | null; bankId?: string | null },
): Promise<FixtureUser> {
  fixtureHash ??= argon2.hash(TEST_PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
  });
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO users (username, display_name, password_hash, role, enterprise_id, bank_id)
     VALUES ($1, $1, $2, $3, $4, $5) RETURNING id`,
    [
      fields.username,
      await fixtureHash,
      fields.role,
      fields.enterpriseId ?? null,
      fields.bankId ?? null,
    ],
  );
  return {
    id: row.id,
    username: fields.username,
    role: fields.role,
    enterpriseId: fields.enterpriseId ?? null,
    bankId: fields.bankId ?? null,
  };
}

export async function insertBank(dataSource: DataSource, name: string): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    'INSERT INTO banks (name) VALUES ($1) RETURNING id',
    [name],
  );
  return row.id;
}

/** A valid, unique credit code for fixtures: Tonghua's region and a random organisation code. */
export function randomCreditCode(): string {
  const body = Array.from(randomBytes(9), (byte) => CREDIT_CODE_ALPHABET[byte % 31]).join('');
  return withCheckCharacter(`91220500${body}`);
}

export async function insertEnterprise(
  dataSource: DataSource,
  name: string,
  fields: { regionCode?: string; tags?: string[]; verified?: boolean } = {},
): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO enterprises
       (name, credit_code, region_code, industry, employees, revenue_fen, assets_fen, scale,
        scale_standard, tags, verified_at)
     VALUES ($1, $2, $3, 'industry', 50, 500000000, 800000000, 'small', '2011', $4, $5)
     RETURNING id`,
    [
      name,
      randomCreditCode(),
      fields.regionCode ?? '220502',
      fields.tags ?? [],
      fields.verified === false ? null : new Date(),
    ],
  );
  return row.id;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function login(
  testApp: TestApp,
  username: string,
  password = TEST_PASSWORD,
): Promise<Session> {
  const response = await testApp.http().post('/api/v1/auth/login').send({ username, password });
  if (response.status !== 200) {
    throw new Error(`login of ${username} answered ${response.status}: ${response.text}`);
  }
  return response.body as Session;
}

export const bearer = (session: Session): [string, string] => [
  'authorization',
  `Bearer ${session.accessToken}`,
];
