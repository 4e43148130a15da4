/**
 * The Learn menu (toolbar): the lessons that ship, and "Open lesson file…" for a teacher's. Drawn in a portal under
 * its button, like the Templates menu. Also the start screen's list of lessons, and the notice for a bad lesson file.
 */
import { useRef } from 'react';
import { Binary, BookOpen, ChartLine, FolderOpen, Gauge, X } from 'lucide-react';
import { PopupMenu } from '../components/PopupMenu';
import { openCalibration } from './calibrationStore';
import { runsStore } from './runs';
import { useEditor } from '../editor/context';
import type { EditorStores } from '../editor/store';
import { SHIPPED_LESSONS } from './shipped';
import { lessonStore, openLessonFile, startLesson, useLesson } from './store';
import './learn.css';

/** A hidden file input; `open()` asks for a lesson file and opens it. */
function useLessonFilePicker(editor: EditorStores) {
  const input = useRef<HTMLInputElement>(null);
  const element = (
    <input
      ref={input}
      type="file"
      accept=".nwlesson,.json,application/json"
      aria-label="Lesson file"
      hidden
      onChange={(e) => {
        const file = e.currentTarget.files?.[0];
        e.currentTarget.value = '';
        if (!file) return;
        void file.arrayBuffer().then((buf) => openLessonFile(editor, file.name, new Uint8Array(buf)));
      }}
    />
  );
  return { element, open: () => input.current?.click() };
}

export function LearnMenu() {
  const editor = useEditor();
  const open = useLesson((s) => s.menuOpen);
  const button = useRef<HTMLButtonElement>(null);
  const picker = useLessonFilePicker(editor);

  return (
    <span className="tool" title="Lessons">
      <button
        ref={button}
        type="button"
        className="tool-button learn-button"
        aria-label="Learn"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => lessonStore.setState((s) => ({ menuOpen: !s.menuOpen }))}
      >
        <BookOpen size={17} strokeWidth={1.9} aria-hidden />
      </button>
      {picker.element}
      <PopupMenu open={open} onClose={() => lessonStore.setState({ menuOpen: false })} anchor={() => button.current} label="Learn" className="learn-menu" width={320}>
        {SHIPPED_LESSONS.map((lesson) => (
          <button key={lesson.id} type="button" role="menuitem" className="learn-menu-item" onClick={() => startLesson(editor, lesson)}>
            <span className="learn-menu-title">{lesson.title}</span>
            {lesson.summary && <span className="learn-menu-text">{lesson.summary.replace(/\$/g, '')}</span>}
          </button>
        ))}
        <button type="button" role="menuitem" className="learn-menu-item learn-menu-open" onClick={() => { lessonStore.setState({ menuOpen: false }); picker.open(); }}>
          <FolderOpen size={15} aria-hidden /> Open lesson file…
        </button>
        <button type="button" role="menuitem" className="learn-menu-item learn-menu-open" onClick={() => { lessonStore.setState({ menuOpen: false }); openCalibration(); }}>
          <Gauge size={15} aria-hidden /> Calibration: confident vs correct…
        </button>
        <button type="button" role="menuitem" className="learn-menu-item learn-menu-open" onClick={() => lessonStore.setState({ menuOpen: false, quantizeOpen: true })}>
          <Binary size={15} aria-hidden /> Quantize the trained network…
        </button>
        <button type="button" role="menuitem" className="learn-menu-item learn-menu-open" onClick={() => { lessonStore.setState({ menuOpen: false }); runsStore.setState({ open: true }); }}>
          <ChartLine size={15} aria-hidden /> Compare runs…
        </button>
      </PopupMenu>
    </span>
  );
}

/** The start screen's lessons: one click starts one. */
export function StartLessons() {
  const editor = useEditor();
  const picker = useLessonFilePicker(editor);
  return (
    <div className="start-lessons" role="group" aria-label="Lessons">
      <h3 className="start-lessons-title">Learn step by step</h3>
      <ul>
        {SHIPPED_LESSONS.map((lesson) => (
          <li key={lesson.id}>
            <button type="button" className="start-lesson" onClick={() => startLesson(editor, lesson)} data-lesson={lesson.id}>
              {lesson.title}
            </button>
          </li>
        ))}
        <li>
          <button type="button" className="start-lesson" onClick={picker.open}>Open lesson file…</button>
        </li>
      </ul>
      {picker.element}
    </div>
  );
}

/** Why a lesson file could not be opened, until dismissed. */
export function LessonFileProblem() {
  const error = useLesson((s) => s.error);
  if (!error) return null;
  return (
    <div className="lesson-error" role="alert" aria-label="Lesson file problem">
      <span>{error}</span>
      <button type="button" className="lesson-icon" onClick={() => lessonStore.setState({ error: null })} aria-label="Dismiss">
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}
