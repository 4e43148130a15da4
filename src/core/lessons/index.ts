/** Lessons: the file format (schema.ts), reading it with located errors (parse.ts) and evaluating checks (check.ts). */
export * from './schema';
export * from './parse';
export * from './check';
