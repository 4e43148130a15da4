/**
 * The add-node search box: type part of a name ("den"), Enter places the first match at the pointer. And the
 * connect-to box (C), its sibling.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_TYPES } from '../../core/nodes';
import { PALETTE_ITEMS } from '../palette/items';
import { connectCandidates } from './connectTo';
import { useDoc, useEditor, useView } from './context';
import { searchNodeTypes } from './registry';

/** The keyboard of both boxes: arrows move through the `count` matches (wrapping), Enter picks, Escape closes. */
function pickerKeys({ count, current, setActive, pick, close }: {
  count: number; current: number; setActive: (index: number) => void; pick: (index: number) => void; close: () => void;
}): (event: KeyboardEvent<HTMLInputElement>) => void {
  return (event) => {
    const keys: Record<string, () => void> = {
      Enter: () => pick(current),
      Escape: close,
      ArrowDown: () => setActive((current + 1) % Math.max(1, count)),
      ArrowUp: () => setActive((current - 1 + count) % Math.max(1, count)),
    };
    const act = keys[event.key];
    if (!act) return;
    event.preventDefault();
    act();
  };
}

/** The text field of both boxes: a combobox over the list `listId`. */
function PickerInput({ label, placeholder, listId, query, onQuery, onKeyDown }: {
  label: string; placeholder: string; listId: string; query: string; onQuery: (query: string) => void; onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
}) {
  return (
    <input
      className="search-input nodrag nokey"
      autoFocus
      placeholder={placeholder}
      aria-label={label}
      value={query}
      onChange={(e) => onQuery(e.target.value)}
      onKeyDown={onKeyDown}
      role="combobox"
      aria-expanded
      aria-controls={listId}
    />
  );
}

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

  const onKeyDown = pickerKeys({ count: matches.length, current, setActive, pick, close: actions.closeSearch });

  return (
    <div className="search-backdrop" onPointerDown={(e) => { if (e.target === e.currentTarget) view.setState({ searchOpen: false }); }}>
      <div className="search-box" role="dialog" aria-label="Add a node">
        <PickerInput label="Node name" placeholder="Add a node: type its name…" listId="search-results" query={query} onQuery={(q) => { setQuery(q); setActive(0); }} onKeyDown={onKeyDown} />
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

/**
 * The "connect to…" type-ahead (C): the selected node's name, then the target's name typed; Enter connects (one undo
 * step). Targets the core would refuse are listed last, dimmed, with the reason; picking one shows that reason.
 */
export function ConnectBox() {
  const { actions, view } = useEditor();
  const source = useView((s) => (s.selectedNodes.size === 1 ? [...s.selectedNodes][0]! : null));
  const doc = useDoc((s) => s.doc);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => (source ? connectCandidates(doc, source, query) : []), [doc, source, query]);
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const from = source ? doc.nodes.find((n) => n.id === source) : undefined;
  if (!source || !from) return null;

  const pick = (index: number) => {
    const target = matches[index];
    if (!target) return;
    actions.closeConnect();
    actions.connectTo(source, target.id);
    document.querySelector<HTMLElement>('main.canvas')?.focus({ preventScroll: true });
  };

  const close = () => {
    actions.closeConnect();
    document.querySelector<HTMLElement>('main.canvas')?.focus({ preventScroll: true });
  };
  const onKeyDown = pickerKeys({ count: matches.length, current, setActive, pick, close });

  const fromName = from.name.trim() !== '' ? from.name : from.id;
  return (
    <div className="search-backdrop" onPointerDown={(e) => { if (e.target === e.currentTarget) view.setState({ connectOpen: false }); }}>
      <div className="search-box" role="dialog" aria-label="Connect to a node">
        <div className="connect-from">Connect <strong>{fromName}</strong> to…</div>
        <PickerInput label="Target node name" placeholder="Type the target node’s name…" listId="connect-results" query={query} onQuery={(q) => { setQuery(q); setActive(0); }} onKeyDown={onKeyDown} />
        <ul className="search-results" id="connect-results" role="listbox">
          {matches.length === 0 && <li className="search-empty">No other node is called “{query}”.</li>}
          {matches.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === current}
              aria-disabled={!c.ok}
              className={`search-result connect-result${i === current ? ' active' : ''}${c.ok ? '' : ' refused'}`}
              onPointerEnter={() => setActive(i)}
              onClick={() => pick(i)}
            >
              <span className="search-label">{c.name}</span>
              {c.reason && <span className="search-hint">{c.reason}</span>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
