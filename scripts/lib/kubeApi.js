// @ts-check
/**
 * A small fixture Kubernetes API server for tests and the benchmark: it answers list
 * calls the way kube-apiserver does (…List objects whose items carry no kind or
 * apiVersion, `limit`/`continue` pagination, Status objects for 401/403/404/410), and
 * namespaced GETs of one object by name (the object itself, with kind and apiVersion),
 * from a set of objects. There is no local API server on these machines, so this
 * stands in.
 */
const http = require('node:http');

/** plural → kind for every resource the mesh plugin lists, by API group. */
const RESOURCES = {
  '': {
    namespaces: 'Namespace',
    pods: 'Pod',
    services: 'Service',
    configmaps: 'ConfigMap',
    secrets: 'Secret',
  },
  apps: {
    deployments: 'Deployment',
    statefulsets: 'StatefulSet',
    daemonsets: 'DaemonSet',
    replicasets: 'ReplicaSet',
  },
  batch: { jobs: 'Job', cronjobs: 'CronJob' },
  policy: { poddisruptionbudgets: 'PodDisruptionBudget' },
  'security.istio.io': {
    peerauthentications: 'PeerAuthentication',
    authorizationpolicies: 'AuthorizationPolicy',
  },
  'networking.istio.io': {
    sidecars: 'Sidecar',
    destinationrules: 'DestinationRule',
    virtualservices: 'VirtualService',
    serviceentries: 'ServiceEntry',
  },
  'policy.linkerd.io': {
    servers: 'Server',
    authorizationpolicies: 'AuthorizationPolicy',
    meshtlsauthentications: 'MeshTLSAuthentication',
    egressnetworks: 'EgressNetwork',
  },
  'gateway.networking.k8s.io': { gateways: 'Gateway' },
};

function groupOf(apiVersion) {
  return apiVersion.includes('/')
    ? apiVersion.slice(0, apiVersion.indexOf('/'))
    : '';
}

function status(code, reason, message, details) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

/**
 * @param {{
 *   objects: any[],
 *   pageSizeCap?: number,
 *   forbidden?: string[],          // "pods", "apps/deployments", "security.istio.io/peerauthentications"
 *   failing?: string[],            // same form; answered with HTTP 500
 *   flaky?: Record<string, number[]>, // same form: the nth requests (1-based) answered `code`
 *   flakyCode?: number,            // the status of a flaky answer; 503 by default
 *   delayMs?: number | ((path: string) => number),
 *   token?: string,                // when set, requests need `Authorization: Bearer <token>`
 *   installedGroups?: string[],    // CRD groups installed even when no object of theirs exists
 *   servedVersions?: Record<string, string[]>, // per group, the versions served (default: any)
 *   expireContinueOnce?: boolean,  // the first `continue` request answers 410 Gone
 * }} options
 */
