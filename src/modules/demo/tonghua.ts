import type { DemoPlan } from './demo-plan.js';
import { TONGHUA_BANKS } from './tonghua-banks.js';
import { TONGHUA_NAMED_ENTERPRISES } from './tonghua-enterprises.js';
import { generatedEnterprises } from './tonghua-generated.js';

/**
 * The Tonghua (通化市) demo data set: the banks around 吉林银行通化分行, the enterprises and key
 * projects the city's report names (../shared/seed), and generated ones beside them. Only
 * registry rows: every figure the dashboards show is computed from these, never written.
 */
export const TONGHUA: DemoPlan = {
  banks: TONGHUA_BANKS,
  enterprises: [
    ...TONGHUA_NAMED_ENTERPRISES,
    ...generatedEnterprises(new Set(TONGHUA_NAMED_ENTERPRISES.map((item) => item.enterprise.name))),
  ],
};
