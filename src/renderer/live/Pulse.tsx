/**
 * The gradient pulse of one edge: registers the edge's curve with the pulse layer (pulseLayer.tsx), which sets the
 * brightness from the snapshots and animates all pulses on one canvas. Renders nothing; re-renders only when its
 * path changes (a node moved).
 */
import { memo, useEffect } from 'react';
import { setPulsePath } from './pulseLayer';

export const EdgePulse = memo(function EdgePulse({ edgeId, path }: { edgeId: string; path: string }) {
  useEffect(() => {
    setPulsePath(edgeId, path);
  }, [edgeId, path]);
  useEffect(() => () => setPulsePath(edgeId, ''), [edgeId]);
  return null;
});
