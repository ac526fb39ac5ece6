export * from './errors';
export * from './labels';
export * from './names';
export * from './quantity';
export * from './workload';
export * from './bucket';
export * from './network-flow';
export * from './gpu';
