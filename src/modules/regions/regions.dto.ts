import { ApiProperty } from '@nestjs/swagger';
import { RegionEntity } from './region.entity.js';

export class RegionResponseDto {
  @ApiProperty({ example: '220502', description: 'GB/T 2260 code' }) code: string;
  @ApiProperty({ example: '东昌区' }) name: string;
  @ApiProperty({ example: '220500' }) cityCode: string;
}

export function toRegionResponse(region: RegionEntity): RegionResponseDto {
  return { code: region.code, name: region.name, cityCode: region.cityCode };
}
