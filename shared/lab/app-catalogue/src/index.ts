export * from './apps';
export * from './differences';
