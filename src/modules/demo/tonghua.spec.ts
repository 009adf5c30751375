import { describe, expect, it } from '@jest/globals';
import { Role } from '../../common/auth/role.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { parseYuan } from '../../common/money/money.js';
import { BankKind } from '../banks/bank.entity.js';
import { CreateBankDto } from '../banks/banks.dto.js';
import { checkCreditCode } from '../enterprises/credit-code.js';
import { classifyScale } from '../enterprises/enterprise-scale.js';
import { CreateEnterpriseDto } from '../enterprises/enterprises.dto.js';
import { CreateProductDto } from '../products/products.dto.js';
import { checkProjectFacts, ProjectStatus } from '../projects/project-rules.js';
import { CreateProjectDto, UpdateProjectDto } from '../projects/projects.dto.js';
import { USERNAME_PATTERN } from '../users/users.dto.js';
import { countPlan, demoCreditCode, wan } from './demo-plan.js';
import { TONGHUA } from './tonghua.js';
import { GENERATED_ENTERPRISE_COUNT, generatedEnterprises } from './tonghua-generated.js';
import { validated } from './validated.js';

const REPORT_ENTERPRISES = [
  '首钢通化钢铁集团股份有限公司',
  '中溢集团(吉林)新能源科技有限公司',
  '通化东宝药业股份有限公司',
  '集安福海葡萄酒庄有限公司',
  '通化阿尔凯斯特精密铸造有限公司',
  '吉林万峰实业有限公司',
  '通化万核汽车电子商务科技有限公司',
  '北京金田恒业集团通化分公司',
];

const enterprises = TONGHUA.enterprises.map((item) => item.enterprise);
const projects = TONGHUA.enterprises.flatMap((item) => item.projects);

