/** On an empty document: the templates, one click each, or an empty canvas. */
import { FilePlus } from 'lucide-react';
import { TEMPLATES } from '../../core/templates';
import { useEditor, useDoc, useView } from './context';
import { StartLessons } from '../learn/LearnMenu';

export function StartScreen() {
  const { actions } = useEditor();
  const empty = useDoc((s) => s.doc.nodes.length === 0);
  const dismissed = useView((s) => s.startDismissed);
  if (!empty || dismissed) return null;
  return (
    <section className="start-screen" aria-label="Start">
      <div className="start-card">
        <h2 className="start-title">Start a network</h2>
        <p className="start-lead">Open a ready-made network, or build your own from the palette.</p>
        <ul className="start-templates">
          {TEMPLATES.map((t) => (
            <li key={t.id}>
              <button type="button" className="start-template" onClick={() => actions.loadTemplate(t.id)} data-template={t.id}>
                <span className="start-template-title">{t.title}</span>
                <span className="start-template-text">{t.description}</span>
              </button>
            </li>
          ))}
        </ul>
        <StartLessons />
        <button type="button" className="start-empty" onClick={actions.dismissStart}>
          <FilePlus size={16} aria-hidden /> Empty canvas
        </button>
      </div>
    </section>
  );
}
