/**
 * Shared set-up of the Mesh tab's component tests: the real MeshClient against msw
 * handlers, a permission API that allows or denies, and a clipboard probe.
 */
import { RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  permissionApiRef,
  type PermissionApi,
} from '@backstage/plugin-permission-react';
import { Entity } from '@backstage/catalog-model';
import { HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../../api';
import { entity as defaultEntity } from '../../../__fixtures__/reports';
import { EntityMeshContent } from '../EntityMeshContent';

export const BASE = 'http://localhost:7007/api/mesh';
export const REPORT_URL = `${BASE}/v1/reports/component/default/x`;
export const HISTORY_URL = `${BASE}/v1/history/component/default/x`;

/** A `javascript:` URL, which must never become a link. */
export const SCRIPT_URL = `${'javascript'}:alert(1)`;

export function errorBody(
  status: number,
  name: string,
  message: string,
  code?: string,
) {
  return HttpResponse.json(
    {
      error: { name, message, ...(code ? { code } : {}) },
      request: { method: 'GET', url: '/api/mesh/v1/...' },
      response: { statusCode: status },
    },
    { status },
  );
}

/** What the tab reads besides the report, answered empty unless a test says otherwise. */
export const defaultHandlers = [
  http.get(HISTORY_URL, () =>
    HttpResponse.json({
      entityRef: 'component:default/x',
      days: 30,
      points: [],
    }),
  ),
  http.get(`${BASE}/v1/attestations`, () =>
    HttpResponse.json({ entityRef: 'component:default/x', attestations: [] }),
  ),
  http.get(`${BASE}/v1/waivers`, () =>
    HttpResponse.json({ entityRef: 'component:default/x', waivers: [] }),
  ),
];

/** `days` days ending today (UTC), oldest first, with the health figures given. */
export function historyPoints(
  values: (HistoryPoint['health'] | undefined)[],
  now: number = Date.now(),
): HistoryPoint[] {
  return values.map((health, i) => ({
    day: new Date(now - (values.length - 1 - i) * 24 * 3600 * 1000)
      .toISOString()
      .slice(0, 10),
    score: 80,
    level: 'almost-ready',
    statuses: {},
    ...(health ? { health } : {}),
  }));
}

export type PermissionRequest = Parameters<PermissionApi['authorize']>[0];
type Decision = Awaited<ReturnType<PermissionApi['authorize']>>;

/** Whether the user may: always, never, or per request (permission, resource). */
export type Authorize = boolean | ((request: PermissionRequest) => boolean);

/**
 * A permission API answering ALLOW or DENY, recording what it was asked. (The enum is
 * not imported: the plugin does not depend on permission-common itself.)
 */
export function fakePermissionApi(authorize: Authorize) {
  const requests: PermissionRequest[] = [];
  const api: PermissionApi = {
    authorize: async request => {
      requests.push(request);
      const allowed =
        typeof authorize === 'function' ? authorize(request) : authorize;
      return { result: allowed ? 'ALLOW' : 'DENY' } as Decision;
    },
  };
  return { api, requests };
}

/** Renders the tab for the entity, as a user whom the permission API answers so. */
export async function renderTab(
  options: { authorize?: Authorize; entity?: Entity } = {},
): Promise<RenderResult & { permissionRequests: PermissionRequest[] }> {
  const meshApi = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  const permission = fakePermissionApi(options.authorize ?? true);
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [meshApiRef, meshApi],
        [permissionApiRef, permission.api],
      ]}
    >
      <EntityProvider entity={options.entity ?? defaultEntity}>
        <EntityMeshContent />
      </EntityProvider>
    </TestApiProvider>,
  );
  return { ...rendered, permissionRequests: permission.requests };
}

/**
 * Clicks a copy button and returns what it copied: copy-to-clipboard selects the text,
 * then runs execCommand('copy'), which jsdom lacks.
 */
export async function copiedBy(button: HTMLElement): Promise<string> {
  let copied: string | undefined;
  const execCommand = jest.fn(() => {
    copied = document.getSelection()?.toString();
    return true;
  });
  const original = document.execCommand;
  document.execCommand = execCommand;
  try {
    await userEvent.click(button);
  } finally {
    document.execCommand = original;
  }
  expect(execCommand).toHaveBeenCalledWith('copy');
  return copied ?? '';
}
