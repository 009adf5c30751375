import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  CreateProductDto,
  ListProductsQueryDto,
  ProductPageDto,
  ProductResponseDto,
  UpdateProductDto,
} from './products.dto.js';
import { ProductsService } from './products.service.js';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Auth(Role.Admin, Role.BankOfficer, Role.BankPresident)
  @ApiCreatedResponse({ type: ProductResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateProductDto,
  ): Promise<ProductResponseDto> {
    return this.products.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOkResponse({ type: ProductPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListProductsQueryDto,
  ): Promise<Page<ProductResponseDto>> {
    return this.products.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: ProductResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ProductResponseDto> {
    return this.products.get(caller, id);
  }

  @Patch(':id')
  @Auth(Role.Admin, Role.BankOfficer, Role.BankPresident)
  @ApiOkResponse({ type: ProductResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateProductDto,
  ): Promise<ProductResponseDto> {
    return this.products.update(caller, id, dto);
  }
}
