import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { RegionEntity } from './region.entity.js';
import { RegionResponseDto, toRegionResponse } from './regions.dto.js';

@Injectable()
export class RegionsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Every region in display order. */
  async list(): Promise<RegionResponseDto[]> {
    const regions = await this.dataSource
      .getRepository(RegionEntity)
      .find({ order: { sortOrder: 'ASC', code: 'ASC' } });
    return regions.map(toRegionResponse);
  }

  /** Names by code for the codes given (unknown codes are simply absent from the map). */
  async namesOf(
    codes: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) {
      return new Map();
    }
    const regions = await manager.getRepository(RegionEntity).findBy({ code: In(unique) });
    return new Map(regions.map((region) => [region.code, region.name]));
  }
}
