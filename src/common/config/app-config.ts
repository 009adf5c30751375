import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from './environment.js';

export const VALIDATED_ENVIRONMENT = 'validatedEnvironment';

/** Typed, validated configuration; inject this instead of reading `process.env`. */
@Injectable()
export class AppConfig {
  readonly env: Readonly<Environment>;

  constructor(configService: ConfigService) {
    this.env = configService.getOrThrow<Environment>(VALIDATED_ENVIRONMENT);
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
}
