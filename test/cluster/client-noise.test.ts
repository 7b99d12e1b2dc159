/**
 * `withoutClientNoise` drops only client-side log lines that say nothing about the server's answer
 * (no cluster needed: the filter every stderr assertion of this folder goes through).
 */
import { serverWarnings, withoutClientNoise } from './support/objects';

const DISCOVERY = 'E1130 04:00:00.000000   123 memcache.go:265] "Unhandled Error" err="couldn\'t get resource list for admission.stash.appscode.com/v1alpha1: the server is currently unable to handle the request"';
const THROTTLED = 'I1130 04:00:01.000000   123 request.go:752] "Waited before sending request" delay="1.2s" reason="client-side throttling, not priority and fairness" verb="GET" URL="https://127.0.0.1:6443/api"';
const THROTTLED_OLD = 'I1130 04:00:01.000000   123 request.go:697] Waited for 1.04s due to client-side throttling, not priority and fairness, request: GET:https://127.0.0.1:6443/api';
const OWN_WATCH = 'I1130 04:00:02.000000   123 reflector.go:571] "Warning: watch ended with error" reflector="k8s.io/client-go/tools/watch/informerwatcher.go:162" type="*unstructured.Unstructured" err="context canceled"';

describe('withoutClientNoise', () => {
  test('drops discovery of the operator\'s unavailable APIServices, throttling waits and a watch the client cancelled', () => {
    expect(withoutClientNoise([DISCOVERY, THROTTLED, THROTTLED_OLD, OWN_WATCH].join('\n')).trim()).toBe('');
  });

  test('keeps errors, server warnings, other groups\' discovery errors and watches that ended for another reason', () => {
    const kept = [
      'Error: INSTALLATION FAILED: rendered manifests contain a resource that already exists',
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
      'E1130 04:00:00.000000   123 memcache.go:265] couldn\'t get resource list for metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
      'I1130 04:00:02.000000   123 reflector.go:571] "Warning: watch ended with error" reflector="x" type="*v1.Pod" err="an error on the server (\\"connection refused\\")"',
    ];
    expect(withoutClientNoise([THROTTLED, ...kept, OWN_WATCH].join('\n')).split('\n')).toEqual(kept);
    expect(serverWarnings([OWN_WATCH, ...kept].join('\n'))).toEqual([kept[1]]);
  });
});
