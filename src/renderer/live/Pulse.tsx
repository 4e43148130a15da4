/**
 * The gradient pulse of one edge: registers the edge's curve and brightness with the pulse layer (pulseLayer.tsx),
 * which animates all pulses on one canvas. Renders nothing itself; re-renders only when its level or path changes.
 */
import { memo, useEffect } from 'react';
import { usePulseLevel } from './hooks';
import { setPulse } from './pulseLayer';

export const EdgePulse = memo(function EdgePulse({ edgeId, path }: { edgeId: string; path: string }) {
  const level = usePulseLevel(edgeId);
  useEffect(() => {
    setPulse(edgeId, path, level);
  }, [edgeId, path, level]);
  useEffect(() => () => setPulse(edgeId, '', 0), [edgeId]);
  return null;
});
