/** The Templates menu under the toolbar button: each template replaces the document (not an undoable edit). */
import { TEMPLATES } from '../../core/templates';
import { useEditor, useView } from './context';

export function TemplatesMenu() {
  const open = useView((s) => s.templatesOpen);
  const { actions } = useEditor();
  if (!open) return null;
  return (
    <div className="templates-menu" role="menu" aria-label="Templates">
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
