import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { loggableUrl, serializeError } from './json-logger.js';

describe('loggableUrl', () => {
  it('keeps the path and the parameter names, never the values', () => {
    expect(loggableUrl('/api/v1/banks')).toBe('/api/v1/banks');
    expect(loggableUrl('/api/v1/banks?access_token=eyJ.x.y&limit=5')).toBe(
      '/api/v1/banks?access_token=[redacted]&limit=[redacted]',
    );
    expect(loggableUrl('/api/v1/users?q=%E5%BC%A0%E4%B8%89')).toBe('/api/v1/users?q=[redacted]');
    expect(loggableUrl('/a?')).toBe('/a?');
  });
});

describe('serializeError', () => {
  it('keeps what explains a failed query and drops the values it was bound to', () => {
    const error = new QueryFailedError(
      'INSERT INTO users (username, password_hash) VALUES ($1, $2)',
      ['zhangsan', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'],
      Object.assign(new Error('duplicate key value violates unique constraint'), {
        code: '23505',
        detail: 'Key (username)=(zhangsan) already exists.',
      }),
    );
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({
      type: 'QueryFailedError',
      message: 'duplicate key value violates unique constraint',
      query: 'INSERT INTO users (username, password_hash) VALUES ($1, $2)',
      code: '23505',
    });
    expect(JSON.stringify(serialized)).not.toMatch(/zhangsan|argon2id/);
    expect(serialized.stack).toEqual(expect.any(String));
  });
});
