import type { Industry } from '../enterprises/enterprise-scale.js';
import type { EnterpriseTag } from '../enterprises/enterprise.entity.js';
import { ProjectKind, ProjectStatus } from '../projects/project-rules.js';
import { demoCreditCode, type DemoEnterprise, type DemoProject, wan } from './demo-plan.js';

/**
 * Generated enterprises and projects, so lists and the project summary are worth looking at.
 * A fixed-seed generator makes them the same on every start (and so found again by their
 * credit codes); change the seed or the parts and a reload adds new ones beside the old.
 */
export const GENERATED_ENTERPRISE_COUNT = 96;
const SEED = 220_500;

/** mulberry32: a small, fixed-seed generator (these are demo choices, never money maths). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Trade {
  /** The business words of a company name (医药, 物流, …). */
  words: string[];
  industry: Industry;
  employees: [number, number];
  /** 营业收入 and 资产总额 ranges in 万元. */
  revenueWan: [number, number];
  assetsWan: [number, number];
  /** Key-project names such an enterprise might carry (prefixed with its brand). */
  projects: string[];
  /** Chance of the 专精特新 tag. */
  specialized: number;
  weight: number;
}

const TRADES: Trade[] = [
  {
    words: ['医药', '药业', '制药', '生物科技'],
    industry: 'industry',
    employees: [40, 600],
    revenueWan: [800, 60_000],
    assetsWan: [1_500, 80_000],
    projects: [
      '中药饮片生产线GMP改造项目',
      '生物制剂生产基地建设项目',
      '固体制剂智能化车间建设项目',
      '医药研发中心建设项目',
    ],
    specialized: 0.3,
    weight: 12,
  },
  {
    words: ['食品', '人参制品', '山葡萄酒业', '饮品', '矿泉水'],
    industry: 'industry',
    employees: [20, 400],
    revenueWan: [500, 30_000],
    assetsWan: [800, 40_000],
    projects: ['山葡萄酒扩建项目', '人参精深加工项目', '矿泉水生产线项目', '冷鲜食品加工基地项目'],
    specialized: 0.15,
    weight: 10,
  },
  {
    words: ['新材料', '建材', '钢结构', '铸造', '硅业'],
    industry: 'industry',
    employees: [30, 800],
    revenueWan: [1_000, 80_000],
    assetsWan: [2_000, 120_000],
    projects: [
      '新型建材生产线项目',
      '装配式建筑产业基地项目',
      '石墨深加工项目',
      '节能技术改造项目',
    ],
    specialized: 0.2,
    weight: 9,
  },
  {
    words: ['机械制造', '装备制造', '汽车零部件', '电气'],
    industry: 'industry',
    employees: [30, 500],
    revenueWan: [600, 50_000],
    assetsWan: [1_000, 60_000],
    projects: ['智能装备生产线项目', '汽车零部件扩能项目', '数字化车间改造项目'],
    specialized: 0.3,
    weight: 7,
  },
  {
    words: ['新能源', '热电', '光伏科技'],
    industry: 'industry',
    employees: [20, 300],
    revenueWan: [500, 40_000],
    assetsWan: [3_000, 150_000],
    projects: ['光伏发电项目', '生物质热电联产项目', '风电项目'],
    specialized: 0.1,
    weight: 4,
  },
  {
    words: ['农业发展', '生态农业', '牧业', '中药材种植'],
    industry: 'agriculture',
    employees: [8, 200],
    revenueWan: [60, 15_000],
    assetsWan: [200, 20_000],
    projects: ['肉牛养殖基地建设项目', '中药材种植加工基地项目', '设施农业产业园项目'],
    specialized: 0,
    weight: 10,
  },
  {
    words: ['建筑工程', '市政工程', '路桥工程'],
    industry: 'construction',
    employees: [50, 800],
    revenueWan: [2_000, 100_000],
    assetsWan: [1_500, 90_000],
    projects: [],
    specialized: 0,
    weight: 6,
  },
  {
    words: ['商贸', '医药商贸', '农资'],
    industry: 'wholesale',
    employees: [6, 150],
    revenueWan: [1_000, 60_000],
    assetsWan: [500, 20_000],
    projects: [],
    specialized: 0,
    weight: 6,
  },
  {
    words: ['超市', '百货', '汽车销售'],
    industry: 'retail',
    employees: [10, 300],
    revenueWan: [100, 25_000],
    assetsWan: [300, 15_000],
    projects: ['商业综合体建设项目'],
    specialized: 0,
    weight: 5,
  },
  {
    words: ['物流', '仓储', '供应链管理'],
    industry: 'warehousing',
    employees: [20, 250],
    revenueWan: [100, 20_000],
    assetsWan: [1_000, 30_000],
    projects: ['冷链物流中心建设项目', '智慧物流园区项目', '仓储配送中心项目'],
    specialized: 0,
    weight: 5,
  },
  {
    words: ['运输', '客运'],
    industry: 'transport',
    employees: [20, 600],
    revenueWan: [200, 20_000],
    assetsWan: [500, 25_000],
    projects: [],
    specialized: 0,
    weight: 3,
  },
  {
    words: ['酒店管理', '温泉度假'],
    industry: 'accommodation',
    employees: [20, 300],
    revenueWan: [100, 15_000],
    assetsWan: [2_000, 60_000],
    projects: ['温泉度假区建设项目', '康养旅游综合体项目'],
    specialized: 0,
    weight: 4,
  },
  {
    words: ['餐饮管理'],
    industry: 'catering',
    employees: [10, 200],
    revenueWan: [100, 8_000],
    assetsWan: [100, 3_000],
    projects: [],
    specialized: 0,
    weight: 3,
  },
  {
    words: ['信息技术', '软件', '电子商务', '数据科技'],
    industry: 'software_it',
    employees: [8, 200],
    revenueWan: [50, 12_000],
    assetsWan: [100, 10_000],
    projects: ['工业互联网平台项目', '大数据中心建设项目'],
    specialized: 0.35,
    weight: 6,
  },
  {
    words: ['房地产开发', '置业'],
    industry: 'real_estate',
    employees: [20, 200],
    revenueWan: [500, 60_000],
    assetsWan: [5_000, 200_000],
    projects: ['棚户区改造安置房项目', '城市更新片区项目', '商住小区建设项目'],
    specialized: 0,
    weight: 4,
  },
  {
    words: ['物业服务'],
    industry: 'property_management',
    employees: [50, 600],
    revenueWan: [300, 6_000],
    assetsWan: [100, 3_000],
    projects: [],
    specialized: 0,
    weight: 3,
  },
  {
    words: ['人力资源服务', '企业管理咨询', '广告传媒'],
    industry: 'leasing_business',
    employees: [5, 150],
    revenueWan: [50, 5_000],
    assetsWan: [50, 3_000],
    projects: [],
    specialized: 0,
    weight: 3,
  },
];

