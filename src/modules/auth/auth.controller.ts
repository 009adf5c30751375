import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentCaller, Public } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { UserResponseDto } from '../users/users.dto.js';
import { LoginDto, RefreshDto, TokenPairDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this username' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(dto, request.id);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_REFRESH_TOKEN' })
  refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, request.id);
  }

  @Post('logout')
  @Auth()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The refresh token family is revoked' })
  logout(@CurrentCaller() caller: Caller, @Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(caller, dto.refreshToken);
  }

  @Get('me')
  @Auth()
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentCaller() caller: Caller): Promise<UserResponseDto> {
    return this.auth.me(caller);
  }
}
