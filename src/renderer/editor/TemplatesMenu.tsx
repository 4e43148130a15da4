/**
 * The Templates menu under the toolbar button: each template replaces the document (not an undoable edit).
 * The toolbar scrolls sideways and clips what leaves it, so the menu is drawn in a layer of its own (a portal on the
 * body, fixed under the button): it is seen whole, on top, and focusing it never scrolls the toolbar.
 */
import { useRef } from 'react';
import { TEMPLATES } from '../../core/templates';
import { PopupMenu } from '../components/PopupMenu';
import { useEditor, useView } from './context';

export function TemplatesMenu() {
  const open = useView((s) => s.templatesOpen);
  const { actions, view } = useEditor();
  const anchor = useRef<HTMLSpanElement>(null);

  // Under the Templates button: the element just before this anchor.
  return (
    <span ref={anchor} className="templates-anchor">
      <PopupMenu open={open} onClose={() => view.setState({ templatesOpen: false })} anchor={() => anchor.current?.previousElementSibling} label="Templates" className="templates-menu" width={340}>
        {TEMPLATES.map((t) => (
          <button key={t.id} type="button" role="menuitem" className="templates-item" onClick={() => actions.loadTemplate(t.id)}>
            <span className="templates-item-title">{t.title}</span>
            <span className="templates-item-text">{t.description}</span>
          </button>
        ))}
        <p className="templates-note">Opening a template replaces the current network.</p>
      </PopupMenu>
    </span>
  );
}
