import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../../common/config/app-config.js';
import { registerCsvBodyParser } from './csv-body-parser.js';
import { ProjectImportService } from './project-import.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

@Module({
  controllers: [ProjectsController],
  providers: [ProjectsService, ProjectImportService],
  exports: [ProjectsService],
})
export class ProjectsModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  /**
   * The import takes a text/csv body. The parser is registered here, with the module that needs
   * it, rather than in app-setup.ts; onModuleInit runs during app.init(), before Fastify starts,
   * which is when content-type parsers may still be added.
   */
  onModuleInit(): void {
    registerCsvBodyParser(
      this.adapterHost.httpAdapter.getInstance<FastifyInstance>(),
      this.config.env.CSV_IMPORT_LIMIT_BYTES,
    );
  }
}
