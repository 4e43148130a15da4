/**
 * Explain mode on the canvas: notes under nodes (z, a, ∂L/∂z), notes on edges (∂L/∂w, old → new), and a ring on what
 * the current stage is about. Each mark selects only its own string, so stepping re-renders only what changes.
 */
import { memo } from 'react';
import { selectStage, useExplain } from './explainStore';

export const ExplainNodeNote = memo(function ExplainNodeNote({ nodeId }: { nodeId: string }) {
  const text = useExplain((s) => selectStage(s)?.nodeNotes[nodeId]?.join('\n') ?? '');
  const focused = useExplain((s) => selectStage(s)?.focusNodes.includes(nodeId) ?? false);
  if (text === '' && !focused) return null;
  return (
    <>
      {focused && <div className="nw-explain-ring" aria-hidden />}
      {text !== '' && (
        <div className={`nw-explain-note${focused ? ' focused' : ''}`} data-testid="explain-node-note" data-node-id={nodeId}>
          {text.split('\n').map((line, i) => <div key={i}>{line}</div>)}
        </div>
      )}
    </>
  );
});

/**
 * An edge's explain note and whether the stage is about it. Notes show on the edges of the current stage only (the
 * edges of a layer converge, and earlier notes would cover them); the panel lists every number.
 */
export function useExplainEdge(edgeId: string): { note: string; focused: boolean } {
  const focused = useExplain((s) => selectStage(s)?.focusEdges.includes(edgeId) ?? false);
  const note = useExplain((s) => {
    const stage = selectStage(s);
    return stage && stage.focusEdges.includes(edgeId) ? stage.edgeNotes[edgeId] ?? '' : '';
  });
  return { note, focused };
}
