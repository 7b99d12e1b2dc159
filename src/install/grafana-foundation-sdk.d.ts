// The SDK publishes its CommonJS modules only as `exports` subpaths, which this project's
// `moduleResolution` (node10, from `module: commonjs`) does not read; Node resolves them at run
// time. These declarations point the type checker at the same files.
declare module '@grafana/grafana-foundation-sdk/cog' { export * from '@grafana/grafana-foundation-sdk/dist/cog/index'; }
declare module '@grafana/grafana-foundation-sdk/common' { export * from '@grafana/grafana-foundation-sdk/dist/common/index'; }
declare module '@grafana/grafana-foundation-sdk/dashboard' { export * from '@grafana/grafana-foundation-sdk/dist/dashboard/index'; }
declare module '@grafana/grafana-foundation-sdk/prometheus' { export * from '@grafana/grafana-foundation-sdk/dist/prometheus/index'; }
declare module '@grafana/grafana-foundation-sdk/timeseries' { export * from '@grafana/grafana-foundation-sdk/dist/timeseries/index'; }
declare module '@grafana/grafana-foundation-sdk/stat' { export * from '@grafana/grafana-foundation-sdk/dist/stat/index'; }
declare module '@grafana/grafana-foundation-sdk/table' { export * from '@grafana/grafana-foundation-sdk/dist/table/index'; }
