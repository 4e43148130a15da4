/**
 * Explain mode on the canvas: a note beside the node the current stage is about (z, a, ∂L/∂z), notes on its edges
 * (∂L/∂w, old → new), and a ring around it. Only what the stage is about carries notes (every node already shows its
 * value, and neighbouring notes would cover each other); the panel lists every number. Each mark selects only its own
 * string, so stepping re-renders only what changes.
 */
import { memo, useEffect, useRef } from 'react';
import { selectStage, useExplain } from './explainStore';

export const ExplainNodeNote = memo(function ExplainNodeNote({ nodeId }: { nodeId: string }) {
  const focused = useExplain((s) => selectStage(s)?.focusNodes.includes(nodeId) ?? false);
  const text = useExplain((s) => {
    const stage = selectStage(s);
    return stage && stage.focusNodes.includes(nodeId) ? stage.nodeNotes[nodeId]?.join('\n') ?? '' : '';
  });
  const ref = useRef<HTMLDivElement>(null);
  // The focused node above its neighbours, so its note is not covered by the next column.
  useEffect(() => {
    const wrapper = ref.current?.closest<HTMLElement>('.react-flow__node');
    if (!focused || !wrapper) return;
    const before = wrapper.style.zIndex;
    wrapper.style.zIndex = '1000';
    return () => {
      wrapper.style.zIndex = before;
    };
  }, [focused]);
  if (!focused) return null;
  return (
    <>
      <div className="nw-explain-ring" aria-hidden ref={ref} />
      {text !== '' && (
        <div className="nw-explain-note focused" data-testid="explain-node-note" data-node-id={nodeId}>
          {text.split('\n').map((line, i) => <div key={i}>{line}</div>)}
        </div>
      )}
    </>
  );
});

/**
 * An edge's explain note and whether the stage is about it. Notes show on the edges of the current stage only (the
 * edges of a layer converge, and earlier notes would cover them).
 */
export function useExplainEdge(edgeId: string): { note: string; focused: boolean } {
  const focused = useExplain((s) => selectStage(s)?.focusEdges.includes(edgeId) ?? false);
  const note = useExplain((s) => {
    const stage = selectStage(s);
    return stage && stage.focusEdges.includes(edgeId) ? stage.edgeNotes[edgeId] ?? '' : '';
  });
  return { note, focused };
}
