import { z } from 'zod';

/** CloudWatch's limit on the dimensions of one metric. */
export const MAX_METRIC_DIMENSIONS = 30;

/** Printable ASCII with at least one non-space: CloudWatch refuses any other dimension name or value. */
const DIMENSION_NAME = /^(?!:)(?=.*[^ ])[\x20-\x7e]{1,255}$/;
const DIMENSION_VALUE = /^(?=.*[^ ])[\x20-\x7e]{1,1024}$/;

export const dimensionNameSchema = z.string().regex(DIMENSION_NAME, 'must be a CloudWatch dimension name: 1-255 printable ASCII characters, not starting with ":"');

/**
 * A metric's extra dimensions, when fledge adds `reserved` dimensions of its own to each query
 * (a flag's `Flag` and variant, a custom metric's version). GetMetricData refuses more than 30 in all.
 */
export function dimensionsSchema(reserved: number) {
  const max = MAX_METRIC_DIMENSIONS - reserved;
  return z
    .record(dimensionNameSchema, z.string().regex(DIMENSION_VALUE, 'must be a CloudWatch dimension value: 1-1024 printable ASCII characters'))
    .refine((dimensions) => Object.keys(dimensions).length <= max, `at most ${max} dimensions: CloudWatch allows ${MAX_METRIC_DIMENSIONS} per metric, and fledge adds ${reserved}`);
}
