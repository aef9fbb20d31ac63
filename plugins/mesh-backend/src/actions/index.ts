import { UserInfoService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { MeshReportService } from '../service/MeshReportService';
import { ScorecardService } from '../service/ScorecardService';
import { registerGetMeshReport } from './getMeshReport';
import { registerGetMeshRollups } from './getMeshRollups';
import { registerListMeshScorecard } from './listMeshScorecard';

/**
 * The mesh plugin's actions for agents (Backstage's MCP server and others): the report,
 * the scorecard and the roll-ups. They call the services the HTTP routes call, with the
 * caller's credentials, so they answer what the UI would show that caller.
 */
export function registerMeshActions(options: {
  actionsRegistry: ActionsRegistryService;
  service: MeshReportService;
  scorecard: ScorecardService;
  userInfo: UserInfoService;
}) {
  const { actionsRegistry, service, scorecard, userInfo } = options;
  registerGetMeshReport(actionsRegistry, service);
  registerListMeshScorecard(actionsRegistry, scorecard, userInfo);
  registerGetMeshRollups(actionsRegistry, scorecard, userInfo);
}
