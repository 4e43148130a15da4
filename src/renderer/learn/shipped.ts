/** The lessons that ship with Netwright: the files in examples/lessons, bundled as text and read like a teacher's. */
import { parseLesson, type Lesson } from '../../core/lessons';

const files = import.meta.glob<string>('../../../examples/lessons/*.nwlesson', { query: '?raw', import: 'default', eager: true });

/** In file-name order (01-…, 02-…). A shipped lesson that does not parse is a build mistake: it is left out and logged. */
export const SHIPPED_LESSONS: readonly Lesson[] = Object.keys(files).sort().flatMap((path) => {
  const r = parseLesson(files[path]!);
  if (r.ok) return [r.lesson];
  console.warn(`${path}: ${r.message}`);
  return [];
});
