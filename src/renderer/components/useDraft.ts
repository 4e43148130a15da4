import { useState, type ChangeEvent, type KeyboardEvent } from 'react';

/**
 * A text field edited as a draft: typing changes only the draft; Enter or leaving the field commits it; Escape
 * drops it. `commit` returns null when the value is taken, or the reason it is refused — a refused draft stays,
 * marked invalid, so the user can fix it.
 */
export function useDraft(value: string, commit: (text: string) => string | null) {
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const done = () => {
    if (text === null) return;
    const why = commit(text);
    setProblem(why);
    if (why === null) setText(null);
  };
  return {
    /** Why the last commit was refused, or null. */
    problem,
    inputProps: {
      value: text ?? value,
      'aria-invalid': problem !== null,
      onChange: (e: ChangeEvent<HTMLInputElement>) => setText(e.target.value),
      onBlur: done,
      onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') done();
        if (e.key === 'Escape') {
          setText(null);
          setProblem(null);
        }
      },
    },
  };
}
