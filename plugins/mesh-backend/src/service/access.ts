import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  HttpRouterServiceAuthPolicy,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CustomErrorBase, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  meshRefreshPermission,
  meshWaiverManagePermission,
} from '@mesh-readiness/plugin-mesh-common';
import type { Request } from 'express';
import { SlidingWindowLimiter } from './rateLimit';
import { ReportReadPermission } from './reportReads';

/** Backstage's error handler answers with an error's `statusCode`: 429 here. */
export class TooManyRequestsError extends CustomErrorBase {
  readonly statusCode = 429;
}

/**
 * Who may call what, in one place. Every route needs a Backstage principal (user or
 * service), except `/health`, and the read routes when `mesh.requireAuth` is false.
 */
export class MeshAccess {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      auth: AuthService;
      permissions: PermissionsService;
      requireAuth: boolean;
      /** Refreshes per user per period; services are not limited. */
      refreshLimit: { requests: number; periodMs: number };
      /** `mesh.report.read`; the services apply it per entity, this to whole-fleet exports. */
      reads: ReportReadPermission;
    },
  ) {
    this.refreshes = new SlidingWindowLimiter(
      options.refreshLimit.requests,
      options.refreshLimit.periodMs,
    );
  }

  private readonly refreshes: SlidingWindowLimiter;

  /** The paths the HTTP router lets through without a token. */
  policies(): HttpRouterServiceAuthPolicy[] {
    const open: HttpRouterServiceAuthPolicy[] = [
      { path: '/health', allow: 'unauthenticated' },
    ];
    if (!this.options.requireAuth) {
      for (const path of [
        '/v1/reports',
        '/v1/checks',
        '/v1/history',
        '/v1/scorecard',
      ]) {
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

  /**
   * A read of the whole fleet at once (the Prometheus exposition: one cached view for
   * every scraper, which cannot be cut per caller): it needs `mesh.report.read` granted
   * unconditionally. A service principal (a scraper's static token) is granted it unless
   * its access is restricted.
   */
  async forFleetExport(req: Request): Promise<BackstageCredentials> {
    const credentials = await this.forRead(req);
    await this.options.reads.requireAll(
      credentials,
      'read the fleet-wide metrics export',
    );
    return credentials;
  }

  /**
   * Collecting costs every source of a cluster a full fetch: it needs a principal, the
   * `mesh.refresh` permission, and a user may ask only so often.
   */
  async forRefresh(req: Request): Promise<BackstageCredentials> {
    const credentials = await this.permitted(
      req,
      meshRefreshPermission,
      'run a mesh collection',
    );
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type === 'user' && principal.userEntityRef) {
      const taken = this.refreshes.take(principal.userEntityRef);
      if (!taken.ok) {
        throw new TooManyRequestsError(
          `Too many refreshes by ${principal.userEntityRef}: at most ${
            this.options.refreshLimit.requests
          } per ${Math.round(
            this.options.refreshLimit.periodMs / 1000,
          )} s; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s`,
        );
      }
    }
    return credentials;
  }

  /** Making or withdrawing a waiver: a principal with `mesh.waiver.manage`. */
  async forManagingWaivers(req: Request): Promise<BackstageCredentials> {
    return this.permitted(
      req,
      meshWaiverManagePermission,
      'make or withdraw waivers',
    );
  }

  /** The caller's credentials, once a basic permission is granted to them. */
  private async permitted(
    req: Request,
    permission: BasicPermission,
    what: string,
  ): Promise<BackstageCredentials> {
    const credentials = await this.options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to ${what}: the permission ${permission.name} was denied`,
      );
    }
    return credentials;
  }
}