/** Region codes with the place names companies there are registered under, and a weight. */
const PLACES: { regionCode: string; names: string[]; phoneArea: string; weight: number }[] = [
  { regionCode: '220502', names: ['通化市', '通化', '吉林省'], phoneArea: '0435', weight: 22 },
  { regionCode: '220503', names: ['通化市', '二道江'], phoneArea: '0435', weight: 8 },
  { regionCode: '220521', names: ['通化县'], phoneArea: '0435', weight: 12 },
  { regionCode: '220523', names: ['辉南县', '辉南'], phoneArea: '0435', weight: 10 },
  { regionCode: '220524', names: ['柳河县', '柳河'], phoneArea: '0435', weight: 12 },
  { regionCode: '220581', names: ['梅河口市', '梅河口'], phoneArea: '0448', weight: 24 },
  { regionCode: '220582', names: ['集安市', '集安'], phoneArea: '0435', weight: 12 },
];

/** 字号: the distinctive part of a company name. */
const BRANDS = [
  '鑫源', '恒泰', '宏达', '华康', '金诚', '瑞丰', '兴隆', '博瑞', '天成', '永昌',
  '德润', '汇通', '盛世', '长青', '佳禾', '百川', '众合', '嘉业', '东升', '和信',
  '丰泽', '润泽', '聚源', '鼎盛', '安泰', '福源', '益康', '信达', '龙腾', '正阳',
  '长白山', '参源', '鸭绿江', '浑江', '佟佳', '万通', '松源', '禾丰', '北辰', '君诚',
]; // prettier-ignore

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾于';
const GIVEN_NAMES = [
  '建国', '淑华', '志强', '海燕', '立新', '春梅', '国庆', '玉兰', '红军', '秀英',
  '德明', '丽娟', '宏伟', '晓东', '桂芝', '永刚', '雪梅', '长江', '凤霞', '振华',
]; // prettier-ignore

interface Random {
  next: () => number;
  pick: <T>(items: readonly T[]) => T;
  weighted: <T extends { weight: number }>(items: readonly T[]) => T;
  integer: (min: number, max: number) => number;
  /** Log-uniform: small firms are common, large ones rare. */
  spread: (min: number, max: number) => number;
}

function random(seed: number): Random {
  const next = generator(seed);
  const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    integer,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let target = next() * total;
      for (const item of items) {
        target -= item.weight;
        if (target < 0) {
          return item;
        }
      }
      return items[items.length - 1];
    },
    spread: (min, max) => Math.round(Math.exp(Math.log(min) + next() * Math.log(max / min))),
  };
}

const roundTo = (value: number, step: number): number =>
  Math.max(step, Math.round(value / step) * step);

