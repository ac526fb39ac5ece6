export * from './tenant';
export * from './stack-profile';
export * from './sovereign-inference-stack';
