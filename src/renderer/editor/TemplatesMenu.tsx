/** The Templates menu under the toolbar button: each template replaces the document (not an undoable edit). */
import { useEffect, useRef } from 'react';
import { TEMPLATES } from '../../core/templates';
import { useEditor, useView } from './context';

export function TemplatesMenu() {
  const open = useView((s) => s.templatesOpen);
  const { actions, view } = useEditor();
  const menu = useRef<HTMLDivElement>(null);

  // A click anywhere else closes the menu (the Templates button toggles it itself).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const anchor = menu.current?.parentElement;
      if (anchor && event.target instanceof Node && anchor.contains(event.target)) return;
      view.setState({ templatesOpen: false });
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, view]);

  if (!open) return null;
  return (
    <div className="templates-menu" role="menu" aria-label="Templates" ref={menu}>
      {TEMPLATES.map((t) => (
        <button key={t.id} type="button" role="menuitem" className="templates-item" onClick={() => actions.loadTemplate(t.id)}>
          <span className="templates-item-title">{t.title}</span>
          <span className="templates-item-text">{t.description}</span>
        </button>
      ))}
      <p className="templates-note">Opening a template replaces the current network.</p>
    </div>
  );
}
