export * from './scenario';
export * from './backend';
