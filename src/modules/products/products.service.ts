import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseYuan } from '../../common/money/money.js';
import { Decimal } from '../../common/money/rate.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { applyPatch } from '../../common/patch.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { effectiveRate, LprQuote } from './effective-rate.js';
import { LprRatesService } from './lpr-rates.service.js';
import { ProductEntity, type LprTenor } from './product.entity.js';
import {
  CreateProductDto,
  ListProductsQueryDto,
  ProductRateInputDto,
  ProductResponseDto,
  toProductResponse,
  UpdateProductDto,
} from './products.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

type RateColumns = Pick<
  ProductEntity,
  'rateKind' | 'minAnnualRate' | 'maxAnnualRate' | 'lprTenor' | 'minSpreadBp' | 'maxSpreadBp'
>;

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/** Bank staff manage their own bank's products, administrators every bank's. */
function mayManage(caller: Caller, product: { bankId: string }): boolean {
  return (
    caller.role === Role.Admin ||
    (isBankStaff(caller) && caller.bankId !== null && caller.bankId === product.bankId)
  );
}

/** Withdrawn products stay visible to those who manage or audit them; to others they are gone. */
function mayRead(caller: Caller, product: ProductEntity): boolean {
  return product.active || seesEverything(caller) || mayManage(caller, product);
}

/**
 * 金融产品超市: the loan-product supermarket.
 *
 * Why each products index exists (migration 1764300100000):
 * - `products_active_created_idx (created_at DESC, id DESC) WHERE active`: the supermarket's
 *   default list (active only, newest first) is a walk down this index from the cursor that
 *   stops after one page; the other filters are checked on the rows it meets, which is the
 *   cheapest plan while they are not selective (most products are open to any region, industry
 *   and scale). The `active` predicate is written literally so the planner can use the partial
 *   index (a bound parameter would not match its predicate).
 * - `products_bank_created_idx (bank_id, created_at DESC, id DESC)`: one bank's products (the
 *   `bankId` filter, bank staff managing their catalogue, withdrawn products of one bank) in
 *   page order.
 * - `products_amount_idx (min_amount_fen, max_amount_fen) WHERE active`: the "amount fits"
 *   filter (min ≤ amount ≤ max) when it is selective: a small loan, below most products' minimum,
 *   is a short range scan of this index.
 * - `products_tags_idx` (GIN on tags): `tags @> ARRAY[tag]`, the tag filter (首贷, 续贷, …),
 *   usually selective. The eligibility arrays get no GIN index: "empty or contains" matches most
 *   products, so a bitmap over them would read most of the table anyway.
 * test/e2e/products.e2e-spec.ts checks with EXPLAIN that these shapes can use these indexes.
 */
