import type { TrafficSpec } from './metrics';
export function generateFleet(options: {
  n: number;
  seed?: number;
  servicesPerNamespace?: number;
}): {
  objects: any[];
  entities: any[];
  traffic: TrafficSpec;
};

export interface ExtraFamily {
  family: string;
  type: 'counter' | 'gauge';
  /** Counters: value(t) = rate × (t − origin); gauges: a constant value (NaN allowed). */
  series: {
    name: string;
    labels: Record<string, string>;
    rate?: number;
    value?: number;
  }[];
}
export function extraMeshFamilies(traffic: TrafficSpec): ExtraFamily[];
export function withFamilies(
  chunks: Iterable<string>,
  extra: ExtraFamily[],
  range: { start: number; end: number; step: number; origin?: number },
): Generator<string>;
