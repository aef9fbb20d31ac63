/** Kubernetes' syntax rules for label keys and values (the API server enforces the same). */

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validates a label key: optional DNS-subdomain prefix and a name of at most 63 chars. */
export function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    return `label key prefix '${prefix}' is not a DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key '${key}' is not a valid label name (alphanumerics, '-', '_', '.', at most 63 characters)`;
  }
  return undefined;
}

/** Validates a label value: empty, or at most 63 alphanumerics with '-', '_', '.' inside. */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) {
    return `label value '${value}' is not valid (alphanumerics, '-', '_', '.', at most 63 characters)`;
  }
  return undefined;
}
