import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';

export interface KubeResponse {
  status: number;
  body: unknown;
}

/**
 * One GET against the API server. Authentication and TLS (token, client certificates,
 * CA data, exec plugins, in-cluster credentials) come from @kubernetes/client-node's
 * KubeConfig; the request itself is plain, so list pages stay raw JSON rather than being
 * converted to model classes (which drop fields a model does not know).
 */
export async function kubeGet(
  kubeConfig: KubeConfig,
  path: string,
  timeoutMs: number,
  /** The run gave up: destroy the request, so its socket is released. */
  signal?: AbortSignal,
): Promise<KubeResponse> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the Kubernetes config');
  // Keeps a base path (e.g. a Rancher or proxy prefix) in front of the API path.
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}${path}`);
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { accept: 'application/json' },
    signal,
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<KubeResponse>((resolve, reject) => {
    const req = transport.request(url, options, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // leave the text: the caller reports it
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.setTimeout(timeoutMs, () => {
      const timeout = new Error(`timed out after ${timeoutMs} ms`);
      // The name fetch() gives a timeout, so every source tells timeouts apart alike.
      timeout.name = 'TimeoutError';
      req.destroy(timeout);
    });
    req.on('error', reject);
    req.end();
  });
}
