import type { Industry } from '../enterprises/enterprise-scale.js';
import type { EnterpriseTag } from '../enterprises/enterprise.entity.js';
import { ProjectKind, ProjectStatus } from '../projects/project-rules.js';
import {
  demoCreditCode,
  type DemoEnterprise,
  type DemoProject,
  type DemoUser,
  wan,
} from './demo-plan.js';

interface NamedEnterprise {
  name: string;
  regionCode: string;
  industry: Industry;
  employees: number;
  /** 营业收入 and 资产总额 in 万元. */
  revenueWan: number;
  assetsWan: number;
  tags?: EnterpriseTag[];
  users?: DemoUser[];
  projects?: DemoProject[];
}

/**
 * Enterprises the city's report names. Their credit codes are generated (demoCreditCode), and
 * size figures are plausible, not real; the legal representative and phone are left empty rather
 * than invented for a real company.
 */
function named(fields: NamedEnterprise): DemoEnterprise {
  return {
    enterprise: {
      name: fields.name,
      creditCode: demoCreditCode(fields.name, fields.regionCode),
      regionCode: fields.regionCode,
      industry: fields.industry,
      employees: fields.employees,
      revenue: wan(fields.revenueWan),
      assets: wan(fields.assetsWan),
      tags: fields.tags ?? [],
      verified: true,
    },
    users: fields.users ?? [],
    projects: fields.projects ?? [],
  };
}

interface NamedProject {
  name: string;
  regionCode: string;
  kind: ProjectKind;
  status: ProjectStatus;
  startedOn?: string;
  /** 总投资, 年度计划投资 and 资金缺口 in 万元. */
  totalWan: number;
  plannedWan: number;
  gapWan: number;
  progress: string;
  financingIntent: boolean;
  notes?: string;
  /** A later survey: the gap (万元), progress and status it found. */
  later?: { gapWan?: number; progress?: string; status?: ProjectStatus; startedOn?: string };
}

function project(fields: NamedProject): DemoProject {
  const { later } = fields;
  return {
    project: {
      name: fields.name,
      regionCode: fields.regionCode,
      kind: fields.kind,
      totalInvestment: wan(fields.totalWan),
      plannedInvestment: wan(fields.plannedWan),
      status: fields.status,
      startedOn: fields.startedOn ?? null,
      progressPercent: fields.progress,
      fundingGap: wan(fields.gapWan),
      financingIntent: fields.financingIntent,
      notes: fields.notes ?? null,
    },
    ...(later === undefined
      ? {}
      : {
          laterSurvey: {
            ...(later.gapWan === undefined ? {} : { fundingGap: wan(later.gapWan) }),
            ...(later.progress === undefined ? {} : { progressPercent: later.progress }),
            ...(later.status === undefined ? {} : { status: later.status }),
            ...(later.startedOn === undefined ? {} : { startedOn: later.startedOn }),
          },
        }),
  };
}

const DONGCHANG = '220502';
const ERDAOJIANG = '220503';
const TONGHUA_COUNTY = '220521';
const HUINAN = '220523';
const LIUHE = '220524';
const JIAN = '220582';