@Injectable()
export class ProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly lprRates: LprRatesService,
    private readonly regions: RegionsService,
  ) {}

  async create(caller: Caller, dto: CreateProductDto): Promise<ProductResponseDto> {
    const bankId = this.bankForNewProduct(caller, dto.bankId);
    const minAmountFen = parseYuan(dto.minAmount, 'minAmount');
    const maxAmountFen = parseYuan(dto.maxAmount, 'maxAmount');
    const fields: Omit<ProductEntity, 'id' | 'createdAt' | 'updatedAt'> = {
      bankId,
      name: dto.name,
      category: dto.category,
      minAmountFen,
      maxAmountFen,
      minTermMonths: dto.minTermMonths,
      maxTermMonths: dto.maxTermMonths,
      ...rateColumns(dto.rate),
      eligibleRegions: dto.eligibleRegions ?? [],
      eligibleIndustries: dto.eligibleIndustries ?? [],
      eligibleScales: dto.eligibleScales ?? [],
      guaranteeTypes: dto.guaranteeTypes ?? [],
      tags: dto.tags ?? [],
      active: dto.active ?? true,
    };
    checkRanges(fields, new Set(['minAmount', 'maxAmount', 'minTermMonths', 'maxTermMonths']));
    const { product, bankName, quotes } = await inTransaction(this.dataSource, async (manager) => {
      const bankName = await this.bankName(manager, bankId);
      if (bankName === undefined) {
        // Bank staff always name their own bank, so only an administrator gets here.
        throw DomainError.validation('bankId', 'names no bank');
      }
      await this.requireKnownRegions(manager, fields.eligibleRegions);
      const repository = manager.getRepository(ProductEntity);
      let saved: ProductEntity;
      try {
        saved = await repository.save(repository.create(fields));
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'product.created',
        entityType: 'product',
        entityId: saved.id,
        after: saved,
      });
      return { product: saved, bankName, quotes: await this.lprRates.quotesInForce(manager) };
    });
    return respond(product, bankName, quotes);
  }

  async update(caller: Caller, id: string, dto: UpdateProductDto): Promise<ProductResponseDto> {
    const { product, bankName, quotes } = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(ProductEntity);
      const current = await repository.findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      // Another bank's product answers exactly like an absent one.
      if (!current || !mayManage(caller, current)) {
        throw DomainError.notFound('product');
      }
      const { next } = applyPatch(
        current,
        {
          ...dto,
          minAmountFen:
            dto.minAmount === undefined ? undefined : parseYuan(dto.minAmount, 'minAmount'),
          maxAmountFen:
            dto.maxAmount === undefined ? undefined : parseYuan(dto.maxAmount, 'maxAmount'),
          ...(dto.rate === undefined ? {} : rateColumns(dto.rate)),
        },
        [
          'name',
          'category',
          'minAmountFen',
          'maxAmountFen',
          'minTermMonths',
          'maxTermMonths',
          'rateKind',
          'minAnnualRate',
          'maxAnnualRate',
          'lprTenor',
          'minSpreadBp',
          'maxSpreadBp',
          'eligibleRegions',
          'eligibleIndustries',
          'eligibleScales',
          'guaranteeTypes',
          'tags',
          'active',
        ],
      );
      if (dto.eligibleRegions !== undefined) {
        await this.requireKnownRegions(manager, dto.eligibleRegions);
      }
      checkRanges(
        next,
        new Set(Object.keys(dto).filter((key) => dto[key as keyof UpdateProductDto] !== undefined)),
      );
      if (sameContent(current, next)) {
        // Nothing to change: no write, no audit row.
        return {
          product: current,
          bankName: (await this.bankName(manager, current.bankId)) ?? '',
          quotes: await this.lprRates.quotesInForce(manager),
        };
      }
      let saved: ProductEntity;
      try {
        saved = await repository.save(next);
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'product.updated',
        entityType: 'product',
        entityId: id,
        before: current,
        after: saved,
      });
      return {
        product: saved,
        bankName: (await this.bankName(manager, saved.bankId)) ?? '',
        quotes: await this.lprRates.quotesInForce(manager),
      };
    });
    return respond(product, bankName, quotes);
  }

  async get(caller: Caller, id: string): Promise<ProductResponseDto> {
    const manager = this.dataSource.manager;
    const product = await manager.getRepository(ProductEntity).findOneBy({ id });
    if (!product || !mayRead(caller, product)) {
      throw DomainError.notFound('product');
    }
    const [bankName, quotes] = await Promise.all([
      this.bankName(manager, product.bankId),
      this.lprRates.quotesInForce(manager),
    ]);
    return respond(product, bankName ?? '', quotes);
  }

  async list(caller: Caller, query: ListProductsQueryDto): Promise<Page<ProductResponseDto>> {
    const limit = query.limit ?? 20;
    const rows = await (await this.listQuery(caller, query)).getMany();
    const page = rows.slice(0, limit);
    const [bankNames, quotes] = await Promise.all([
      this.bankNames(this.dataSource.manager, [...new Set(page.map((row) => row.bankId))]),
      this.lprRates.quotesInForce(),
    ]);
    return toPage(
      rows,
      limit,
      (product) => [product.createdAt.toISOString(), product.id],
      (product) => respond(product, bankNames.get(product.bankId) ?? '', quotes),
    );
  }

  /**
   * The supermarket's query: one page plus one row, newest first. Separate from `list` so a test
   * can EXPLAIN exactly this SQL.
   */
  async listQuery(
    caller: Caller,
    query: ListProductsQueryDto,
  ): Promise<SelectQueryBuilder<ProductEntity>> {
    const limit = query.limit ?? 20;
    const builder = this.dataSource
      .getRepository(ProductEntity)
      .createQueryBuilder('product')
      .orderBy('product.createdAt', 'DESC')
      .addOrderBy('product.id', 'DESC')
      .limit(limit + 1);
    if (query.active === false) {
      if (!seesEverything(caller) && !isBankStaff(caller)) {
        throw DomainError.validation('active', 'only active products are listed for your role');
      }
      builder.andWhere('NOT product.active');
      if (isBankStaff(caller)) {
        // Withdrawn products are their own bank's business.
        builder.andWhere('product.bank_id = :ownBankId', { ownBankId: caller.bankId });
      }
    } else {
      builder.andWhere('product.active');
    }
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      builder.andWhere('(product.created_at, product.id) < (:createdAt::timestamptz, :id::uuid)', {
        createdAt,
        id,
      });
    }
    if (query.category !== undefined) {
      builder.andWhere('product.category = :category', { category: query.category });
    }
    if (query.bankId !== undefined) {
      builder.andWhere('product.bank_id = :bankId', { bankId: query.bankId });
    }
    if (query.amount !== undefined) {
      const amountFen = parseYuan(query.amount, 'amount').toString();
      builder.andWhere(
        'product.min_amount_fen <= :amountFen::bigint AND product.max_amount_fen >= :amountFen::bigint',
        { amountFen },
      );
    }
    if (query.termMonths !== undefined) {
      builder.andWhere(
        'product.min_term_months <= :termMonths AND product.max_term_months >= :termMonths',
        { termMonths: query.termMonths },
      );
    }
    if (query.regionCode !== undefined) {
      await this.requireKnownRegions(this.dataSource.manager, [query.regionCode], 'regionCode');
      builder.andWhere(
        `(product.eligible_regions = '{}' OR product.eligible_regions @> ARRAY[:regionCode]::text[])`,
        { regionCode: query.regionCode },
      );
    }
    if (query.industry !== undefined) {
      builder.andWhere(
        `(product.eligible_industries = '{}' OR product.eligible_industries @> ARRAY[:industry]::text[])`,
        { industry: query.industry },
      );
    }
    if (query.scale !== undefined) {
      builder.andWhere(
        `(product.eligible_scales = '{}' OR product.eligible_scales @> ARRAY[:scale]::text[])`,
        { scale: query.scale },
      );
    }
    if (query.tag !== undefined) {
      builder.andWhere('product.tags @> ARRAY[:tag]::text[]', { tag: query.tag });
    }
    if (query.q !== undefined && query.q.trim().length > 0) {
      builder.andWhere('product.name ILIKE :q', { q: `%${escapeLike(query.q.trim())}%` });
    }
    return builder;
  }

  /** The tenant comes from the token: bank staff may only name their own bank (or none). */
  private bankForNewProduct(caller: Caller, requested: string | undefined): string {
    if (caller.role === Role.Admin) {
      if (requested === undefined) {
        throw DomainError.validation('bankId', 'is required for an administrator');
      }
      return requested;
    }
    if (!isBankStaff(caller) || caller.bankId === null) {
      // @Auth lets only administrators and bank staff reach here.
      throw DomainError.forbidden();
    }
    if (requested !== undefined && requested !== caller.bankId) {
      throw DomainError.notFound('bank');
    }
    return caller.bankId;
  }

  private async requireKnownRegions(
    manager: EntityManager,
    codes: readonly string[],
    field = 'eligibleRegions',
  ): Promise<void> {
    const known = await this.regions.namesOf(codes, manager);
    const unknown = codes.filter((code) => !known.has(code));
    if (unknown.length > 0) {
      throw DomainError.validation(field, `names unknown regions: ${unknown.join(', ')}`);
    }
  }

  private async bankName(manager: EntityManager, bankId: string): Promise<string | undefined> {
    return (await this.bankNames(manager, [bankId])).get(bankId);
  }

  private async bankNames(
    manager: EntityManager,
    bankIds: readonly string[],
  ): Promise<Map<string, string>> {
    if (bankIds.length === 0) {
      return new Map();
    }
    const rows = await manager.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM banks WHERE id = ANY($1::uuid[])',
      [bankIds],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}

