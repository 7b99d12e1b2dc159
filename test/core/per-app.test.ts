/**
 * `perApp`: an app-wide fact computed once per set of objects, the one cache behind the duplicate
 * and by-name indexes, the restores' AppBindings and the Namespaces' Pod Security levels.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { declaredNames, perApp, registerObject } from '../../src/core/validation/app-checks';

let computed = 0;
/** A module-level compute function (one cache per function): the paths of the app's constructs. */
function paths(root: IConstruct): string[] {
  computed++;
  return root.node.findAll().map((c) => c.node.path);
}

function declare(chart: Chart, id: string, kind = 'AppBinding'): Construct {
  const c = new Construct(chart, id);
  registerObject(c, () => ({ kind, name: id, namespace: 'shop' }));
  return c;
}

test('computed once for any number of askers, again only after an object is registered', () => {
  const chart = new Chart(Testing.app(), 'test');
  declare(chart, 'orders');
  computed = 0;
  const first = perApp(chart, paths);
  for (let i = 0; i < 100; i++) expect(perApp(chart.node.findChild('orders'), paths)).toBe(first);
  expect(computed).toBe(1);
  declare(chart, 'billing');
  expect(perApp(chart, paths)).toContain('test/billing');
  expect(computed).toBe(2);
});

test('one cache per app: another app computes its own', () => {
  const a = new Chart(Testing.app(), 'a');
  const b = new Chart(Testing.app(), 'b');
  declare(a, 'orders');
  declare(b, 'billing');
  expect(perApp(a, paths)).toContain('a/orders');
  expect(perApp(b, paths)).toContain('b/billing');
  expect(perApp(b, paths)).not.toContain('a/orders');
});

test('the by-name index follows objects added after a first question', () => {
  const chart = new Chart(Testing.app(), 'test');
  declare(chart, 'orders');
  expect(declaredNames(chart, 'AppBinding', 'shop')).toEqual(['orders']);
  declare(chart, 'billing');
  declare(chart, 'orders-repo', 'Repository');
  expect(declaredNames(chart, 'AppBinding', 'shop')).toEqual(['orders', 'billing']);
  expect(declaredNames(chart, 'Repository', 'shop')).toEqual(['orders-repo']);
  expect(declaredNames(chart, 'Repository', 'other')).toBeUndefined();
});
