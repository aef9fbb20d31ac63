import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { InfoCard } from '@backstage/core-components';
import { WorkloadSummary } from '@mesh-readiness/plugin-mesh-common';
import { NO_VALUE } from './format';

/** The Kubernetes workloads the entity maps to, with their proxy enrolment. */
export function WorkloadsTable(props: { workloads: WorkloadSummary[] }) {
  const { workloads } = props;
  return (
    <InfoCard title="Workloads" noPadding>
      <Table size="small" aria-label="Workloads">
        <TableHead>
          <TableRow>
            <TableCell>Cluster</TableCell>
            <TableCell>Namespace</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Name</TableCell>
            <TableCell align="right">Pods</TableCell>
            <TableCell align="right">Meshed pods</TableCell>
            <TableCell>Proxy versions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {workloads.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                No workload matched this entity's annotations.
              </TableCell>
            </TableRow>
          )}
          {workloads.map(w => (
            <TableRow
              key={`${w.cluster}/${w.namespace}/${w.kind}/${w.name}`}
              data-testid={`mesh-workload-${w.cluster}-${w.namespace}-${w.name}`}
            >
              <TableCell>{w.cluster}</TableCell>
              <TableCell>{w.namespace}</TableCell>
              <TableCell>{w.kind}</TableCell>
              <TableCell>{w.name}</TableCell>
              <TableCell align="right">{w.pods}</TableCell>
              <TableCell align="right">{w.meshedPods}</TableCell>
              <TableCell>
                {w.proxyVersions?.length
                  ? w.proxyVersions.join(', ')
                  : NO_VALUE}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
