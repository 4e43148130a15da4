/** The add-node search box: type part of a name ("den"), Enter places the first match at the pointer. */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_TYPES } from '../../core/nodes';
import { PALETTE_ITEMS } from '../palette/items';
import { useEditor, useView } from './context';
import { searchNodeTypes } from './registry';

export function SearchBox() {
  const { actions, view } = useEditor();
  const cursor = useView((s) => s.cursor);
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => searchNodeTypes(query), [query]);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const where = () => {
    if (cursor) return cursor;
    const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
    return pane ? flow.screenToFlowPosition({ x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 }) : { x: 0, y: 0 };
  };

  const pick = (index: number) => {
    const type = matches[index];
    if (!type) return;
    actions.closeSearch();
    actions.place(type, where());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      pick(current);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      actions.closeSearch();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current + 1) % Math.max(1, matches.length));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current - 1 + matches.length) % Math.max(1, matches.length));
    }
  };

  return (
    <div className="search-backdrop" onPointerDown={(e) => { if (e.target === e.currentTarget) view.setState({ searchOpen: false }); }}>
      <div className="search-box" role="dialog" aria-label="Add a node">
        <input
          className="search-input nodrag nokey"
          autoFocus
          placeholder="Add a node: type its name…"
          aria-label="Node name"
          value={query}
          onChange={(e) => { setQuery(e.target.value); setActive(0); }}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded
          aria-controls="search-results"
        />
        <ul className="search-results" id="search-results" role="listbox">
          {matches.length === 0 && <li className="search-empty">No node type matches “{query}”.</li>}
          {matches.map((type, i) => {
            const Icon = PALETTE_ITEMS.find((item) => item.type === type)?.icon;
            return (
              <li
                key={type}
                role="option"
                aria-selected={i === current}
                className={`search-result${i === current ? ' active' : ''}`}
                onPointerEnter={() => setActive(i)}
                onClick={() => pick(i)}
              >
                {Icon && <Icon size={16} strokeWidth={1.9} aria-hidden />}
                <span className="search-label">{NODE_TYPES[type].label}</span>
                <span className="search-hint">{NODE_TYPES[type].description}</span>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