function respond(
  product: ProductEntity,
  bankName: string,
  quotes: ReadonlyMap<LprTenor, LprQuote>,
): ProductResponseDto {
  return toProductResponse(product, bankName, effectiveRate(product, quotes));
}

/**
 * The rate columns of one rate kind, the other kind's left null (products_rate_shape). Members
 * of the other kind in the request are refused rather than dropped.
 */
function rateColumns(rate: ProductRateInputDto): RateColumns {
  const foreign: (keyof ProductRateInputDto)[] =
    rate.rateKind === 'fixed'
      ? ['lprTenor', 'minSpreadBp', 'maxSpreadBp']
      : ['minAnnualRate', 'maxAnnualRate'];
  for (const field of foreign) {
    if (rate[field] !== undefined) {
      throw DomainError.validation(
        `rate.${field}`,
        `is not allowed when rateKind is ${rate.rateKind}`,
      );
    }
  }
  if (rate.rateKind === 'fixed') {
    const min = rate.minAnnualRate as string;
    const max = rate.maxAnnualRate as string;
    if (new Decimal(min).gt(new Decimal(max))) {
      throw DomainError.validation('rate.maxAnnualRate', 'must not be less than minAnnualRate');
    }
    return {
      rateKind: 'fixed',
      minAnnualRate: min,
      maxAnnualRate: max,
      lprTenor: null,
      minSpreadBp: null,
      maxSpreadBp: null,
    };
  }
  const minSpreadBp = rate.minSpreadBp as number;
  const maxSpreadBp = rate.maxSpreadBp as number;
  if (minSpreadBp > maxSpreadBp) {
    throw DomainError.validation('rate.maxSpreadBp', 'must not be less than minSpreadBp');
  }
  return {
    rateKind: 'lpr',
    minAnnualRate: null,
    maxAnnualRate: null,
    lprTenor: rate.lprTenor as LprTenor,
    minSpreadBp,
    maxSpreadBp,
  };
}