function date(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function generatedProject(
  rng: Random,
  name: string,
  regionCode: string,
  assetsWan: number,
): DemoProject {
  // A key project (≥ 5000万) in proportion to its owner: at most about three times its assets.
  const totalWan = roundTo(
    rng.spread(5_000, Math.max(5_000, Math.min(150_000, assetsWan * 3))),
    100,
  );
  const roll = rng.next();
  const status =
    roll < 0.05
      ? ProjectStatus.Planned
      : roll < 0.08
        ? ProjectStatus.Suspended
        : roll < 0.16
          ? ProjectStatus.Completed
          : ProjectStatus.Started;
  const kind =
    status === ProjectStatus.Planned || (status === ProjectStatus.Started && rng.next() < 0.4)
      ? ProjectKind.New
      : ProjectKind.Continuing;
  const startedOn =
    status === ProjectStatus.Planned
      ? null
      : kind === ProjectKind.New
        ? date(2026, rng.integer(3, 6), rng.integer(1, 28))
        : date(rng.integer(2024, 2025), rng.integer(4, 10), rng.integer(1, 28));
  const plannedShare = kind === ProjectKind.New ? rng.integer(30, 70) : rng.integer(15, 45);
  const plannedWan = Math.min(totalWan, roundTo((totalWan * plannedShare) / 100, 100));
  const progress =
    status === ProjectStatus.Completed
      ? 100
      : status === ProjectStatus.Planned
        ? 0
        : status === ProjectStatus.Suspended
          ? rng.integer(10, 50)
          : kind === ProjectKind.New
            ? rng.integer(5, 45)
            : rng.integer(35, 90);
  const hasGap = status !== ProjectStatus.Completed && rng.next() < 0.55;
  const gapWan = hasGap
    ? Math.min(totalWan, roundTo((totalWan * rng.integer(10, 40)) / 100, 100))
    : 0;
  const financingIntent = hasGap ? rng.next() < 0.85 : rng.next() < 0.1;
  return {
    project: {
      name,
      regionCode,
      kind,
      totalInvestment: wan(totalWan),
      plannedInvestment: wan(plannedWan),
      status,
      startedOn,
      progressPercent: String(progress),
      fundingGap: wan(gapWan),
      financingIntent,
      notes: status === ProjectStatus.Suspended ? '受资金和审批影响暂时停工' : null,
    },
  };
}

/**
 * Plausible enterprises built from parts: place + 字号 + business + company form, with sizes
 * drawn from their trade's range. `taken` holds names already in the plan (never reused).
 */
export function generatedEnterprises(taken: ReadonlySet<string>): DemoEnterprise[] {
  const rng = random(SEED);
  const names = new Set(taken);
  const enterprises: DemoEnterprise[] = [];
  while (enterprises.length < GENERATED_ENTERPRISE_COUNT) {
    const place = rng.weighted(PLACES);
    const trade = rng.weighted(TRADES);
    const brand = rng.pick(BRANDS);
    const employees = rng.spread(trade.employees[0], trade.employees[1]);
    const revenueWan = rng.spread(trade.revenueWan[0], trade.revenueWan[1]);
    const assetsWan = rng.spread(trade.assetsWan[0], trade.assetsWan[1]);
    const large = revenueWan >= trade.revenueWan[1] / 4;
    const form =
      large && rng.next() < 0.4
        ? '股份有限公司'
        : rng.pick(['有限公司', '有限公司', '有限责任公司']);
    const name = `${rng.pick(place.names)}${brand}${rng.pick(trade.words)}${form}`;
    const tags: EnterpriseTag[] = [];
    if (rng.next() < trade.specialized) {
      tags.push('specialized');
    }
    if (large && rng.next() < 0.35) {
      tags.push('key50');
    }
    const verified = rng.next() < 0.9;
    const legalRepresentative = `${rng.pick([...SURNAMES])}${rng.pick(GIVEN_NAMES)}`;
    const contactPhone = `${place.phoneArea}-${rng.pick(['3', '5', '6', '8'])}${String(rng.integer(0, 999_999)).padStart(6, '0')}`;
    const holdsProject = trade.projects.length > 0 && assetsWan >= 2_000 && rng.next() < 0.6;
    // Project names stay distinct across the city's list, not only per owner.
    const projectName = `${brand}${rng.pick(trade.projects.length > 0 ? trade.projects : [''])}`;
    const projectNames = [projectName, `${place.names[0]}${projectName}`];
    const freeProjectName = projectNames.find((candidate) => !names.has(candidate));
    const projects =
      holdsProject && freeProjectName !== undefined
        ? [generatedProject(rng, freeProjectName, place.regionCode, assetsWan)]
        : [];
    if (names.has(name)) {
      continue;
    }
    names.add(name);
    for (const project of projects) {
      names.add(project.project.name);
    }
    enterprises.push({
      enterprise: {
        name,
        creditCode: demoCreditCode(name, place.regionCode),
        regionCode: place.regionCode,
        industry: trade.industry,
        employees,
        revenue: wan(revenueWan),
        assets: wan(assetsWan),
        legalRepresentative,
        contactPhone,
        tags,
        verified,
      },
      users: [],
      projects,
    });
  }
  return enterprises;
}
