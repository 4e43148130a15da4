import { memo } from 'react';
import { MousePointerClick } from 'lucide-react';
import './Inspector.css';

/** The right-hand panel. With nothing selected it says so; the editor renders a node's or edge's fields here. */
export const Inspector = memo(function Inspector() {
  return (
    <aside className="panel inspector" aria-label="Inspector">
      <h2 className="panel-title">Inspector</h2>
      <div className="inspector-empty">
        <MousePointerClick className="inspector-empty-icon" size={28} strokeWidth={1.6} aria-hidden />
        <p className="inspector-empty-title">Nothing selected</p>
        <p className="inspector-empty-hint">Select a node or an edge on the canvas to see and edit its settings, weights and gradients.</p>
      </div>
    </aside>
  );
});
