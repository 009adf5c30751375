import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, validateEnvironment } from './environment.js';

const SECRET = 'a-production-secret-of-at-least-32-characters';

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnvironment(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('validateEnvironment', () => {
  it('fills every default from an empty environment', () => {
    const environment = validateEnvironment({});
    expect(environment).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      EMBEDDED_PG_DIR: '.data/pg',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      LOGIN_MAX_FAILURES: 10,
      LOGIN_FAILURE_WINDOW_MINUTES: 15,
      CORS_ORIGINS: [],
      DEMO_DATA: true,
    });
    expect(environment.DATABASE_URL).toBeUndefined();
  });

  it('turns strings into typed values', () => {
    const environment = validateEnvironment({
      PORT: '8080',
      DEMO_DATA: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example,,',
    });
    expect(environment.PORT).toBe(8080);
    expect(environment.DEMO_DATA).toBe(false);
    expect(environment.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(validateEnvironment({ DEMO_DATA: 'tonghua-year' }).DEMO_DATA).toBe('tonghua-year');
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required in production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toEqual([]);
  });

  it('refuses a short JWT_SECRET in any environment', () => {
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual([
      'JWT_SECRET must be at least 32 characters',
    ]);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      NODE_ENV: 'staging',
      DATABASE_URL: 'mysql://root@localhost/yinqi',
      LOG_LEVEL: 'loud',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      DEMO_DATA: 'maybe',
    });
    const variables = problems.map((problem) => problem.split(/[ :]/)[0]);
    expect(new Set(variables)).toEqual(
      new Set([
        'PORT',
        'NODE_ENV',
        'DATABASE_URL',
        'LOG_LEVEL',
        'ACCESS_TOKEN_TTL_SECONDS',
        'DEMO_DATA',
      ]),
    );
  });

  it('refuses access tokens that live longer than 15 minutes', () => {
    expect(problemsOf({ ACCESS_TOKEN_TTL_SECONDS: '901' })).toHaveLength(1);
    expect(problemsOf({ ACCESS_TOKEN_TTL_SECONDS: '900' })).toEqual([]);
  });

  it('refuses a weak ADMIN_PASSWORD and a malformed ADMIN_USERNAME', () => {
    expect(problemsOf({ ADMIN_PASSWORD: 'short' })).toEqual([
      'ADMIN_PASSWORD must be at least 12 characters',
    ]);
    expect(problemsOf({ ADMIN_USERNAME: 'bad name!' })).toHaveLength(1);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
  });

  it('formats one readable message', () => {
    expect(() => validateEnvironment({ PORT: '-1' })).toThrow(/Invalid configuration:\n {2}- PORT/);
  });
});
