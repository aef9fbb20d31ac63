import { ResponseError } from '@backstage/errors';

/** The backend's own message when it sent one (Backstage's error body), else the error's. */
export function errorMessage(error: Error): string {
  const { body, statusCode } = error as Partial<ResponseError>;
  const message = body?.error?.message;
  return message ? `${message} (HTTP ${statusCode})` : error.message;
}
