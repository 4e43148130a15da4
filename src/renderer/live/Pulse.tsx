/**
 * The gradient pulse of one edge: a short dash running along the edge's own path from its target back to its
 * source, brightness by the size of the edge's gradient. Pure CSS animation (stroke-dashoffset on a path with
 * pathLength 100): React renders it once per change of level, never per frame.
 */
import { memo } from 'react';
import { PULSE_LEVELS } from './colors';
import { usePulseLevel } from './hooks';

export const EdgePulse = memo(function EdgePulse({ edgeId, path }: { edgeId: string; path: string }) {
  const level = usePulseLevel(edgeId);
  if (level === 0) return null;
  const t = level / PULSE_LEVELS;
  return (
    <path
      d={path}
      className="nw-pulse"
      pathLength={100}
      data-level={level}
      data-testid="gradient-pulse"
      style={{ opacity: 0.2 + 0.8 * t, strokeWidth: 2 + 2.5 * t }}
    />
  );
});