async function startFixtureKubeApi(options) {
  const byResource = new Map();
  /** Requests seen per resource id, for `flaky`. */
  const seen = new Map();
  const groups = new Set([
    '',
    'apps',
    'batch',
    'policy',
    ...(options.installedGroups ?? []),
  ]);
  for (const obj of options.objects) {
    const group = groupOf(obj.apiVersion);
    const plural = Object.entries(RESOURCES[group] ?? {}).find(
      ([, kind]) => kind === obj.kind,
    )?.[0];
    if (!plural) continue;
    groups.add(group);
    const key = `${group}/${plural}`;
    if (!byResource.has(key)) byResource.set(key, []);
    byResource.get(key).push(obj);
  }
  for (const list of byResource.values()) {
    list.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
  }
  const requests = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const resourceVersion = String(Date.now());
  let expiredOnce = false;

  const server = http.createServer(async (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const url = new URL(req.url ?? '/', 'http://fixture');
    requests.push(url.pathname + url.search);
    const send = (code, body) => {
      inFlight -= 1;
      res.statusCode = code;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const delay =
      typeof options.delayMs === 'function'
        ? options.delayMs(url.pathname)
        : options.delayMs ?? 0;
    if (delay > 0) await new Promise(r => setTimeout(r, delay));
    if (
      options.token &&
      req.headers.authorization !== `Bearer ${options.token}`
    ) {
      return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    // /api/v1[/namespaces/ns]/plural[/name]  or  /apis/group/version[/namespaces/ns]/plural[/name]
    const m =
      /^\/api\/(v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?$/.exec(
        url.pathname,
      ) ??
      /^\/apis\/([^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?$/.exec(
        url.pathname,
      );
    if (!m)
      return send(
        404,
        status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    const [, groupVersion, namespace, plural, rawName] = m;
    const name =
      rawName === undefined ? undefined : decodeURIComponent(rawName);
    const verb = name === undefined ? 'list' : 'get';
    const group = groupVersion.includes('/') ? groupVersion.split('/')[0] : '';
    const kind = RESOURCES[group]?.[plural];
    const id = group ? `${group}/${plural}` : plural;
    const version = groupVersion.includes('/')
      ? groupVersion.split('/')[1]
      : groupVersion;
    const served = options.servedVersions?.[group];
    if (!kind || !groups.has(group) || (served && !served.includes(version))) {
      return send(
        404,
        status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    }
    if ((options.forbidden ?? []).includes(id)) {
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${plural}${group ? `.${group}` : ''}${
            name === undefined ? '' : ` "${name}"`
          } is forbidden: User "system:serviceaccount:backstage:backstage" cannot ${verb} resource "${plural}" in API group "${group}" ${
            namespace
              ? `in the namespace "${namespace}"`
              : 'at the cluster scope'
          }`,
          { group, kind: plural },
        ),
      );
    }
    const nth = (seen.get(id) ?? 0) + 1;
    seen.set(id, nth);
    if ((options.flaky?.[id] ?? []).includes(nth)) {
      const code = options.flakyCode ?? 503;
      return send(
        code,
        code === 429
          ? status(
              429,
              'TooManyRequests',
              'too many requests, please try again later',
            )
          : status(
              code,
              'ServiceUnavailable',
              'the server is currently unable to handle the request',
            ),
      );
    }
    if ((options.failing ?? []).includes(id)) {
      return send(
        500,
        status(500, 'InternalError', 'etcdserver: request timed out'),
      );
    }
    if (name !== undefined) {
      const found = (byResource.get(`${group}/${plural}`) ?? []).find(
        o =>
          o.metadata.name === name &&
          (o.metadata.namespace ?? 'default') === namespace,
      );
      if (!found) {
        return send(
          404,
          status(404, 'NotFound', `${plural} "${name}" not found`, {
            name,
            kind: plural,
          }),
        );
      }
      // A GET answers the object itself, kind and apiVersion included.
      return send(200, { ...found, apiVersion: groupVersion, kind });
    }
    // Equality label selectors (`a=b,c=d`), filtered from memory as kube-apiserver's
    // watch cache does: per-entity clients send them.
    const selector = (url.searchParams.get('labelSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map(r => r.split('='));
    let items = (byResource.get(`${group}/${plural}`) ?? []).filter(
      o =>
        (!namespace || (o.metadata.namespace ?? 'default') === namespace) &&
        selector.every(([k, v]) => (o.metadata.labels ?? {})[k] === v),
    );
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const cont = url.searchParams.get('continue');
    let offset = 0;
    if (cont && options.expireContinueOnce && !expiredOnce) {
      expiredOnce = true;
      return send(
        410,
        status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        ),
      );
    }
    if (cont) {
      const decoded = JSON.parse(Buffer.from(cont, 'base64').toString('utf8'));
      if (decoded.rv !== resourceVersion) {
        return send(
          410,
          status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result.',
          ),
        );
      }
      offset = decoded.offset;
    }
    const pageSize = Math.min(
      limit > 0 ? limit : Infinity,
      options.pageSizeCap ?? Infinity,
    );
    const page = items.slice(offset, offset + pageSize);
    const next = offset + page.length;
    const metadata = { resourceVersion };
    if (next < items.length) {
      metadata.continue = Buffer.from(
        JSON.stringify({ rv: resourceVersion, offset: next }),
      ).toString('base64');
      metadata.remainingItemCount = items.length - next;
    }
    // Real list responses carry kind/apiVersion on the list, not on the items.
    items = page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    return send(200, {
      kind: `${kind}List`,
      apiVersion: groupVersion,
      metadata,
      items,
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

module.exports = { startFixtureKubeApi, RESOURCES };
