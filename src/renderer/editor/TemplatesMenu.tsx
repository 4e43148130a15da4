/**
 * The Templates menu under the toolbar button: each template replaces the document (not an undoable edit).
 * The toolbar scrolls sideways and clips what leaves it, so the menu is drawn in a layer of its own (a portal on the
 * body, fixed under the button): it is seen whole, on top, and focusing it never scrolls the toolbar.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { TEMPLATES } from '../../core/templates';
import { useEditor, useView } from './context';

export function TemplatesMenu() {
  const open = useView((s) => s.templatesOpen);
  const { actions, view } = useEditor();
  const anchor = useRef<HTMLSpanElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);

  // Under the Templates button (the element just before this anchor), kept there when the window changes size.
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const button = anchor.current?.previousElementSibling;
      if (!button) return;
      const r = button.getBoundingClientRect();
      const width = 340;
      setAt({ left: Math.max(8, Math.min(r.left, window.innerWidth - width - 8)), top: r.bottom + 8 });
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [open]);

  // A click anywhere else closes the menu (the Templates button toggles it itself).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const button = anchor.current?.previousElementSibling;
      const target = event.target;
      if (target instanceof Node && (menu.current?.contains(target) || button?.contains(target))) return;
      view.setState({ templatesOpen: false });
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') view.setState({ templatesOpen: false });
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, view]);

  return (
    <span ref={anchor} className="templates-anchor">
      {open &&
        createPortal(
          <div
            className="templates-menu"
            role="menu"
            aria-label="Templates"
            ref={menu}
            style={at ? { left: at.left, top: at.top } : { visibility: 'hidden' }}
          >
            {TEMPLATES.map((t) => (
              <button key={t.id} type="button" role="menuitem" className="templates-item" onClick={() => actions.loadTemplate(t.id)}>
                <span className="templates-item-title">{t.title}</span>
                <span className="templates-item-text">{t.description}</span>
              </button>
            ))}
            <p className="templates-note">Opening a template replaces the current network.</p>
          </div>,
          document.body,
        )}
    </span>
  );
}
