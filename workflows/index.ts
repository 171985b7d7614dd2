export * from './note-approval';
