import { describe, expect, it } from '@jest/globals';
import { loggableUrl } from './json-logger.js';

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
