import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators.js';
import { RegionResponseDto } from './regions.dto.js';
import { RegionsService } from './regions.service.js';

@ApiTags('regions')
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  /**
   * Reference data of a handful of rows, so one unpaged list in display order. Public: the
   * self-registration form asks for the region before the enterprise has an account.
   */
  @Get()
  @Public()
  @ApiOkResponse({ type: [RegionResponseDto] })
  list(): Promise<RegionResponseDto[]> {
    return this.regions.list();
  }
}
