import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, VALIDATED_ENVIRONMENT } from './app-config.js';
import { Environment } from './environment.js';

/**
 * Makes the environment validated at boot (main.ts, or a test) available as the typed
 * `AppConfig` everywhere.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(environment: Environment): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ [VALIDATED_ENVIRONMENT]: environment })],
        }),
      ],
      providers: [AppConfig],
      exports: [AppConfig],
    };
  }
}
