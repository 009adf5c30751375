export * from './is-money.decorator.js';
export * from './money.js';
export * from './money.transformer.js';
export * from './rate.js';
