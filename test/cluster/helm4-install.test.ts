/**
 * The helm install/upgrade/uninstall suite (support/helm-install-suite.ts) with Helm 4, which
 * applies server-side and reports conflicts in its own words: the chart supports both.
 */
import { describeHelmInstall } from './support/helm-install-suite';

describeHelmInstall(4);
