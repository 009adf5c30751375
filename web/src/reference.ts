import type { ProductResponseDto, RegisterEnterpriseDto } from './api/schema';

/**
 * The API's reference lists, in the order the forms offer them. Typed against the generated
 * schema, so a code the API drops fails the type check here rather than at submission.
 */
export const INDUSTRIES = [
  'agriculture',
  'industry',
  'construction',
  'wholesale',
  'retail',
  'transport',
  'warehousing',
  'postal',
  'accommodation',
  'catering',
  'information_transmission',
  'software_it',
  'real_estate',
  'property_management',
  'leasing_business',
  'other',
] as const satisfies readonly RegisterEnterpriseDto['industry'][];

export const SCALES = ['micro', 'small', 'medium', 'large'] as const satisfies readonly NonNullable<
  ProductResponseDto['eligibleScales']
>[number][];
