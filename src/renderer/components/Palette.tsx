import { memo } from 'react';
import type { NodeType } from '../../core/document';
import { PALETTE_GROUPS, PALETTE_ITEMS, writePaletteDrag } from '../palette/items';
import './Palette.css';

/**
 * The node palette. Each item is draggable and carries its node type (see palette/items.ts); the canvas decides
 * whether it accepts the drop.
 */
export const Palette = memo(function Palette({ dropReady, onAdd }: { dropReady: boolean; onAdd?: (type: NodeType) => void }) {
  return (
    <aside className="panel palette" aria-label="Node palette">
      <h2 className="panel-title">Nodes</h2>
      <div className="palette-groups">
        {PALETTE_GROUPS.map((group) => (
          <section key={group} className="palette-group" aria-label={group}>
            <h3 className="palette-group-title">{group}</h3>
            <ul className="palette-list">
              {PALETTE_ITEMS.filter((item) => item.group === group).map(({ type, label, hint, icon: Icon }) => (
                <li
                  key={type}
                  className="palette-item"
                  draggable
                  data-node-type={type}
                  title={hint}
                  onDragStart={(event) => writePaletteDrag(event.dataTransfer, type)}
                  // A button too: click, Enter or Space adds the node at the centre of the view.
                  role={onAdd ? 'button' : undefined}
                  tabIndex={onAdd ? 0 : undefined}
                  aria-label={onAdd ? `Add ${label}` : undefined}
                  onClick={onAdd ? () => onAdd(type) : undefined}
                  onKeyDown={
                    onAdd
                      ? (event) => {
                          if (event.key !== 'Enter' && event.key !== ' ') return;
                          event.preventDefault();
                          onAdd(type);
                        }
                      : undefined
                  }
                >
                  <Icon className="palette-icon" size={16} strokeWidth={1.9} aria-hidden />
                  <span className="palette-label">{label}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="palette-footnote">{dropReady ? 'Drag a node onto the canvas.' : 'Placing nodes on the canvas — coming soon.'}</p>
    </aside>
  );
});