/**
 * Amounts above zero, min ≤ max for amount and term. A broken range names the bound the request
 * set (the maximum when it set both), since that is the value the client should look at.
 */
function checkRanges(
  product: Pick<ProductEntity, 'minAmountFen' | 'maxAmountFen' | 'minTermMonths' | 'maxTermMonths'>,
  sent: ReadonlySet<string>,
): void {
  if (product.minAmountFen <= 0n) {
    throw DomainError.validation('minAmount', 'must be above zero');
  }
  const blame = (minField: string, maxField: string): string =>
    sent.has(maxField) || !sent.has(minField) ? maxField : minField;
  if (product.minAmountFen > product.maxAmountFen) {
    const field = blame('minAmount', 'maxAmount');
    throw DomainError.validation(
      field,
      field === 'maxAmount' ? 'must not be less than minAmount' : 'must not exceed maxAmount',
    );
  }
  if (product.minTermMonths > product.maxTermMonths) {
    const field = blame('minTermMonths', 'maxTermMonths');
    throw DomainError.validation(
      field,
      field === 'maxTermMonths'
        ? 'must not be less than minTermMonths'
        : 'must not exceed maxTermMonths',
    );
  }
}

function sameContent(current: ProductEntity, next: ProductEntity): boolean {
  const text = (product: ProductEntity): string =>
    JSON.stringify(product, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
  return text(current) === text(next);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}

/** The schema's checks, should a request slip past the service's own: a 400, never a 500. */
function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  const fields: Record<string, string> = {
    products_amount_range: 'maxAmount',
    products_term_range: 'maxTermMonths',
    products_rate_shape: 'rate',
    products_guarantee_types: 'guaranteeTypes',
    products_eligible_scales: 'eligibleScales',
    products_min_amount_fen_check: 'minAmount',
    products_min_term_months_check: 'minTermMonths',
  };
  if (code === '23514' && constraint !== undefined && constraint in fields) {
    return DomainError.validation(fields[constraint], 'is out of range');
  }
  if (code === '23503' && constraint === 'products_bank_id_fkey') {
    return DomainError.validation('bankId', 'names no bank');
  }
  return error;
}