/** The report's enterprises and key projects (重点项目). */
export const TONGHUA_NAMED_ENTERPRISES: DemoEnterprise[] = [
  named({
    name: '首钢通化钢铁集团股份有限公司',
    regionCode: ERDAOJIANG,
    industry: 'industry',
    employees: 9000,
    revenueWan: 2_200_000,
    assetsWan: 3_000_000,
    tags: ['key50'],
    projects: [
      project({
        name: '通钢3号焦炉异地等量置换节能升级改造项目',
        regionCode: ERDAOJIANG,
        kind: ProjectKind.New,
        status: ProjectStatus.Started,
        startedOn: '2026-04-10',
        totalWan: 180_000,
        plannedWan: 60_000,
        gapWan: 50_000,
        progress: '15',
        financingIntent: true,
        notes: '建设6米顶装式焦炉、煤塔、烟囱、装煤推焦除尘地面站等设施',
        later: { gapWan: 42_000, progress: '22' },
      }),
    ],
  }),
  named({
    name: '中溢集团(吉林)新能源科技有限公司',
    regionCode: LIUHE,
    industry: 'industry',
    employees: 1200,
    revenueWan: 150_000,
    assetsWan: 600_000,
    tags: ['key50'],
    users: [{ username: 'zhongyi.finance', displayName: '中溢集团财务部 陈晓燕' }],
    projects: [
      project({
        name: '年产30万吨新能源负极材料工序项目',
        regionCode: LIUHE,
        kind: ProjectKind.New,
        status: ProjectStatus.Started,
        startedOn: '2026-03-28',
        totalWan: 500_000,
        plannedWan: 120_000,
        gapWan: 80_000,
        progress: '35',
        financingIntent: true,
        notes: '钢结构吊装中',
        later: { gapWan: 65_000, progress: '48' },
      }),
      project({
        name: '年产16万吨大规格超高功率石墨电极项目',
        regionCode: LIUHE,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2024-05-18',
        totalWan: 300_000,
        plannedWan: 60_000,
        gapWan: 20_000,
        progress: '92',
        financingIntent: true,
        notes: '已进入试生产阶段',
      }),
      project({
        name: '年产5万吨石墨质坩埚项目',
        regionCode: LIUHE,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-06-06',
        totalWan: 80_000,
        plannedWan: 30_000,
        gapWan: 0,
        progress: '60',
        financingIntent: false,
      }),
    ],
  }),
  named({
    name: '中溢新材料科技有限公司',
    regionCode: LIUHE,
    industry: 'industry',
    employees: 150,
    revenueWan: 9_000,
    assetsWan: 60_000,
    projects: [
      project({
        name: '一期年产6万吨锂离子电池负极材料项目',
        regionCode: LIUHE,
        kind: ProjectKind.New,
        status: ProjectStatus.Planned,
        totalWan: 150_000,
        plannedWan: 20_000,
        gapWan: 100_000,
        progress: '0',
        financingIntent: true,
        notes: '纳入省重大工业项目谋划储备清单',
      }),
    ],
  }),
  named({
    name: '通化东宝药业股份有限公司',
    regionCode: TONGHUA_COUNTY,
    industry: 'industry',
    employees: 2500,
    revenueWan: 300_000,
    assetsWan: 900_000,
    tags: ['specialized', 'key50'],
    users: [{ username: 'dongbao.finance', displayName: '东宝药业财务部 刘敏' }],
    projects: [
      project({
        name: '通化东宝生物医药产业园德谷胰岛素原料药及注射液生产基地项目',
        regionCode: TONGHUA_COUNTY,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-04-20',
        totalWan: 250_000,
        plannedWan: 50_000,
        gapWan: 30_000,
        progress: '45',
        financingIntent: true,
        notes: '德谷胰岛素生产车间前期工作取得进展，药物研究院已投入使用',
        later: { gapWan: 18_000, progress: '52' },
      }),
    ],
  }),
  named({
    name: '集安福海葡萄酒庄有限公司',
    regionCode: JIAN,
    industry: 'industry',
    employees: 120,
    revenueWan: 8_000,
    assetsWan: 20_000,
    tags: ['specialized'],
    projects: [
      project({
        name: '年产3000吨葡萄酒灌装生产线建设项目',
        regionCode: JIAN,
        kind: ProjectKind.New,
        status: ProjectStatus.Started,
        startedOn: '2026-04-25',
        totalWan: 6_000,
        plannedWan: 4_000,
        gapWan: 1_500,
        progress: '30',
        financingIntent: true,
      }),
    ],
  }),
  named({
    name: '通化阿尔凯斯特精密铸造有限公司',
    regionCode: DONGCHANG,
    industry: 'industry',
    employees: 260,
    revenueWan: 15_000,
    assetsWan: 30_000,
    tags: ['specialized'],
    projects: [
      project({
        name: '高端精密铸件产品加工生产线项目（一期）',
        regionCode: DONGCHANG,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-05-12',
        totalWan: 50_000,
        plannedWan: 20_000,
        gapWan: 6_000,
        progress: '85',
        financingIntent: true,
        notes: '进入设备调试阶段',
        later: { progress: '95', gapWan: 3_000 },
      }),
    ],
  }),
  named({
    name: '吉林万峰实业有限公司',
    regionCode: DONGCHANG,
    industry: 'real_estate',
    employees: 180,
    revenueWan: 30_000,
    assetsWan: 80_000,
    projects: [
      project({
        name: '万峰实业综合楼建设项目',
        regionCode: DONGCHANG,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-07-01',
        totalWan: 60_000,
        plannedWan: 25_000,
        gapWan: 8_000,
        progress: '55',
        financingIntent: true,
      }),
    ],
  }),
  named({
    name: '通化万核汽车电子商务科技有限公司',
    regionCode: DONGCHANG,
    industry: 'software_it',
    employees: 60,
    revenueWan: 12_000,
    assetsWan: 5_000,
    tags: ['key50'],
  }),
  named({
    name: '北京金田恒业集团通化分公司',
    regionCode: DONGCHANG,
    industry: 'software_it',
    employees: 90,
    revenueWan: 5_000,
    assetsWan: 60_000,
    projects: [
      project({
        name: '金田大数据产业园项目',
        regionCode: DONGCHANG,
        kind: ProjectKind.New,
        status: ProjectStatus.Started,
        startedOn: '2026-04-18',
        totalWan: 100_000,
        plannedWan: 40_000,
        gapWan: 20_000,
        progress: '25',
        financingIntent: true,
        notes: '位于通化医药高新区；当年签约、当年落地、当年开工',
        later: { gapWan: 12_000, progress: '40' },
      }),
    ],
  }),
  named({
    name: '通化关东里文化旅游开发有限公司',
    regionCode: DONGCHANG,
    industry: 'other',
    employees: 45,
    revenueWan: 1_200,
    assetsWan: 90_000,
    projects: [
      project({
        name: '关东里文化旅游开发项目',
        regionCode: DONGCHANG,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-06-15',
        totalWan: 150_000,
        plannedWan: 40_000,
        gapWan: 25_000,
        progress: '40',
        financingIntent: true,
        notes: '地下基础部分已全部完成，地上一层完成80%',
        later: { progress: '70', gapWan: 15_000 },
      }),
    ],
  }),
  named({
    name: '辉南汇能生物质热电有限公司',
    regionCode: HUINAN,
    industry: 'industry',
    employees: 110,
    revenueWan: 6_000,
    assetsWan: 40_000,
    projects: [
      project({
        name: '辉南县汇能生物质热电联产项目',
        regionCode: HUINAN,
        kind: ProjectKind.New,
        status: ProjectStatus.Started,
        startedOn: '2026-04-08',
        totalWan: 45_000,
        plannedWan: 30_000,
        gapWan: 10_000,
        progress: '30',
        financingIntent: true,
      }),
    ],
  }),
  named({
    name: '辉南爱琴海城市广场置业有限公司',
    regionCode: HUINAN,
    industry: 'real_estate',
    employees: 70,
    revenueWan: 4_000,
    assetsWan: 45_000,
    projects: [
      project({
        name: '爱琴海城市广场项目',
        regionCode: HUINAN,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2024-09-10',
        totalWan: 30_000,
        plannedWan: 8_000,
        gapWan: 0,
        progress: '80',
        financingIntent: false,
        notes: '辉南县首个规模化城市商业综合体；主体及室外施工完成，室内装修中',
      }),
    ],
  }),
  named({
    name: '通化县恒如水电开发有限公司',
    regionCode: TONGHUA_COUNTY,
    industry: 'industry',
    employees: 40,
    revenueWan: 2_500,
    assetsWan: 50_000,
    projects: [
      project({
        name: '通化县恒如电站建设项目',
        regionCode: TONGHUA_COUNTY,
        kind: ProjectKind.Continuing,
        status: ProjectStatus.Started,
        startedOn: '2025-05-20',
        totalWan: 70_000,
        plannedWan: 20_000,
        gapWan: 12_000,
        progress: '50',
        financingIntent: true,
      }),
    ],
  }),
  named({
    name: '通化鑫鸿新材料有限公司',
    regionCode: ERDAOJIANG,
    industry: 'industry',
    employees: 300,
    revenueWan: 25_000,
    assetsWan: 70_000,
    projects: [
      project({
        name: '年产300万吨环保新材料产业基地建设项目',
        regionCode: ERDAOJIANG,
        kind: ProjectKind.New,
        status: ProjectStatus.Planned,
        totalWan: 300_000,
        plannedWan: 30_000,
        gapWan: 150_000,
        progress: '0',
        financingIntent: true,
        notes: '纳入省重大工业项目谋划储备清单',
      }),
    ],
  }),
  named({
    name: '通化化工园区开发建设有限公司',
    regionCode: ERDAOJIANG,
    industry: 'construction',
    employees: 60,
    revenueWan: 8_000,
    assetsWan: 120_000,
    projects: [
      project({
        name: '通化市化工产业园建设项目',
        regionCode: ERDAOJIANG,
        kind: ProjectKind.New,
        status: ProjectStatus.Planned,
        totalWan: 200_000,
        plannedWan: 20_000,
        gapWan: 80_000,
        progress: '0',
        financingIntent: true,
        notes: '纳入省重大工业项目谋划储备清单',
        later: { status: ProjectStatus.Started, startedOn: '2026-06-18', progress: '5' },
      }),
    ],
  }),
  named({
    name: '通化现代农业产业园发展有限公司',
    regionCode: TONGHUA_COUNTY,
    industry: 'agriculture',
    employees: 80,
    revenueWan: 3_000,
    assetsWan: 30_000,
    projects: [
      project({
        name: '通化现代农业产业园一期建设项目',
        regionCode: TONGHUA_COUNTY,
        kind: ProjectKind.New,
        status: ProjectStatus.Planned,
        totalWan: 80_000,
        plannedWan: 30_000,
        gapWan: 20_000,
        progress: '0',
        financingIntent: true,
        notes: '线上联席会议解决建筑安全监督备案等20多个问题，前期审批推进中',
      }),
    ],
  }),
];
