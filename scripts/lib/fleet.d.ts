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
