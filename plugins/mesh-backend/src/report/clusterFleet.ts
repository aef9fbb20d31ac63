/**
 * The fleet figures of each cluster a run collected, from the run's reports: the
 * telemetry checks' per-workload evidence (sidecar.rightsizing, double instrumentation,
 * trace propagation) split by the cluster each workload runs in, and the nodes its
 * snapshot's pods run on. A workload that two entities map is counted once.
 */
import { MeshReport, noSidecars } from '@mesh-readiness/plugin-mesh-common';
import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import type { ClusterFleetInput } from '../store/ClusterFleetStore';
import { runToEnd } from '../lib/timeSlices';

type Evidence = Record<string, unknown>;

const num = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : 0;

/** The per-workload entries of a check's evidence (`workloads: [{ workload, … }]`). */
function workloadEntries(report: MeshReport, checkId: string): Evidence[] {
  const evidence = report.checks.find(c => c.id === checkId)?.evidence as
    | Evidence
    | undefined;
  const list = evidence?.workloads;
  return Array.isArray(list)
    ? list.filter(
        (w): w is Evidence =>
          Boolean(w) && typeof (w as Evidence).workload === 'string',
      )
    : [];
}

/** A workload ref (`cluster/namespace/kind/name`) → its cluster. */
const clusterOf = (ref: string) => ref.split('/')[0];

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const round = (v: number, digits: number) =>
  Math.round(v * 10 ** digits) / 10 ** digits;

/** The nodes a cluster's live pods are scheduled on; null when none names one. */
export function nodesOf(snapshot: ClusterSnapshot | undefined): number | null {
  const facts = snapshot?.kubernetes.ok ? snapshot.kubernetes.data : undefined;
  if (!facts) return null;
  const nodes = new Set<string>();
  for (const w of facts.workloads) {
    for (const p of w.pods) if (p.nodeName) nodes.add(p.nodeName);
  }
  return nodes.size > 0 ? nodes.size : null;
}

/**
 * One figure set per cluster in `clusters`, measured at `runAt` from the reports and the
 * clusters' snapshots.
 */
export function clusterFleetFigures(
  clusters: string[],
  reports: MeshReport[],
  snapshots: ClusterSnapshot[],
  runAt: string,
): ClusterFleetInput[] {
  return runToEnd(clusterFleetSteps(clusters, reports, snapshots, runAt));
}

/**
 * clusterFleetFigures step by step, a step per report (runInSlices): over a fleet's
 * reports it was one block of tens of milliseconds at the end of every run.
 */
export function* clusterFleetSteps(
  clusters: string[],
  reports: MeshReport[],
  snapshots: ClusterSnapshot[],
  runAt: string,
): Generator<void, ClusterFleetInput[]> {
  const out = new Map<string, ClusterFleetInput>(
    clusters.map(cluster => [
      cluster,
      {
        cluster,
        runAt,
        entities: 0,
        sidecars: noSidecars(),
        doubleInstrumentation: { appSeries: 0, estimatedBytes: 0 },
        medianPropagationRatio: null,
        propagationMeasured: 0,
        nodes: nodesOf(snapshots.find(s => s.cluster === cluster)),
      },
    ]),
  );
  const ratios = new Map<string, number[]>(clusters.map(c => [c, []]));
  const seen = new Set<string>();
  /** Each workload's entry of a check once, in a collected cluster. */
  const each = (report: MeshReport, checkId: string) =>
    workloadEntries(report, checkId).flatMap(w => {
      const ref = w.workload as string;
      const figures = out.get(clusterOf(ref));
      const key = `${checkId}\n${ref}`;
      if (!figures || seen.has(key)) return [];
      seen.add(key);
      return [{ w, figures, cluster: clusterOf(ref) }];
    });
  for (const report of reports) {
    yield;
    for (const cluster of new Set(report.workloads.map(w => w.cluster))) {
      const figures = out.get(cluster);
      if (figures) figures.entities += 1;
    }
    for (const { w, figures } of each(report, 'sidecar.rightsizing')) {
      const t = (w.totals ?? {}) as Evidence;
      const requested = (t.requested ?? {}) as Evidence;
      const used = (t.used ?? {}) as Evidence;
      const s = figures.sidecars;
      s.count += num(t.sidecars);
      s.measured += num(t.measuredSidecars);
      s.requested.cpuCores += num(requested.cpuCores);
      s.requested.memoryBytes += num(requested.memoryBytes);
      s.used.cpuCores += num(used.cpuCores);
      s.used.memoryBytes += num(used.memoryBytes);
    }
    for (const { w, figures } of each(
      report,
      'observability.double-instrumentation',
    )) {
      figures.doubleInstrumentation.appSeries += num(w.appSeries);
      figures.doubleInstrumentation.estimatedBytes += num(w.estimatedBytes);
    }
    for (const { w, cluster } of each(
      report,
      'observability.trace-propagation',
    )) {
      if (typeof w.propagationRatio === 'number')
        ratios.get(cluster)!.push(w.propagationRatio);
    }
  }
  for (const figures of out.values()) {
    const r = ratios.get(figures.cluster)!;
    figures.medianPropagationRatio = median(r);
    figures.propagationMeasured = r.length;
    // Sums of fractional cores: rounded, so 0.1 + 0.2 reads 0.3.
    figures.sidecars.requested.cpuCores = round(
      figures.sidecars.requested.cpuCores,
      6,
    );
    figures.sidecars.used.cpuCores = round(figures.sidecars.used.cpuCores, 6);
  }
  return [...out.values()];
}
