import type { Knex } from 'knex';

export interface FleetReportInfo {
  kind: string;
  title: string;
  owner: string;
  system: string;
  domain: string;
}

export function scorecardFleet(
  n: number,
  checkIds: string[],
): { reports: any[]; infos: Map<string, FleetReportInfo> };

export function fleetCatalogEntities(
  infos: Map<string, FleetReportInfo>,
): any[];

export function loadMeshStores(): Promise<{
  openStores: (knex: Knex) => Promise<any>;
  CHECK_IDS: Record<string, string>;
}>;

export function seedScorecardFleet(
  knex: Knex,
  options: { n: number; historyDay?: string },
): Promise<{ entities: any[]; reports: any[] }>;
