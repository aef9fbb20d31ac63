import {
  KubeObject,
  ServiceFacts,
  ServicePortFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { asRecord, stringMap } from './read';

function portOf(value: unknown): ServicePortFacts[] {
  const p = asRecord(value);
  if (typeof p.port !== 'number') return [];
  const target = p.targetPort;
  return [
    {
      ...(typeof p.name === 'string' && p.name ? { name: p.name } : {}),
      port: p.port,
      ...(typeof target === 'number' || (typeof target === 'string' && target)
        ? { targetPort: target }
        : {}),
      protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
      ...(typeof p.appProtocol === 'string' && p.appProtocol
        ? { appProtocol: p.appProtocol }
        : {}),
    },
  ];
}

/** A core/v1 Service as the checks need it. */
export function serviceFacts(obj: KubeObject): ServiceFacts {
  const spec = asRecord(obj.spec);
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    selector: stringMap(spec.selector),
    ports: (Array.isArray(spec.ports) ? spec.ports : []).flatMap(portOf),
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    labels: obj.metadata.labels ?? {},
    ...(Object.keys(obj.metadata.annotations ?? {}).length > 0
      ? { annotations: obj.metadata.annotations! }
      : {}),
  };
}
