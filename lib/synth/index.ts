export * from './dependencies';
export * from './prepare';
export * from './synthesize';
export * from './render-cache';
