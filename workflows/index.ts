export * from './note-approval';
export * from './note-conditions';
export * from './consent-request';
