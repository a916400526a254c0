export * from './policy.js';
export * from './diagnostic.js';
export * from './finding.js';
export * from './desired.js';
export * from './actual.js';
export * from './plan.js';
