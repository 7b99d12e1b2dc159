export * from './problems';
export * from './names';
export * from './cron';
export * from './quantities';
export * from './storage-names';
export * from './crd-check';
export * from './helm-expressions';
