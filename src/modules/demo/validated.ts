import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationFailed } from '../../common/errors/problem-details.js';

/**
 * A request body as the controllers receive it: transformed and checked with the same whitelist
 * rules as the global ValidationPipe, so demo data cannot slip in what a request could not.
 */
export function validated<T extends object>(type: new () => T, plain: object): T {
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw validationFailed(errors);
  }
  return instance;
}
