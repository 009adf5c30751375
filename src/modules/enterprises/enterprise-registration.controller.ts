import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/auth.decorators.js';
import { RegisterEnterpriseDto, RegistrationResponseDto } from './enterprises.dto.js';
import { EnterpriseRegistrationService } from './enterprise-registration.service.js';

/**
 * `POST /auth/register` lives with the enterprises, so the auth module does not depend on them.
 * Public: the global rate limit is its throttle.
 */
@ApiTags('auth')
@Controller('auth')
export class EnterpriseRegistrationController {
  constructor(private readonly registration: EnterpriseRegistrationService) {}

  @Post('register')
  @Public()
  @ApiCreatedResponse({ type: RegistrationResponseDto })
  @ApiConflictResponse({ description: 'CREDIT_CODE_TAKEN or USERNAME_TAKEN; nothing is created' })
  register(
    @Body() dto: RegisterEnterpriseDto,
    @Req() request: FastifyRequest,
  ): Promise<RegistrationResponseDto> {
    return this.registration.register(dto, request.id);
  }
}
