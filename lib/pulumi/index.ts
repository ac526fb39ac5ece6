export * from './deployment-plan';
export * from './kubernetes-object';
export * from './manifest-deployment';
export * from './chart-deployment';
export * from './app-deployment';
