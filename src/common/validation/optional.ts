import { ValidateIf } from 'class-validator';

/**
 * Optional, but never null when present: for fields whose column is NOT NULL. (`@IsOptional()`
 * lets `null` through, which would reach the database as a constraint violation.)
 */
export const IsOmittable = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
