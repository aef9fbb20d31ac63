import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  HttpRouterServiceAuthPolicy,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/**
 * Who may call what, in one place. Every route needs a Backstage principal (user or
 * service), except `/health`, and the read routes when `mesh.requireAuth` is false.
 */
export class MeshAccess {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      auth: AuthService;
      requireAuth: boolean;
    },
  ) {}

  /** The paths the HTTP router lets through without a token. */
  policies(): HttpRouterServiceAuthPolicy[] {
    const open: HttpRouterServiceAuthPolicy[] = [
      { path: '/health', allow: 'unauthenticated' },
    ];
    if (!this.options.requireAuth) {
      for (const path of ['/v1/reports', '/v1/checks', '/v1/history']) {
        open.push({ path, allow: 'unauthenticated' });
      }
    }
    return open;
  }

  /** The caller's credentials for a read, or the plugin's own when reads are open. */
  async forRead(req: Request): Promise<BackstageCredentials> {
    const { httpAuth, auth, requireAuth } = this.options;
    if (requireAuth)
      return httpAuth.credentials(req, { allow: ['user', 'service'] });
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service', 'none'],
    });
    return credentials.principal.type === 'none'
      ? auth.getOwnServiceCredentials()
      : credentials;
  }

  /** Collecting costs the sources work: it always needs a principal. */
  async forRefresh(req: Request): Promise<BackstageCredentials> {
    return this.options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
  }
}
