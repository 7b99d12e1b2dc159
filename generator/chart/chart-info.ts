/** The chart's identity: name, version, and the upstream operator version it installs. */
import { OPERATOR_IMAGE } from '../../src/install/stash-operator';

export const CHART_NAME = 'stash-pxc';
export const CHART_VERSION = '0.1.0';
/** The Stash Enterprise operator version: the default operator image tag. */
export const APP_VERSION = OPERATOR_IMAGE.tag;
