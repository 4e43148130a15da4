/**
 * The pace of Play: "watch" (about a step a frame, as in TensorFlow Playground: the boundary is seen to move),
 * "fast" (about a thousand steps a second), "max" (as fast as the trainer goes). The templates meant for learning
 * open at "watch".
 */
import type { NetworkDocument } from '../../core/document';
import { TEMPLATES } from '../../core/templates';

export type Pace = 'watch' | 'fast' | 'max';

export const PACES: readonly Pace[] = ['watch', 'fast', 'max'];

/** Steps a second at each pace (null: no limit). */
export const PACE_STEPS_PER_SECOND: Readonly<Record<Pace, number | null>> = { watch: 60, fast: 1_000, max: null };

export const PACE_LABELS: Readonly<Record<Pace, string>> = { watch: 'watch', fast: 'fast', max: 'max' };

/** The templates a learner opens to watch a network learn. */
const LEARNING_TEMPLATES: ReadonlySet<string> = new Set(['worked-example', 'xor']);

/** The pace a freshly opened document starts at: "watch" for a learning template, else "max". */
export function paceFor(doc: NetworkDocument): Pace {
  const template = TEMPLATES.find((t) => LEARNING_TEMPLATES.has(t.id) && t.build().name === doc.name);
  return template ? 'watch' : 'max';
}