describe('the Tonghua demo plan', () => {
  it('gives every enterprise a distinct credit code that passes its check character', () => {
    const codes = enterprises.map((enterprise) => enterprise.creditCode);
    expect(codes.filter((code) => checkCreditCode(code) !== 'valid')).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(enterprises.map((enterprise) => enterprise.name)).size).toBe(codes.length);
  });

  it('derives credit codes from the name and region alone, so a reload finds the same rows', () => {
    expect(demoCreditCode('通化东宝药业股份有限公司', '220521')).toBe(
      demoCreditCode('通化东宝药业股份有限公司', '220521'),
    );
    expect(demoCreditCode('通化东宝药业股份有限公司', '220521')).not.toBe(
      demoCreditCode('通化东宝药业股份有限公司', '220502'),
    );
    const again = generatedEnterprises(new Set(REPORT_ENTERPRISES));
    expect(again.map((item) => item.enterprise.creditCode)).toEqual(
      generatedEnterprises(new Set(REPORT_ENTERPRISES)).map((item) => item.enterprise.creditCode),
    );
  });

  it('names the enterprises of the report, verified', () => {
    for (const name of REPORT_ENTERPRISES) {
      const found = enterprises.find((enterprise) => enterprise.name === name);
      expect(found?.verified).toBe(true);
    }
  });

  it('has eight banks with one president, two officers and three to six products each', () => {
    expect(TONGHUA.banks).toHaveLength(8);
    expect(new Set(TONGHUA.banks.map((item) => item.bank.name)).size).toBe(8);
    for (const item of TONGHUA.banks) {
      const roles = item.staff.map((user) => user.role).sort();
      expect(roles).toEqual([Role.BankOfficer, Role.BankOfficer, Role.BankPresident]);
      expect(item.products.length).toBeGreaterThanOrEqual(3);
      expect(item.products.length).toBeLessThanOrEqual(6);
      expect(new Set(item.products.map((product) => product.name)).size).toBe(item.products.length);
    }
    const kinds = new Set(TONGHUA.banks.map((item) => item.bank.kind));
    expect([...kinds].sort()).toEqual(
      [BankKind.CityCommercial, BankKind.Policy, BankKind.Rural, BankKind.StateOwned].sort(),
    );
  });

  it('mixes categories, rate kinds, tags and eligibility limits in the product supermarket', () => {
    const products = TONGHUA.banks.flatMap((item) => item.products);
    expect(new Set(products.map((product) => product.category)).size).toBe(5);
    expect(new Set(products.map((product) => product.rate.rateKind))).toEqual(
      new Set(['fixed', 'lpr']),
    );
    const tags = new Set(products.flatMap((product) => product.tags ?? []));
    for (const tag of ['first_loan', 'renewal', 'credit_loan', 'specialized']) {
      expect(tags.has(tag)).toBe(true);
    }
    expect(products.some((product) => (product.eligibleRegions ?? []).length > 0)).toBe(true);
    expect(products.some((product) => (product.eligibleIndustries ?? []).length > 0)).toBe(true);
    expect(products.some((product) => (product.eligibleScales ?? []).length > 0)).toBe(true);
    expect(products.some((product) => (product.eligibleScales ?? []).length === 0)).toBe(true);
  });

  it('sends only bodies the API would accept', () => {
    for (const item of TONGHUA.banks) {
      validated(CreateBankDto, item.bank);
      for (const product of item.products) {
        validated(CreateProductDto, { ...product, bankId: '00000000-0000-4000-8000-000000000000' });
      }
    }
    for (const item of TONGHUA.enterprises) {
      validated(CreateEnterpriseDto, item.enterprise);
      for (const { project, laterSurvey } of item.projects) {
        validated(CreateProjectDto, {
          ...project,
          enterpriseId: '00000000-0000-4000-8000-000000000000',
        });
        if (laterSurvey !== undefined) {
          validated(UpdateProjectDto, laterSurvey);
        }
      }
    }
  });

  it('keeps every project within the cross-field rules, before and after its later survey', () => {
    const today = shanghaiBusinessDate();
    for (const { project, laterSurvey } of projects) {
      const facts = {
        status: project.status,
        startedOn: project.startedOn ?? null,
        totalInvestmentFen: parseYuan(project.totalInvestment),
        plannedInvestmentFen: parseYuan(project.plannedInvestment),
        fundingGapFen: parseYuan(project.fundingGap ?? '0'),
      };
      expect(checkProjectFacts(facts, today)).toEqual([]);
      if (laterSurvey !== undefined) {
        const after = {
          ...facts,
          status: laterSurvey.status ?? facts.status,
          startedOn: laterSurvey.startedOn ?? facts.startedOn,
          fundingGapFen:
            laterSurvey.fundingGap === undefined
              ? facts.fundingGapFen
              : parseYuan(laterSurvey.fundingGap),
        };
        expect(checkProjectFacts(after, today)).toEqual([]);
      }
    }
  });

  it('gives every demo account a distinct valid username', () => {
    const usernames = [
      ...TONGHUA.banks.flatMap((item) => item.staff.map((user) => user.username)),
      ...TONGHUA.enterprises.flatMap((item) => item.users.map((user) => user.username)),
    ];
    expect(usernames.filter((username) => !USERNAME_PATTERN.test(username))).toEqual([]);
    expect(new Set(usernames.map((username) => username.toLowerCase())).size).toBe(
      usernames.length,
    );
    expect(usernames).toEqual(
      expect.arrayContaining(['jlbank.president', 'jlbank.officer1', 'dongbao.finance']),
    );
    expect(countPlan(TONGHUA).users).toBe(usernames.length);
  });

  it('generates enough varied enterprises and projects to make lists worth filtering', () => {
    const generated = enterprises.length - 16;
    expect(generated).toBe(GENERATED_ENTERPRISE_COUNT);
    const regions = new Set(enterprises.map((enterprise) => enterprise.regionCode));
    expect(regions.size).toBe(7);
    const scales = new Set(
      enterprises.map(
        (enterprise) =>
          classifyScale(
            {
              industry: enterprise.industry,
              employees: enterprise.employees,
              revenueFen: parseYuan(enterprise.revenue),
              assetsFen: parseYuan(enterprise.assets),
            },
            '2026-01-01',
          ).scale,
      ),
    );
    expect([...scales].sort()).toEqual(['large', 'medium', 'micro', 'small']);
    const tags = enterprises.flatMap((enterprise) => enterprise.tags ?? []);
    expect(tags.filter((tag) => tag === 'specialized').length).toBeGreaterThan(5);
    expect(tags.filter((tag) => tag === 'key50').length).toBeGreaterThan(5);
    expect(enterprises.some((enterprise) => enterprise.verified !== true)).toBe(true);
    expect(projects.length).toBeGreaterThanOrEqual(30);
    expect(projects.length).toBeLessThanOrEqual(80);
    const statuses = new Set(projects.map((item) => item.project.status));
    expect(statuses).toEqual(new Set(Object.values(ProjectStatus)));
  });

  it('writes 万元 amounts as exact yuan strings', () => {
    expect(wan(0)).toBe('0.00');
    expect(wan(88_0000)).toBe('8800000000.00');
    expect(() => wan(1.5)).toThrow();
  });
});
