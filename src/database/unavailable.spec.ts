import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './unavailable.js';

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises lost, refused and overloaded databases', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('the database system is shutting down'),
      new Error('Query runner already released. Cannot run queries anymore.'),
      new QueryFailedError(
        'SELECT 1',
        [],
        withCode('terminating connection due to administrator command', '57P01'),
      ),
      new QueryFailedError(
        'SELECT 1',
        [],
        withCode('canceling statement due to statement timeout', '57014'),
      ),
      new QueryFailedError(
        'SELECT 1',
        [],
        withCode('canceling statement due to lock timeout', '55P03'),
      ),
      new QueryFailedError('SELECT 1', [], withCode('connection failure', '08006')),
      new QueryFailedError('SELECT 1', [], withCode('sorry, too many clients already', '53300')),
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
  });

  it('leaves bugs and bad requests alone', () => {
    for (const error of [
      new Error('Cannot read properties of undefined'),
      new QueryFailedError('SELECT', [], withCode('duplicate key value', '23505')),
      new QueryFailedError('SELECT', [], withCode('syntax error', '42601')),
      new QueryFailedError('SELECT', [], withCode('could not serialize access', '40001')),
      undefined,
      'ECONNREFUSED',
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
