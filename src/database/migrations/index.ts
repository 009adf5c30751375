import { Foundation1764300000000 } from './1764300000000-foundation.js';

/** Every migration in order. Listed explicitly so the app, the CLI and the tests agree. */
export const MIGRATIONS = [Foundation1764300000000];
