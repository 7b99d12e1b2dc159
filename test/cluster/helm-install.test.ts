/**
 * `helm install`, a refused second release, `helm upgrade` with changed values and `helm
 * uninstall` of the generated chart on a real kube-apiserver, with Helm 3 (client-side apply).
 * The suite is in support/helm-install-suite.ts; helm4-install.test.ts runs it with Helm 4.
 */
import { describeHelmInstall } from './support/helm-install-suite';

describeHelmInstall(3);
